import { useI18n } from 'vue-i18n';

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** Numbers, sizes, dates and durations in the interface language. Epoch milliseconds are shown in local time. */
export function useFormat() {
  const { locale } = useI18n();

  const number = (value: number): string => new Intl.NumberFormat(locale.value).format(value);

  const bytes = (value: number): string => {
    let unit = 0;
    let scaled = value;
    while (scaled >= 1000 && unit < BYTE_UNITS.length - 1) {
      scaled /= 1000;
      unit += 1;
    }
    return new Intl.NumberFormat(locale.value, {
      style: 'unit',
      unit: BYTE_UNITS[unit],
      maximumFractionDigits: unit === 0 ? 0 : 1,
    }).format(scaled);
  };

  const date = (epochMs: number): string =>
    new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium' }).format(epochMs);

  const dateTime = (epochMs: number): string =>
    new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short' }).format(epochMs);

  const duration = (ms: number): string => {
    const [value, unit] =
      ms < 1000 ? [ms, 'millisecond'] : ms < 60_000 ? [ms / 1000, 'second'] : [ms / 60_000, 'minute'];
    return new Intl.NumberFormat(locale.value, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
  };

  return { number, bytes, date, dateTime, duration };
}
