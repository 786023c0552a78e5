import { readFileSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { excelSerialToEpochMs } from '../../src-main/io/dates';
import {
  epochMsToExcelSerial,
  isDateFormatCode,
  openXlsx,
  readXlsx,
  XlsxError,
  type XlsxRow,
} from '../../src-main/io/xlsx-read';
import {
  createXlsxWriter,
  escapeCellText,
  validSheetName,
  XLSX_MAX_ROWS,
  type XlsxColumn,
  type XlsxValue,
} from '../../src-main/io/xlsx-write';
import { openZip, ZipWriter, type ByteSink } from '../../src-main/io/zip';

/** Made by LibreOffice 7.4 (`soffice --headless --convert-to xlsx`) from sample.csv beside it. */
const LIBREOFFICE_SAMPLE = readFileSync(new URL('../fixtures/xlsx/sample.xlsx', import.meta.url));

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';

function memorySink(): { sink: ByteSink; bytes: () => Buffer } {
  const chunks: Uint8Array[] = [];
  return { sink: (chunk) => void chunks.push(Buffer.from(chunk)), bytes: () => Buffer.concat(chunks) };
}

async function zipOf(files: Record<string, string | Uint8Array>, options: { store?: boolean } = {}): Promise<Buffer> {
  const { sink, bytes } = memorySink();
  const writer = new ZipWriter(sink);
  for (const [name, content] of Object.entries(files)) await writer.addFile(name, content, options);
  await writer.finish();
  return bytes();
}

interface HandMadeWorkbook {
  /** Each sheet's XML inside <worksheet>, usually a <sheetData>. */
  sheets?: Record<string, string>;
  sharedStrings?: string[];
  /** The shared-string part's encoding; UTF-8 unless given. */
  sharedStringsEncoding?: 'utf16le';
  styles?: string;
  workbookPr?: string;
  chartSheet?: string;
}

/** A workbook from hand-written XML, with the packaging parts filled in. */
function workbookOf(book: HandMadeWorkbook): Promise<Buffer> {
  const sheets = Object.entries(book.sheets ?? { Sheet1: '<sheetData/>' });
  const relationship = (id: string, type: string, target: string) =>
    `<Relationship Id="${id}" Type="${RELATIONSHIPS}/${type}" Target="${target}"/>`;
  const sharedStrings = `<sst xmlns="${MAIN}">${(book.sharedStrings ?? []).join('')}</sst>`;
  const files: Record<string, string | Uint8Array> = {
    '_rels/.rels': `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">${relationship('rId1', 'officeDocument', 'xl/workbook.xml')}</Relationships>`,
    'xl/workbook.xml':
      `<workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}">${book.workbookPr ?? ''}<sheets>` +
      sheets.map(([name], index) => `<sheet name="${name}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`).join('') +
      (book.chartSheet ? `<sheet name="${book.chartSheet}" sheetId="99" r:id="rIdChart"/>` : '') +
      '</sheets></workbook>',
    'xl/_rels/workbook.xml.rels':
      `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">` +
      sheets
        .map((_sheet, index) => relationship(`rId${index + 1}`, 'worksheet', `worksheets/sheet${index + 1}.xml`))
        .join('') +
      relationship('rIdStrings', 'sharedStrings', '/xl/sharedStrings.xml') +
      relationship('rIdStyles', 'styles', 'styles.xml') +
      relationship('rIdChart', 'chartsheet', 'chartsheets/sheet1.xml') +
      '</Relationships>',
    'xl/sharedStrings.xml':
      book.sharedStringsEncoding === 'utf16le'
        ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sharedStrings, 'utf16le')])
        : sharedStrings,
    'xl/styles.xml': book.styles ?? `<styleSheet xmlns="${MAIN}"/>`,
  };
  sheets.forEach(([, xml], index) => {
    files[`xl/worksheets/sheet${index + 1}.xml`] =
      `<?xml version="1.0"?>\n<worksheet xmlns="${MAIN}">${xml}</worksheet>`;
  });
  return zipOf(files);
}

function cellsOf(rows: XlsxRow[]) {
  return rows.map((row) => row.cells);
}

async function streamedRows(bytes: Uint8Array, sheet?: string | number): Promise<{ rows: XlsxRow[]; batches: number }> {
  const rows: XlsxRow[] = [];
  let batches = 0;
  for await (const batch of openXlsx(bytes).rows(sheet)) {
    batches++;
    rows.push(...batch);
  }
  return { rows, batches };
}

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const utc = (...parts: [number, number, number, number?, number?, number?]) => Date.UTC(...parts);

describe('readXlsx on a workbook LibreOffice made', () => {
  const expectedRows = [
    { number: 1, cells: ['Order date', 'Customer', 'Amount', 'Note', '城市', 'Quantity', 'Total'] },
    {
      number: 2,
      cells: [{ excelSerial: 45296 }, 'Smith, John', 12.5, 'He said "hi"\non two lines', '上海', 3, 37.5],
    },
    { number: 3, cells: [{ excelSerial: 45351.6041666667 }, 'Zoë Müller', -4.25, 'a, b and c', '北京', null, -8.5] },
    { number: 4, cells: [{ excelSerial: 45291 }, null, 1234567.891, 'plain', '广州', 7, 8] },
  ];

  it('reads text, numbers, dates, cached formula results and gaps', () => {
    expect(readXlsx(LIBREOFFICE_SAMPLE)).toEqual({ sheets: ['sample'], rows: expectedRows });
  });

  it('gives the dates of the CSV it was made from', () => {
    const { rows } = readXlsx(LIBREOFFICE_SAMPLE);
    const serials = rows.slice(1).map((row) => (row.cells[0] as { excelSerial: number }).excelSerial);
    expect(serials.map(excelSerialToEpochMs)).toEqual([utc(2024, 0, 5), utc(2024, 1, 29, 14, 30), utc(2023, 11, 31)]);
  });

  it('streams the same rows', async () => {
    expect((await streamedRows(LIBREOFFICE_SAMPLE)).rows).toEqual(expectedRows);
    expect(openXlsx(LIBREOFFICE_SAMPLE)).toMatchObject({ sheetNames: ['sample'], date1904: false });
  });

  it('says a file cut in half is damaged, and what to do', async () => {
    const half = LIBREOFFICE_SAMPLE.subarray(0, LIBREOFFICE_SAMPLE.length >> 1);
    const error = errorOf(() => readXlsx(half));
    expect(error).toBeInstanceOf(XlsxError);
    expect(error).toMatchObject({
      code: 'damaged',
      message:
        'This .xlsx file is damaged or incomplete (the end of the archive is missing; the file was probably cut ' +
        'short). Re-export it from Excel, or save it as CSV.',
    });
    expect(errorOf(() => openXlsx(half))).toMatchObject({ code: 'damaged' });
  });

  it('answers a cut or a flipped byte anywhere with an XlsxError, never a crash', () => {
    for (let length = 0; length < LIBREOFFICE_SAMPLE.length; length += 41) {
      expect(errorOf(() => readXlsx(LIBREOFFICE_SAMPLE.subarray(0, length)))).toBeInstanceOf(XlsxError);
    }
    for (let at = 0; at < LIBREOFFICE_SAMPLE.length; at += 13) {
      const flipped = Buffer.from(LIBREOFFICE_SAMPLE);
      flipped.writeUInt8(flipped.readUInt8(at) ^ 0x55, at);
      try {
        readXlsx(flipped);
      } catch (error) {
        expect(error, `byte ${at}`).toBeInstanceOf(XlsxError);
      }
    }
  });
});

describe('what the file is', () => {
  const cfb = (streamName: string) =>
    Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504),
      Buffer.from(streamName, 'utf16le'),
    ]);

  it.each([
    ['an empty file', Buffer.alloc(0), 'empty', 'This file is empty'],
    ['a CSV file renamed .xlsx', Buffer.from('email,name\na@example.com,A\n'), 'not-xlsx', 'import it as CSV'],
    ['a password-protected workbook', cfb('EncryptedPackage'), 'encrypted', 'password-protected'],
    ['an Excel 97-2003 workbook', cfb('Workbook'), 'legacy-xls', '(.xls)'],
  ])('recognises %s', (_what, bytes, code, words) => {
    const error = errorOf(() => openXlsx(bytes));
    expect(error).toBeInstanceOf(XlsxError);
    expect(error).toMatchObject({ code, message: expect.stringContaining(words) });
  });

  it('recognises OpenDocument and binary Excel workbooks, and ZIP files that are no workbook', async () => {
    const ods = await zipOf({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<x/>' });
    expect(errorOf(() => openXlsx(ods))).toMatchObject({ code: 'ods' });
    const xlsb = await zipOf({ 'xl/workbook.bin': 'binary' });
    expect(errorOf(() => openXlsx(xlsb))).toMatchObject({ code: 'xlsb', message: expect.stringContaining('.xlsb') });
    const docx = await zipOf({ 'word/document.xml': '<w:document/>' });
    expect(errorOf(() => openXlsx(docx))).toMatchObject({ code: 'not-xlsx' });
  });
});

describe('readXlsx on hand-written workbooks', () => {
  it('reads shared strings: plain, rich-text runs, phonetic guides left out, entities and escapes', async () => {
    const book = await workbookOf({
      sharedStrings: [
        '<si><t>plain</t></si>',
        '<si><r><rPr><b/></rPr><t>bold</t></r><r><t xml:space="preserve"> and </t></r><r><t>normal</t></r></si>',
        '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>',
        '<si><t>&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#233; &#x1F600; &unknown;</t></si>',
        '<si><t>line1_x000D_\nline2 _x005F_x0041_ tab&#9;end</t></si>',
        '<si><t>  trimmed  </t></si>',
        '<si><t xml:space="preserve">  kept  </t></si>',
        '<si><r><t>hello</t></r><r><t> </t></r><r><t>world</t></r></si>',
        '<si><t>cr&#13;kept, crlf\r\nnormalised</t></si>',
        '<si><t/></si>',
      ],
      sheets: {
        Sheet1: `<sheetData><row r="1">${[...Array(10).keys()].map((index) => `<c t="s"><v>${index}</v></c>`).join('')}</row></sheetData>`,
      },
    });
    expect(cellsOf(readXlsx(book).rows)).toEqual([
      [
        'plain',
        'bold and normal',
        '東京',
        `<a> & "b" 'c' é 😀 &unknown;`,
        'line1\r\nline2 _x0041_ tab\tend',
        'trimmed',
        '  kept  ',
        'hello world',
        'cr\rkept, crlf\nnormalised',
        '',
      ],
    ]);
  });

  it('reads a shared-string table larger than a decoding slice, item for item', async () => {
    const count = 40_000;
    const items = Array.from({ length: count }, (_item, index) =>
      index % 1000 === 0 ? '<si/>' : `<si><t>item ${index} &amp; ü 中</t></si>`,
    );
    const cells = [0, 1, 999, 1000, 1001, count - 1].map((index) => `<c t="s"><v>${index}</v></c>`).join('');
    const book = await workbookOf({
      sharedStrings: items,
      sheets: { Sheet1: `<sheetData><row>${cells}</row></sheetData>` },
    });
    expect(Buffer.byteLength(items.join(''))).toBeGreaterThan(1024 * 1024);
    expect(cellsOf(readXlsx(book).rows)).toEqual([
      ['', 'item 1 & ü 中', 'item 999 & ü 中', '', 'item 1001 & ü 中', `item ${count - 1} & ü 中`],
    ]);
  });

  it('reads XML parts written in UTF-16', async () => {
    const book = await workbookOf({
      sharedStrings: ['<si><t>UTF-16 上海</t></si>'],
      sharedStringsEncoding: 'utf16le',
      sheets: { Sheet1: '<sheetData><row><c t="s"><v>0</v></c></row></sheetData>' },
    });
    expect(cellsOf(readXlsx(book).rows)).toEqual([['UTF-16 上海']]);
  });

  it('reads every kind of cell and fills gaps with null', async () => {
    const book = await workbookOf({
      sharedStrings: ['<si><t>shared</t></si>'],
      sheets: {
        Data: `<sheetData>
          <row r="2">
            <c r="B2" t="inlineStr"><is><t>inline</t></is></c>
            <c r="C2" t="inlineStr"><is><r><t xml:space="preserve">rich </t></r><r><t>inline</t></r></is></c>
            <c r="E2"><v>42</v></c>
            <c r="F2" t="n"><v> -1.5E3 </v></c>
            <c r="G2" t="b"><v>1</v></c>
            <c r="H2" t="b"><v>0</v></c>
            <c r="I2" t="e"><v>#DIV/0!</v></c>
            <c r="J2" t="str"><f>A1&amp;"x"</f><v>text result</v></c>
            <c r="K2"><f>SUM(A1:A2)</f><v>3</v></c>
            <c r="L2"><f>NOW()</f></c>
            <c r="M2" s="0"/>
            <c r="N2" t="s"><v>0</v></c>
            <c r="O2" t="inlineStr"><is><t/></is></c>
            <c r="P2"><v xml:space="preserve"> 6 </v></c>
            <c r="Q2" t="inlineStr"><is><r><t>in</t></r></is><v>ignored</v></c>
          </row>
          <row r="5"><c r="A5"><v>5</v></c></row>
          <row r="6"/>
          <row><c><v>7</v></c><c><v>8</v></c><c r="E7"><v>9</v></c><c><v>10</v></c></row>
        </sheetData>`,
      },
    });
    expect(readXlsx(book).rows).toEqual([
      {
        number: 2,
        cells: [
          null,
          'inline',
          'rich inline',
          null,
          42,
          -1500,
          true,
          false,
          '#DIV/0!',
          'text result',
          3,
          null,
          null,
          'shared',
          '',
          6,
          'in',
        ],
      },
      { number: 5, cells: [5] },
      { number: 7, cells: [7, 8, null, null, 9, 10] },
    ]);
  });

  it('reads namespace-prefixed elements, CDATA and comments', async () => {
    const book = await workbookOf({
      sheets: {
        Sheet1: `<!-- a comment with <c> in it --><x:sheetData xmlns:x="${MAIN}"><x:row r="1">
          <x:c r="A1" t="inlineStr"><x:is><x:t><![CDATA[a <b> & c]]></x:t></x:is></x:c>
          <x:c r="B1"><x:v>2</x:v></x:c></x:row></x:sheetData>`,
      },
    });
    expect(cellsOf(readXlsx(book).rows)).toEqual([['a <b> & c', 2]]);
  });

  it('returns numbers in date and time formats as Excel dates, and no other numbers', async () => {
    const formats = [
      'yyyy-mm-dd',
      'dd/mm/yyyy\\ hh:mm',
      '[$-409]mmmm\\ d\\,\\ yyyy;@',
      '[h]:mm:ss',
      'yyyy"年"m"月"d"日"',
      '[Red]#,##0.00',
      '#,##0 "days"',
      '0.00E+00',
      'General',
      '_(* #,##0_);_(* (#,##0);_(* "-"??_);_(@_)',
    ];
    const styles =
      `<styleSheet xmlns="${MAIN}"><numFmts count="${formats.length}">` +
      formats
        .map((code, index) => `<numFmt numFmtId="${164 + index}" formatCode="${code.replace(/"/g, '&quot;')}"/>`)
        .join('') +
      '</numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs>' +
      '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="22"/><xf numFmtId="2"/><xf numFmtId="31"/>' +
      formats.map((_code, index) => `<xf numFmtId="${164 + index}"/>`).join('') +
      '</cellXfs><dxfs><dxf><numFmt numFmtId="1" formatCode="yyyy"/></dxf></dxfs></styleSheet>';
    const cells = [...Array(5 + formats.length).keys()].map((style) => `<c s="${style}"><v>45000.5</v></c>`).join('');
    const book = await workbookOf({ styles, sheets: { Sheet1: `<sheetData><row>${cells}</row></sheetData>` } });
    const date = { excelSerial: 45000.5 };
    expect(cellsOf(readXlsx(book).rows)).toEqual([
      [45000.5, date, date, 45000.5, date, date, date, date, date, date, 45000.5, 45000.5, 45000.5, 45000.5, 45000.5],
    ]);
  });

  it('converts dates of the 1904 system into the 1900 system', async () => {
    const book = await workbookOf({
      workbookPr: '<workbookPr date1904="1"/>',
      styles: `<styleSheet xmlns="${MAIN}"><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`,
      sheets: {
        Sheet1: '<sheetData><row><c s="1"><v>0</v></c><c s="1"><v>43834</v></c><c><v>7</v></c></row></sheetData>',
      },
    });
    const workbook = openXlsx(book);
    expect(workbook.date1904).toBe(true);
    const [row] = readXlsx(book).rows;
    expect(row?.cells).toEqual([{ excelSerial: 1462 }, { excelSerial: 45296 }, 7]);
    expect(excelSerialToEpochMs(1462)).toBe(utc(1904, 0, 1));
    expect(excelSerialToEpochMs(45296)).toBe(utc(2024, 0, 5));
  });

  it('reads ISO dates of t="d" cells as Excel dates', async () => {
    const book = await workbookOf({
      sheets: {
        Sheet1:
          '<sheetData><row><c t="d"><v>2024-01-05</v></c><c t="d"><v>2024-01-05T12:00:00</v></c>' +
          '<c t="d"><v>not a date</v></c></row></sheetData>',
      },
    });
    expect(cellsOf(readXlsx(book).rows)).toEqual([[{ excelSerial: 45296 }, { excelSerial: 45296.5 }, 'not a date']]);
  });

  it('picks sheets by name, by index, case-insensitively, and leaves chart sheets out', async () => {
    const book = await workbookOf({
      sheets: {
        First: '<sheetData><row><c><v>1</v></c></row></sheetData>',
        'Second &amp; last': '<sheetData><row><c><v>2</v></c></row></sheetData>',
      },
      chartSheet: 'Chart',
    });
    expect(readXlsx(book).sheets).toEqual(['First', 'Second & last']);
    expect(cellsOf(readXlsx(book).rows)).toEqual([[1]]);
    expect(cellsOf(readXlsx(book, { sheet: 1 }).rows)).toEqual([[2]]);
    expect(cellsOf(readXlsx(book, { sheet: 'second & LAST' }).rows)).toEqual([[2]]);
    expect(cellsOf((await streamedRows(book, 'Second & last')).rows)).toEqual([[2]]);
    expect(errorOf(() => readXlsx(book, { sheet: 'Chart' }))).toMatchObject({
      code: 'no-sheet',
      message: 'This workbook has no sheet named “Chart”. Its sheets are “First”, “Second & last”.',
    });
    expect(errorOf(() => readXlsx(book, { sheet: 2 }))).toMatchObject({ code: 'no-sheet' });
  });

  it('says so when there is no worksheet at all', async () => {
    const book = await workbookOf({ sheets: {}, chartSheet: 'Chart' });
    expect(errorOf(() => readXlsx(book))).toMatchObject({
      code: 'no-sheet',
      message: 'This workbook has no worksheets to import.',
    });
  });

  it.each([
    ['an XML part that stops mid-tag', '<sheetData><row><c r="A1"', 'stops in the middle of a <row> element'],
    [
      'a shared string that does not exist',
      '<sheetData><row><c t="s"><v>3</v></c></row></sheetData>',
      'shared text number 3',
    ],
    ['a column past XFD', '<sheetData><row><c r="XFE1"><v>1</v></c></row></sheetData>', "past Excel's last column"],
    ['an unquoted attribute', '<sheetData><row r=1></row></sheetData>', 'an attribute has no quotes around its value'],
  ])('reports %s as damage', async (_what, sheet, words) => {
    const book = await workbookOf({ sheets: { Sheet1: sheet } });
    expect(errorOf(() => readXlsx(book))).toMatchObject({ code: 'damaged', message: expect.stringContaining(words) });
    await expect(streamedRows(book)).rejects.toMatchObject({ code: 'damaged' });
  });

  it('says which part is missing', async () => {
    const book = await zipOf({ 'xl/workbook.xml': `<workbook xmlns="${MAIN}"/>` });
    expect(errorOf(() => readXlsx(book))).toMatchObject({
      code: 'damaged',
      message: expect.stringContaining('the list of parts of xl/workbook.xml is missing'),
    });
  });
});

describe('isDateFormatCode', () => {
  it.each(['d', 'mmm-yy', 'h:mm AM/PM', 'mm:ss.0', '[h]:mm', 'yyyy\\-mm\\-dd', '[$-804]yyyy"年"m"月"', 'DD.MM.YYYY'])(
    '%j shows a date or time',
    (code) => expect(isDateFormatCode(code)).toBe(true),
  );

  it.each(['General', '0.00', '#,##0 "days"', '[Red]0.0', '0.0_m', '\\d0', '@', '[$€-2] #,##0.00', '*d0'])(
    '%j shows no date',
    (code) => expect(isDateFormatCode(code)).toBe(false),
  );
});

describe('Excel serial dates', () => {
  it('follow Excel, fake 29 February 1900 included', () => {
    expect(excelSerialToEpochMs(1)).toBe(utc(1900, 0, 1));
    expect(excelSerialToEpochMs(59)).toBe(utc(1900, 1, 28));
    expect(excelSerialToEpochMs(61)).toBe(utc(1900, 2, 1));
    expect(excelSerialToEpochMs(25569)).toBe(0);
    expect(excelSerialToEpochMs(45296.75)).toBe(utc(2024, 0, 5, 18));
    expect(excelSerialToEpochMs(45351.6041666667)).toBe(utc(2024, 1, 29, 14, 30));
  });

  it('convert back', () => {
    for (const epochMs of [utc(1900, 0, 1), utc(1900, 1, 28), utc(1900, 2, 1), 0, utc(2024, 0, 5, 18, 30, 15)]) {
      expect(excelSerialToEpochMs(epochMsToExcelSerial(epochMs))).toBe(epochMs);
    }
  });
});

async function writeXlsx(
  columns: readonly XlsxColumn[],
  rows: readonly (readonly XlsxValue[])[],
  sheetName?: string,
): Promise<Buffer> {
  const { sink, bytes } = memorySink();
  const writer = createXlsxWriter(sink, { columns, sheetName });
  for (const row of rows) await writer.addRow(row);
  await writer.finish();
  return bytes();
}

function sheetXml(bytes: Uint8Array): string {
  return Buffer.from(openZip(bytes).read('xl/worksheets/sheet1.xml')).toString('utf8');
}

describe('createXlsxWriter', () => {
  const columns: XlsxColumn[] = [
    { header: 'Email' },
    { header: 'Phone', kind: 'phone' },
    { header: 'Value' },
    { header: 'Since' },
    { header: 'Opted in' },
    { header: 'Note' },
  ];

  it('writes values that read back as they went in', async () => {
    const bytes = await writeXlsx(
      columns,
      [
        ['a@example.com', '+447700900123', 12.5, new Date(utc(2024, 0, 5)), true, 'Zoë "Z" <b> & co 中文 😀'],
        ['b@example.com', '+44 7700 900123', -3, new Date(utc(2024, 0, 5, 13, 45, 10)), false, 'line1\r\nline2\ttab'],
        ['  spaced  ', null, 0.1 + 0.2, undefined, null, '_x0041_ stays literal'],
        [null, '', 1e21, new Date(utc(1900, 1, 28)), null, '-12.5'],
        ['x', null, null, new Date(utc(1899, 11, 31, 12)), null, 'last'],
      ],
      'Audience',
    );
    const { sheets, rows } = readXlsx(bytes);
    expect(sheets).toEqual(['Audience']);
    expect(rows).toEqual([
      { number: 1, cells: ['Email', 'Phone', 'Value', 'Since', 'Opted in', 'Note'] },
      {
        number: 2,
        cells: ['a@example.com', '+447700900123', 12.5, { excelSerial: 45296 }, true, 'Zoë "Z" <b> & co 中文 😀'],
      },
      {
        number: 3,
        cells: [
          'b@example.com',
          `'+44 7700 900123`,
          -3,
          { excelSerial: expect.closeTo(45296.573032, 6) },
          false,
          'line1\r\nline2\ttab',
        ],
      },
      { number: 4, cells: ['  spaced  ', null, 0.1 + 0.2, null, null, '_x0041_ stays literal'] },
      { number: 5, cells: [null, null, 1e21, { excelSerial: 59 }, null, '-12.5'] },
      { number: 6, cells: ['x', null, null, '1899-12-31T12:00:00.000Z', null, 'last'] },
    ]);
    const [, , dated] = rows;
    const serial = (dated?.cells[3] as { excelSerial: number }).excelSerial;
    expect(excelSerialToEpochMs(serial)).toBe(utc(2024, 0, 5, 13, 45, 10));
  });

  it('neutralises formulas in text, keeping E.164 phones in phone columns', async () => {
    const bytes = await writeXlsx(
      [{ header: '=header' }, { header: 'Phone', kind: 'phone' }, { header: 'Other phone' }],
      [
        ['=HYPERLINK("http://evil.example")', '+447700900123', '+447700900123'],
        ['@SUM(1)', '=1+1', '-1+2'],
        ['\t=1', '\r=1', '+1'],
      ],
    );
    expect(cellsOf(readXlsx(bytes).rows)).toEqual([
      [`'=header`, 'Phone', 'Other phone'],
      [`'=HYPERLINK("http://evil.example")`, '+447700900123', `'+447700900123`],
      [`'@SUM(1)`, `'=1+1`, `'-1+2`],
      [`'\t=1`, `'\r=1`, `'+1`],
    ]);
    expect(sheetXml(bytes)).not.toContain('<f>');
  });

  it('makes a bold, frozen header and dated cells with date styles', async () => {
    const bytes = await writeXlsx(columns, [['a@example.com', null, null, new Date(utc(2024, 0, 5))]]);
    const xml = sheetXml(bytes);
    expect(xml).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
    expect(xml).toContain('<c r="A1" s="1" t="inlineStr"><is><t>Email</t></is></c>');
    expect(xml).toContain('<c r="D2" s="2"><v>45296</v></c>');
    const styles = Buffer.from(openZip(bytes).read('xl/styles.xml')).toString('utf8');
    expect(styles).toContain('<font><b/>');
  });

  it('escapes markup, drops characters XML cannot hold, and keeps edge spaces', () => {
    expect(escapeCellText('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    expect(escapeCellText('bell\u0007 nul\u0000 fffe\uFFFE lone\uD800 pair😀')).toBe('bell nul fffe lone pair😀');
    expect(escapeCellText('cr\r _x0041_ _x12_ _xABCD_')).toBe('cr_x000D_ _x005F_x0041_ _x12_ _x005F_xABCD_');
  });

  it('makes sheet names Excel accepts', () => {
    expect(validSheetName('At risk / Q3: [test]?')).toBe('At risk _ Q3_ _test__');
    expect(validSheetName("'quoted'")).toBe('quoted');
    expect(validSheetName('A very long segment name that goes on and on')).toBe('A very long segment name that g');
    expect(validSheetName('')).toBe('Sheet1');
    expect(validSheetName('History')).toBe('History_');
  });

  it('refuses values Excel cannot hold rather than writing a broken file', async () => {
    const writer = createXlsxWriter(() => undefined, { columns: [{ header: 'A' }] });
    expect(() => writer.addRow([1, 2])).toThrow('A row has 2 values for 1 columns');
    expect(() => writer.addRow([Number.NaN])).toThrow('Row 2, column A (A) is NaN, which Excel cannot hold');
    expect(() => writer.addRow([new Date(Number.NaN)])).toThrow('is an invalid date');
    expect(() => writer.addRow(['x'.repeat(32_768)])).toThrow('Excel keeps at most 32767 in a cell');
    expect(writer.rowCount).toBe(0);
    expect(() => writer.addRow([Number.POSITIVE_INFINITY])).toThrow('Row 2, column A (A) is Infinity');
    expect(() => createXlsxWriter(() => undefined, { columns: [] })).toThrow('needs 1 to 16384 columns');
  });

  it(`stops at Excel's ${XLSX_MAX_ROWS} rows`, async () => {
    const writer = createXlsxWriter(() => undefined, { columns: [{ header: 'n' }] });
    for (let row = 1; row < XLSX_MAX_ROWS; row++) await writer.addRow([row]);
    expect(writer.rowCount).toBe(XLSX_MAX_ROWS - 1);
    expect(() => writer.addRow([0])).toThrow('at most 1,048,576 rows');
    await writer.finish();
  });

  it('gives the same bytes for the same rows', async () => {
    const rows = [['a@example.com', '+447700900123', 1, new Date(utc(2024, 0, 5)), true, 'x']];
    expect((await writeXlsx(columns, rows)).equals(await writeXlsx(columns, rows))).toBe(true);
  });

  it('ends a stream output and resolves when it has finished', async () => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer = createXlsxWriter(output, { columns: [{ header: 'A' }] });
    await writer.addRow(['value']);
    await writer.finish();
    expect(output.writableFinished).toBe(true);
    expect(cellsOf(readXlsx(Buffer.concat(chunks)).rows)).toEqual([['A'], ['value']]);
  });

  it('holds rows back while the output is busy', async () => {
    let release: () => void = () => undefined;
    let sinkCalls = 0;
    const blockedOnce: ByteSink = () => {
      sinkCalls++;
      return sinkCalls === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined;
    };
    const writer = createXlsxWriter(blockedOnce, { columns: [{ header: 'Email' }, { header: 'Name' }] });
    let pending: Promise<void> | undefined;
    let rows = 0;
    while (!pending) {
      rows++;
      pending = writer.addRow([`customer${rows}@example.com`, `Name ${rows}`]);
    }
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    expect(sinkCalls).toBe(1);
    release();
    await pending;
    expect(sinkCalls).toBeGreaterThan(1);
    await writer.finish();
    expect(rows).toBeGreaterThan(1000);
  });

  it('rejects finish() when the output fails, without hanging', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const writer = createXlsxWriter(failing, { columns: [{ header: 'A' }] });
    writer.addRow(['x']);
    await expect(writer.finish()).rejects.toThrow('disk full');
  });

  it('streams a large sheet that reads back row for row, whole or in batches', async () => {
    const count = 30_000;
    const rowOf = (index: number): XlsxValue[] => [
      `customer${index}@example.com`,
      `+4477009${String(index).padStart(5, '0')}`,
      index / 4,
      new Date(utc(2020, 0, 1) + index * 3_600_000),
      index % 3 === 0,
      index % 7 === 0 ? null : `名字 ${index} & <${'é'.repeat(index % 5)}>`,
    ];
    const rows = Array.from({ length: count }, (_row, index) => rowOf(index));
    const bytes = await writeXlsx(columns, rows);
    const expected = rows.map((row) => {
      const cells = row.map((value) =>
        value instanceof Date ? { excelSerial: epochMsToExcelSerial(value.getTime()) } : (value ?? null),
      );
      while (cells.at(-1) === null) cells.pop();
      return cells;
    });
    const streamed = await streamedRows(bytes);
    expect(streamed.batches).toBeGreaterThan(10);
    expect(cellsOf(streamed.rows).slice(1)).toEqual(expected);
    expect(cellsOf(readXlsx(bytes).rows).slice(1)).toEqual(expected);
    expect(streamed.rows.at(-1)?.number).toBe(count + 1);
  });
});
