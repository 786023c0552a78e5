/**
 * Product-to-product neighbour lists for the recommenders: who-bought-what cosine (with shrinkage) and
 * basket confidence from purchases, and TF-IDF cosine from product texts.
 *
 * Why one row at a time with a dense counter rather than a sparse matrix product: the co-counts of one product
 * with every other are gathered in an array as long as the catalogue, turned into similarities, cut to the best
 * `neighbours` and appended; memory is the kept lists plus one row, never the full product × product matrix,
 * which for 10,000 products would be 100 million cells.
 */
import { CoreError } from '../shared/errors';
import { csrFromPairs, rowLengths, transpose, type Csr } from './sparse';

export interface NeighbourOptions {
  /**
   * sim(i → j). 'cosine': n_ij / √(n_i·n_j), symmetric. 'confidence': n_ij / n_i, the share of baskets with i
   * that also hold j (the association rule i → j). n counts rows (customers or baskets) of the matrix given.
   */
  measure: 'cosine' | 'confidence';
  /**
   * λ of the shrinkage factor n_ij / (n_ij + λ): a pair seen together once or twice is not trusted like one seen
   * 50 times. Default 0.
   */
  shrinkage?: number;
  /** Keep only this many most similar products per product recommended. Default: all with a co-count. */
  neighbours?: number;
}

export interface TextNeighbourOptions {
  /** Keep this many most similar products per product. Default 50. */
  neighbours?: number;
  /** Ignore pairs less similar than this. Default 0.05. */
  minSimilarity?: number;
}

const invalid = (message: string) => new CoreError('VALIDATION', message);

/** Appends rows of (column, value) to typed arrays that grow by doubling. */
class CsrBuilder {
  private indices = new Int32Array(1024);
  private values = new Float64Array(1024);
  private nnz = 0;
  private readonly indptr: Int32Array;
  private row = 0;

  constructor(
    private readonly rowCount: number,
    private readonly colCount: number,
  ) {
    this.indptr = new Int32Array(rowCount + 1);
  }

  push(col: number, value: number): void {
    if (this.nnz === this.indices.length) {
      const indices = new Int32Array(this.nnz * 2);
      indices.set(this.indices);
      this.indices = indices;
      const values = new Float64Array(this.nnz * 2);
      values.set(this.values);
      this.values = values;
    }
    this.indices[this.nnz] = col;
    this.values[this.nnz] = value;
    this.nnz++;
  }

  endRow(): void {
    this.row++;
    this.indptr[this.row] = this.nnz;
  }

  finish(): Csr {
    return {
      rowCount: this.rowCount,
      colCount: this.colCount,
      indptr: this.indptr,
      indices: this.indices.slice(0, this.nnz),
      values: this.values.slice(0, this.nnz),
    };
  }
}

/**
 * The k-th largest of values[0..count − 1] (1-based k ≤ count), by quickselect on a scratch copy: a neighbour
 * cut is linear in the candidates, where sorting them would not be.
 */
function kthLargest(values: Float64Array, count: number, k: number, scratch: Float64Array): number {
  scratch.set(values.subarray(0, count));
  let lo = 0;
  let hi = count - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = scratch[(lo + hi) >> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((scratch[i] ?? 0) > pivot) i++;
      while ((scratch[j] ?? 0) < pivot) j--;
      if (i <= j) {
        const swap = scratch[i] ?? 0;
        scratch[i] = scratch[j] ?? 0;
        scratch[j] = swap;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return scratch[target] ?? 0;
}

/**
 * Writes one product's candidates to the builder: all of them, or the `limit` most similar (ties at the cut go
 * to the earlier candidates, so the result does not depend on anything but the data).
 */
function keepBest(
  builder: CsrBuilder,
  candidates: Int32Array,
  similarity: Float64Array,
  count: number,
  limit: number,
  scratch: Float64Array,
): void {
  if (count <= limit) {
    for (let t = 0; t < count; t++) if ((similarity[t] ?? 0) > 0) builder.push(candidates[t] ?? 0, similarity[t] ?? 0);
    return;
  }
  const cut = kthLargest(similarity, count, limit, scratch);
  let atCut = limit;
  for (let t = 0; t < count; t++) if ((similarity[t] ?? 0) > cut) atCut--;
  for (let t = 0; t < count; t++) {
    const s = similarity[t] ?? 0;
    if (s <= 0) continue;
    if (s > cut) builder.push(candidates[t] ?? 0, s);
    else if (s === cut && atCut > 0) {
      builder.push(candidates[t] ?? 0, s);
      atCut--;
    }
  }
}

/**
 * Neighbours from a rows × products matrix (rows are customers or baskets; only which entries exist matters).
 * Each product j keeps the `neighbours` products i with the highest sim(i → j), and the result is stored by i:
 * row i lists the products j that i is a close neighbour of, with sim(i → j) > 0, so that a customer's
 * purchases look up what they point to directly. Cutting on the side of the product recommended, as Sarwar et
 * al. do, is what works: on Online Retail the same cut on the side of the purchase ranks rare products first.
 */
export function itemNeighbours(rowsByItem: Csr, options: NeighbourOptions): Csr {
  const lambda = options.shrinkage ?? 0;
  const limit = options.neighbours ?? Infinity;
  if (!(lambda >= 0)) throw invalid(`The shrinkage must be zero or more; got ${lambda}.`);
  if (!(limit >= 1)) throw invalid(`Each product needs at least one neighbour; got ${limit}.`);
  const itemCount = rowsByItem.colCount;
  const itemRows = transpose(rowsByItem);
  const buyers = rowLengths(itemRows);
  const counts = new Int32Array(itemCount);
  const candidates = new Int32Array(itemCount);
  const similarity = new Float64Array(itemCount);
  const scratch = new Float64Array(itemCount);
  const builder = new CsrBuilder(itemCount, itemCount);
  const { indptr: rowPtr, indices: rowItems } = rowsByItem;
  const cosine = options.measure === 'cosine';
  for (let j = 0; j < itemCount; j++) {
    let count = 0;
    for (let e = itemRows.indptr[j] ?? 0; e < (itemRows.indptr[j + 1] ?? 0); e++) {
      const row = itemRows.indices[e] ?? 0;
      for (let f = rowPtr[row] ?? 0; f < (rowPtr[row + 1] ?? 0); f++) {
        const i = rowItems[f] ?? 0;
        if (counts[i] === 0) candidates[count++] = i;
        counts[i] = (counts[i] ?? 0) + 1;
      }
    }
    const nj = buyers[j] ?? 0;
    for (let t = 0; t < count; t++) {
      const i = candidates[t] ?? 0;
      const nij = counts[i] ?? 0;
      counts[i] = 0;
      const ni = buyers[i] ?? 1;
      const base = cosine ? nij / Math.sqrt(ni * nj) : nij / ni;
      similarity[t] = i === j ? 0 : base * (nij / (nij + lambda));
    }
    keepBest(builder, candidates, similarity, count, limit, scratch);
    builder.endRow();
  }
  return transpose(builder.finish());
}

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}`;
/** A run of CJK characters, or a word of any other letters and digits (marks kept, for decomposed accents). */
const TOKEN = new RegExp(String.raw`[${CJK}]+|(?:(?![${CJK}])[\p{L}\p{N}\p{M}])+`, 'gu');
const CJK_RUN = new RegExp(String.raw`^[${CJK}]`, 'u');

/**
 * Lowercase terms of a product text: words for alphabetic scripts (one-letter words dropped: they carry no
 * meaning in product names), and for Chinese, Japanese and Korean, which do not put spaces between words,
 * overlapping character pairs (a lone character stands as itself).
 */
export function tokenise(text: string): string[] {
  const terms: string[] = [];
  for (const [run] of text.normalize('NFKC').toLowerCase().matchAll(TOKEN)) {
    if (CJK_RUN.test(run)) {
      const chars = [...run];
      if (chars.length === 1) terms.push(run);
      for (let c = 0; c + 1 < chars.length; c++) terms.push((chars[c] ?? '') + (chars[c + 1] ?? ''));
    } else if ([...run].length > 1) terms.push(run);
  }
  return terms;
}

/**
 * products × terms TF-IDF, each row of unit length: raw term counts times scikit-learn's smooth idf,
 * ln((1 + n) / (1 + df)) + 1, so that "set", "of" and "red" weigh less than "lantern".
 */
function tfidf(texts: readonly (string | null | undefined)[]): Csr {
  const vocabulary = new Map<string, number>();
  const rows: number[] = [];
  const cols: number[] = [];
  texts.forEach((text, item) => {
    for (const term of tokenise(text ?? '')) {
      let id = vocabulary.get(term);
      if (id === undefined) vocabulary.set(term, (id = vocabulary.size));
      rows.push(item);
      cols.push(id);
    }
  });
  const matrix = csrFromPairs(rows, cols, {
    rowCount: texts.length,
    colCount: vocabulary.size,
    weights: new Float64Array(rows.length).fill(1),
  });
  const df = new Int32Array(vocabulary.size);
  for (const t of matrix.indices) df[t] = (df[t] ?? 0) + 1;
  const idf = Float64Array.from(df, (d) => Math.log((1 + texts.length) / (1 + d)) + 1);
  for (let r = 0; r < matrix.rowCount; r++) {
    const start = matrix.indptr[r] ?? 0;
    const end = matrix.indptr[r + 1] ?? 0;
    let norm = 0;
    for (let e = start; e < end; e++) {
      const v = (matrix.values[e] ?? 0) * (idf[matrix.indices[e] ?? 0] ?? 0);
      matrix.values[e] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let e = start; e < end; e++) matrix.values[e] = (matrix.values[e] ?? 0) / norm;
  }
  return matrix;
}

/**
 * For every product, the products whose texts are most alike (cosine of TF-IDF vectors), through the inverted
 * index: only products sharing a term are ever compared. Stored like itemNeighbours: row i lists the products
 * that have i among their closest.
 */
export function textNeighbours(texts: readonly (string | null | undefined)[], options: TextNeighbourOptions = {}): Csr {
  const limit = options.neighbours ?? 50;
  const floor = options.minSimilarity ?? 0.05;
  if (!(limit >= 1)) throw invalid(`Each product needs at least one neighbour; got ${limit}.`);
  const itemTerms = tfidf(texts);
  const termItems = transpose(itemTerms);
  const itemCount = texts.length;
  const dot = new Float64Array(itemCount);
  const candidates = new Int32Array(itemCount);
  const similarity = new Float64Array(itemCount);
  const scratch = new Float64Array(itemCount);
  const builder = new CsrBuilder(itemCount, itemCount);
  for (let i = 0; i < itemCount; i++) {
    let count = 0;
    for (let e = itemTerms.indptr[i] ?? 0; e < (itemTerms.indptr[i + 1] ?? 0); e++) {
      const term = itemTerms.indices[e] ?? 0;
      const weight = itemTerms.values[e] ?? 0;
      for (let f = termItems.indptr[term] ?? 0; f < (termItems.indptr[term + 1] ?? 0); f++) {
        const j = termItems.indices[f] ?? 0;
        if (dot[j] === 0) candidates[count++] = j;
        dot[j] = (dot[j] ?? 0) + weight * (termItems.values[f] ?? 0);
      }
    }
    for (let t = 0; t < count; t++) {
      const j = candidates[t] ?? 0;
      const s = dot[j] ?? 0;
      dot[j] = 0;
      similarity[t] = j === i || s < floor ? 0 : s;
    }
    keepBest(builder, candidates, similarity, count, limit, scratch);
    builder.endRow();
  }
  return transpose(builder.finish());
}
