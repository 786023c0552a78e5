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

/** `+`, then the country code and number: at most 15 digits (ITU-T E.164), at least 8 in practice. */
const E164_PHONE = /^\+\d{8,15}$/;
const PLAIN_NEGATIVE_NUMBER = /^-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function neutraliseFormula(text: string, options: { kind?: GuardedColumnKind } = {}): string {
  if (!startsLikeFormula(text)) return text;
  if (options.kind === 'phone' && E164_PHONE.test(text)) return text;
  if (PLAIN_NEGATIVE_NUMBER.test(text)) return text;
  return `'${text}`;
}

/** `=`, `+`, `-`, `@`, tab or CR first; compared by code because this runs for every text cell of an export. */
function startsLikeFormula(text: string): boolean {
  const first = text.charCodeAt(0);
  return first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40 || first === 0x09 || first === 0x0d;
}
