import { describe, expect, it } from 'vitest';
import { csvField } from '../../src-main/io/csv-write';
import {
  DESTINATION_IDS,
  DESTINATIONS,
  exportWarnings,
  formatRow,
  planExport,
  SkipTally,
  truncateUtf8,
  type CustomerRecord,
  type RowResult,
} from '../../src-main/io/destinations';

/** Digests computed once with Python's hashlib from the normalised values named beside them. */
const SHA = {
  'janedoe@gmail.com': 'd6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69',
  'jane.doe@gmail.com': '831f6494ad6be4fcb3a724c3d5fef22d3ceffa3c62ef3a7984e45a0ea177f982',
  '16505551212': 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176',
  '+16505551212': '1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8',
  john: '96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a',
  doe: '799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f',
  newyork: '350c754ba4d38897693aa077ef43072a859d23f613443133fecbbd90a3512ca5',
  ny: '1b06e2003f8420d6fa42badd8f77ec0f706b976b7a48b13c567dc5a559681683',
  '94035': '1794327a4d443904421f5ca1f3d72d0a62ba2f0770d80755ec2220fc0efb052e',
  us: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621',
  zoë: '2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450',
  pérez: '6654977d57dddd3c0329ca741b109ef6cd6430bedd00008aad213df25683d77f',
};

const JOHN: CustomerRecord = {
  customerId: 'C-1',
  email: '  JaneDoe@Gmail.COM ',
  phone: '(650) 555-1212',
  firstName: ' John ',
  lastName: 'Doe',
  city: 'New York',
  region: 'New York',
  country: 'United States',
  zip: '94035-1234',
  value: 123.456,
  emailConsent: true,
  smsConsent: false,
  tags: ['vip', ' spring '],
  segment: 'Champions',
  clvBand: 'High',
  recs: ['Green tea', 'Teapot', 'Mug'],
  offer: '10% off tea',
  coupon: 'SPRING-HK7Q-0482',
};

const UK_ROW: CustomerRecord = {
  email: 'zoe@example.co.uk',
  phone: '07700 900123',
  firstName: '=HYPERLINK("http://evil.example","click")',
  lastName: 'Pérez',
  country: 'UK',
};

function cells(result: RowResult): string[] {
  if (!result.ok) throw new Error(`row skipped: ${result.reason}`);
  return result.cells;
}

describe('destination presets', () => {
  it.each([
    ['mailchimp', ['Email Address', 'First Name', 'Last Name', 'Phone Number', 'Tags']],
    [
      'klaviyo',
      [
        'Email Address',
        'First Name',
        'Last Name',
        'Phone Number',
        'City',
        'Region',
        'Country',
        'Zip Code',
        'Email Marketing Consent',
        'SMS Marketing Consent',
      ],
    ],
    ['brevo', ['EMAIL', 'FIRSTNAME', 'LASTNAME', 'SMS']],
    [
      'hubspot',
      ['Email', 'First name', 'Last name', 'Phone number', 'City', 'State/Region', 'Country/Region', 'Zip code'],
    ],
    ['meta', ['email', 'phone', 'fn', 'ln', 'ct', 'st', 'zip', 'country', 'value']],
    ['google', ['Email', 'Phone', 'First Name', 'Last Name', 'Country', 'Zip']],
  ] as const)('%s has the headers of DESIGN.md §7, in order', (id, headers) => {
    expect(planExport(id).headers).toEqual(headers);
  });

  it('marks the phone columns for the formula guard, except where they are hashed', () => {
    expect(planExport('klaviyo').kinds).toEqual([
      'text',
      'text',
      'text',
      'phone',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
    ]);
    expect(planExport('google').kinds[1]).toBe('phone');
    expect(planExport('google', { hashed: true }).kinds[1]).toBe('text');
  });

  it('gives every destination a file type, and a CSV choice that its own checks accept', () => {
    for (const id of DESTINATION_IDS) {
      const preset = DESTINATIONS[id];
      const plan = planExport(id);
      expect(preset.fileTypes).toContain(plan.fileType);
      expect(plan.csv === null).toBe(plan.fileType === 'xlsx');
    }
  });
});

describe('planExport choices', () => {
  it('takes Brevo with semicolons or tabs in Windows-1252, and refuses other delimiters elsewhere', () => {
    expect(planExport('brevo').csv).toEqual({ delimiter: ';', encoding: 'utf-8', bom: false });
    expect(planExport('brevo', { delimiter: '\t', encoding: 'windows-1252' }).csv).toEqual({
      delimiter: '\t',
      encoding: 'windows-1252',
      bom: false,
    });
    expect(() => planExport('mailchimp', { delimiter: ';' })).toThrow(/Mailchimp CSV files are separated by ","/);
    expect(() => planExport('hubspot', { encoding: 'gbk' })).toThrow(/HubSpot reads utf-8 files/);
  });

  it('writes plain CSV with a byte order mark unless told not to, and never in GBK', () => {
    expect(planExport('csv').csv).toEqual({ delimiter: ',', encoding: 'utf-8', bom: true });
    expect(planExport('csv', { bom: false }).csv?.bom).toBe(false);
    expect(planExport('csv', { encoding: 'gbk', bom: true }).csv).toEqual({
      delimiter: ',',
      encoding: 'gbk',
      bom: false,
    });
  });

  it('writes XLSX without CSV choices, and only for destinations that take it', () => {
    expect(planExport('hubspot', { fileType: 'xlsx' }).csv).toBeNull();
    expect(planExport('xlsx').fileType).toBe('xlsx');
    expect(() => planExport('meta', { fileType: 'xlsx' })).toThrow(/Meta Custom Audience takes csv files/);
  });

  it('always hashes Meta, hashes Google on request, and refuses hashing for email tools', () => {
    expect(planExport('meta').hashed).toBe(true);
    expect(planExport('meta', { hashed: false }).hashed).toBe(true);
    expect(planExport('google').hashed).toBe(false);
    expect(planExport('google', { hashed: true }).hashed).toBe(true);
    expect(() => planExport('klaviyo', { hashed: true })).toThrow(/Klaviyo files are not hashed/);
  });

  it('puts extra columns after the required ones, with their usual headers unless named', () => {
    const plan = planExport('mailchimp', {
      extraColumns: [{ field: 'segment' }, { field: 'coupon', header: 'COUPON' }, { field: 'recs' }],
    });
    expect(plan.headers).toEqual([
      'Email Address',
      'First Name',
      'Last Name',
      'Phone Number',
      'Tags',
      'Segment',
      'COUPON',
      'Recommended products',
    ]);
    expect(cells(formatRow(plan, JOHN)).slice(5)).toEqual(['Champions', 'SPRING-HK7Q-0482', 'Green tea, Teapot, Mug']);
  });

  it('neutralises a header the user typed that a spreadsheet would run', () => {
    expect(planExport('csv', { extraColumns: [{ field: 'offer', header: '=cmd|"/C calc"!A0' }] }).headers.at(-1)).toBe(
      `'=cmd|"/C calc"!A0`,
    );
  });

  it('refuses extra columns for ad platforms, duplicate headers and unknown fields', () => {
    expect(() => planExport('meta', { extraColumns: [{ field: 'segment' }] })).toThrow(/only their own identifier/);
    expect(() => planExport('google', { extraColumns: [{ field: 'coupon' }] })).toThrow(/only their own identifier/);
    expect(() => planExport('hubspot', { extraColumns: [{ field: 'email' }] })).toThrow(/"Email" appears twice/);
    expect(() => planExport('csv', { extraColumns: [{ field: 'password' as 'email' }] })).toThrow(
      /not a customer field/,
    );
  });

  it('reads the default country as a code or a name, and refuses one it does not know', () => {
    const plan = planExport('hubspot', { defaultCountry: 'Deutschland' });
    expect(cells(formatRow(plan, { email: 'a@example.de', phone: '030 1234567' }))).toEqual([
      'a@example.de',
      '',
      '',
      '+49301234567',
      '',
      '',
      'DE',
      '',
    ]);
    expect(() => planExport('meta', { defaultCountry: 'Narnia' })).toThrow(/"Narnia" is not a country we know/);
  });
});

describe('formatRow for email tools', () => {
  it('neutralises a formula in a name but keeps an E.164 phone whole, here and through the CSV writer', () => {
    const plan = planExport('mailchimp');
    const row = cells(formatRow(plan, UK_ROW));
    expect(row).toEqual([
      'zoe@example.co.uk',
      `'=HYPERLINK("http://evil.example","click")`,
      'Pérez',
      '+447700900123',
      '',
    ]);
    const line = row.map((cell, i) => csvField(cell, plan.kinds[i])).join(',');
    expect(line).toBe(`zoe@example.co.uk,"'=HYPERLINK(""http://evil.example"",""click"")",Pérez,+447700900123,`);
  });

  it('writes Mailchimp tags comma-separated and trimmed', () => {
    expect(cells(formatRow(planExport('mailchimp'), JOHN))).toEqual([
      'janedoe@gmail.com',
      'John',
      'Doe',
      '+16505551212',
      'vip,spring',
    ]);
  });

  it('cuts Mailchimp text to 255 bytes at a character boundary and counts the cut cells', () => {
    const longName = 'é'.repeat(200);
    const result = formatRow(planExport('mailchimp'), { email: 'a@example.com', firstName: longName, lastName: 'Li' });
    expect(result.ok && result.truncated).toBe(1);
    const first = cells(result)[1] ?? '';
    expect(first).toBe('é'.repeat(127));
    expect(Buffer.byteLength(first)).toBe(254);
  });

  it('counts a cut cell on every row that has it, not only the first', () => {
    const plan = planExport('mailchimp');
    const record = { email: 'a@example.com', lastName: 'x'.repeat(300) };
    const results = [formatRow(plan, record), formatRow(plan, { ...record, email: 'b@example.com' })];
    expect(results.map((result) => result.ok && result.truncated)).toEqual([1, 1]);
    expect(results.map((result) => result.ok && result.cells[2]?.length)).toEqual([255, 255]);
  });

  it('writes Klaviyo consent as Subscribe / Unsubscribed, and leaves unknown consent blank', () => {
    const plan = planExport('klaviyo');
    expect(cells(formatRow(plan, JOHN))).toEqual([
      'janedoe@gmail.com',
      'John',
      'Doe',
      '+16505551212',
      'New York',
      'New York',
      'US',
      '94035',
      'Subscribe',
      'Unsubscribed',
    ]);
    expect(cells(formatRow(plan, { email: 'a@example.com' })).slice(8)).toEqual(['', '']);
  });

  it('puts Phone Number first for a Klaviyo SMS list and requires a phone there', () => {
    const plan = planExport('klaviyo', { identifier: 'phone' });
    expect(plan.headers.slice(0, 2)).toEqual(['Phone Number', 'Email Address']);
    expect(cells(formatRow(plan, JOHN)).slice(0, 2)).toEqual(['+16505551212', 'janedoe@gmail.com']);
    expect(formatRow(plan, { email: 'a@example.com' })).toEqual({ ok: false, reason: 'no-phone' });
    expect(formatRow(plan, { phone: '555-1234', country: 'US' })).toEqual({
      ok: false,
      reason: 'invalid-phone',
      problem: 'phone-too-short',
    });
  });

  it("uses the customer's own country for a national phone number before the default one", () => {
    const plan = planExport('brevo', { defaultCountry: 'GB' });
    expect(cells(formatRow(plan, { email: 'a@example.fr', phone: '06 12 34 56 78', country: 'France' }))[3]).toBe(
      '+33612345678',
    );
    expect(cells(formatRow(plan, { email: 'a@example.com', phone: '07700 900123' }))[3]).toBe('+447700900123');
  });

  it('blanks an invalid phone in a row that its email identifies', () => {
    expect(cells(formatRow(planExport('hubspot'), { email: 'a@example.com', phone: 'ask reception' }))[3]).toBe('');
  });

  it('skips rows without the identifier the destination needs, saying why', () => {
    expect(formatRow(planExport('mailchimp'), { phone: '+447700900123' })).toEqual({ ok: false, reason: 'no-email' });
    expect(formatRow(planExport('hubspot'), { email: 'jane.example.com' })).toEqual({
      ok: false,
      reason: 'invalid-email',
      problem: 'email-missing-at',
    });
    expect(formatRow(planExport('brevo'), { phone: '+447700900123' }).ok).toBe(true);
    expect(formatRow(planExport('brevo'), { firstName: 'Ann' })).toEqual({ ok: false, reason: 'no-email-or-phone' });
    expect(formatRow(planExport('csv'), { customerId: 'C-9' }).ok).toBe(true);
  });

  it('writes the plain CSV list with personalisation columns and yes/no consent', () => {
    const plan = planExport('csv', {
      extraColumns: [
        { field: 'segment' },
        { field: 'clvBand' },
        { field: 'value' },
        { field: 'offer' },
        { field: 'coupon' },
        { field: 'emailConsent' },
      ],
    });
    expect(cells(formatRow(plan, JOHN))).toEqual([
      'C-1',
      'janedoe@gmail.com',
      '+16505551212',
      'John',
      'Doe',
      'New York',
      'New York',
      'US',
      '94035',
      'Champions',
      'High',
      '123.46',
      '10% off tea',
      'SPRING-HK7Q-0482',
      'yes',
    ]);
  });
});

describe('formatRow for ad platforms', () => {
  it('hashes every Meta identifier after normalising it, and leaves value unhashed', () => {
    expect(cells(formatRow(planExport('meta'), JOHN))).toEqual([
      SHA['janedoe@gmail.com'],
      SHA['16505551212'],
      SHA.john,
      SHA.doe,
      SHA.newyork,
      SHA.ny,
      SHA['94035'],
      SHA.us,
      '123.46',
    ]);
  });

  it('leaves missing Meta values empty rather than hashing an empty string', () => {
    const row = cells(formatRow(planExport('meta'), { email: 'janedoe@gmail.com', value: -5 }));
    expect(row).toEqual([SHA['janedoe@gmail.com'], '', '', '', '', '', '', '', '']);
    expect(row).not.toContain('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes the same name to the same digest on every row', () => {
    const plan = planExport('meta');
    const first = cells(formatRow(plan, { email: 'a@example.com', firstName: 'John' }))[2];
    const second = cells(formatRow(plan, { email: 'b@example.com', firstName: 'JOHN ' }))[2];
    expect(first).toBe(SHA.john);
    expect(second).toBe(SHA.john);
  });

  it('writes Google unhashed as readable text, with Country and Zip plain', () => {
    const plan = planExport('google');
    expect(cells(formatRow(plan, { ...JOHN, firstName: 'Mary  Ann' }))).toEqual([
      'janedoe@gmail.com',
      '+16505551212',
      'Mary Ann',
      'Doe',
      'US',
      '94035',
    ]);
  });

  it('hashes Google Email, Phone (with +) and names, never Country or Zip', () => {
    const plan = planExport('google', { hashed: true });
    const row = cells(formatRow(plan, { ...JOHN, firstName: ' Zoë ', lastName: 'PÉREZ' }));
    expect(row).toEqual([SHA['janedoe@gmail.com'], SHA['+16505551212'], SHA.zoë, SHA.pérez, 'US', '94035']);
  });

  it('removes Gmail dots for Google only when asked', () => {
    const record = { email: 'Jane.Doe@gmail.com' };
    expect(cells(formatRow(planExport('google', { hashed: true }), record))[0]).toBe(SHA['jane.doe@gmail.com']);
    expect(cells(formatRow(planExport('google', { hashed: true, removeGmailDots: true }), record))[0]).toBe(
      SHA['janedoe@gmail.com'],
    );
  });

  it('skips ad-platform rows with neither a valid email nor a valid phone, giving the first problem', () => {
    expect(formatRow(planExport('meta'), { email: 'jane@', phone: 'n/a' })).toEqual({
      ok: false,
      reason: 'no-email-or-phone',
      problem: 'email-bad-domain',
    });
    expect(formatRow(planExport('google'), { phone: '+44 7700 900123' }).ok).toBe(true);
  });
});

describe('SkipTally', () => {
  it('counts skipped rows by reason and keeps a few examples of each', () => {
    const tally = new SkipTally(2);
    const plan = planExport('mailchimp');
    const records: CustomerRecord[] = [
      { customerId: 'a', email: 'ok@example.com' },
      { customerId: 'b' },
      { customerId: 'c', email: 'bad' },
      { customerId: 'd' },
      { customerId: 'e' },
    ];
    for (const record of records) {
      const result = formatRow(plan, record);
      if (!result.ok) tally.add(record.customerId ?? '', result);
    }
    expect(tally.total).toBe(4);
    expect(tally.counts).toEqual({ 'no-email': 3, 'invalid-email': 1 });
    expect(tally.examples).toEqual([
      { customerId: 'b', reason: 'no-email' },
      { customerId: 'c', reason: 'invalid-email', problem: 'email-missing-at' },
      { customerId: 'd', reason: 'no-email' },
    ]);
  });
});

describe('exportWarnings', () => {
  it('warns when an ad audience is under about 100 people', () => {
    expect(exportWarnings(planExport('meta'), { rows: 99 }).map((w) => w.code)).toEqual(['audience-too-small']);
    expect(exportWarnings(planExport('google'), { rows: 100 })).toEqual([]);
    expect(exportWarnings(planExport('mailchimp'), { rows: 3 })).toEqual([]);
  });

  it('warns when a Klaviyo file is over 50 MB and when Mailchimp text was cut', () => {
    expect(exportWarnings(planExport('klaviyo'), { rows: 10, bytes: 50_000_001 })).toEqual([
      { code: 'file-too-large', message: 'Klaviyo accepts files up to 50 MB; split the list into smaller exports.' },
    ]);
    expect(exportWarnings(planExport('mailchimp'), { rows: 10, truncatedCells: 2 })[0]?.message).toBe(
      '2 values were longer than the 255 bytes Mailchimp keeps and were shortened.',
    );
  });
});

describe('truncateUtf8', () => {
  it('keeps whole characters of one to four bytes', () => {
    expect(truncateUtf8('abc', 2)).toBe('ab');
    expect(truncateUtf8('中文字', 8)).toBe('中文');
    expect(truncateUtf8('a😀b', 4)).toBe('a');
    expect(truncateUtf8('a😀b', 5)).toBe('a😀');
    expect(truncateUtf8('short', 255)).toBe('short');
  });
});
