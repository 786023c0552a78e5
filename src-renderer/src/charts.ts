import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  type GridComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { use, type ComposeOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the charts below use, so that the bundle carries a fraction of ECharts.
use([CanvasRenderer, BarChart, GridComponent, TooltipComponent]);

/** Charts draw at once for people who asked their system for less motion. */
export const chartAnimation = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

/** Import VChart from here, never from vue-echarts directly, so that the registration above has run. */
export { default as VChart } from 'vue-echarts';
