import {
  AnalyticsOutline,
  CloudUploadOutline,
  GridOutline,
  MegaphoneOutline,
  PeopleOutline,
  PieChartOutline,
  SparklesOutline,
} from '@vicons/ionicons5';
import type { Component } from 'vue';

/** The left navigation, in the order a user works: see what is there, bring data in, understand, predict, act. */
export const AREA_NAMES = [
  'overview',
  'import',
  'customers',
  'segments',
  'models',
  'recommendations',
  'campaigns',
] as const;

export type AreaName = (typeof AREA_NAMES)[number];

export const AREA_ICONS: Record<AreaName, Component> = {
  overview: GridOutline,
  import: CloudUploadOutline,
  customers: PeopleOutline,
  segments: PieChartOutline,
  models: AnalyticsOutline,
  recommendations: SparklesOutline,
  campaigns: MegaphoneOutline,
};
