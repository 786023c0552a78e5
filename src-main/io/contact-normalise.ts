/**
 * Contact details as campaign tools need them. Shop exports hold emails with stray capitals and spaces, phone numbers
 * in every national habit (`07700 900123`, `(415) 555-2671`, `0049 30 1234567`, `138-1234-5678`), country names in
 * several languages and zips that Excel has shortened. Email tools reject malformed addresses, ad platforms match
 * only exact hashes of one canonical form (DESIGN.md §7), so each value is brought to that form here, or refused
 * with a reason the export lists for the user.
 *
 * Decisions, checked against the platforms' published guidance:
 * - Meta names: lower case with punctuation, digits and spaces removed, but letters outside a–z kept (`josé`,
 *   `王小明`) and hashed as UTF-8. Meta's customer-list guide says "a-z only… special characters in UTF-8 format"
 *   and its Conversions API SDK keeps accents, so accents are not folded to base letters: folding would turn
 *   every non-Latin name into an empty string and every accented one into a different hash from Meta's own.
 * - Google Customer Match: trimmed, lower case, no spaces (its hashed-data template keeps `zoë` and `pérez`). The
 *   removal of dots before `@gmail.com` is Google's rule for enhanced conversions and Campaign Manager 360, not
 *   one its Customer Match guides state, so it is an option (`removeGmailDots`), off unless asked for.
 * - Phones become E.164 (`+` and at most 15 digits); Meta gets the same digits without the `+`.
 */
import { hash } from 'node:crypto';

export type ContactProblem =
  | 'empty'
  | 'email-has-space'
  | 'email-missing-at'
  | 'email-several-at'
  | 'email-bad-local-part'
  | 'email-bad-domain'
  | 'email-too-long'
  | 'phone-has-letters'
  | 'phone-bad-characters'
  | 'phone-no-country'
  | 'phone-too-short'
  | 'phone-too-long';

/** English sentences for the export summary; the renderer translates by the problem code. */
export const CONTACT_PROBLEM_MESSAGES: Record<ContactProblem, string> = {
  empty: 'The value is empty.',
  'email-has-space': 'The email address contains a space.',
  'email-missing-at': 'The email address has no @.',
  'email-several-at': 'The email address has more than one @.',
  'email-bad-local-part': 'The part of the email address before the @ is not valid.',
  'email-bad-domain': 'The part of the email address after the @ is not a valid domain.',
  'email-too-long': 'The email address is longer than 254 characters.',
  'phone-has-letters': 'The phone number contains letters (an extension or a note?).',
  'phone-bad-characters': 'The phone number contains characters other than digits, spaces, dashes, dots and brackets.',
  'phone-no-country': 'The phone number has no country code; choose a default country for numbers without one.',
  'phone-too-short': 'The phone number has too few digits for its country.',
  'phone-too-long': 'The phone number has too many digits for its country.',
};

export type Checked = { ok: true; value: string } | { ok: false; problem: ContactProblem };

const fail = (problem: ContactProblem): Checked => ({ ok: false, problem });

// ---------------------------------------------------------------------------------------------------------------
// Email

const MAX_EMAIL = 254;
const MAX_LOCAL_PART = 64;
/** RFC 5322 atom characters, and letters and digits of any script (internationalised addresses, RFC 6531). */
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
/** A top-level domain is letters, or an IDN in its `xn--` form. */
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;
/**
 * The common case in one ASCII-only test, several times faster than the checks that name a problem: a million-row
 * export runs this on every row, and almost every address passes.
 */
const PLAIN_EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Only text with a character beyond ASCII can change under NFKC. */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Trimmed and lower-cased (NFKC first, so a full-width `＠` typed on a Chinese keyboard is an `@`), then checked:
 * one `@`, a dot-atom before it and a dotted domain with a real top-level label after it. Deliberately no
 * deliverability guesswork (typo domains, role accounts): that is the email tool's job.
 */
export function normaliseEmail(raw: string | null | undefined): Checked {
  if (!raw) return fail('empty');
  const email = (NON_ASCII.test(raw) ? raw.normalize('NFKC') : raw).trim().toLowerCase();
  if (email.length <= MAX_EMAIL && PLAIN_EMAIL.test(email) && email.indexOf('@') <= MAX_LOCAL_PART) {
    return { ok: true, value: email };
  }
  if (email === '') return fail('empty');
  if (/\s/u.test(email)) return fail('email-has-space');
  const at = email.indexOf('@');
  if (at < 0) return fail('email-missing-at');
  if (email.indexOf('@', at + 1) >= 0) return fail('email-several-at');
  if (email.length > MAX_EMAIL) return fail('email-too-long');
  const local = email.slice(0, at);
  if (local.length === 0 || local.length > MAX_LOCAL_PART || !LOCAL_PART.test(local)) {
    return fail('email-bad-local-part');
  }
  const labels = email.slice(at + 1).split('.');
  const top = labels[labels.length - 1] ?? '';
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || !TOP_LEVEL.test(top)) {
    return fail('email-bad-domain');
  }
  return { ok: true, value: email };
}

/**
 * Google's form of an already normalised email: as it is, or, when asked, without the dots before `@gmail.com` or
 * `@googlemail.com` (Gmail ignores them, so `jane.doe@` and `janedoe@` are one mailbox).
 */
export function googleEmail(normalised: string, options: { removeGmailDots?: boolean } = {}): string {
  if (!options.removeGmailDots) return normalised;
  const at = normalised.lastIndexOf('@');
  const domain = normalised.slice(at + 1);
  if (domain !== 'gmail.com' && domain !== 'googlemail.com') return normalised;
  return `${normalised.slice(0, at).replaceAll('.', '')}@${domain}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Phone

interface NumberingPlan {
  callingCode: string;
  /** National trunk prefixes dialled before the national number at home (`0` in most of Europe). */
  trunks: readonly string[];
  /** Digits of the national significant number (after the country code, without the trunk prefix). */
  min: number;
  max: number;
  /** International call prefixes to look for: the country's own (`011`, `0011`, `010`) first, then `00`. */
  exits: readonly string[];
}

/**
 * [country, calling code, trunk prefixes ('|'-separated, '' for none), shortest and longest national number,
 * exit codes other than 00]. Lengths follow the ITU national numbering plans, rounded outward where a plan has
 * odd short or long ranges: they catch a missing or extra digit, they do not validate numbers.
 */
const PLANS: readonly (readonly [string, string, string, number, number, string?])[] = [
  ['US', '1', '1', 10, 10, '011'],
  ['CA', '1', '1', 10, 10, '011'],
  ['GB', '44', '0', 7, 10],
  ['IE', '353', '0', 7, 9],
  ['AT', '43', '0', 4, 13],
  ['BE', '32', '0', 8, 9],
  ['BG', '359', '0', 7, 9],
  ['HR', '385', '0', 6, 9],
  ['CY', '357', '', 8, 8],
  ['CZ', '420', '', 9, 9],
  ['DK', '45', '', 8, 8],
  ['EE', '372', '', 7, 10],
  ['FI', '358', '0', 5, 12],
  ['FR', '33', '0', 9, 9],
  ['DE', '49', '0', 6, 13],
  ['GR', '30', '', 10, 10],
  ['HU', '36', '06', 8, 9],
  ['IT', '39', '', 6, 11],
  ['LV', '371', '', 8, 8],
  // Lithuania moved its trunk prefix from 8 to 0 in 2025; both are still in customer records.
  ['LT', '370', '0|8', 8, 8],
  ['LU', '352', '', 4, 11],
  ['MT', '356', '', 8, 8],
  ['NL', '31', '0', 9, 9],
  ['PL', '48', '', 9, 9],
  ['PT', '351', '', 9, 9],
  ['RO', '40', '0', 9, 9],
  ['SK', '421', '0', 9, 9],
  ['SI', '386', '0', 8, 8],
  ['ES', '34', '', 9, 9],
  ['SE', '46', '0', 6, 10],
  ['CH', '41', '0', 9, 9],
  ['NO', '47', '', 8, 8],
  ['AU', '61', '0', 5, 10, '0011'],
  ['NZ', '64', '0', 8, 10],
  ['CN', '86', '0', 9, 11],
  ['HK', '852', '', 8, 8],
  ['MO', '853', '', 8, 8],
  ['TW', '886', '0', 8, 9],
  ['JP', '81', '0', 9, 10, '010'],
  ['KR', '82', '0', 8, 10],
  ['SG', '65', '', 8, 8],
  ['IN', '91', '0', 10, 10],
  ['BR', '55', '0', 10, 11],
  ['MX', '52', '', 10, 10],
  ['ZA', '27', '0', 9, 9],
];

const PLAN_BY_COUNTRY = new Map<string, NumberingPlan>();
/** The first plan listed for a code wins: `1` reads as the US plan, which Canada shares. */
const PLAN_BY_CODE = new Map<string, NumberingPlan>();
for (const [country, callingCode, trunks, min, max, exit] of PLANS) {
  const exits = exit ? [exit, '00'] : ['00'];
  const plan = { callingCode, trunks: trunks ? trunks.split('|') : [], min, max, exits };
  PLAN_BY_COUNTRY.set(country, plan);
  if (!PLAN_BY_CODE.has(callingCode)) PLAN_BY_CODE.set(callingCode, plan);
}

/** Countries whose national phone numbers `normalisePhone` can put in international form. */
export const PHONE_COUNTRIES: readonly string[] = [...PLAN_BY_COUNTRY.keys()];

/** E.164: at most 15 digits; formula-guard.ts keeps `+` only on 8 or more, and no real number is shorter. */
const E164_MIN_DIGITS = 8;
const E164_MAX_DIGITS = 15;
const PHONE_ALLOWED = /^\+?[\d\s\-./()]*$/u;
const INTERNATIONAL_PREFIX = ['00'];
const NOT_DIGIT = /\D/g;

/**
 * A phone number in E.164 form (`+447700900123`). A number with `+` or an international prefix (`00`, or the
 * default country's own such as `011` in North America) carries its country code; any other is national and takes
 * the country code of `defaultCountry` (ISO-2), after its trunk prefix is dropped (`07700…` → `+447700…`). A
 * national-looking number that already starts with the default country's code and is too long to be national
 * (`447700900123`, `8613812345678`) is read as international, as people often leave out the `+`.
 */
export function normalisePhone(raw: string | null | undefined, defaultCountry?: string | null): Checked {
  if (!raw) return fail('empty');
  let text = raw;
  let plus = plainPhoneSign(raw);
  if (plus === null) {
    text = (NON_ASCII.test(raw) ? raw.normalize('NFKC') : raw).trim().replaceAll('(0)', '');
    if (text === '') return fail('empty');
    if (/\p{L}/u.test(text)) return fail('phone-has-letters');
    if (!PHONE_ALLOWED.test(text)) return fail('phone-bad-characters');
    plus = text.startsWith('+');
  }
  const digits = text.replace(NOT_DIGIT, '');
  if (digits === '') return fail('empty');
  const home = defaultCountry ? PLAN_BY_COUNTRY.get(defaultCountry.toUpperCase()) : undefined;

  if (plus) return international(digits);
  const exit = (home?.exits ?? INTERNATIONAL_PREFIX).find((prefix) => digits.startsWith(prefix));
  if (exit) return international(digits.slice(exit.length));
  if (!home) return fail('phone-no-country');
  return national(digits, home);
}

/**
 * For the usual number, written in ASCII digits, spaces and `-./()` with at most a leading `+`, and without `(0)`:
 * whether it starts with `+`, found in one pass where the full checks take several regular expressions (a
 * million-row export runs this on every row). Null for any other text, which the full checks then read.
 */
function plainPhoneSign(raw: string): boolean | null {
  let plus = false;
  let started = false;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) started = true;
    else if (code === 0x2b && !started) {
      plus = true;
      started = true;
    } else if (code === 0x28 && raw.charCodeAt(i + 1) === 0x30 && raw.charCodeAt(i + 2) === 0x29) return null;
    else if (code === 0x20) continue;
    else if (code === 0x2d || code === 0x2e || code === 0x2f || code === 0x28 || code === 0x29) started = true;
    else return null;
  }
  return plus;
}

function international(digits: string): Checked {
  // Calling codes are a prefix code (no code starts another), so at most one of these lengths matches.
  const plan =
    PLAN_BY_CODE.get(digits.slice(0, 1)) ??
    PLAN_BY_CODE.get(digits.slice(0, 2)) ??
    PLAN_BY_CODE.get(digits.slice(0, 3));
  if (!plan) return withinE164(digits);
  // `+44 07700…` and `+44 (0)7700…`: the trunk prefix written after the country code by habit.
  return complete(plan, dropTrunk(digits.slice(plan.callingCode.length), plan));
}

function national(digits: string, plan: NumberingPlan): Checked {
  const withoutTrunk = dropTrunk(digits, plan);
  const rest = digits.length - plan.callingCode.length;
  const fitsAfterCode = digits.startsWith(plan.callingCode) && rest >= plan.min && rest <= plan.max;
  // Where numbers are written with a trunk prefix at home, one written without it that starts with the country
  // code is international; elsewhere only a number too long to be national is (an Italian mobile starts `39…`).
  const trunkLeftOut = plan.trunks.length > 0 && withoutTrunk === digits;
  if (fitsAfterCode && (trunkLeftOut || digits.length > plan.max)) {
    return complete(plan, digits.slice(plan.callingCode.length));
  }
  return complete(plan, withoutTrunk);
}

function dropTrunk(digits: string, plan: NumberingPlan): string {
  for (const trunk of plan.trunks) {
    if (digits.startsWith(trunk) && digits.length - trunk.length >= plan.min) return digits.slice(trunk.length);
  }
  return digits;
}

function complete(plan: NumberingPlan, nationalNumber: string): Checked {
  if (nationalNumber.length < plan.min) return fail('phone-too-short');
  if (nationalNumber.length > plan.max) return fail('phone-too-long');
  return withinE164(plan.callingCode + nationalNumber);
}

function withinE164(digits: string): Checked {
  if (digits.length < E164_MIN_DIGITS) return fail('phone-too-short');
  if (digits.length > E164_MAX_DIGITS) return fail('phone-too-long');
  return { ok: true, value: `+${digits}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Names, cities, regions

const NOT_LETTER = /[^\p{L}\p{M}]+/gu;
const WHITESPACE_RUN = /\s+/gu;
const CONTROL = /\p{Cc}/gu;

/** Text for an email tool's column: one line, single spaces, no control characters; case kept. */
export function cleanText(raw: string | null | undefined): string {
  if (!raw) return '';
  if (isCleanAscii(raw)) return raw;
  return raw.normalize('NFC').replace(WHITESPACE_RUN, ' ').replace(CONTROL, '').trim();
}

/**
 * Printable ASCII with single spaces only between words: text `cleanText` would give back unchanged. Checked by
 * code because most cells of an export (coupon codes, offers, product names) are such text, and three regular
 * expressions and a normalisation per cell cost seconds on a million rows.
 */
function isCleanAscii(text: string): boolean {
  let previous = 0x20;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7e || code < 0x20 || (code === 0x20 && previous === 0x20)) return false;
    previous = code;
  }
  return previous !== 0x20;
}

/**
 * Meta's `fn`, `ln` and `ct`: lower case, letters only (any script, accents kept), composed as NFC so that `é`
 * typed as `e` + accent hashes like `é`. NFKC first turns full-width letters into ordinary ones.
 */
export function metaLetters(raw: string | null | undefined): string {
  if (!raw) return '';
  return raw.normalize('NFKC').toLowerCase().replace(NOT_LETTER, '').normalize('NFC');
}

/** Google's First Name and Last Name before hashing: lower case, no whitespace, everything else kept. */
export function googleName(raw: string | null | undefined): string {
  if (!raw) return '';
  return raw.normalize('NFKC').toLowerCase().replace(WHITESPACE_RUN, '').normalize('NFC');
}

// prettier-ignore
const US_STATES: Record<string, string> = {
  alabama: 'al', alaska: 'ak', arizona: 'az', arkansas: 'ar', california: 'ca', colorado: 'co', connecticut: 'ct',
  delaware: 'de', districtofcolumbia: 'dc', florida: 'fl', georgia: 'ga', hawaii: 'hi', idaho: 'id', illinois: 'il',
  indiana: 'in', iowa: 'ia', kansas: 'ks', kentucky: 'ky', louisiana: 'la', maine: 'me', maryland: 'md',
  massachusetts: 'ma', michigan: 'mi', minnesota: 'mn', mississippi: 'ms', missouri: 'mo', montana: 'mt',
  nebraska: 'ne', nevada: 'nv', newhampshire: 'nh', newjersey: 'nj', newmexico: 'nm', newyork: 'ny',
  northcarolina: 'nc', northdakota: 'nd', ohio: 'oh', oklahoma: 'ok', oregon: 'or', pennsylvania: 'pa',
  rhodeisland: 'ri', southcarolina: 'sc', southdakota: 'sd', tennessee: 'tn', texas: 'tx', utah: 'ut', vermont: 'vt',
  virginia: 'va', washington: 'wa', westvirginia: 'wv', wisconsin: 'wi', wyoming: 'wy', puertorico: 'pr',
};

/** Meta's `st`: a US state as its two-letter code, any other region as lower-case letters only. */
export function metaRegion(raw: string | null | undefined, country: string | null): string {
  const letters = metaLetters(raw);
  return (country === 'US' && US_STATES[letters]) || letters;
}

// ---------------------------------------------------------------------------------------------------------------
// Zip

/**
 * A postal code in one canonical form: US codes as their first five digits (ZIP+4 cut, and a leading zero put back
 * where Excel read `02134` as the number 2134), others upper case with single spaces (`sw1a  1aa` → `SW1A 1AA`).
 * Null when nothing usable is left.
 */
export function normaliseZip(raw: string | null | undefined, country: string | null): string | null {
  const text = (raw ?? '').normalize('NFKC').replace(WHITESPACE_RUN, ' ').trim();
  if (text === '') return null;
  if (country === 'US') {
    const digits = /^\d{3,5}/.exec(text)?.[0];
    return digits ? digits.padStart(5, '0') : null;
  }
  return text.toUpperCase();
}

/** Meta's `zip`: the canonical form in lower case without spaces (`SW1A 1AA` → `sw1a1aa`). */
export function metaZip(raw: string | null | undefined, country: string | null): string {
  return (normaliseZip(raw, country) ?? '').toLowerCase().replaceAll(' ', '');
}

// ---------------------------------------------------------------------------------------------------------------
// Country

/** Names and codes that no locale's display names give. Keys as `countryKey` makes them. */
// prettier-ignore
const COUNTRY_ALIASES: Record<string, string> = {
  uk: 'GB', el: 'GR', eire: 'IE', greatbritain: 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB',
  northernireland: 'GB', unitedkingdomofgreatbritainandnorthernireland: 'GB', usa: 'US', america: 'US',
  unitedstatesofamerica: 'US', holland: 'NL', czechrepublic: 'CZ', turkey: 'TR', russianfederation: 'RU',
  korea: 'KR', southkorea: 'KR', republicofkorea: 'KR', korearepublicof: 'KR', hongkong: 'HK', macau: 'MO', macao: 'MO', uae: 'AE',
  ivorycoast: 'CI', prc: 'CN', peoplesrepublicofchina: 'CN', mainlandchina: 'CN', 中华人民共和国: 'CN',
  中國大陸: 'CN', 中国大陆: 'CN', 大陆: 'CN', 內地: 'CN', 香港: 'HK', 澳门: 'MO', 澳門: 'MO', 台湾: 'TW', 台灣: 'TW',
  南韩: 'KR', 南韓: 'KR',
  gbr: 'GB', irl: 'IE', deu: 'DE', fra: 'FR', esp: 'ES', ita: 'IT', nld: 'NL', bel: 'BE', aut: 'AT', che: 'CH',
  swe: 'SE', dnk: 'DK', fin: 'FI', nor: 'NO', pol: 'PL', prt: 'PT', grc: 'GR', cze: 'CZ', hun: 'HU', rou: 'RO',
  can: 'CA', aus: 'AU', nzl: 'NZ', chn: 'CN', hkg: 'HK', twn: 'TW', jpn: 'JP', kor: 'KR', sgp: 'SG', ind: 'IN',
  bra: 'BR', mex: 'MX', zaf: 'ZA',
};

/** Display-name languages searched for country names: shops' customers write them in their own language. */
const NAME_LOCALES = [
  'en',
  'de',
  'fr',
  'es',
  'it',
  'nl',
  'pt',
  'sv',
  'pl',
  'ru',
  'tr',
  'zh-Hans',
  'zh-Hant',
  'ja',
  'ko',
];
/**
 * Codes CLDR names that ISO 3166-1 does not assign: exceptional reservations, groupings and user-assigned codes
 * (ICU names XK, which ad platforms refuse).
 */
const NOT_ASSIGNED = /^(?:AC|CP|CQ|DG|EA|IC|TA|EU|EZ|UN|AA|ZZ|Q[M-Z]|X[A-Z])$/;
/** Abbreviations that other languages' short names give a country but that mean something else: `É.-U.` is `eu`. */
const NOT_COUNTRIES = ['eu', 'un'];

let countryIndex: Map<string, string> | undefined;

/**
 * Every ISO 3166-1 alpha-2 code, and every country's name in the languages above, from the runtime's own CLDR
 * data (Node and Electron ship full ICU), built on first use (about 0.1 s) and with nothing to keep up to date.
 * Names come first, codes override them and the aliases override both.
 */
function countryLookup(): Map<string, string> {
  if (countryIndex) return countryIndex;
  const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const codes: string[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      // A withdrawn code (DD, YU, UK) canonicalises to its successor; CLDR still names it.
      const current = new Intl.Locale('und', { region: code }).region === code;
      if (current && !NOT_ASSIGNED.test(code) && english.of(code) !== undefined) codes.push(code);
    }
  }
  const index = new Map<string, string>();
  for (const locale of NAME_LOCALES) {
    for (const style of ['long', 'short'] as const) {
      const names = new Intl.DisplayNames([locale], { type: 'region', style, fallback: 'none' });
      for (const code of codes) {
        const key = countryKey(names.of(code) ?? '');
        if (key && !index.has(key)) index.set(key, code);
      }
    }
  }
  for (const key of NOT_COUNTRIES) index.delete(key);
  for (const code of codes) index.set(code.toLowerCase(), code);
  for (const [key, code] of Object.entries(COUNTRY_ALIASES)) index.set(key, code);
  countryIndex = index;
  return index;
}

/** Case, accents, punctuation, spaces and a leading "the" do not matter: `The Netherlands`, `U.S.A.`, `Österreich`. */
function countryKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(NOT_LETTER_OR_DIGIT, '')
    .replace(/^the(?=.{4})/u, '');
}

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/** ISO 3166-1 alpha-2 in upper case from a code (`gb`, `GBR`, `UK`) or a name (`Deutschland`, `中国`), else null. */
export function normaliseCountry(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const key = countryKey(raw);
  return key ? (countryLookup().get(key) ?? null) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Hashing

/**
 * SHA-256 of the UTF-8 bytes, lower-case hex, as Meta and Google require. The one-shot `hash` is Node's
 * `createHash(…).update(…).digest(…)` without the object per call: about 2.5 times faster, which matters at
 * eight hashes per row of a million-row Meta export.
 */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
