/**
 * Which text encoding a shop export is in, guessed from a sample of its first bytes, and a streaming decoder for it.
 *
 * Exports come as UTF-8 (with or without a byte order mark), UTF-16 from Excel's "Unicode text", GBK from Chinese
 * platforms and Excel on Chinese Windows, Big5 from Taiwan and Hong Kong, and Windows-1252 from Western Excel. The
 * legacy encodings cannot be told apart by validity alone (almost any byte string decodes in GBK, Big5 and
 * Windows-1252), so they are scored by how plausible the decoded text is.
 */
import type { EncodingEvidence } from '../shared/import';

export type EncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'big5' | 'windows-1252';

/** How sure a detection is: `certain` needs proof (a BOM, valid multibyte UTF-8), `guess` means ask the user. */
export type Confidence = 'certain' | 'likely' | 'guess';

export interface EncodingGuess {
  encoding: EncodingName;
  /** The sample starts with this encoding's byte order mark. */
  bom: boolean;
  confidence: Confidence;
  /** One sentence saying what decided, in English, for the command line and the stored import. */
  reason: string;
  /** The same for the interface to word in the user's language; absent when the user chose the encoding. */
  evidence?: EncodingEvidence;
}

/** Every encoding the importer reads, with the label the UI offers as an override. */
export const ENCODINGS: readonly { name: EncodingName; label: string }[] = [
  { name: 'utf-8', label: 'UTF-8' },
  { name: 'utf-16le', label: 'UTF-16 LE' },
  { name: 'utf-16be', label: 'UTF-16 BE' },
  // GB18030 is a superset of GBK and GB2312, so one decoder reads all three.
  { name: 'gb18030', label: 'GBK / GB18030' },
  { name: 'big5', label: 'Big5' },
  // WHATWG decodes ISO-8859-1 as Windows-1252, which only adds printable characters in 0x80–0x9F.
  { name: 'windows-1252', label: 'Windows-1252 / Latin-1' },
];

const LABELS = new Map(ENCODINGS.map(({ name, label }) => [name, label]));

/**
 * Reads any WHATWG encoding label (`utf8`, `GBK`, `gb2312`, `latin1`, `big5-hkscs`…) as one of ours, or null when
 * the importer does not read that encoding. Meant for a `--encoding` option or a saved setting.
 */
export function encodingFromLabel(label: string): EncodingName | null {
  let canonical: string;
  try {
    canonical = new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
  if (canonical === 'gbk') return 'gb18030';
  return isEncodingName(canonical) ? canonical : null;
}

function isEncodingName(name: string): name is EncodingName {
  return ENCODINGS.some((encoding) => encoding.name === name);
}

const BYTE_ORDER_MARKS: readonly { bytes: readonly number[]; encoding: EncodingName }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
  { bytes: [0x84, 0x31, 0x95, 0x33], encoding: 'gb18030' },
];

/**
 * Guesses the encoding of `sample`, the first bytes of a file (64 KB is plenty). The sample may end in the middle
 * of a character: an incomplete sequence at its end is ignored.
 */
export function detectEncoding(sample: Uint8Array): EncodingGuess {
  return (
    detectByteOrderMark(sample) ?? detectUtf16ByNulBytes(sample) ?? detectUtf8(sample) ?? detectLegacyEncoding(sample)
  );
}

function detectByteOrderMark(sample: Uint8Array): EncodingGuess | null {
  const mark = BYTE_ORDER_MARKS.find(({ bytes }) => bytes.every((byte, index) => sample[index] === byte));
  if (!mark) return null;
  return {
    encoding: mark.encoding,
    bom: true,
    confidence: 'certain',
    reason: `The file starts with the ${labelOf(mark.encoding)} byte order mark.`,
    evidence: { code: 'bom', params: { encoding: mark.encoding } },
  };
}

/** How many bytes are enough to see the NUL pattern of UTF-16 text. */
const UTF16_SAMPLE_BYTES = 4096;

/**
 * UTF-16 without a BOM: CSV text always has ASCII delimiters, digits and line ends, and each of those is a NUL
 * byte beside the character's byte, on the odd side in little endian and the even side in big endian.
 */
function detectUtf16ByNulBytes(sample: Uint8Array): EncodingGuess | null {
  const pairs = Math.min(sample.length, UTF16_SAMPLE_BYTES) >> 1;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let pair = 0; pair < pairs; pair++) {
    if (sample[2 * pair] === 0) evenNuls++;
    if (sample[2 * pair + 1] === 0) oddNuls++;
  }
  const encoding = oneSidedNuls(oddNuls, evenNuls, pairs)
    ? 'utf-16le'
    : oneSidedNuls(evenNuls, oddNuls, pairs)
      ? 'utf-16be'
      : null;
  if (!encoding) return null;
  const share = Math.max(evenNuls, oddNuls) / pairs;
  return {
    encoding,
    bom: false,
    confidence: 'likely',
    reason: `No byte order mark, but ${Math.round(100 * share)}% of characters have a NUL byte on the same side, as ${labelOf(encoding)} text does.`,
    evidence: { code: 'utf16_nuls', params: { encoding, share } },
  };
}

function oneSidedNuls(sideNuls: number, otherSideNuls: number, pairs: number): boolean {
  return pairs >= 2 && sideNuls >= pairs * 0.2 && otherSideNuls <= sideNuls * 0.05;
}

function detectUtf8(sample: Uint8Array): EncodingGuess | null {
  const { multibyte, damagedSpots } = scanUtf8(sample);
  if (damagedSpots === 0 && multibyte === 0) {
    return {
      encoding: 'utf-8',
      bom: false,
      confidence: 'likely',
      reason: 'The sample is plain ASCII, which reads the same in UTF-8 and in every legacy encoding offered.',
      evidence: { code: 'ascii', params: {} },
    };
  }
  if (damagedSpots === 0) {
    return {
      encoding: 'utf-8',
      bom: false,
      confidence: 'certain',
      reason: `The sample is valid UTF-8 with ${multibyte} multibyte characters.`,
      evidence: { code: 'utf8', params: { multibyte } },
    };
  }
  // A UTF-8 file with a damaged character or two is still UTF-8; legacy text is invalid UTF-8 almost everywhere.
  if (multibyte >= 20 && damagedSpots <= Math.max(1, multibyte / 100)) {
    return {
      encoding: 'utf-8',
      bom: false,
      confidence: 'likely',
      reason: `The sample is UTF-8 with ${multibyte} multibyte characters and ${damagedSpots} damaged spots.`,
      evidence: { code: 'utf8_damaged', params: { multibyte, damaged: damagedSpots } },
    };
  }
  return null;
}

const INVALID_SEQUENCE = -1;
const TRUNCATED_SEQUENCE = -2;

/** Counts valid multibyte sequences, and runs of invalid bytes (one damaged character is often several). */
function scanUtf8(bytes: Uint8Array): { multibyte: number; damagedSpots: number } {
  let multibyte = 0;
  let damagedSpots = 0;
  let inDamage = false;
  let position = 0;
  while (position < bytes.length) {
    if ((bytes[position] ?? 0) < 0x80) {
      inDamage = false;
      position++;
      continue;
    }
    const next = readUtf8Sequence(bytes, position);
    if (next === TRUNCATED_SEQUENCE) break;
    if (next === INVALID_SEQUENCE) {
      if (!inDamage) damagedSpots++;
      inDamage = true;
      position++;
    } else {
      inDamage = false;
      multibyte++;
      position = next;
    }
  }
  return { multibyte, damagedSpots };
}

/**
 * Reads one multibyte sequence by the WHATWG rules (no overlong forms, no surrogates, nothing above U+10FFFF) and
 * returns the position after it.
 */
function readUtf8Sequence(bytes: Uint8Array, start: number): number {
  const lead = bytes[start] ?? 0;
  let continuationBytes: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    continuationBytes = 1;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    continuationBytes = 2;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    continuationBytes = 3;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else {
    return INVALID_SEQUENCE;
  }
  for (let offset = 1; offset <= continuationBytes; offset++) {
    if (start + offset >= bytes.length) return TRUNCATED_SEQUENCE;
    const byte = bytes[start + offset] ?? 0;
    if (byte < low || byte > high) return INVALID_SEQUENCE;
    low = 0x80;
    high = 0xbf;
  }
  return start + continuationBytes + 1;
}

type LegacyEncoding = 'gb18030' | 'big5' | 'windows-1252';

/** In order of preference when scores tie. */
const LEGACY_ENCODINGS: readonly LegacyEncoding[] = ['gb18030', 'big5', 'windows-1252'];

/**
 * Decodes the sample as each legacy encoding and scores each reading by the share of its non-ASCII characters
 * that are plausible there. GBK text read as Big5 (or the reverse) mostly decodes without errors, but into rare
 * characters, kana and symbols; Latin text read as GBK hits invalid byte pairs; GBK read as Windows-1252 gives
 * long runs of accented capitals, where real Latin text has accented letters one at a time between ASCII letters.
 */
function detectLegacyEncoding(sample: Uint8Array): EncodingGuess {
  const scored = LEGACY_ENCODINGS.map((encoding) => ({
    encoding,
    score: scoreReading(encoding, decodeSample(encoding, sample)),
  })).sort((a, b) => b.score - a.score);
  const [best, second] = scored as [(typeof scored)[0], (typeof scored)[0]];
  const decisive = best.score >= 0.5 && best.score - second.score >= 0.2 && countNonAscii(sample) >= 10;
  const scores = scored.map(({ encoding, score }) => `${labelOf(encoding)} ${score.toFixed(2)}`).join(', ');
  return {
    encoding: best.encoding,
    bom: false,
    confidence: decisive ? 'likely' : 'guess',
    reason: `Not UTF-8. Share of plausible characters when read as each legacy encoding: ${scores}.`,
    evidence: { code: 'legacy_scores', params: { scores: scored } },
  };
}

const STREAM = { stream: true } as const;

/** Streaming mode holds back an incomplete character at the end of the sample instead of decoding it as U+FFFD. */
function decodeSample(encoding: LegacyEncoding, sample: Uint8Array): string {
  return new TextDecoder(encoding).decode(sample, STREAM);
}

function countNonAscii(sample: Uint8Array): number {
  let count = 0;
  for (let index = 0; index < sample.length; index++) if ((sample[index] ?? 0) >= 0x80) count++;
  return count;
}

function scoreReading(encoding: LegacyEncoding, text: string): number {
  switch (encoding) {
    case 'gb18030':
      return scoreCjkReading(text, GB_COMMON);
    case 'big5':
      return scoreCjkReading(text, BIG5_COMMON);
    case 'windows-1252':
      return scoreLatinReading(text);
  }
}

const REPLACEMENT_CHARACTER = 0xfffd;

/** +1 for each common character of the script, −1 for each decoding error, over the non-ASCII characters. */
function scoreCjkReading(text: string, commonFlag: number): number {
  let nonAscii = 0;
  let points = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    nonAscii++;
    if (code === REPLACEMENT_CHARACTER) points--;
    else if ((CHARACTER_CLASSES[code] ?? 0) & commonFlag) points++;
  }
  return nonAscii === 0 ? 0 : points / nonAscii;
}

/**
 * Plausible Latin characters count fully when they stand alone among ASCII, half in a pair (Portuguese `ção`),
 * and not at all in longer runs, which is what double-byte text read one byte at a time looks like.
 */
function scoreLatinReading(text: string): number {
  let nonAscii = 0;
  let points = 0;
  let index = 0;
  while (index < text.length) {
    if (text.charCodeAt(index) < 0x80) {
      index++;
      continue;
    }
    const runStart = index;
    let plausible = 0;
    while (index < text.length && text.charCodeAt(index) >= 0x80) {
      if ((CHARACTER_CLASSES[text.charCodeAt(index)] ?? 0) & LATIN_COMMON) plausible++;
      index++;
    }
    const runLength = index - runStart;
    nonAscii += runLength;
    if (runLength <= 2) points += plausible / runLength;
  }
  return nonAscii === 0 ? 0 : points / nonAscii;
}

const GB_COMMON = 1;
const BIG5_COMMON = 2;
const LATIN_COMMON = 4;

/**
 * What each BMP character is common in, as bit flags. The common CJK characters are each standard's own
 * frequent-character level, read through the decoders themselves so no table has to be copied in: GB2312's
 * punctuation rows and its 3,755 level-1 hanzi, and Big5's punctuation rows and its 5,401 common characters.
 */
const CHARACTER_CLASSES = buildCharacterClasses();

function buildCharacterClasses(): Uint8Array {
  const classes = new Uint8Array(0x10000);
  const everyTrail = (lead: number, trail: number) =>
    trail >= 0xa1 && trail <= 0xfe && !(lead === 0xd7 && trail > 0xf9);
  markDecodedCodes(classes, GB_COMMON, 'gb18030', [0xa1, 0xa3], everyTrail);
  markDecodedCodes(classes, GB_COMMON, 'gb18030', [0xb0, 0xd7], everyTrail);
  const big5Trail = (lead: number, trail: number) =>
    (trail >= 0x40 && trail <= 0x7e) || (trail >= 0xa1 && trail <= 0xfe && lead !== 0xc6);
  markDecodedCodes(classes, BIG5_COMMON, 'big5', [0xa1, 0xa2], big5Trail);
  markDecodedCodes(classes, BIG5_COMMON, 'big5', [0xa4, 0xc6], big5Trail);
  for (let code = 0xc0; code <= 0xff; code++) if (code !== 0xd7 && code !== 0xf7) addFlag(classes, code, LATIN_COMMON);
  for (const character of '\u00a0¡¢£¥§©ª«®°±²³µ·º»¼½¾¿€‚„…•–—‘’“”™ŠšŒœŽžŸ') {
    addFlag(classes, character.charCodeAt(0), LATIN_COMMON);
  }
  return classes;
}

function addFlag(classes: Uint8Array, code: number, flag: number): void {
  classes[code] = (classes[code] ?? 0) | flag;
}

/** Decodes every double-byte code with a lead byte in `leads` and a trail byte `isTrail` accepts, and flags the result. */
function markDecodedCodes(
  classes: Uint8Array,
  flag: number,
  encoding: LegacyEncoding,
  [firstLead, lastLead]: [number, number],
  isTrail: (lead: number, trail: number) => boolean,
): void {
  const bytes: number[] = [];
  for (let lead = firstLead; lead <= lastLead; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) if (isTrail(lead, trail)) bytes.push(lead, trail);
  }
  const text = new TextDecoder(encoding).decode(Uint8Array.from(bytes));
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== REPLACEMENT_CHARACTER) addFlag(classes, code, flag);
  }
}

function labelOf(encoding: EncodingName): string {
  return LABELS.get(encoding) ?? encoding;
}

export interface StreamDecoder {
  /** Decodes the next chunk; a character split across chunks comes out whole with the later chunk. */
  decode(chunk: Uint8Array): string;
  /** Flushes what is held back; an incomplete character at the very end becomes U+FFFD. */
  end(): string;
}

const BOM_CHARACTER = 0xfeff;

/**
 * A decoder for a whole file fed in chunks. Malformed bytes become U+FFFD rather than errors, so a file with a
 * few bad bytes still imports, and a byte order mark at the start is dropped (also the GB18030 one, which the
 * platform decoder keeps).
 */
export function createDecoder(encoding: EncodingName): StreamDecoder {
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: true });
  let atStart = true;
  const dropByteOrderMark = (text: string): string => {
    if (!atStart || text.length === 0) return text;
    atStart = false;
    return text.charCodeAt(0) === BOM_CHARACTER ? text.slice(1) : text;
  };
  return {
    decode: (chunk) => dropByteOrderMark(decoder.decode(chunk, STREAM)),
    end: () => dropByteOrderMark(decoder.decode()),
  };
}
