/**
 * One coupon code per campaign member, from a pattern the marketer recognises: `SPRING-{XXXX}-{9999}` gives codes
 * such as `SPRING-HK7Q-0482`. Inside braces `X` is a letter and `9` a digit; outside them text is kept as written.
 * Letters come from an alphabet without I, L and O, which customers misread as 1 and 0 when they type a code from
 * a printed voucher or a phone screen.
 *
 * Codes are seeded, so re-running a campaign gives the same codes, and unique within the campaign and against any
 * codes already issued. A pattern must allow many more codes than the audience: a shop whose codes fill a small
 * space invites customers to guess their neighbours' codes, and drawing without repeats slows as a space fills.
 */
import { CoreError } from '../shared/errors';
import { seededRandom } from '../ml/kmeans';

export const COUPON_LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ';
export const COUPON_DIGITS = '0123456789';

/** Possible codes per code issued, at least: one guess in ten can hit a real code, and draws rarely repeat. */
export const MIN_SPACE_PER_CODE = 10;
const MAX_CODE_LENGTH = 64;

/** Literal text allowed around placeholders: what every shop system accepts in a code, and no formula signs. */
const LITERAL = /^[A-Za-z0-9_-]*$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** A pattern split into literal text and the alphabet each random character is drawn from. */
type Part = string | { alphabet: string };

export interface CouponOptions {
  seed: number;
  /** Codes issued by earlier campaigns; none of them is issued again. */
  exclude?: ReadonlySet<string>;
}

/** How many distinct codes `pattern` can produce, or a VALIDATION error saying what is wrong with it. */
export function couponSpace(pattern: string): number {
  return spaceOf(parsePattern(pattern));
}

const spaceOf = (parts: readonly Part[]) =>
  parts.reduce((space, part) => space * (typeof part === 'string' ? 1 : part.alphabet.length), 1);

export function generateCouponCodes(pattern: string, count: number, options: CouponOptions): string[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new CoreError('VALIDATION', 'The number of coupon codes must be a whole number, zero or more.');
  }
  const parts = parsePattern(pattern);
  const exclude = options.exclude ?? new Set<string>();
  const space = spaceOf(parts);
  if (space < (count + exclude.size) * MIN_SPACE_PER_CODE) {
    throw new CoreError(
      'VALIDATION',
      `The pattern "${pattern}" allows ${space.toLocaleString('en')} codes, too few for ` +
        `${count.toLocaleString('en')} customers (it needs at least ${MIN_SPACE_PER_CODE} times as many, so that ` +
        'codes cannot be guessed); add more X or 9 characters between the braces.',
    );
  }
  const random = seededRandom(options.seed);
  // A code is drawn as character codes in one reused array, with the literal text filled in once, and becomes a
  // string in one allocation: built a character at a time, a million codes cost more in garbage than in drawing.
  const chars: number[] = [];
  const draws: { at: number; alphabet: string }[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (let i = 0; i < part.length; i++) chars.push(part.charCodeAt(i));
    else {
      draws.push({ at: chars.length, alphabet: part.alphabet });
      chars.push(0);
    }
  }
  // Draws are told apart by the number their characters spell (in mixed radix), which a set checks faster than text;
  // a space too large for exact numbers keeps text.
  const byNumber = space <= Number.MAX_SAFE_INTEGER;
  const issuedNumbers = new DrawSet();
  const issuedCodes = new Set<string>();
  const codes: string[] = [];
  while (codes.length < count) {
    let key = 0;
    for (const { at, alphabet } of draws) {
      const pick = Math.floor(random() * alphabet.length);
      chars[at] = alphabet.charCodeAt(pick);
      key = key * alphabet.length + pick;
    }
    if (byNumber && issuedNumbers.has(key)) continue;
    const code = String.fromCharCode(...chars);
    if ((!byNumber && issuedCodes.has(code)) || exclude.has(code)) continue;
    if (byNumber) issuedNumbers.add(key);
    else issuedCodes.add(code);
    codes.push(code);
  }
  return codes;
}

/**
 * A set of whole numbers below 2^53 kept in a typed array (open addressing): a `Set` of a million numbers beyond the
 * small-integer range allocates each one and costs four times as much.
 */
class DrawSet {
  private slots = new Float64Array(1024).fill(-1);
  private size = 0;

  has(key: number): boolean {
    return this.slots[this.slotOf(key)] === key;
  }

  add(key: number): void {
    const slot = this.slotOf(key);
    if (this.slots[slot] === key) return;
    this.slots[slot] = key;
    if (++this.size * 2 > this.slots.length) this.grow();
  }

  /** Where `key` is, or the empty slot where it would go. */
  private slotOf(key: number): number {
    const mask = this.slots.length - 1;
    let slot = (Math.imul(key | 0, 0x9e3779b1) ^ ((key / 4294967296) | 0)) & mask;
    while (this.slots[slot] !== -1 && this.slots[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2).fill(-1);
    for (const key of old) if (key !== -1) this.slots[this.slotOf(key)] = key;
  }
}

function parsePattern(pattern: string): Part[] {
  const parts: Part[] = [];
  let end = 0;
  for (const match of pattern.matchAll(PLACEHOLDER)) {
    pushLiteral(parts, pattern.slice(end, match.index), pattern);
    const inside = match[1] ?? '';
    if (inside === '' || /[^X9]/.test(inside)) {
      throw new CoreError(
        'VALIDATION',
        `"{${inside}}" in the coupon pattern holds something other than X (a letter) and 9 (a digit); use only those inside braces.`,
      );
    }
    for (const char of inside) parts.push({ alphabet: char === 'X' ? COUPON_LETTERS : COUPON_DIGITS });
    end = match.index + match[0].length;
  }
  pushLiteral(parts, pattern.slice(end), pattern);
  if (pattern.startsWith('-')) {
    // A spreadsheet reads a leading "-" as a formula, and the export's formula guard would prefix the code with "'".
    throw new CoreError('VALIDATION', 'A coupon pattern cannot start with "-"; start it with a letter or a digit.');
  }
  if (!parts.some((part) => typeof part !== 'string')) {
    throw new CoreError('VALIDATION', 'The coupon pattern needs at least one {X} or {9} so that each code differs.');
  }
  const length = parts.reduce((sum, part) => sum + (typeof part === 'string' ? part.length : 1), 0);
  if (length > MAX_CODE_LENGTH) {
    throw new CoreError(
      'VALIDATION',
      `Coupon codes may be at most ${MAX_CODE_LENGTH} characters; shorten the pattern.`,
    );
  }
  return parts;
}

function pushLiteral(parts: Part[], literal: string, pattern: string): void {
  if (literal === '') return;
  if (!LITERAL.test(literal)) {
    throw new CoreError(
      'VALIDATION',
      `The coupon pattern "${pattern}" may hold only letters, digits, "-" and "_" outside the braces; remove the other characters.`,
    );
  }
  parts.push(literal);
}
