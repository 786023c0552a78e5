/**
 * The names design-matrix.ts gives to blank and pooled categories; the interface words them (so they live in
 * shared/, which both the algorithm and the renderer may import).
 */
export const MISSING_LEVEL = '(missing)';
export const OTHER_LEVEL = '(other)';
