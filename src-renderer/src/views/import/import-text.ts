import type {
  DelimiterEvidence,
  DELIMITER_CHOICES,
  DetectedSettings,
  EncodingEvidence,
  ImportReport,
  NumberFormatEvidence,
  RejectReason,
} from '@shared/import';
import { useI18n } from 'vue-i18n';
import { useFormat } from '@/composables/useFormat';
import type { MessageSchema } from '@/i18n/en';

type ImportMessages = MessageSchema['import'];
/** A key of one section of the import messages: a code the core sends without a message fails the type check. */
type KeyIn<Section extends keyof ImportMessages> = `import.${Section}.${keyof ImportMessages[Section] & string}`;

export const DELIMITER_NAMES = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
} as const satisfies Record<
  (typeof DELIMITER_CHOICES)[number],
  keyof ImportMessages['delimiters'] & keyof ImportMessages['splitBy']
>;

const DECIMAL_NAMES = { '.': 'point', ',': 'comma' } as const;

/**
 * The core's import findings worded in the interface language: why the encoding, delimiter and number format were
 * detected, the date format, and why rows are rejected. The core keeps its English sentences for the command line
 * and the stored import.
 */
export function useImportText() {
  const { t, locale } = useI18n();
  const format = useFormat();

  const percent = (share: number, digits = 0): string =>
    new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: digits }).format(share);
  const encodingName = (name: keyof ImportMessages['encodings']): string => t(`import.encodings.${name}`);

  function encodingReason({ code, params }: EncodingEvidence): string {
    const key: KeyIn<'encodingReasons'> = `import.encodingReasons.${code}`;
    switch (code) {
      case 'bom':
        return t(key, { encoding: encodingName(params.encoding) });
      case 'utf16_nuls':
        return t(key, { encoding: encodingName(params.encoding), share: percent(params.share) });
      case 'ascii':
        return t(key);
      case 'utf8':
        return t(key, { count: format.number(params.multibyte) }, params.multibyte);
      case 'utf8_damaged':
        return t(
          key,
          { count: format.number(params.multibyte), damaged: format.number(params.damaged) },
          params.damaged,
        );
      case 'legacy_scores': {
        const scores = params.scores.map(({ encoding, score }) =>
          t('import.encodingReasons.score', { encoding: encodingName(encoding), share: percent(score) }),
        );
        const list = new Intl.ListFormat(locale.value, { type: 'conjunction', style: 'narrow' }).format(scores);
        return t(key, { scores: list });
      }
    }
  }

  function delimiterReason({ code, params }: DelimiterEvidence): string {
    const key: KeyIn<'delimiterReasons'> = `import.delimiterReasons.${code}`;
    if (code === 'one_column') return t(key);
    return t(key, {
      share: percent(params.share),
      fields: format.number(params.fields),
      delimiter: t(`import.splitBy.${DELIMITER_NAMES[params.delimiter]}`),
    });
  }

  function numberReason({ code, params }: NumberFormatEvidence): string {
    switch (code) {
      case 'decimal_shown':
        return t(
          `import.numberReasons.decimal_shown.${DECIMAL_NAMES[params.decimal]}`,
          { count: format.number(params.count) },
          params.count,
        );
      case 'decimal_conflict':
        return t(
          `import.numberReasons.decimal_conflict.${DECIMAL_NAMES[params.decimal]}`,
          { count: format.number(params.count), others: format.number(params.others) },
          params.count,
        );
      case 'either_separator':
        return t('import.numberReasons.either_separator', { example: params.example });
      case 'no_decimals':
        return t('import.numberReasons.no_decimals');
    }
  }

  /** The format with an example written as the file writes dates. */
  function dateFormat({ order, example }: NonNullable<DetectedSettings['dates']>): string {
    return t(`import.dateFormats.${order}`, { example });
  }

  function rejection({ code, params }: RejectReason): string {
    const { column = '', value, fields = 0, expected = 0 } = params;
    switch (code) {
      case 'not_a_number':
      case 'not_a_date': {
        // A counted reason stands for every bad value of its column, so it names the column alone.
        if (value === undefined) {
          const key: KeyIn<'rejections'> = `import.rejections.${code}_in_column`;
          return t(key, { column });
        }
        const key: KeyIn<'rejections'> = `import.rejections.${code}`;
        return t(key, { column, value });
      }
      case 'too_many_fields':
      case 'too_few_fields': {
        const key: KeyIn<'rejections'> = `import.rejections.${code}`;
        return t(key, { fields: format.number(fields), expected: format.number(expected) }, fields);
      }
      default: {
        const key: KeyIn<'rejections'> = `import.rejections.${code}`;
        return t(key);
      }
    }
  }

  function stopped({ share, limit, commonest }: NonNullable<ImportReport['stopped']>): string {
    return t('import.check.stoppedDetail', {
      share: percent(share, 1),
      limit: percent(limit, 1),
      reason: rejection(commonest),
    });
  }

  return { percent, encodingReason, delimiterReason, numberReason, dateFormat, rejection, stopped };
}
