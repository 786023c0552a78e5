import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cleanText,
  googleEmail,
  googleName,
  metaLetters,
  metaRegion,
  metaZip,
  normaliseCountry,
  normaliseEmail,
  normalisePhone,
  normaliseZip,
  PHONE_COUNTRIES,
  sha256Hex,
} from '../../src-main/io/contact-normalise';

describe('normaliseEmail', () => {
  it.each([
    [' Test@Example.COM ', 'test@example.com'],
    ['JANE.DOE+promo@Gmail.com', 'jane.doe+promo@gmail.com'],
    ['ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'jane@example.com'],
    ["o'brien@example.co.uk", "o'brien@example.co.uk"],
    ['user@xn--fiqs8s.xn--fiqz9s', 'user@xn--fiqs8s.xn--fiqz9s'],
    ['用户@例子.广告', '用户@例子.广告'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseEmail(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    [null, 'empty'],
    ['   ', 'empty'],
    ['jane doe@example.com', 'email-has-space'],
    ['jane.example.com', 'email-missing-at'],
    ['jane@@example.com', 'email-several-at'],
    ['a@b@example.com', 'email-several-at'],
    ['@example.com', 'email-bad-local-part'],
    ['.jane@example.com', 'email-bad-local-part'],
    ['jane.@example.com', 'email-bad-local-part'],
    ['ja..ne@example.com', 'email-bad-local-part'],
    ['"jane"@example.com', 'email-bad-local-part'],
    [`${'a'.repeat(65)}@example.com`, 'email-bad-local-part'],
    ['jane@example', 'email-bad-domain'],
    ['jane@', 'email-bad-domain'],
    ['jane@-example.com', 'email-bad-domain'],
    ['jane@example..com', 'email-bad-domain'],
    ['jane@example.c', 'email-bad-domain'],
    ['jane@example.c0m', 'email-bad-domain'],
    ['jane@[127.0.0.1]', 'email-bad-domain'],
    [`jane@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.com`, 'email-too-long'],
  ])('refuses %j: %s', (raw, problem) => {
    expect(normaliseEmail(raw)).toEqual({ ok: false, problem });
  });
});

describe('googleEmail', () => {
  it('leaves dots alone unless asked', () => {
    expect(googleEmail('jane.doe@gmail.com')).toBe('jane.doe@gmail.com');
  });

  it('drops dots before @gmail.com and @googlemail.com when asked, and only there', () => {
    const options = { removeGmailDots: true };
    expect(googleEmail('jane.m.doe@gmail.com', options)).toBe('janemdoe@gmail.com');
    expect(googleEmail('jane.doe@googlemail.com', options)).toBe('janedoe@googlemail.com');
    expect(googleEmail('jane.doe@example.com', options)).toBe('jane.doe@example.com');
    expect(googleEmail('jane.doe@gmail.com.example.org', options)).toBe('jane.doe@gmail.com.example.org');
  });
});

describe('normalisePhone', () => {
  it.each([
    // National numbers take the default country's code, without the trunk prefix.
    ['07700 900123', 'GB', '+447700900123'],
    ['07700-900-123', 'gb', '+447700900123'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['415.555.2671', 'CA', '+14155552671'],
    ['1-415-555-2671', 'US', '+14155552671'],
    ['030 1234567', 'DE', '+49301234567'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['06 1234 5678', 'IT', '+390612345678'],
    ['393 123 4567', 'IT', '+393931234567'],
    ['138-1234-5678', 'CN', '+8613812345678'],
    ['010-12345678', 'CN', '+861012345678'],
    ['１３８１２３４５６７８', 'CN', '+8613812345678'],
    ['9123 4567', 'HK', '+85291234567'],
    ['0912-345-678', 'TW', '+886912345678'],
    ['090-1234-5678', 'JP', '+819012345678'],
    ['010-1234-5678', 'KR', '+821012345678'],
    ['9123 4567', 'SG', '+6591234567'],
    ['09123 456789', 'IN', '+919123456789'],
    ['9123456789', 'IN', '+919123456789'],
    ['(11) 91234-5678', 'BR', '+5511912345678'],
    ['55 1234 5678', 'MX', '+525512345678'],
    ['082 123 4567', 'ZA', '+27821234567'],
    ['0412 345 678', 'AU', '+61412345678'],
    ['021 123 4567', 'NZ', '+64211234567'],
    ['06 1 234 5678', 'HU', '+3612345678'],
    ['8 612 34567', 'LT', '+37061234567'],
    ['612 345 678', 'ES', '+34612345678'],
    // Already international: with +, with 00 or the country's own prefix, or with the code but no +.
    ['+44 7700 900123', null, '+447700900123'],
    ['+44 (0)20 7946 0018', null, '+442079460018'],
    ['+44 07700 900123', 'US', '+447700900123'],
    ['+39 06 1234 5678', null, '+390612345678'],
    ['0049 30 1234567', 'GB', '+49301234567'],
    ['0044 7700 900123', null, '+447700900123'],
    ['011 44 20 7946 0018', 'US', '+442079460018'],
    ['0011 44 7700 900123', 'AU', '+447700900123'],
    ['010 44 20 7946 0018', 'JP', '+442079460018'],
    ['447700900123', 'GB', '+447700900123'],
    ['8613812345678', 'CN', '+8613812345678'],
    ['4915112345678', 'DE', '+4915112345678'],
    // A country code outside the table: only E.164's length limits apply.
    ['+7 912 345-67-89', null, '+79123456789'],
  ])('reads %j (default %s) as %s', (raw, country, expected) => {
    expect(normalisePhone(raw, country)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'GB', 'empty'],
    [' - ', 'GB', 'empty'],
    ['+44 7700 900123 ext 2', null, 'phone-has-letters'],
    ['07700 900123 x12', 'GB', 'phone-has-letters'],
    ['call me', 'GB', 'phone-has-letters'],
    ['07700#900123', 'GB', 'phone-bad-characters'],
    ['44+7700900123', 'GB', 'phone-bad-characters'],
    ['07700 900123', null, 'phone-no-country'],
    ['07700 900123', 'RU', 'phone-no-country'],
    ['555-1234', 'US', 'phone-too-short'],
    ['+44 7700', null, 'phone-too-short'],
    ['+12 3', null, 'phone-too-short'],
    ['1381234567890', 'CN', 'phone-too-long'],
    ['+1 415 555 26710', null, 'phone-too-long'],
    ['+999 1234 5678 9012 34', null, 'phone-too-long'],
  ])('refuses %j (default %s): %s', (raw, country, problem) => {
    expect(normalisePhone(raw, country)).toEqual({ ok: false, problem });
  });

  it('reads plain ASCII numbers in one pass exactly as the full checks read them', () => {
    // A tab is trimmed like a space but sends the number through the full checks.
    const cases: [string, string | null][] = [
      ['  +44 7700 900123  ', null],
      ['07700-900-123', 'GB'],
      ['(415) 555-2671', 'US'],
      ['+44 (0)20 7946 0018', null],
      ['++44 7700 900123', null],
      ['44+7700900123', 'GB'],
      ['+ 44 7700 900123', null],
      [' - ', 'GB'],
      ['0049/30/1234567', 'GB'],
    ];
    for (const [raw, country] of cases) {
      expect(normalisePhone(raw, country)).toEqual(normalisePhone(`\t${raw}\t`, country));
    }
    expect(normalisePhone('  +44 7700 900123  ', null)).toEqual({ ok: true, value: '+447700900123' });
    expect(normalisePhone('++44 7700 900123', null)).toEqual({ ok: false, problem: 'phone-bad-characters' });
  });

  it('knows the countries the brief names', () => {
    const eu = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' ');
    const others = 'GB US CA AU NZ CN HK TW JP KR SG IN BR MX ZA'.split(' ');
    expect(PHONE_COUNTRIES).toEqual(expect.arrayContaining([...eu, ...others]));
  });
});

describe('names and places', () => {
  it.each([
    ['  José-María ', 'josémaría'],
    ["O'Brien", 'obrien'],
    ['Zoë Pérez', 'zoëpérez'],
    ['Jo3 Smith.', 'josmith'],
    ['王小明', '王小明'],
    ['ＡＢＣ', 'abc'],
    ['=HYPERLINK("http://x")', 'hyperlinkhttpx'],
    ['', ''],
  ])('Meta name %j → %j', (raw, expected) => {
    expect(metaLetters(raw)).toBe(expected);
  });

  it('composes decomposed accents so both spellings hash alike', () => {
    expect(metaLetters('Jose\u0301')).toBe('jos\u00e9');
  });

  it.each([
    [' Zoë  Pérez ', 'zoëpérez'],
    ["O'Brien", "o'brien"],
    ['王 小明', '王小明'],
  ])('Google name %j → %j', (raw, expected) => {
    expect(googleName(raw)).toBe(expected);
  });

  it('cleans text for email tools without changing its case', () => {
    expect(cleanText('  Mary\tAnn \r\n Smith ')).toBe('Mary Ann Smith');
    expect(cleanText(null)).toBe('');
  });

  it('writes US states as Meta codes and other regions as letters', () => {
    expect(metaRegion('New York', 'US')).toBe('ny');
    expect(metaRegion('CA', 'US')).toBe('ca');
    expect(metaRegion('Île-de-France', 'FR')).toBe('îledefrance');
    expect(metaRegion('Washington', 'GB')).toBe('washington');
  });

  it.each([
    ['94035-1234', 'US', '94035'],
    ['940351234', 'US', '94035'],
    ['2134', 'US', '02134'],
    ['abc', 'US', null],
    [' sw1a  1aa ', 'GB', 'SW1A 1AA'],
    ['1000-001', 'PT', '1000-001'],
    ['', 'GB', null],
  ])('zip %j in %s → %j', (raw, country, expected) => {
    expect(normaliseZip(raw, country)).toBe(expected);
  });

  it('gives Meta zips in lower case without spaces', () => {
    expect(metaZip('SW1A 1AA', 'GB')).toBe('sw1a1aa');
    expect(metaZip('94035-1234', 'US')).toBe('94035');
    expect(metaZip(null, 'US')).toBe('');
  });
});

describe('normaliseCountry', () => {
  it.each([
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['u.k.', 'GB'],
    ['EIRE', 'IE'],
    ['Éire', 'IE'],
    ['Deutschland', 'DE'],
    ['中国', 'CN'],
    ['中國', 'CN'],
    ['香港', 'HK'],
    ['台灣', 'TW'],
    ['日本', 'JP'],
    ['대한민국', 'KR'],
    ['gb', 'GB'],
    [' de ', 'DE'],
    ['GBR', 'GB'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['United States', 'US'],
    ['The Netherlands', 'NL'],
    ['Holland', 'NL'],
    ['Österreich', 'AT'],
    ['Osterreich', 'AT'],
    ['España', 'ES'],
    ['Brasil', 'BR'],
    ['México', 'MX'],
    ['Schweiz', 'CH'],
    ['Czech Republic', 'CZ'],
    ['Korea, Republic of', 'KR'],
    ['Россия', 'RU'],
    ['Turkey', 'TR'],
    ['QA', 'QA'],
    ['EL', 'GR'],
  ])('reads %j as %s', (raw, expected) => {
    expect(normaliseCountry(raw)).toBe(expected);
  });

  it.each(['', 'XX', 'XK', 'EU', 'ZZ', 'Atlantis', 'DD'])('does not read %j as a country', (raw) => {
    expect(normaliseCountry(raw)).toBeNull();
  });
});

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    // FIPS 180-2, appendix B.1.
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    // X Ads API's custom-audience hashing example.
    ['adsapi', '49e0be2aeccfb51a8dee4c945c8a70a9ac500cf6f5cb08112575f74db9b1470d'],
    // TikTok's customer-file example for the normalised email janedoe@gmail.com.
    ['janedoe@gmail.com', 'd6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69'],
    // UTF-8 bytes, computed once with Python's hashlib.
    ['josé', 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866'],
    ['王小明', 'acf979cc584e1cf9c18c65bffae9e53cbc18634f90042072cc116bd5b7375bed'],
  ])('hashes %j to the published digest', (text, digest) => {
    expect(sha256Hex(text)).toBe(digest);
  });

  it('agrees with createHash', () => {
    const text = 'test@example.com';
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('hashes a normalised email, not the raw one', () => {
    const normalised = normaliseEmail('  JaneDoe@Gmail.COM ');
    expect(normalised.ok && sha256Hex(normalised.value)).toBe(
      'd6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69',
    );
  });
});
