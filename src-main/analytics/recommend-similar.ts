/**
 * Content neighbours straight from a product file, without a project (`marketlens similar`): the products whose
 * text reads most like one product's, by cosine of TF-IDF vectors weighted as the recommenders weigh them
 * (src-main/ml/recommend-similarity.ts: raw term counts, smooth idf ln((1 + n) / (1 + df)) + 1).
 *
 * Why not textNeighbours: it keeps a capped list per product for the whole catalogue, which is the wrong shape
 * for one product's exact top k; one product against all is a single pass over the texts.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createDecoder, detectEncoding } from '../io/encoding';
import { parseCsv } from '../io/csv';
import { sniffDelimiter } from '../io/sniff';
import { tokenise } from '../ml/recommend-similarity';
import { CoreError } from '../shared/errors';

export interface SimilarQuery {
  path: string;
  idColumn: string;
  /** One or more columns, joined: name and description, say. */
  textColumns: string[];
  item: string;
  k: number;
}

export interface SimilarResult {
  item: string;
  products: number;
  productsWithoutText: number;
  encoding: string;
  similar: { id: string; score: number }[];
}

function counts(terms: string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
  return tf;
}

/** Cosine of each text with text `of`, under TF-IDF over all of them; 0 for texts sharing no term. */
export function textSimilarities(texts: readonly string[], of: number): Float64Array {
  const termCounts = texts.map((text) => counts(tokenise(text)));
  const df = new Map<string, number>();
  for (const tf of termCounts) for (const term of tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = (term: string) => Math.log((1 + texts.length) / (1 + (df.get(term) ?? 0))) + 1;
  const vector = (tf: Map<string, number>) => {
    const weights = new Map([...tf].map(([term, count]) => [term, count * idf(term)]));
    const norm = Math.sqrt([...weights.values()].reduce((sum, w) => sum + w * w, 0));
    return { weights, norm };
  };
  const target = vector(termCounts[of] ?? new Map<string, number>());
  return Float64Array.from(termCounts, (tf) => {
    const other = vector(tf);
    if (target.norm === 0 || other.norm === 0) return 0;
    let dot = 0;
    for (const [term, weight] of target.weights) dot += weight * (other.weights.get(term) ?? 0);
    return dot / (target.norm * other.norm);
  });
}

function readTable(path: string): { header: string[]; rows: string[][]; encoding: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CoreError('NOT_FOUND', `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  const { encoding } = detectEncoding(bytes.subarray(0, 65_536));
  const decoder = createDecoder(encoding);
  const text = decoder.decode(bytes) + decoder.end();
  const [header, ...rows] = parseCsv(text, { delimiter: sniffDelimiter(text.slice(0, 65_536)).delimiter });
  if (!header) throw new CoreError('VALIDATION', `${basename(path)} is empty: it needs a header row and products.`);
  return { header: header.map((name) => name.trim()), rows, encoding };
}

export function similarFromFile(query: SimilarQuery): SimilarResult {
  const { header, rows, encoding } = readTable(query.path);
  const file = basename(query.path);
  const column = (name: string) => {
    const at = header.indexOf(name);
    if (at < 0)
      throw new CoreError('VALIDATION', `${file} has no column "${name}". Its columns are: ${header.join(', ')}.`);
    return at;
  };
  const idAt = column(query.idColumn);
  const textAt = query.textColumns.map(column);
  const ids = rows.map((row) => (row[idAt] ?? '').trim());
  const texts = rows.map((row) =>
    textAt
      .map((at) => (row[at] ?? '').trim())
      .filter((text) => text !== '')
      .join(' '),
  );
  const of = ids.indexOf(query.item);
  if (of < 0) throw new CoreError('NOT_FOUND', `No row of ${file} has ${query.idColumn} "${query.item}".`);
  if (tokenise(texts[of] ?? '').length === 0)
    throw new CoreError(
      'VALIDATION',
      `Product "${query.item}" has no words in ${query.textColumns.join(', ')}, so nothing can be compared with it.`,
    );
  const scores = textSimilarities(texts, of);
  const ranked = ids
    .map((id, i) => ({ id, score: scores[i] ?? 0 }))
    .filter(({ id, score }) => id !== query.item && score > 0)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  // A product listed twice (one row per variant, say) counts once, with its best row.
  const seen = new Set<string>();
  const similar: SimilarResult['similar'] = [];
  for (const candidate of ranked) {
    if (similar.length === query.k) break;
    if (seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    similar.push(candidate);
  }
  return {
    item: query.item,
    products: rows.length,
    productsWithoutText: texts.filter((text) => tokenise(text).length === 0).length,
    encoding,
    similar,
  };
}
