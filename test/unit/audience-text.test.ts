import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { hasTextSql } from '../../src-main/campaigns/audience';
import { useTempDir } from '../helpers/temp';

describe('hasTextSql', () => {
  const tempDir = useTempDir();

  it('tells text from white space exactly as JavaScript trim does, for every character', () => {
    const db = new Database(join(tempDir(), 'text.db'));
    const hasText = db.prepare(`SELECT ${hasTextSql('?')}`).pluck();
    const disagreeing: number[] = [];
    for (let code = 0; code < 0x10000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const text = String.fromCharCode(code);
      if ((hasText.get(` ${text}\u3000`) === 1) !== !!text.trim()) disagreeing.push(code);
    }
    expect(disagreeing).toEqual([]);
    expect([null, '', ' \t\n', ' a ', '\u00a0x'].map((text) => hasText.get(text))).toEqual([0, 0, 0, 1, 1]);
    db.close();
  });
});
