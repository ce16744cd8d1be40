/**
 * CPU analyses over E (n rows × m columns, float32), accumulated in float64. The similarity uses the structure of
 * sinusoidal embeddings when it can prove the result is within tolerance (see `toeplitzSimilarity`); everything else
 * is blocked loops: 4×4 register tiles over rows that are contiguous in memory.
 */
import { activate, type MlpWeights } from '../../../src/core/mlp';
import type { EmbeddingPlan } from '../../../src/core/plan';
import type { PcaProducts } from '../analysis';
import type { ColumnStats } from '../backend';
import type { NearestResult } from '../types';

const f32 = Math.fround;
/** torch.nn.functional.cosine_similarity clamps each norm at this eps. */
export const COSINE_EPS = 1e-8;
/**
 * The Toeplitz similarity is used only when its rigorous error bound is at most this. The goal is 1e-5 against a
 * float64 similarity of E; the bound (below) covers the float32 rounding of every argument and of every sin/cos.
 */
export const TOEPLITZ_MAX_ERROR = 9e-6;

/** Row norms ‖E_r‖ in float64. */
export function rowNorms(e: Float32Array, n: number, m: number): Float64Array {
  const norms = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let k = r * m, end = k + m; k < end; k++) sum += e[k]! * e[k]!;
    norms[r] = Math.sqrt(sum);
  }
  return norms;
}

/** Symmetric Gram matrix G = E·Eᵀ in float64, computed on the upper triangle with 4×4 tiles and mirrored. */
export function gram(e: Float32Array, n: number, m: number): Float64Array {
  const g = new Float64Array(n * n);
  const n4 = n - (n % 4);
  for (let r = 0; r < n; r += 4) {
    if (r >= n4) {
      for (let rr = r; rr < n; rr++) for (let s = rr; s < n; s++) g[rr * n + s] = dot(e, rr * m, s * m, m);
      continue;
    }
    for (let s = r; s < n; s += 4) {
      if (s >= n4) {
        for (let rr = r; rr < r + 4; rr++) for (let ss = s; ss < n; ss++) g[rr * n + ss] = dot(e, rr * m, ss * m, m);
        continue;
      }
      tile4x4(e, r, e, s, m, g, r * n + s, n);
    }
  }
  for (let r = 0; r < n; r++) for (let s = 0; s < r; s++) g[r * n + s] = g[s * n + r]!;
  return g;
}

function dot(e: Float32Array, a: number, b: number, m: number): number {
  let sum = 0;
  for (let k = 0; k < m; k++) sum += e[a + k]! * e[b + k]!;
  return sum;
}

/**
 * The 4 × 4 register tile both blocked products share (the Gram matrix and `linear`): out[at + i·stride + j] =
 * a[aRow + i] · b[bRow + j] over `len` values, for i, j in 0..3, summed in float64 in index order, plus bias[biasAt + j]
 * when a bias is given.
 */
function tile4x4(
  a: Float32Array,
  aRow: number,
  b: Float32Array,
  bRow: number,
  len: number,
  out: Float64Array,
  at: number,
  stride: number,
  bias?: Float32Array,
  biasAt = 0,
): void {
  const a0 = aRow * len, a1 = a0 + len, a2 = a1 + len, a3 = a2 + len;
  const b0 = bRow * len, b1 = b0 + len, b2 = b1 + len, b3 = b2 + len;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < len; k++) {
    const x0 = a[a0 + k]!, x1 = a[a1 + k]!, x2 = a[a2 + k]!, x3 = a[a3 + k]!;
    const y0 = b[b0 + k]!, y1 = b[b1 + k]!, y2 = b[b2 + k]!, y3 = b[b3 + k]!;
    c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
    c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
    c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
    c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
  }
  const q0 = bias ? bias[biasAt]! : 0, q1 = bias ? bias[biasAt + 1]! : 0, q2 = bias ? bias[biasAt + 2]! : 0, q3 = bias ? bias[biasAt + 3]! : 0;
  let t = at;
  out[t] = c00 + q0; out[t + 1] = c01 + q1; out[t + 2] = c02 + q2; out[t + 3] = c03 + q3;
  t += stride;
  out[t] = c10 + q0; out[t + 1] = c11 + q1; out[t + 2] = c12 + q2; out[t + 3] = c13 + q3;
  t += stride;
  out[t] = c20 + q0; out[t + 1] = c21 + q1; out[t + 2] = c22 + q2; out[t + 3] = c23 + q3;
  t += stride;
  out[t] = c30 + q0; out[t + 1] = c31 + q1; out[t + 2] = c32 + q2; out[t + 3] = c33 + q3;
}

/**
 * Cosine similarity for a pure-sinusoid plan on a (nearly) uniform input grid, in O(T·h) transcendental calls instead
 * of O(T²·h) products. Each sin/cos pair contributes sin a_r sin a_s + cos a_r cos a_s = cos(a_r − a_s), and with
 * a ≈ x̂·g (g = f·post-scales) and x̂_r = x_0 + r·Δ that is cos(g·Δ·(r − s)): the dot product depends on r − s only.
 * The float32 arguments differ from x̂·g by ε_{r,i} (known exactly), so |E_r·E_s − D(r−s)| ≤ Σ_i(|ε_{r,i}| + |ε_{s,i}|)
 * + h·2⁻²³ (the sin/cos roundings). Returns undefined when the plan does not qualify or that bound, over the norms,
 * exceeds TOEPLITZ_MAX_ERROR; the caller then uses the exact Gram matrix.
 */
export function toeplitzSimilarity(
  plan: EmbeddingPlan,
  norms: Float64Array,
  allocate: ((length: number) => Float32Array) | null = (length) => new Float32Array(length),
): { sim?: Float32Array; lagDot: Float64Array } | undefined {
  const n = plan.shape[0];
  if (plan.layout === 'repeat' || plan.inputColumns !== 1 || plan.shape[1] !== plan.rowWidth) return undefined;
  if (plan.zeroRows.length > 0 || plan.outputDtype !== 'float32' || n < 3) return undefined;
  const x = plan.inputs;
  // The ideal grid x̂_r = x_0 + r·Δ. Inputs off it by float32 rounding (t/T·1000, ln σ / 4) stay on this path: the
  // bound below measures every argument against x̂_r·g, so it covers that offset along with the argument rounding.
  const delta = (x[n - 1]! - x[0]!) / (n - 1);
  const h = plan.half;
  let scale = 1;
  for (const s of plan.postScales) scale *= s;
  const g = Float64Array.from(plan.frequencies, (f) => f * scale);
  // Σ_i |ε_{r,i}|: recompute each float32 argument exactly as the kernel does and compare with x·g in float64.
  let worstRowError = 0;
  for (let r = 0; r < n; r++) {
    const xr = x[r]!;
    const ideal = x[0]! + r * delta;
    let sum = 0;
    for (let i = 0; i < h; i++) {
      let a = f32(xr * plan.frequencies[i]!);
      for (const s of plan.postScales) a = f32(a * s);
      sum += Math.abs(a - ideal * g[i]!);
    }
    worstRowError = Math.max(worstRowError, sum);
  }
  let minNorm = Infinity;
  for (let r = 0; r < n; r++) minNorm = Math.min(minNorm, norms[r]!);
  const bound = (2 * worstRowError + h * 2 ** -23) / Math.max(minNorm * minNorm, COSINE_EPS);
  if (!(bound <= TOEPLITZ_MAX_ERROR)) return undefined;
  const lagDot = lagDots(g, delta, n);
  // Callers that only need the lag dot products (the Gram-space PCA) pass allocate = null and skip the T × T matrix.
  if (allocate === null) return { lagDot };
  const sim = allocate(n * n);
  const inverse = Float64Array.from(norms, (v) => 1 / Math.max(v, COSINE_EPS));
  for (let r = 0; r < n; r++) {
    const ir = inverse[r]!;
    for (let s = r; s < n; s++) {
      // The input column of lucidrains-random adds x_r·x_s to the dot product.
      const extra = plan.prependInput ? x[r]! * x[s]! : 0;
      const v = (lagDot[s - r]! + extra) * ir * inverse[s]!;
      sim[r * n + s] = v;
      sim[s * n + r] = v;
    }
  }
  return { sim, lagDot };
}

/** D(lag) = Σ_i cos(g_i·Δ·lag) for lag = 0..n−1: the dot product of two rows `lag` steps apart on a uniform grid. */
function lagDots(g: Float64Array, delta: number, n: number): Float64Array {
  const lagDot = new Float64Array(n);
  for (let lag = 0; lag < n; lag++) {
    const d = delta * lag;
    let sum = 0;
    for (let i = 0; i < g.length; i++) sum += Math.cos(g[i]! * d);
    lagDot[lag] = sum;
  }
  return lagDot;
}

/**
 * Nearest rows through the lag structure (see toeplitzSimilarity), for T too large for a T × T search: O(T·h) cosines
 * and O(T·K·width) exact distances instead of O(T²·width). Rows of a pure-sinusoid plan all have nearly the same norm
 * (√h up to rounding), so the nearest other row is at one of the lags with the largest D(lag) among those the row can
 * reach backward (1..r) and forward (1..T−1−r). Each row measures the K best of each exactly and keeps the nearest
 * (lowest index on ties). Returns undefined when the plan has no lag structure (the caller searches directly): not a
 * pure sinusoid, a prepended input, padding rows, NaN, or inputs off a uniform grid by more than 1e-4 of a step.
 */
export function nearestByLag(plan: EmbeddingPlan, e: Float32Array): NearestResult | undefined {
  const [n, m] = plan.shape;
  if (plan.layout === 'repeat' || plan.inputColumns !== 1 || m !== plan.rowWidth || plan.prependInput) return undefined;
  if (plan.zeroRows.length > 0 || plan.outputDtype !== 'float32' || n < 3 || plan.half === 0) return undefined;
  const x = plan.inputs;
  const delta = (x[n - 1]! - x[0]!) / (n - 1);
  if (!(Math.abs(delta) > 0)) return undefined;
  for (let r = 0; r < n; r++) if (!(Math.abs(x[r]! - (x[0]! + r * delta)) <= 1e-4 * Math.abs(delta))) return undefined;
  for (let k = 0; k < e.length; k++) if (e[k] !== e[k]) return undefined;
  let scale = 1;
  for (const s of plan.postScales) scale *= s;
  const lagDot = lagDots(Float64Array.from(plan.frequencies, (f) => f * scale), delta, n);
  // best[L·K + j]: the j-th largest D among lags 1..L (−1 when fewer than j+1 lags exist).
  const K = LAG_CANDIDATES;
  const best = new Int32Array(n * K).fill(-1);
  for (let L = 1; L < n; L++) {
    const row = best.subarray(L * K, L * K + K);
    row.set(best.subarray((L - 1) * K, L * K));
    let slot = K;
    while (slot > 0 && (row[slot - 1]! < 0 || lagDot[L]! > lagDot[row[slot - 1]!]!)) slot--;
    if (slot < K) {
      row.copyWithin(slot + 1, slot, K - 1);
      row[slot] = L;
    }
  }
  const index = new Int32Array(n).fill(-1);
  const distance = new Float32Array(n).fill(Infinity);
  for (let r = 0; r < n; r++) {
    let chosen = -1;
    let chosenD = Infinity;
    const consider = (s: number): void => {
      const d = squaredDistance(e, r, s, m);
      if (d < chosenD || (d === chosenD && s < chosen)) [chosen, chosenD] = [s, d];
    };
    for (let j = 0; j < K; j++) {
      const back = r > 0 ? best[r * K + j]! : -1;
      if (back > 0) consider(r - back);
      const forward = r < n - 1 ? best[(n - 1 - r) * K + j]! : -1;
      if (forward > 0) consider(r + forward);
    }
    index[r] = chosen;
    distance[r] = Math.sqrt(chosenD);
  }
  return { index, distance };
}

/** Lags measured exactly per direction by nearestByLag. */
const LAG_CANDIDATES = 4;

/** Cosine similarity from a Gram matrix and norms (torch's per-norm eps clamp). */
export function similarityFromGram(
  gm: Float64Array,
  norms: Float64Array,
  n: number,
  allocate: (length: number) => Float32Array = (length) => new Float32Array(length),
): Float32Array {
  const sim = allocate(n * n);
  const inverse = Float64Array.from(norms, (v) => 1 / Math.max(v, COSINE_EPS));
  for (let r = 0; r < n; r++) for (let s = 0; s < n; s++) sim[r * n + s] = gm[r * n + s]! * inverse[r]! * inverse[s]!;
  return sim;
}

/** ‖E_{r+1} − E_r‖ for r = 0..n−2. */
export function adjacentDistances(e: Float32Array, n: number, m: number): Float32Array {
  const out = new Float32Array(Math.max(0, n - 1));
  for (let r = 0; r + 1 < n; r++) out[r] = Math.sqrt(squaredDistance(e, r, r + 1, m));
  return out;
}

function squaredDistance(e: Float32Array, r: number, s: number, m: number): number {
  let sum = 0;
  for (let a = r * m, b = s * m, end = a + m; a < end; a++, b++) {
    const d = e[a]! - e[b]!;
    sum += d * d;
  }
  return sum;
}

/**
 * Each row's nearest other row. Candidates come from a Gram matrix (d² = n_r + n_s − 2g: the exact float64 one, or
 * the Toeplitz approximation when the similarity used it); the three best are then measured directly, so the reported distance never suffers the identity's cancellation.
 */
export function nearestRows(e: Float32Array, n: number, m: number, gramAt?: (r: number, s: number) => number): NearestResult {
  const index = new Int32Array(n).fill(-1);
  const distance = new Float32Array(n).fill(Infinity);
  if (n < 2) return { index, distance };
  const sq = new Float64Array(n);
  for (let r = 0; r < n; r++) sq[r] = dot(e, r * m, r * m, m);
  let at = gramAt;
  if (!at) {
    const g = gram(e, n, m);
    at = (r, s) => g[r * n + s]!;
  }
  for (let r = 0; r < n; r++) {
    const best: number[] = [];
    const bestD: number[] = [];
    for (let s = 0; s < n; s++) {
      if (s === r) continue;
      const d2 = sq[r]! + sq[s]! - 2 * at(r, s);
      if (best.length < 3 || d2 < bestD[2]!) {
        let slot = Math.min(best.length, 2);
        if (best.length < 3) {
          best.push(s);
          bestD.push(d2);
        }
        while (slot > 0 && bestD[slot - 1]! > d2) {
          best[slot] = best[slot - 1]!;
          bestD[slot] = bestD[slot - 1]!;
          slot--;
        }
        best[slot] = s;
        bestD[slot] = d2;
      }
    }
    let chosen = -1;
    let chosenD = Infinity;
    for (const s of best) {
      const d = squaredDistance(e, r, s, m);
      if (d < chosenD || (d === chosenD && s < chosen)) [chosen, chosenD] = [s, d];
    }
    index[r] = chosen;
    distance[r] = Math.sqrt(chosenD);
  }
  return { index, distance };
}

/** Per-column min, max, mean and population std, accumulated in float64 (shifted by row 0 against cancellation). */
export function columnStats(e: Float32Array, n: number, m: number): ColumnStats & { totalVariance: number } {
  const min = new Float32Array(m).fill(Infinity);
  const max = new Float32Array(m).fill(-Infinity);
  const sum = new Float64Array(m);
  const sum2 = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    const base = r * m;
    for (let k = 0; k < m; k++) {
      const v = e[base + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
      const d = v - e[k]!;
      sum[k] += d;
      sum2[k] += d * d;
    }
  }
  const mean = new Float32Array(m);
  const std = new Float32Array(m);
  let totalVariance = 0;
  for (let k = 0; k < m; k++) {
    const shifted = sum[k]! / n;
    mean[k] = e[k]! + shifted;
    const variance = Math.max(0, sum2[k]! / n - shifted * shifted);
    std[k] = Math.sqrt(variance);
    totalVariance += variance * n;
  }
  return { min, max, mean, std, totalVariance };
}

/** The PCA products on the CPU: Z = (E − μ)·V and Y = (E − μ)ᵀ·Z, float64. */
export function cpuPcaProducts(e: Float32Array, n: number, m: number, mean: Float32Array): PcaProducts {
  return {
    async mulV(v, p) {
      const z = new Float64Array(n * p);
      const row = new Float64Array(p);
      for (let r = 0; r < n; r++) {
        row.fill(0);
        const base = r * m;
        for (let k = 0; k < m; k++) {
          const xk = e[base + k]! - mean[k]!;
          for (let j = 0, o = k * p; j < p; j++) row[j] += xk * v[o + j]!;
        }
        z.set(row, r * p);
      }
      return z;
    },
    async mulTZ(z, p) {
      const y = new Float64Array(m * p);
      for (let r = 0; r < n; r++) {
        const base = r * m;
        const zo = r * p;
        for (let k = 0; k < m; k++) {
          const xk = e[base + k]! - mean[k]!;
          for (let j = 0, o = k * p; j < p; j++) y[o + j] += xk * z[zo + j]!;
        }
      }
      return y;
    },
  };
}

/** y = x·Wᵀ + b with W [out, in] row-major: 4×4 register tiles, float64 sums, each output rounded once. */
export function linear(x: Float32Array, rows: number, inDim: number, w: Float32Array, b: Float32Array, outDim: number): Float64Array {
  const y = new Float64Array(rows * outDim);
  const r4 = rows - (rows % 4);
  const o4 = outDim - (outDim % 4);
  for (let r = 0; r < rows; r += 4) {
    for (let o = 0; o < outDim; o += 4) {
      if (r >= r4 || o >= o4) {
        for (let rr = r; rr < Math.min(r + 4, rows); rr++)
          for (let oo = o; oo < Math.min(o + 4, outDim); oo++) {
            let sum = 0;
            for (let k = 0, a = rr * inDim, c = oo * inDim; k < inDim; k++) sum += x[a + k]! * w[c + k]!;
            y[rr * outDim + oo] = sum + b[oo]!;
          }
        continue;
      }
      tile4x4(x, r, w, o, inDim, y, r * outDim + o, outDim, b, o);
    }
  }
  return y;
}

/** The MLP as src/core/mlp.ts defines it (hidden activations rounded to float32), with blocked products. */
export function mlpOnCpu(x: Float32Array, rows: number, inDim: number, weights: MlpWeights): Float32Array {
  const hidden = weights.b1.length;
  const pre = linear(x, rows, inDim, weights.w1, weights.b1, hidden);
  const act = new Float32Array(pre.length);
  for (let k = 0; k < pre.length; k++) act[k] = activate(weights.act, f32(pre[k]!));
  return Float32Array.from(linear(act, rows, hidden, weights.w2, weights.b2, weights.b2.length));
}
