import type { ClusterFeature, ClusterProfile, ClusterSummary } from '@shared/clusters';
import { useI18n } from 'vue-i18n';
import { useRfmText } from '../rfm';

/** Tableau's ten, then their lighter partners: k goes up to 20, and the first ten stay far apart. */
const COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#a0cbe8',
  '#ffbe7d',
  '#8cd17d',
  '#86bcb6',
  '#ff9d9a',
  '#f1ce63',
  '#d4a6c8',
  '#fabfd2',
  '#d7b5a6',
  '#79706e',
];

export const clusterColour = (index: number): string => COLOURS[index % COLOURS.length] ?? '#7048e8';

const MONEY_FEATURES: ReadonlySet<ClusterFeature> = new Set(['monetary', 'averageOrderValue']);

/** Within this factor of the overall mean a cluster is "about average", so that noise is not coloured. */
const EVEN = 1.1;

type Direction = 'up' | 'down' | 'even';

const WARNING_CODES = new Set(['TINY_CLUSTER']);

/** Cluster and feature names, feature values and quality figures in the interface language. */
export function useClusterText() {
  const { t, locale } = useI18n();
  const { money, share } = useRfmText();

  const decimal = (value: number, digits: number, fixed = false): string =>
    new Intl.NumberFormat(locale.value, {
      minimumFractionDigits: fixed ? digits : 0,
      maximumFractionDigits: digits,
    }).format(value);

  const compact = (value: number): string =>
    new Intl.NumberFormat(locale.value, { notation: 'compact', maximumFractionDigits: 1 }).format(value);

  const featureName = (feature: ClusterFeature): string => t(`clusters.features.${feature}`);

  const suggestedName = (profile: ClusterProfile): string => t(`clusters.names.${profile.suggested}`);

  const name = (profile: ClusterProfile): string => profile.name ?? suggestedName(profile);

  /**
   * One label per cluster, by index. Suggestions often repeat ("Typical customers" twice), and a chart legend
   * merges series of the same name, so repeated names are numbered.
   */
  const labels = (summary: ClusterSummary): string[] => {
    const names = summary.clusters.map(name);
    const counted = new Map<string, number>();
    return names.map((each) => {
      if (names.indexOf(each) === names.lastIndexOf(each)) return each;
      const n = (counted.get(each) ?? 0) + 1;
      counted.set(each, n);
      return t('clusters.repeatedName', { name: each, n });
    });
  };

  /** Days, orders and products with one decimal (they are means); money as money. */
  const featureValue = (feature: ClusterFeature, value: number): string =>
    MONEY_FEATURES.has(feature) ? money(value) : decimal(value, 1);

  /** How a cluster's mean compares with everyone's, or null when everyone's is zero. */
  const ratio = (mean: number, overall: number): { text: string; direction: Direction } | null => {
    if (overall === 0) return null;
    const factor = mean / overall;
    const direction: Direction = factor >= EVEN ? 'up' : factor <= 1 / EVEN ? 'down' : 'even';
    // Two decimals below 0.1, so that a small mean does not read as zero.
    const digits = factor >= 10 ? 0 : factor >= 0.1 ? 1 : 2;
    return { text: decimal(factor, digits, true), direction };
  };

  const silhouette = (value: number): string => decimal(value, 2, true);

  const inertia = (value: number): string => decimal(value, 0);

  const warningTitle = (code: string): string =>
    WARNING_CODES.has(code) ? t(`clusters.warnings.${code}`) : t('clusters.warnings.other');

  return {
    featureName,
    suggestedName,
    labels,
    featureValue,
    ratio,
    silhouette,
    inertia,
    compact,
    share,
    warningTitle,
  };
}
