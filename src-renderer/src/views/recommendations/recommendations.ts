import type {
  ProductRef,
  ReasonKind,
  RecommendMethodName,
  RecommendOptions,
  RecommendWarning,
} from '@shared/recommendations';
import { useI18n } from 'vue-i18n';

/** The options form; null stands for "no limit" where the core takes the option away. */
export interface RecommendForm {
  method: RecommendMethodName;
  k: number;
  popularityDays: number;
  excludeBought: boolean;
  soldWithinDays: number | null;
  maxPerCategory: number | null;
}

export const DEFAULT_FORM: RecommendForm = {
  method: 'hybrid',
  k: 10,
  popularityDays: 30,
  excludeBought: true,
  soldWithinDays: null,
  maxPerCategory: null,
};

/** The form as the job request's options (without kind and method, which differ per job). */
export function listOptions(form: RecommendForm): Omit<RecommendOptions, 'method'> {
  return {
    k: form.k,
    popularityDays: form.popularityDays,
    excludeBought: form.excludeBought,
    ...(form.soldWithinDays !== null && { soldWithinDays: form.soldWithinDays }),
    ...(form.maxPerCategory !== null && { maxPerCategory: form.maxPerCategory }),
  };
}

export function formOf(options: RecommendOptions): RecommendForm {
  return {
    method: options.method,
    k: options.k,
    popularityDays: options.popularityDays,
    excludeBought: options.excludeBought,
    soldWithinDays: options.soldWithinDays ?? null,
    maxPerCategory: options.maxPerCategory ?? null,
  };
}

/** Popularity first: the chart and the table read it as the baseline. */
export const METHOD_ORDER: readonly RecommendMethodName[] = ['popularity', 'item-knn', 'content', 'rules', 'hybrid'];

export function useRecommendText() {
  const { t, locale } = useI18n();
  const productName = (ref: ProductRef | null): string => (ref ? (ref.name ?? ref.sku) : '');
  return {
    method: (method: RecommendMethodName) => t(`recommendations.methods.${method}`),
    productName,
    reason: (kind: ReasonKind, product: ProductRef | null) =>
      t(`recommendations.reasons.${kind}`, { product: productName(product) }),
    percent: (value: number, digits = 1) =>
      new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: digits }).format(value),
    decimal: (value: number, digits = 3) =>
      new Intl.NumberFormat(locale.value, { maximumFractionDigits: digits }).format(value),
    warningTitle: (code: RecommendWarning['code']) => t(`recommendations.warnings.${code}`),
  };
}

/**
 * The date picker works in local midnights; split dates are UTC midnights, as on the command line. These move a
 * calendar day from one to the other, so that the day shown is the day used in any time zone.
 */
export function utcDay(localMidnight: number): number {
  const date = new Date(localMidnight);
  return Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
}

export function localDay(utcMidnight: number): number {
  const date = new Date(utcMidnight);
  return new Date(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()).getTime();
}
