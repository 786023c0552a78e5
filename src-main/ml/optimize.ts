/**
 * The numerics under the customer-lifetime-value fits (BG/NBD, Gamma-Gamma): a BFGS minimiser, a wrapper that
 * optimises positive parameters through their logarithms, and the log-gamma and digamma functions the
 * likelihoods need.
 *
 * Why our own: the models have 3–4 parameters and analytic gradients, so a short BFGS (what lifetimes and
 * CLVTools use through scipy and R's optim) reaches the published maximum-likelihood estimates without bringing
 * a numerics library into the app. Working on log-parameters keeps them positive with no constraint handling,
 * and makes the search indifferent to units: rescaling a parameter only shifts its logarithm.
 */
import { CoreError } from '../shared/errors';

/** Value at x; when `gradient` is given, also writes ∂value/∂x into it. */
export type Objective = (x: Float64Array, gradient?: Float64Array) => number;

export interface MinimizeOptions {
  /** The objective writes no gradient: estimate it by central differences. Default false. */
  numericGradient?: boolean;
  /** Default 500. */
  maxIterations?: number;
  /** Converged when every gradient component is at most this. Default 1e-9. */
  gradientTolerance?: number;
  /**
   * When no step lowers the value any more (rounding has the last word), the run still counts as converged if
   * the gradient is at most this. Default 1e-5.
   */
  stallTolerance?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

/** Longest step, per coordinate, tried first: exp(5) ≈ 150× change of a log-parameter in one move is plenty. */
const MAX_STEP = 5;
const ARMIJO = 1e-4;

const maxAbs = (v: Float64Array) => v.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
const dot = (u: Float64Array, v: Float64Array) => u.reduce((sum, x, i) => sum + x * (v[i] ?? 0), 0);
const allFinite = (v: Float64Array) => v.every(Number.isFinite);

function withNumericGradient(objective: Objective): Objective {
  return (x, gradient) => {
    if (gradient) {
      const probe = Float64Array.from(x);
      for (let i = 0; i < x.length; i++) {
        const xi = x[i] ?? 0;
        const h = 1e-6 * Math.max(1, Math.abs(xi));
        probe[i] = xi + h;
        const up = objective(probe);
        probe[i] = xi - h;
        const down = objective(probe);
        probe[i] = xi;
        gradient[i] = (up - down) / (2 * h);
      }
    }
    return objective(x);
  };
}

interface Point {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
}

/**
 * Backtracking to the Armijo condition with safeguarded quadratic interpolation. Non-finite values (overflow
 * far from the optimum) count as "too far". Returns null when no step lowers the value.
 */
function lineSearch(objective: Objective, from: Point, direction: Float64Array, slope: number): Point | null {
  let t = Math.min(1, MAX_STEP / maxAbs(direction));
  for (let attempt = 0; attempt < 60; attempt++) {
    const x = from.x.map((xi, i) => xi + t * (direction[i] ?? 0));
    const gradient = new Float64Array(x.length);
    const value = objective(x, gradient);
    // Strictly lower as well: near the optimum the Armijo margin rounds away, and equal values are no progress.
    if (value < from.value && value <= from.value + ARMIJO * t * slope && allFinite(gradient))
      return { x, value, gradient };
    const curvature = value - from.value - slope * t;
    const next = Number.isFinite(value) && curvature > 0 ? (-slope * t * t) / (2 * curvature) : 0.1 * t;
    t = Math.min(0.5 * t, Math.max(0.1 * t, next));
  }
  return null;
}

function resetToIdentity(h: Float64Array, n: number): void {
  h.fill(0);
  for (let i = 0; i < n; i++) h[i * n + i] = 1;
}

/** BFGS inverse-Hessian update; the first update also rescales the identity to the observed curvature. */
function updateInverseHessian(h: Float64Array, s: Float64Array, y: Float64Array, first: boolean): void {
  const n = s.length;
  const sy = dot(s, y);
  if (first) {
    const scale = sy / dot(y, y);
    for (let i = 0; i < h.length; i++) h[i] = (h[i] ?? 0) * scale;
  }
  const hy = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hy[i] = (hy[i] ?? 0) + (h[i * n + j] ?? 0) * (y[j] ?? 0);
  const yhy = dot(y, hy);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const si = s[i] ?? 0;
      const sj = s[j] ?? 0;
      h[i * n + j] =
        (h[i * n + j] ?? 0) + ((sy + yhy) * si * sj) / (sy * sy) - ((hy[i] ?? 0) * sj + si * (hy[j] ?? 0)) / sy;
    }
}

/** Unconstrained minimisation by BFGS from one start. */
export function minimize(
  objective: Objective,
  start: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const evaluate = options.numericGradient ? withNumericGradient(objective) : objective;
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.gradientTolerance ?? 1e-9;
  const stallTolerance = options.stallTolerance ?? 1e-5;
  const n = start.length;
  const x0 = Float64Array.from(start);
  const g0 = new Float64Array(n);
  let point: Point = { x: x0, value: evaluate(x0, g0), gradient: g0 };
  if (!Number.isFinite(point.value) || !allFinite(point.gradient))
    return { x: [...x0], value: point.value, iterations: 0, converged: false };
  const h = new Float64Array(n * n);
  resetToIdentity(h, n);
  let fresh = true;
  let iterations = 0;
  let converged = maxAbs(point.gradient) <= tolerance;
  while (!converged && iterations < maxIterations) {
    iterations++;
    const direction = new Float64Array(n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) direction[i] = (direction[i] ?? 0) - (h[i * n + j] ?? 0) * (point.gradient[j] ?? 0);
    let slope = dot(point.gradient, direction);
    if (!(slope < 0)) {
      resetToIdentity(h, n);
      fresh = true;
      direction.set(point.gradient.map((g) => -g));
      slope = -dot(point.gradient, point.gradient);
    }
    const next = lineSearch(evaluate, point, direction, slope);
    if (!next) {
      if (fresh) {
        converged = maxAbs(point.gradient) <= stallTolerance;
        break;
      }
      // The curvature memory may be what misleads the search: retry once as steepest descent.
      resetToIdentity(h, n);
      fresh = true;
      continue;
    }
    const s = next.x.map((xi, i) => xi - (point.x[i] ?? 0));
    const y = next.gradient.map((gi, i) => gi - (point.gradient[i] ?? 0));
    // Without positive curvature the update would break positive definiteness: keep the old matrix.
    if (dot(s, y) > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      updateInverseHessian(h, s, y, fresh);
      fresh = false;
    }
    point = next;
    converged = maxAbs(point.gradient) <= tolerance;
  }
  return { x: [...point.x], value: point.value, iterations, converged };
}

/**
 * Minimises over positive parameters by running BFGS on their logarithms. The objective sees the parameters
 * themselves and writes its gradient with respect to them. Starts are tried in order until one converges; if none
 * does, the lowest value found is returned (with converged false).
 */
export function minimizePositive(
  objective: Objective,
  starts: readonly (readonly number[])[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const onLogs: Objective = (logs, gradient) => {
    const params = logs.map(Math.exp);
    const value = objective(params, gradient);
    if (gradient) for (let i = 0; i < params.length; i++) gradient[i] = (gradient[i] ?? 0) * (params[i] ?? 0);
    return value;
  };
  let best: MinimizeResult | null = null;
  for (const start of starts) {
    if (!start.every((v) => v > 0 && Number.isFinite(v)))
      throw new CoreError('INTERNAL', `A positive-parameter search was started at ${start.join(', ')}.`);
    const run = minimize(onLogs, start.map(Math.log), options);
    if (!best || run.converged || run.value < best.value || Number.isNaN(best.value)) best = run;
    if (run.converged) break;
  }
  if (!best) throw new CoreError('INTERNAL', 'A positive-parameter search was given no start.');
  return { ...best, x: best.x.map(Math.exp) };
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0, to about 1e-15 relative: Stirling's series after shifting x up to at least 10. */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  let shift = 0;
  let product = 1;
  while (x < 10) {
    product *= x;
    x += 1;
    shift++;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series =
    inv *
    (1 / 12 + inv2 * (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - (shift ? Math.log(product) : 0);
}

/** ψ(x) = d ln Γ(x)/dx for x > 0: the asymptotic series after shifting x up to at least 10. */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  const series =
    inv2 *
    (1 / 12 + inv2 * (-1 / 120 + inv2 * (1 / 252 + inv2 * (-1 / 240 + inv2 * (1 / 132 + inv2 * (-691 / 32760))))));
  return result + Math.log(x) - 0.5 / x - series;
}
