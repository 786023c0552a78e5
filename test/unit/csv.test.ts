import { describe, expect, it } from 'vitest';
import { CsvError, CsvParser, parseCsv, type CsvOptions } from '../../src-main/io/csv';

function parseInChunks(text: string, boundaries: number[], options: CsvOptions = {}): string[][] {
  const parser = new CsvParser(options);
  const records: string[][] = [];
  let start = 0;
  for (const boundary of [...boundaries, text.length]) {
    records.push(...parser.push(text.slice(start, boundary)));
    start = boundary;
  }
  records.push(...parser.end());
  return records;
}

function parseInChunksOf(text: string, size: number): string[][] {
  const boundaries: number[] = [];
  for (let at = size; at < text.length; at += size) boundaries.push(at);
  return parseInChunks(text, boundaries);
}

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('parseCsv', () => {
  it('reads plain records', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('reads the last record without a final line break', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(parseCsv(',a,,\n')).toEqual([['', 'a', '', '']]);
  });

  it('reads quoted fields with embedded delimiters and doubled quotes', () => {
    expect(parseCsv('"SET OF 3, RED","say ""hi""",x\n')).toEqual([['SET OF 3, RED', 'say "hi"', 'x']]);
  });

  it('reads quoted fields with embedded LF, CRLF and CR', () => {
    expect(parseCsv('"one\ntwo","three\r\nfour","five\rsix"\r\nnext\r\n')).toEqual([
      ['one\ntwo', 'three\r\nfour', 'five\rsix'],
      ['next'],
    ]);
  });

  it('tells an empty quoted field from a blank line', () => {
    expect(parseCsv('""\n\n"",""\n')).toEqual([[''], ['', '']]);
  });

  it('reads CRLF, LF and lone CR line ends, even mixed', () => {
    const expected = [
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ];
    expect(parseCsv('a,b\r\n1,2\r\n3,4\r\n')).toEqual(expected);
    expect(parseCsv('a,b\n1,2\n3,4\n')).toEqual(expected);
    expect(parseCsv('a,b\r1,2\r3,4\r')).toEqual(expected);
    expect(parseCsv('a,b\r\n1,2\n3,4\r')).toEqual(expected);
  });

  it('skips blank lines', () => {
    expect(parseCsv('\na\n\n\r\nb\n\n')).toEqual([['a'], ['b']]);
  });

  it('strips a UTF-8 byte order mark at the start only', () => {
    expect(parseCsv('\uFEFFInvoiceNo,Country\n1,\uFEFFx\n')).toEqual([
      ['InvoiceNo', 'Country'],
      ['1', '\uFEFFx'],
    ]);
  });

  it('keeps non-ASCII text as it is', () => {
    expect(parseCsv('订单编号,金额\n1,£3.50\n')).toEqual([
      ['订单编号', '金额'],
      ['1', '£3.50'],
    ]);
  });

  it.each([
    [';', 'a;"b;c";1,5\n'],
    ['\t', 'a\t"b\tc"\t1,5\n'],
    ['|', 'a|"b|c"|1,5\n'],
  ])('reads other delimiters (%j)', (delimiter, text) => {
    expect(parseCsv(text, { delimiter })).toEqual([['a', `b${delimiter}c`, '1,5']]);
  });

  it('refuses a delimiter that cannot work', () => {
    for (const delimiter of ['', ';;', '"', '\n', '\r']) {
      expect(() => new CsvParser({ delimiter })).toThrow(/delimiter/);
    }
  });

  it('reads stray quotes the way Excel does', () => {
    expect(parseCsv('5" pipe,"a"b,c\n')).toEqual([['5" pipe', 'ab', 'c']]);
  });

  it('reports an unterminated quote with the line it opened on', () => {
    const error = errorOf(() => parseCsv('a,b\r\n1,2\n3,"open\nstill open\n'));
    expect(error).toBeInstanceOf(CsvError);
    expect(error).toMatchObject({ line: 3, message: expect.stringMatching(/line 3/) as unknown });
  });

  it('counts lines inside earlier quoted fields when reporting an unterminated quote', () => {
    const error = errorOf(() => parseCsv('"x\r\ny\rz"\n"never closed'));
    expect(error).toMatchObject({ line: 4 });
  });
});

describe('CsvParser in chunks', () => {
  const tricky =
    '\uFEFFInvoiceNo,Description,Quantity\r\n' +
    '536365,"SET OF 3, ""RED"" HEARTS",6\r\n' +
    '536366,"two\r\nlines",2\n' +
    '\r\n' +
    'C536379,,-1\r' +
    '536380,"",0\r\n' +
    '536381,"ends with CR\r","x"';

  it('gives the same records for every single split point', () => {
    const whole = parseCsv(tricky);
    expect(whole).toHaveLength(6);
    for (let at = 0; at <= tricky.length; at++) {
      expect(parseInChunks(tricky, [at]), `split at ${at}`).toEqual(whole);
    }
  });

  it('gives the same records for every chunk size', () => {
    const whole = parseCsv(tricky);
    for (let size = 1; size <= tricky.length; size++) {
      expect(parseInChunksOf(tricky, size), `chunks of ${size}`).toEqual(whole);
    }
  });

  it('reads a CRLF pair split across chunks as one line end', () => {
    expect(parseInChunks('a\r\nb\r\n', [2, 5])).toEqual([['a'], ['b']]);
    const error = errorOf(() => parseInChunks('a\r\nb\r\n"c', [2, 5]));
    expect(error).toMatchObject({ line: 3 });
  });

  it('returns records as soon as they are complete', () => {
    const parser = new CsvParser();
    expect(parser.push('a,b\nc,')).toEqual([['a', 'b']]);
    expect(parser.push('"d\n')).toEqual([]);
    expect(parser.push('"\n')).toEqual([['c', 'd\n']]);
    expect(parser.end()).toEqual([]);
  });

  it('reports an unterminated quote at the end of the stream', () => {
    const parser = new CsvParser();
    parser.push('a\n"b');
    expect(() => parser.end()).toThrow(CsvError);
  });

  it('refuses more text after the end', () => {
    const parser = new CsvParser();
    parser.end();
    expect(() => parser.push('a')).toThrow(/after end/);
  });
});
