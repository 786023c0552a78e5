/**
 * Text to bytes in the encodings exports offer beyond UTF-8: GBK, which Excel on Chinese Windows reads CSV as
 * (code page 936), and Windows-1252, which Brevo accepts. Node has decoders for both but no encoders, so the reverse
 * tables are built once, on first use, by decoding every byte sequence (about 20,000 for GBK, a few milliseconds).
 * A character the encoding lacks becomes `?`, as Excel's own "Save as" does.
 */
import type { ExportEncoding } from '../io/destinations';

const QUESTION_MARK = 0x3f;
/** Per UTF-16 code unit: the byte pair (or single byte) in the target encoding, 0 when it has none. */
const tables = new Map<Exclude<ExportEncoding, 'utf-8'>, Uint16Array>();

function gbkTable(): Uint16Array {
  const table = new Uint16Array(65536);
  const decoder = new TextDecoder('gbk');
  for (let byte = 0; byte < 0x80; byte++) table[byte] = byte;
  // WHATWG's GBK decoder reads 0x80 as the euro sign, as code page 936 does.
  table[0x20ac] = 0x80;
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const text = decoder.decode(pair);
      if (text.length !== 1 || text === '\ufffd') continue;
      const unit = text.charCodeAt(0);
      if (table[unit] === 0) table[unit] = (lead << 8) | trail;
    }
  }
  return table;
}

function windows1252Table(): Uint16Array {
  const table = new Uint16Array(65536);
  const decoder = new TextDecoder('windows-1252');
  for (let byte = 1; byte < 0x100; byte++) {
    const text = decoder.decode(new Uint8Array([byte]));
    if (text !== '\ufffd') table[text.charCodeAt(0)] = byte;
  }
  return table;
}

function tableFor(encoding: Exclude<ExportEncoding, 'utf-8'>): Uint16Array {
  let table = tables.get(encoding);
  if (!table) {
    table = encoding === 'gbk' ? gbkTable() : windows1252Table();
    tables.set(encoding, table);
  }
  return table;
}

// eslint-disable-next-line no-control-regex -- every ASCII character, control characters included
const ASCII_ONLY = /^[\x00-\x7f]*$/;

export function encodeText(text: string, encoding: ExportEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  if (ASCII_ONLY.test(text)) return Buffer.from(text, 'latin1');
  const table = tableFor(encoding);
  const out = Buffer.allocUnsafe(text.length * 2);
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const code = unit === 0 ? 0 : (table[unit] as number);
    if (unit !== 0 && code === 0) {
      out[used++] = QUESTION_MARK;
      // A character outside the BMP is two code units but one character: one question mark.
      if (unit >= 0xd800 && unit <= 0xdbff) i++;
    } else if (code > 0xff) {
      out[used++] = code >> 8;
      out[used++] = code & 0xff;
    } else {
      out[used++] = code;
    }
  }
  return out.subarray(0, used);
}
