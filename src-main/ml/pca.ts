/**
 * Principal components of a few standardised features, for the 2-D picture of clusters. With a handful of columns
 * the covariance matrix is tiny, so a cyclic Jacobi eigen-decomposition is exact and simpler than an SVD of the
 * whole n × d matrix.
 */
import { rowCount, toRowMajor, type MatrixInput } from './kmeans';

export interface PcaResult {
  /** components[i] is the i-th axis (length d), by explained variance, largest first. */
  components: number[][];
  /** Share of the total variance each component explains. */
  explained: number[];
  mean: number[];
}

function covariance(data: Float64Array, n: number, d: number): { cov: Float64Array; mean: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = (mean[j] ?? 0) + (data[i * d + j] ?? 0) / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const da = (data[i * d + a] ?? 0) - (mean[a] ?? 0);
      for (let b = a; b < d; b++)
        cov[a * d + b] = (cov[a * d + b] ?? 0) + da * ((data[i * d + b] ?? 0) - (mean[b] ?? 0));
    }
  }
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      const value = (cov[a * d + b] ?? 0) / Math.max(1, n - 1);
      cov[a * d + b] = value;
      cov[b * d + a] = value;
    }
  return { cov, mean };
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric d × d matrix. */
export function symmetricEigen(matrix: Float64Array, d: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += (a[p * d + q] ?? 0) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q] ?? 0;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((a[q * d + q] ?? 0) - (a[p * d + p] ?? 0)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p] ?? 0;
          const akq = a[k * d + q] ?? 0;
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k] ?? 0;
          const aqk = a[q * d + k] ?? 0;
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p] ?? 0;
          const vkq = v[k * d + q] ?? 0;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: d }, (_, i) => a[i * d + i] ?? 0), vectors: v };
}

export function pca(input: MatrixInput, components = 2): PcaResult {
  const matrix = toRowMajor(input);
  const d = matrix.cols;
  const { cov, mean } = covariance(matrix.data, rowCount(matrix), d);
  const { values, vectors } = symmetricEigen(cov, d);
  const order = values.map((value, i) => ({ value, i })).sort((x, y) => y.value - x.value);
  const total = values.reduce((sum, value) => sum + Math.max(0, value), 0) || 1;
  const kept = order.slice(0, Math.min(components, d));
  return {
    components: kept.map(({ i }) => {
      const axis = Array.from({ length: d }, (_, row) => vectors[row * d + i] ?? 0);
      // Eigenvectors have no inherent sign; make the largest loading positive so pictures do not flip between runs.
      const largest = axis.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
      return largest < 0 ? axis.map((x) => -x) : axis;
    }),
    explained: kept.map(({ value }) => Math.max(0, value) / total),
    mean: Array.from(mean),
  };
}

/** Coordinates of row `i` on the components. */
export function project(model: PcaResult, input: MatrixInput, i: number): number[] {
  const matrix = toRowMajor(input);
  const d = matrix.cols;
  return model.components.map((axis) =>
    axis.reduce((sum, w, j) => sum + w * ((matrix.data[i * d + j] ?? 0) - (model.mean[j] ?? 0)), 0),
  );
}
