import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src-main/io/csv';
import { detectHeaderRow, sniffDelimiter } from '../../src-main/io/sniff';

describe('sniffDelimiter', () => {
  it('finds each delimiter in a plain file', () => {
    const rows = [
      ['id', 'name', 'total'],
      ['1', 'Ann', '12.50'],
      ['2', 'Bob', '3.20'],
    ];
    for (const delimiter of [',', ';', '\t', '|'] as const) {
      const text = rows.map((row) => row.join(delimiter)).join('\n') + '\n';
      expect(sniffDelimiter(text)).toMatchObject({
        delimiter,
        confidence: 'certain',
        fieldCount: 3,
        evidence: { code: 'fields', params: { share: 1, fields: 3, delimiter } },
      });
    }
  });

  it('reads a semicolon file with decimal commas as semicolons', () => {
    const text = 'Artikel;Menge;Preis\nTasse;2;3,50\nTeller;1;12,99\nGlas;6;1,20\n';
    expect(sniffDelimiter(text)).toMatchObject({ delimiter: ';', confidence: 'certain', fieldCount: 3 });
  });

  it('does not count delimiters inside quoted fields, line breaks included', () => {
    const text = [
      'id,note,total',
      '1,"Leave at door; ring twice",10',
      '2,"Gift; wrap it;\nthen; send",20',
      '3,"a;b;c;d",30',
    ].join('\n');
    expect(sniffDelimiter(text)).toMatchObject({ delimiter: ',', fieldCount: 3, confidence: 'certain' });
  });

  it('sees past title lines above the table', () => {
    const text =
      'Sales report\nJanuary 2024\nid;name;total\n1;Ann;2\n2;Bob;3\n3;Cy;4\n4;Di;5\n5;Ed;6\n6;Flo;7\n7;Gus;8\n';
    const guess = sniffDelimiter(text);
    expect(guess).toMatchObject({ delimiter: ';', fieldCount: 3, confidence: 'likely' });
    // 8 of the 10 lines have three fields; the reason says so in English and in figures for the interface.
    expect(guess.reason).toBe('80% of the first lines have 3 fields when split by semicolons.');
    expect(guess.evidence).toEqual({ code: 'fields', params: { share: 0.8, fields: 3, delimiter: ';' } });
  });

  it('prefers the earlier delimiter when two read the sample equally well, and says it is not certain', () => {
    expect(sniffDelimiter('1,5;2,5\n3,5;4,5\n')).toMatchObject({ delimiter: ',', confidence: 'likely' });
    expect(sniffDelimiter('a|b;c\nd|e;f\n')).toMatchObject({ delimiter: ';', confidence: 'likely' });
  });

  it('reads a file of one column as comma-separated, as a guess', () => {
    expect(sniffDelimiter('email\nann@example.com\nbob@example.com\n')).toEqual({
      delimiter: ',',
      confidence: 'guess',
      fieldCount: 1,
      reason: 'No delimiter splits the lines into more than one field, so the file is read as one column.',
      evidence: { code: 'one_column', params: {} },
    });
  });

  it('copes with a sample cut inside a quoted field and with a last line without a line break', () => {
    expect(sniffDelimiter('a\tb\n1\t"unfinished')).toMatchObject({ delimiter: '\t', fieldCount: 2 });
    expect(sniffDelimiter('a|b\n1|2')).toMatchObject({ delimiter: '|', confidence: 'certain' });
  });

  it('finds the comma in the real UCI Online Retail and GBK restaurant files', () => {
    const retail = readFileSync('/work/shared/data/online_retail_uci/online_retail.csv', 'utf8').slice(0, 65536);
    expect(sniffDelimiter(retail)).toMatchObject({ delimiter: ',', confidence: 'certain', fieldCount: 8 });
    const restaurant = new TextDecoder('gb18030').decode(
      readFileSync('/work/shared/data/chinese_orders/meal_order_info_GBK.csv'),
    );
    expect(sniffDelimiter(restaurant)).toMatchObject({ delimiter: ',', confidence: 'certain', fieldCount: 21 });
  });
});

describe('detectHeaderRow', () => {
  it('takes the first row of an ordinary export', () => {
    expect(
      detectHeaderRow([
        ['InvoiceNo', 'StockCode', 'Quantity', 'InvoiceDate'],
        ['536365', '85123A', '6', '2010-12-01 08:26:00'],
      ]),
    ).toBe(0);
  });

  it('skips a title, a date range and a blank-padded line above the header', () => {
    const rows = parseCsv(
      [
        'Orders export,,,',
        'From 2024-01-01 to 2024-01-31,,,',
        ',,,',
        'Order,Email,Total,Created at',
        '1001,ann@example.com,12.50,2024-01-02',
        '1002,bob@example.com,3.20,2024-01-03',
      ].join('\n'),
    );
    expect(detectHeaderRow(rows)).toBe(3);
  });

  it('skips a totals line with numbers above a Chinese header', () => {
    const rows = [
      ['合计', '3', '45.5'],
      ['订单编号', '买家实际支付金额', '订单创建时间'],
      ['T1001', '12.5', '2011-12-09 12:50:00'],
    ];
    expect(detectHeaderRow(rows)).toBe(1);
  });

  it('does not take a row with repeated names, or a two-cell title over a wider table', () => {
    const rows = [
      ['Report', 'Report', 'Report', 'Report'],
      ['Shop', 'Acme'],
      ['sku', 'name', 'price', 'stock'],
      ['A1', 'Mug', '3.5', '10'],
    ];
    expect(detectHeaderRow(rows)).toBe(2);
  });

  it('takes the first full-width row when nothing looks like a header', () => {
    expect(
      detectHeaderRow([['Exported 2024-01-31'], ['17850', '2.55', '2010-12-01'], ['13047', '3.39', '2010-12-01']]),
    ).toBe(1);
    expect(detectHeaderRow([])).toBe(0);
  });

  it('finds row 0 in the real GBK restaurant orders', () => {
    const text = new TextDecoder('gb18030').decode(
      readFileSync('/work/shared/data/chinese_orders/meal_order_info_GBK.csv'),
    );
    expect(detectHeaderRow(parseCsv(text).slice(0, 50))).toBe(0);
  });
});
