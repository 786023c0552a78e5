import { useI18n } from 'vue-i18n';

const MONTH = /^(\d{4})-(\d{2})$/;
const COUNTRY_CODE = /^[A-Za-z]{2}$/;

/** Money, shares, months and countries of the dashboard in the interface language. */
export function useDashboardText() {
  const { locale } = useI18n();

  // The project does not say which currency its orders are in, so money is a plain number with cents (as in RFM).
  const money = (value: number): string =>
    new Intl.NumberFormat(locale.value, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);

  /** For axes and bar labels, where 1.2M reads better than 1,234,567.89. */
  const compact = (value: number): string =>
    new Intl.NumberFormat(locale.value, { notation: 'compact', maximumFractionDigits: 1 }).format(value);

  const share = (fraction: number, digits = 1): string =>
    new Intl.NumberFormat(locale.value, {
      style: 'percent',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(fraction);

  // The core counts calendar months in UTC; formatting in UTC keeps the 1st from falling into the previous month.
  const month = (label: string): string => {
    const match = MONTH.exec(label);
    if (!match) return label;
    return new Intl.DateTimeFormat(locale.value, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(
      Date.UTC(Number(match[1]), Number(match[2]) - 1, 1),
    );
  };

  // Some shops export country codes (GB), others names (United Kingdom): codes are named in the interface language.
  const country = (value: string): string =>
    COUNTRY_CODE.test(value)
      ? (new Intl.DisplayNames(locale.value, { type: 'region' }).of(value.toUpperCase()) ?? value)
      : value;

  return { money, compact, share, month, country };
}
