/**
 * Linear-act-Linear with torch's weight layout [out, in]: the time-embedding MLP of every model in CONVENTIONS.md §3.
 * Sums are accumulated in double and rounded once, so this is at least as accurate as torch's float32 GEMM.
 */
import { f32 } from './float';
import type { Matrix, Problem } from './types';
import { ValidationError } from './types';
import type { Activation } from './codegen/types';

/** Weights of a two-layer MLP; w1 is [hidden, in], w2 is [out, hidden], both row-major. */
export interface MlpWeights {
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
  readonly act: Activation;
}

/** erf(x) to double precision: a Taylor series near 0, Lentz's continued fraction for erfc further out. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 100 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  return Math.sign(x) * (1 - erfcLarge(ax));
}

/** erfc(x) for x ≥ 2.5 by the continued fraction erfc x = e^{-x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))). */
function erfcLarge(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The activation as torch computes it (GELU in its exact erf form; softplus threshold 20 inside mish). */
export function activate(act: Activation, x: number): number {
  switch (act) {
    case 'silu':
      return x / (1 + Math.exp(-x));
    case 'gelu':
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'mish':
      return x * Math.tanh(x > 20 ? x : Math.log1p(Math.exp(x)));
    case 'relu':
      return Math.max(x, 0);
  }
}

const ACTIVATIONS: readonly Activation[] = ['silu', 'gelu', 'mish', 'relu'];

/** Problems with shapes and activation; empty when mlp will run. */
export function validateMlp(input: Matrix, weights: MlpWeights): Problem[] {
  const problems: Problem[] = [];
  const [rows, inDim] = input.shape;
  const hidden = weights.b1?.length ?? 0;
  const out = weights.b2?.length ?? 0;
  if (!ACTIVATIONS.includes(weights.act)) problems.push({ param: 'act', message: `act must be one of ${ACTIVATIONS.join(', ')}` });
  if (input.data.length !== rows * inDim)
    problems.push({ param: 'data', message: `input data has ${input.data.length} values but shape [${rows}, ${inDim}] needs ${rows * inDim}` });
  if (weights.w1.length !== hidden * inDim)
    problems.push({ param: 'w1', message: `w1 must be [hidden=${hidden}, in=${inDim}] (torch layout [out, in]): expected ${hidden * inDim} values, got ${weights.w1.length}` });
  if (weights.w2.length !== out * hidden)
    problems.push({ param: 'w2', message: `w2 must be [out=${out}, hidden=${hidden}]: expected ${out * hidden} values, got ${weights.w2.length}` });
  return problems;
}

/** y = act(x W1ᵀ + b1) W2ᵀ + b2, float32 in and out. Throws ValidationError on mismatched shapes. */
export function mlp(input: Matrix, weights: MlpWeights): Matrix {
  const problems = validateMlp(input, weights);
  if (problems.length > 0) throw new ValidationError(problems);
  const [rows, inDim] = input.shape;
  const hidden = weights.b1.length;
  const hiddenRow = new Float64Array(hidden);
  const out = weights.b2.length;
  const result = new Float32Array(rows * out);
  for (let r = 0; r < rows; r++) {
    const x = r * inDim;
    for (let h = 0; h < hidden; h++) {
      let acc = 0;
      const w = h * inDim;
      for (let k = 0; k < inDim; k++) acc += input.data[x + k]! * weights.w1[w + k]!;
      hiddenRow[h] = f32(activate(weights.act, f32(acc + weights.b1[h]!)));
    }
    for (let o = 0; o < out; o++) {
      let acc = 0;
      const w = o * hidden;
      for (let h = 0; h < hidden; h++) acc += hiddenRow[h]! * weights.w2[w + h]!;
      result[r * out + o] = f32(acc + weights.b2[o]!);
    }
  }
  return { shape: [rows, out], data: result };
}
