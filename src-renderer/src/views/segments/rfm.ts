import { useI18n } from 'vue-i18n';

/** The core names segments in English; these are the ones the interface translates. */
const SEGMENT_KEYS: Record<string, string> = {
  Champions: 'champions',
  Loyal: 'loyal',
  'Potential loyalists': 'potentialLoyalists',
  'New customers': 'newCustomers',
  Promising: 'promising',
  'Need attention': 'needAttention',
  'About to sleep': 'aboutToSleep',
  'At risk': 'atRisk',
  "Can't lose them": 'cantLose',
  Hibernating: 'hibernating',
  Lost: 'lost',
  Other: 'other',
};

/** One colour per segment, from the best customers (green, blue) to those gone (greys). */
const SEGMENT_COLOURS: Record<string, string> = {
  Champions: '#2f9e44',
  Loyal: '#40c057',
  'Potential loyalists': '#1c7ed6',
  'New customers': '#4dabf7',
  Promising: '#15aabf',
  'Need attention': '#fab005',
  'About to sleep': '#fd7e14',
  'At risk': '#f76707',
  "Can't lose them": '#e03131',
  Hibernating: '#868e96',
  Lost: '#495057',
};

export const segmentColour = (segment: string): string => SEGMENT_COLOURS[segment] ?? '#7048e8';

const WARNING_CODES = new Set([
  'NO_VALID_ORDERS',
  'CUSTOMERS_WITHOUT_VALID_ORDERS',
  'FEWER_CUSTOMERS_THAN_LEVELS',
  'TIES_SPLIT_ACROSS_SCORES',
  'EMPTY_SCORES',
  'MOSTLY_SINGLE_ORDER',
]);

/** Segment names, warnings, money and shares in the interface language. */
export function useRfmText() {
  const { t, locale } = useI18n();

  const segmentName = (segment: string): string => {
    const key = SEGMENT_KEYS[segment];
    return key ? t(`segments.rfm.names.${key}`) : segment;
  };

  const warningTitle = (code: string): string =>
    WARNING_CODES.has(code) ? t(`segments.rfm.warnings.${code}`) : t('segments.rfm.warnings.other');

  // The project does not say which currency its orders are in, so money is a plain number with cents.
  const money = (value: number): string =>
    new Intl.NumberFormat(locale.value, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);

  const share = (fraction: number): string =>
    new Intl.NumberFormat(locale.value, {
      style: 'percent',
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    }).format(fraction);

  return { segmentName, warningTitle, money, share };
}

export type BreakTexts = { recency: string; frequency: string; monetary: string };

/** Plausible cut points, shown as placeholders: days, orders and money grow roughly geometrically. */
export const BREAK_EXAMPLES: Record<3 | 5, BreakTexts> = {
  5: { recency: '30, 90, 180, 365', frequency: '1, 2, 4, 8', monetary: '100, 300, 1000, 3000' },
  3: { recency: '60, 180', frequency: '1, 3', monetary: '200, 1000' },
};

/** Cut points from the typed text, or null when they are not levels − 1 increasing numbers. */
export function parseBreaks(text: string, levels: 3 | 5): number[] | null {
  const cuts = text
    .split(/[,，;；\s]+/)
    .filter((part) => part !== '')
    .map(Number);
  if (cuts.length !== levels - 1 || cuts.some((cut) => !Number.isFinite(cut))) return null;
  return cuts.every((cut, i) => i === 0 || cut > (cuts[i - 1] ?? -Infinity)) ? cuts : null;
}
