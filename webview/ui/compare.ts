/**
 * Compare mode's numbers and its one-line verdict: the difference of two embeddings on the same grid, the largest
 * absolute and relative error, and a sentence a person can act on.
 */

/** The outcome of comparing two embeddings. */
export interface Comparison {
  /** E_a − E_b (row-major), or undefined when the shapes differ. */
  readonly difference?: Float32Array;
  readonly maxAbs: number;
  /** max |a − b| / max(|a|, |b|) over values with max(|a|, |b|) ≥ REL_FLOOR. */
  readonly maxRel: number;
  /** Where the largest absolute difference is. */
  readonly at?: { readonly row: number; readonly col: number };
  readonly verdict: string;
  /** `same`, `rounding` (≤ 1e-5), `close` (≤ 2e-3), `different`, or `incompatible` (shapes or NaN differ). */
  readonly level: 'same' | 'rounding' | 'close' | 'different' | 'incompatible';
}

/** Values smaller than this are left out of the relative error (it is meaningless next to a zero). */
export const REL_FLOOR = 1e-3;
/** Up to this, two embeddings differ only by float32 rounding (a few ulp at |a| ≈ 1000, CONVENTIONS.md §4). */
const ROUNDING_LEVEL = 1e-5;
/** Up to this, the difference is what float16/bfloat16 casting of the finished output costs (§4): checkpoints carry over. */
const CLOSE_LEVEL = 2e-3;

/** Numbers as a verdict shows them: 3 significant digits, scientific when tiny. */
export function formatError(v: number): string {
  if (v === 0) return '0';
  return v < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/**
 * Compares E_a [shapeA] with E_b [shapeB]. `nameA`, `nameB` name the sides; `precision` says in what they are compared
 * (`float32`, or `float32 vs bfloat16 t`).
 */
export function compareEmbeddings(
  a: Float32Array,
  shapeA: readonly [number, number],
  b: Float32Array,
  shapeB: readonly [number, number],
  nameA: string,
  nameB: string,
  precision: string,
): Comparison {
  if (shapeA[0] !== shapeB[0] || shapeA[1] !== shapeB[1])
    return {
      maxAbs: NaN,
      maxRel: NaN,
      level: 'incompatible',
      verdict: `${nameA} is ${shapeA[1]} wide and ${nameB} is ${shapeB[1]} wide: a checkpoint trained with one will not even load into the other`,
    };
  const difference = new Float32Array(a.length);
  let maxAbs = 0;
  let maxRel = 0;
  let at = { row: 0, col: 0 };
  let nanMismatch = 0;
  const width = shapeA[1];
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) nanMismatch++;
      difference[k] = NaN;
      continue;
    }
    const d = x - y;
    difference[k] = d;
    const ad = Math.abs(d);
    if (ad > maxAbs) {
      maxAbs = ad;
      at = { row: Math.floor(k / width), col: k % width };
    }
    const scale = Math.max(Math.abs(x), Math.abs(y));
    if (scale >= REL_FLOOR && ad / scale > maxRel) maxRel = ad / scale;
  }
  if (nanMismatch > 0)
    return {
      difference,
      maxAbs,
      maxRel,
      at,
      level: 'incompatible',
      verdict: `${nameA} and ${nameB} disagree on ${nanMismatch} NaN values: one of them divides by zero for these settings`,
    };
  const level = maxAbs === 0 ? 'same' : maxAbs <= ROUNDING_LEVEL ? 'rounding' : maxAbs <= CLOSE_LEVEL ? 'close' : 'different';
  const by = formatError(maxAbs);
  const verdict =
    level === 'same'
      ? `${nameA} and ${nameB} are identical in ${precision}`
      : level === 'rounding'
        ? `${nameA} and ${nameB} differ by up to ${by}, float32 rounding: interchangeable, though not bit-identical`
        : level === 'close'
          ? `${nameA} and ${nameB} differ by up to ${by}: a checkpoint carries over, but outputs will not match bit for bit`
          : `${nameA} and ${nameB} differ by up to ${by}: a checkpoint trained with one will not work with the other`;
  return { difference, maxAbs, maxRel, at, level, verdict };
}
