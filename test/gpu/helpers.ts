/** Comparison helpers for the GPU tests: every failure names the max abs error and the worst index (STYLE.md "Tests"). */
import { strict as assert } from 'node:assert';

/** Largest |a − b| and where; NaN on one side only counts as an infinite error, NaN on both as a match. */
export function maxAbsError(actual: ArrayLike<number>, expected: ArrayLike<number>): { max: number; index: number } {
  assert.equal(actual.length, expected.length, `length ${actual.length} ≠ expected ${expected.length}`);
  let max = 0;
  let index = -1;
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k]!;
    const b = expected[k]!;
    const d = Number.isNaN(a) && Number.isNaN(b) ? 0 : a === b ? 0 : Math.abs(a - b);
    if (!(d <= max)) {
      max = Number.isNaN(d) ? Infinity : d;
      index = k;
    }
  }
  return { max, index };
}

/** Asserts max |a − b| ≤ tolerance, naming the worst element as [row, column] when `width` is given. */
export function assertClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, width?: number): number {
  const { max, index } = maxAbsError(actual, expected);
  const where = width ? `[${Math.floor(index / width)}, ${index % width}]` : `[${index}]`;
  assert.ok(
    max <= tolerance,
    `${what}: max abs error ${max.toExponential(3)} > ${tolerance.toExponential(1)} at ${where} (got ${actual[index]}, expected ${expected[index]})`,
  );
  return max;
}

/** Largest |value|. */
export function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let k = 0; k < values.length; k++) max = Math.max(max, Math.abs(values[k]!));
  return max;
}

/** Float64 cosine similarity of the rows of E (torch's per-norm eps 1e-8). */
export function similarity64(e: Float32Array, n: number, m: number): Float64Array {
  const norms = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += e[r * m + k]! ** 2;
    norms[r] = Math.max(Math.sqrt(s), 1e-8);
  }
  const out = new Float64Array(n * n);
  for (let r = 0; r < n; r++)
    for (let s = r; s < n; s++) {
      let d = 0;
      for (let k = 0; k < m; k++) d += e[r * m + k]! * e[s * m + k]!;
      out[r * n + s] = out[s * n + r] = d / norms[r]! / norms[s]!;
    }
  return out;
}

/** Float64 Euclidean distance between rows r and s. */
export function distance64(e: Float32Array, m: number, r: number, s: number): number {
  let d = 0;
  for (let k = 0; k < m; k++) d += (e[r * m + k]! - e[s * m + k]!) ** 2;
  return Math.sqrt(d);
}

/** A seeded uniform generator in [0, 1) (LCG), so failures reproduce. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}
