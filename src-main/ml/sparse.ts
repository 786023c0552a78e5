/**
 * Compressed sparse rows (CSR) for who-bought-what: a customers × products matrix built from purchase lines, and
 * its transpose for products × customers.
 *
 * Why typed arrays and counting sorts rather than maps of sets: 2 million purchase lines become three flat arrays
 * in two linear passes, with no per-entry object; rows come out with their columns ascending, so that merges and
 * deduplication are single scans, and a row is a `subarray` view, not a copy.
 */
import { CoreError } from '../shared/errors';

export interface Csr {
  rowCount: number;
  colCount: number;
  /** Row r holds the entries at offsets indptr[r] ≤ e < indptr[r + 1]; rowCount + 1 values. */
  indptr: Int32Array;
  /** The column of each entry, ascending within a row. */
  indices: Int32Array;
  values: Float64Array;
}

export interface PairsOptions {
  rowCount: number;
  colCount: number;
  /** One weight per pair; without it every distinct pair is worth 1 (a binary matrix). */
  weights?: ArrayLike<number>;
  /** How repeated pairs merge their weights. Default 'sum'; 'max' keeps, say, the latest purchase time. */
  combine?: 'sum' | 'max';
}

const invalid = (message: string) => new CoreError('VALIDATION', message);

/** Stable counting sort of `order` by `key[order[i]]`, keys in 0..keyCount − 1. */
function sortByKey(order: Int32Array, key: ArrayLike<number>, keyCount: number): Int32Array {
  const starts = new Int32Array(keyCount + 1);
  for (const e of order) {
    const k = (key[e] ?? 0) + 1;
    starts[k] = (starts[k] ?? 0) + 1;
  }
  for (let k = 0; k < keyCount; k++) starts[k + 1] = (starts[k + 1] ?? 0) + (starts[k] ?? 0);
  const out = new Int32Array(order.length);
  for (const e of order) {
    const k = key[e] ?? 0;
    out[starts[k] ?? 0] = e;
    starts[k] = (starts[k] ?? 0) + 1;
  }
  return out;
}

function checkIndexes(name: string, values: ArrayLike<number>, count: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? -1;
    if (!(Number.isInteger(v) && v >= 0 && v < count))
      throw invalid(`Pair ${i + 1} has ${name} ${v}, outside 0..${count - 1}.`);
  }
}

/**
 * The rowCount × colCount matrix with an entry for every distinct (row, col) pair, columns ascending in each
 * row. Sorting by column and then, stably, by row is two counting sorts: linear, however many pairs.
 */
export function csrFromPairs(rows: ArrayLike<number>, cols: ArrayLike<number>, options: PairsOptions): Csr {
  const { rowCount, colCount, weights } = options;
  const n = rows.length;
  if (cols.length !== n) throw invalid(`${n} rows were given with ${cols.length} columns; they must pair up.`);
  if (weights && weights.length !== n) throw invalid(`${weights.length} weights were given for ${n} pairs.`);
  checkIndexes('row', rows, rowCount);
  checkIndexes('column', cols, colCount);
  const byMax = options.combine === 'max';
  const order = sortByKey(
    sortByKey(
      Int32Array.from({ length: n }, (_, i) => i),
      cols,
      colCount,
    ),
    rows,
    rowCount,
  );
  const indptr = new Int32Array(rowCount + 1);
  const indices = new Int32Array(n);
  const values = new Float64Array(n);
  let nnz = 0;
  let lastRow = -1;
  let lastCol = -1;
  for (const e of order) {
    const r = rows[e] ?? 0;
    const c = cols[e] ?? 0;
    const w = weights ? (weights[e] ?? 0) : 1;
    if (r === lastRow && c === lastCol) {
      if (weights) values[nnz - 1] = byMax ? Math.max(values[nnz - 1] ?? 0, w) : (values[nnz - 1] ?? 0) + w;
      continue;
    }
    indices[nnz] = c;
    values[nnz] = w;
    nnz++;
    indptr[r + 1] = (indptr[r + 1] ?? 0) + 1;
    lastRow = r;
    lastCol = c;
  }
  for (let r = 0; r < rowCount; r++) indptr[r + 1] = (indptr[r + 1] ?? 0) + (indptr[r] ?? 0);
  return { rowCount, colCount, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}

/** The same entries, rows and columns swapped; the new rows again have their columns ascending. */
export function transpose(matrix: Csr): Csr {
  const { rowCount, colCount, indptr, indices, values } = matrix;
  const nnz = indices.length;
  const outPtr = new Int32Array(colCount + 1);
  for (const c of indices) outPtr[c + 1] = (outPtr[c + 1] ?? 0) + 1;
  for (let c = 0; c < colCount; c++) outPtr[c + 1] = (outPtr[c + 1] ?? 0) + (outPtr[c] ?? 0);
  const next = outPtr.slice(0, colCount);
  const outIndices = new Int32Array(nnz);
  const outValues = new Float64Array(nnz);
  for (let r = 0; r < rowCount; r++) {
    for (let e = indptr[r] ?? 0; e < (indptr[r + 1] ?? 0); e++) {
      const c = indices[e] ?? 0;
      const at = next[c] ?? 0;
      outIndices[at] = r;
      outValues[at] = values[e] ?? 0;
      next[c] = at + 1;
    }
  }
  return { rowCount: colCount, colCount: rowCount, indptr: outPtr, indices: outIndices, values: outValues };
}

/** Entries in each row: how many products a customer bought, or how many customers bought a product. */
export function rowLengths(matrix: Csr): Int32Array {
  const lengths = new Int32Array(matrix.rowCount);
  for (let r = 0; r < matrix.rowCount; r++) lengths[r] = (matrix.indptr[r + 1] ?? 0) - (matrix.indptr[r] ?? 0);
  return lengths;
}

/** The value at (r, c), 0 where there is no entry: a binary search, as the columns of a row are ascending. */
export function entry(matrix: Csr, r: number, c: number): number {
  let lo = matrix.indptr[r] ?? 0;
  let hi = (matrix.indptr[r + 1] ?? 0) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = matrix.indices[mid] ?? 0;
    if (at === c) return matrix.values[mid] ?? 0;
    if (at < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}
