import { useI18n } from 'vue-i18n';

const NAMED_TABLES = ['customers', 'orders', 'order_lines', 'products', 'imports'] as const;
type NamedTable = (typeof NAMED_TABLES)[number];

const isNamed = (table: string): table is NamedTable => (NAMED_TABLES as readonly string[]).includes(table);

/** The user-facing name of a table the counts report; other tables keep their technical name. */
export function useTableLabel() {
  const { t } = useI18n();
  return (table: string): string => (isNamed(table) ? t(`tables.${table}`) : table);
}
