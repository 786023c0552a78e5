/**
 * Keeps exported text from running as a formula (DESIGN.md §5, "CSV injection"). Spreadsheets treat a cell that
 * starts with `=`, `+`, `-` or `@` as a formula, and some strip a leading tab or carriage return first, so an
 * export containing `=HYPERLINK(…)` from a customer's name field would run it on the marketer's machine.
 * Such text gets a leading apostrophe, which spreadsheets show as text and never evaluate.
 *
 * Two kinds of value keep their leading sign, because they are data a spreadsheet reads as a number, not a
 * formula, and upload tools need them as they are: a phone number in E.164 form (`+447700900123`) in a column
 * declared as phone, and a plain negative number (`-12.5`).
 */

/** What a column holds, as far as formula neutralisation cares. */
export type GuardedColumnKind = 'text' | 'phone';

/** `=`, `+`, `-`, `@`, tab and CR, by character code: this runs for every text cell of an export. */
const FORMULA_TRIGGERS = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d]);
/** `+`, then the country code and number: at most 15 digits (ITU-T E.164), at least 8 in practice. */
const E164_PHONE = /^\+\d{8,15}$/;
const PLAIN_NEGATIVE_NUMBER = /^-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function neutraliseFormula(text: string, options: { kind?: GuardedColumnKind } = {}): string {
  if (!FORMULA_TRIGGERS.has(text.charCodeAt(0))) return text;
  if (options.kind === 'phone' && E164_PHONE.test(text)) return text;
  if (PLAIN_NEGATIVE_NUMBER.test(text)) return text;
  return `'${text}`;
}
