import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createDecoder,
  detectEncoding,
  encodingFromLabel,
  ENCODINGS,
  type EncodingName,
} from '../../src-main/io/encoding';

const CHINESE_ORDERS = '/work/shared/data/chinese_orders';
const gbkOrders = readFileSync(`${CHINESE_ORDERS}/meal_order_info_GBK.csv`);
const utf8BomDetails = readFileSync(`${CHINESE_ORDERS}/meal_order_detail_UTF8BOM.csv`);

const SAMPLE_BYTES = 64 * 1024;

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function utf16be(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'utf16le').swap16());
}

function decodeInChunks(encoding: EncodingName, data: Uint8Array, chunkSize: number): string {
  const decoder = createDecoder(encoding);
  let text = '';
  for (let start = 0; start < data.length; start += chunkSize) {
    text += decoder.decode(data.subarray(start, start + chunkSize));
  }
  return text + decoder.end();
}

/**
 * An encoder for a double-byte legacy encoding, built by decoding every byte pair with the platform decoder (which
 * cannot encode these). The tests check it against known byte values before trusting it with longer texts.
 */
function doubleByteEncoder(encoding: 'gbk' | 'big5'): (text: string) => Uint8Array {
  const decoder = new TextDecoder(encoding);
  const codes = new Map<string, [number, number]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      const character = decoder.decode(Uint8Array.of(lead, trail));
      if (character.length === 1 && character !== '\ufffd' && !codes.has(character)) {
        codes.set(character, [lead, trail]);
      }
    }
  }
  return (text) => {
    const out: number[] = [];
    for (const character of text) {
      const code = character.charCodeAt(0);
      if (code < 0x80) out.push(code);
      else out.push(...(codes.get(character) ?? [0x3f]));
    }
    return Uint8Array.from(out);
  };
}

const toGbk = doubleByteEncoder('gbk');
const toBig5 = doubleByteEncoder('big5');

const TRADITIONAL_ORDERS = [
  '訂單編號,訂購日期,買家姓名,商品名稱,規格,數量,單價,小計,付款方式,配送地址,訂單狀態',
  'TW2023001,2023/05/01 10:23,陳美玲,有機烏龍茶葉 150克,罐裝,2,450,900,信用卡,臺北市大安區忠孝東路四段100號,已完成',
  'TW2023002,2023/05/01 11:05,林志偉,手工鳳梨酥禮盒,12入,1,380,380,貨到付款,新北市板橋區文化路一段25號5樓,已出貨',
  'TW2023003,2023/05/02 09:40,黃淑芬,高山金萱茶,半斤,3,600,1800,轉帳,臺中市西屯區台灣大道三段99號,處理中',
  'TW2023004,2023/05/02 14:12,張家豪,日月潭紅茶 經典包,10包,2,250,500,信用卡,高雄市苓雅區四維三路2號,已取消',
].join('\n');

describe('detectEncoding on the shared files', () => {
  it('reads the GBK restaurant orders as GBK / GB18030 and decodes the Chinese names', () => {
    const guess = detectEncoding(gbkOrders.subarray(0, SAMPLE_BYTES));
    expect(guess).toMatchObject({ encoding: 'gb18030', bom: false, confidence: 'likely' });
    // The scores behind the choice, best first, in figures for the interface and in the English reason.
    expect(guess.evidence?.code).toBe('legacy_scores');
    const scores = guess.evidence?.code === 'legacy_scores' ? guess.evidence.params.scores : [];
    expect(scores.map(({ encoding }) => encoding)[0]).toBe('gb18030');
    expect(scores).toHaveLength(3);
    expect(scores.map(({ score }) => score)).toEqual(scores.map(({ score }) => score).sort((a, b) => b - a));
    expect(guess.reason).toContain(`GBK / GB18030 ${scores[0]?.score.toFixed(2)}`);
    const text = decodeInChunks(guess.encoding, gbkOrders, 4093);
    const [header, firstOrder] = text.split(/\r?\n/);
    expect(header?.split(',').slice(-2)).toEqual(['phone', 'name']);
    expect(firstOrder?.split(',').at(-1)).toBe('苗宇怡');
    expect(text).not.toContain('\ufffd');
  });

  it('reads the UTF-8 order details as UTF-8 with a BOM, which the decoder drops', () => {
    expect(detectEncoding(utf8BomDetails.subarray(0, SAMPLE_BYTES))).toMatchObject({
      encoding: 'utf-8',
      bom: true,
      confidence: 'certain',
      evidence: { code: 'bom', params: { encoding: 'utf-8' } },
    });
    const text = decodeInChunks('utf-8', utf8BomDetails, 1000);
    expect(text.startsWith('"detail_id","order_id"')).toBe(true);
    expect(text.split('\n')[1]).toContain('"西瓜胡萝卜沙拉"');
  });

  it('reads the same details re-encoded as GBK as GBK, not Big5', () => {
    const gbk = toGbk(utf8BomDetails.toString('utf8').slice(1, 20_000));
    const guess = detectEncoding(gbk);
    expect(guess).toMatchObject({ encoding: 'gb18030', confidence: 'likely' });
    expect(decodeInChunks('gb18030', gbk, 777)).toContain('西瓜胡萝卜沙拉');
  });
});

describe('detectEncoding', () => {
  it('builds its test encoders right: 中文 is D6D0 CEC4 in GBK and A4A4 A4E5 in Big5', () => {
    expect(toGbk('中文')).toEqual(bytes('D6D0 CEC4'));
    expect(toBig5('中文')).toEqual(bytes('A4A4 A4E5'));
  });

  it('tells the two from a few known characters', () => {
    expect(detectEncoding(concat(ascii('name\n'), bytes('D6D0 CEC4')))).toMatchObject({ encoding: 'gb18030' });
    expect(detectEncoding(concat(ascii('name\n'), bytes('A4A4 A4E5')))).toMatchObject({ encoding: 'big5' });
  });

  it('reads traditional Chinese orders in Big5 as Big5, not GBK', () => {
    const big5 = toBig5(TRADITIONAL_ORDERS);
    expect(detectEncoding(big5)).toMatchObject({ encoding: 'big5', bom: false, confidence: 'likely' });
    expect(decodeInChunks('big5', big5, 3)).toBe(TRADITIONAL_ORDERS);
  });

  it('reads Latin text with é, ü and £ as Windows-1252, € included', () => {
    const latin = concat(
      Uint8Array.from(Buffer.from('Name;City;Note;Price\nMüller;München;Größe L, schön;£12,50\n', 'latin1')),
      Uint8Array.from(Buffer.from('Béatrice;Besançon;très bien, déjà payé;', 'latin1')),
      bytes('80'), // € in Windows-1252
      ascii('8,90\n'),
      Uint8Array.from(Buffer.from('José;São Paulo;informação;R$ 5,00\n', 'latin1')),
    );
    expect(detectEncoding(latin)).toMatchObject({ encoding: 'windows-1252', bom: false, confidence: 'likely' });
    expect(decodeInChunks('windows-1252', latin, 5)).toContain('déjà payé;€8,90\nJosé;São Paulo;informação');
  });

  it('reads valid UTF-8 with multibyte characters as certainly UTF-8', () => {
    expect(detectEncoding(ascii('name,city\nZoë,Zürich\n李雷,北京\n'))).toEqual({
      encoding: 'utf-8',
      bom: false,
      confidence: 'certain',
      reason: 'The sample is valid UTF-8 with 6 multibyte characters.',
      evidence: { code: 'utf8', params: { multibyte: 6 } },
    });
  });

  it('reads pure ASCII as likely UTF-8', () => {
    expect(detectEncoding(ascii('InvoiceNo,Quantity\n536365,6\n'))).toMatchObject({
      encoding: 'utf-8',
      confidence: 'likely',
      evidence: { code: 'ascii', params: {} },
    });
  });

  it('ignores a multibyte character cut off at the end of the sample', () => {
    const utf8 = ascii('name\n李雷,北京\n');
    expect(detectEncoding(utf8.subarray(0, utf8.length - 2))).toMatchObject({
      encoding: 'utf-8',
      confidence: 'certain',
    });
    const gbk = toGbk(utf8BomDetails.toString('utf8').slice(1, 3000));
    const cutAfterLeadByte = gbk.subarray(0, gbk.lastIndexOf(0xa3) + 1);
    expect(cutAfterLeadByte.at(-1)).toBe(0xa3);
    expect(detectEncoding(cutAfterLeadByte)).toMatchObject({ encoding: 'gb18030', confidence: 'likely' });
  });

  it('still calls UTF-8 with one damaged byte among many characters UTF-8, but only likely', () => {
    const text = ascii('菜品,价格\n' + '西瓜胡萝卜沙拉,26\n'.repeat(10));
    text[20] = 0xff; // the lead byte of 胡, whose two continuation bytes then make one damaged spot with it
    expect(detectEncoding(text)).toMatchObject({
      encoding: 'utf-8',
      confidence: 'likely',
      evidence: { code: 'utf8_damaged', params: { multibyte: 73, damaged: 1 } },
    });
  });

  it.each([
    ['utf-16le', 'FFFE', (text: string) => Uint8Array.from(Buffer.from(text, 'utf16le'))],
    ['utf-16be', 'FEFF', utf16be],
  ] as const)('reads %s by its BOM, and without one by its NUL bytes', (encoding, bom, encode) => {
    const text = 'Name\tCity\tTotal\nZoë\t北京\t12.50\n';
    expect(detectEncoding(concat(bytes(bom), encode(text)))).toMatchObject({
      encoding,
      bom: true,
      confidence: 'certain',
      evidence: { code: 'bom', params: { encoding } },
    });
    // Every character but 北 and 京 has a NUL byte on the same side.
    expect(detectEncoding(encode(text))).toMatchObject({
      encoding,
      bom: false,
      confidence: 'likely',
      evidence: { code: 'utf16_nuls', params: { encoding, share: 27 / 29 } },
    });
    expect(decodeInChunks(encoding, concat(bytes(bom), encode(text)), 3)).toBe(text);
  });

  it('reads the GB18030 BOM', () => {
    const withBom = concat(bytes('84319533'), toGbk('名称\n中文\n'));
    expect(detectEncoding(withBom)).toMatchObject({ encoding: 'gb18030', bom: true, confidence: 'certain' });
    expect(decodeInChunks('gb18030', withBom, 2)).toBe('名称\n中文\n');
  });

  it('only guesses when there is too little to go on', () => {
    const guess = detectEncoding(bytes('D6D0 CEC4'));
    expect(guess.encoding).toBe('gb18030');
    expect(guess.confidence).toBe('guess');
  });
});

describe('createDecoder', () => {
  it('gives the same text whatever the chunk size, characters split across chunks included', () => {
    const text = 'id,菜品,价格\n1,麻辣小龙虾 🦞,99\n';
    const utf8 = ascii(text);
    for (const size of [1, 2, 3, 5, 64]) expect(decodeInChunks('utf-8', utf8, size)).toBe(text);
    const utf16 = Uint8Array.from(Buffer.from(text, 'utf16le'));
    for (const size of [1, 3]) expect(decodeInChunks('utf-16le', utf16, size)).toBe(text);
  });

  it('drops the BOM once, even split across chunks, and keeps a later U+FEFF', () => {
    const data = concat(bytes('EFBBBF'), ascii('a\uFEFFb'));
    expect(decodeInChunks('utf-8', data, 1)).toBe('a\uFEFFb');
    expect(decodeInChunks('utf-8', data, 100)).toBe('a\uFEFFb');
  });

  it('turns malformed bytes and an unfinished character at the end into U+FFFD instead of failing', () => {
    expect(decodeInChunks('utf-8', concat(ascii('a'), bytes('FF'), ascii('b'), bytes('E4B8')), 2)).toBe(
      'a\uFFFDb\uFFFD',
    );
  });
});

describe('ENCODINGS and encodingFromLabel', () => {
  it('lists six encodings the platform decoder knows by exactly that name', () => {
    expect(ENCODINGS.map(({ name }) => name)).toEqual([
      'utf-8',
      'utf-16le',
      'utf-16be',
      'gb18030',
      'big5',
      'windows-1252',
    ]);
    for (const { name } of ENCODINGS) expect(new TextDecoder(name).encoding).toBe(name);
    expect(ENCODINGS.find(({ name }) => name === 'gb18030')?.label).toBe('GBK / GB18030');
  });

  it('reads common labels and refuses encodings it does not import', () => {
    expect(encodingFromLabel('GBK')).toBe('gb18030');
    expect(encodingFromLabel(' gb2312 ')).toBe('gb18030');
    expect(encodingFromLabel('UTF8')).toBe('utf-8');
    expect(encodingFromLabel('latin1')).toBe('windows-1252');
    expect(encodingFromLabel('big5-hkscs')).toBe('big5');
    expect(encodingFromLabel('shift_jis')).toBeNull();
    expect(encodingFromLabel('klingon')).toBeNull();
  });
});
