/**
 * The T × T analyses for T beyond an exact T × T matrix (analyses.sampled, types.ts): cosine similarity and PCA on
 * evenly spaced rows, and a direct nearest-step search for grids without the lag structure (analysis.ts nearestByLag
 * serves the others). Run by the CPU backend, in the webview's worker, so a large T never holds the panel's UI thread.
 *
 * Cost at T = 1000, width 1024 decides the shapes here: an exact all-pairs Gram matrix is 5·10⁸ multiply-adds (~0.5 s
 * in JS), so similarity and PCA use at most `maxRows` sampled rows (the heatmap cannot show more cells anyway, and the
 * rows it shows are exact), while the direct nearest-step search prunes a candidate as soon as its partial distance
 * passes the best so far, which is exact and touches a few percent of the columns for sinusoidal embeddings.
 */
import { symmetricEigen } from '../analysis';
import type { PcaResult } from '../types';

/** Evenly spaced row indices, first and last included; all rows when rows ≤ max. */
export function sampleRows(rows: number, max: number): Int32Array {
  const n = Math.max(1, Math.min(rows, max));
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = n === 1 ? 0 : Math.round((k * (rows - 1)) / (n - 1));
  return out;
}

/** Raw dot products of the sampled rows, n × n, accumulated in float64. */
function sampledGram(data: Float32Array, width: number, rows: Int32Array): Float64Array {
  const n = rows.length;
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const ra = rows[a]! * width;
    for (let b = a; b < n; b++) {
      const rb = rows[b]! * width;
      let s0 = 0;
      let s1 = 0;
      let c = 0;
      // Two accumulators let V8 overlap the adds; the order differs from torch only at float64 rounding.
      for (; c + 1 < width; c += 2) {
        s0 += data[ra + c]! * data[rb + c]!;
        s1 += data[ra + c + 1]! * data[rb + c + 1]!;
      }
      if (c < width) s0 += data[ra + c]! * data[rb + c]!;
      gram[a * n + b] = gram[b * n + a] = s0 + s1;
    }
  }
  return gram;
}

/** torch.nn.functional.cosine_similarity's eps, applied to each norm. */
const COSINE_EPS = 1e-8;

/** Cosine similarity of the sampled rows (n × n) and the centred-Gram PCA of the same rows, projected for every row. */
export function similarityAndPca(
  data: Float32Array,
  shape: readonly [number, number],
  maxRows: number,
): { rows: Int32Array; similarity: Float32Array; pca: PcaResult } {
  const [T, width] = shape;
  const rows = sampleRows(T, maxRows);
  const n = rows.length;
  const gram = sampledGram(data, width, rows);
  const similarity = new Float32Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      const na = Math.max(Math.sqrt(gram[a * n + a]!), COSINE_EPS);
      const nb = Math.max(Math.sqrt(gram[b * n + b]!), COSINE_EPS);
      similarity[a * n + b] = gram[a * n + b]! / (na * nb);
    }
  return { rows, similarity, pca: pcaFromGram(data, shape, rows, gram) };
}

/**
 * PCA through the centred Gram matrix of the sampled rows: Kc = (X−μ)(X−μ)ᵀ costs n² from G, its top two eigenvectors
 * u give the axes v = (X−μ)ᵀu/√λ, and every row of E is projected on them. Exact when every row is sampled.
 */
function pcaFromGram(
  data: Float32Array,
  shape: readonly [number, number],
  rows: Int32Array,
  gram: Float64Array,
): PcaResult {
  const [T, width] = shape;
  const n = rows.length;
  const mean = new Float64Array(width);
  for (const r of rows) for (let c = 0; c < width; c++) mean[c]! += data[r * width + c]! / n;
  // m_i = x_i·μ, c = μ·μ, Kc_ij = G_ij − m_i − m_j + c.
  const m = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let s = 0;
    for (let c = 0; c < width; c++) s += data[rows[a]! * width + c]! * mean[c]!;
    m[a] = s;
  }
  let mm = 0;
  for (let c = 0; c < width; c++) mm += mean[c]! * mean[c]!;
  const kc = new Float64Array(n * n);
  let trace = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) kc[a * n + b] = gram[a * n + b]! - m[a]! - m[b]! + mm;
    trace += kc[a * n + a]!;
  }
  const { vectors, values, iterations } = topTwoEigen(kc, n);
  const projections = new Float32Array(T * 2);
  const components = new Float32Array(2 * width);
  const explained: [number, number] = [0, 0];
  const variance: [number, number] = [0, 0];
  for (let k = 0; k < 2; k++) {
    const lambda = values[k]!;
    if (!(lambda > 1e-12 * Math.max(trace, 1e-30))) continue; // a rank-deficient side (constant E): axis stays zero
    const axis = new Float64Array(width);
    for (let a = 0; a < n; a++) {
      const u = vectors[k * n + a]! / Math.sqrt(lambda);
      const base = rows[a]! * width;
      for (let c = 0; c < width; c++) axis[c]! += u * (data[base + c]! - mean[c]!);
    }
    // Sign convention shared with the engine: the largest-magnitude entry of each axis is positive.
    let big = 0;
    for (let c = 0; c < width; c++) if (Math.abs(axis[c]!) > Math.abs(big)) big = axis[c]!;
    const sign = big < 0 ? -1 : 1;
    for (let c = 0; c < width; c++) components[k * width + c] = sign * axis[c]!;
    variance[k] = lambda / n;
    for (let t = 0; t < T; t++) {
      let s = 0;
      const base = t * width;
      for (let c = 0; c < width; c++) s += (data[base + c]! - mean[c]!) * axis[c]!;
      projections[t * 2 + k] = sign * s;
    }
    explained[k] = trace > 0 ? lambda / trace : 0;
  }
  return { projections, components, mean: Float32Array.from(mean), variance, explained, iterations };
}

/**
 * Top two eigenpairs of a symmetric positive semi-definite n × n matrix by subspace iteration on a block of four
 * vectors (sin/cos pairs make λ1 ≈ λ2, which stalls plain power iteration) with a Rayleigh-Ritz step at the end.
 */
function topTwoEigen(matrix: Float64Array, n: number): { vectors: Float64Array; values: [number, number]; iterations: number } {
  const k = Math.min(4, n);
  let q: Float64Array = new Float64Array(k * n);
  // A fixed, non-degenerate start: deterministic results, no Math.random.
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) q[j * n + i] = Math.cos((i + 1) * (j + 1) * 0.7) + (i === j ? 1 : 0);
  orthonormalize(q, k, n);
  let iterations = 0;
  for (let iter = 0; iter < 300; iter++) {
    iterations = iter + 1;
    const next = multiplyBlock(matrix, q, k, n);
    orthonormalize(next, k, n);
    let change = 0;
    for (let j = 0; j < Math.min(2, k); j++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += next[j * n + i]! * q[j * n + i]!;
      change = Math.max(change, 1 - Math.abs(dot));
    }
    q = next;
    if (change < 1e-12) break;
  }
  // Rayleigh-Ritz: the k × k projected matrix, diagonalised by the engine's Jacobi eigensolver.
  const aq = multiplyBlock(matrix, q, k, n);
  const small = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += q[a * n + i]! * aq[b * n + i]!;
    small[a * k + b] = s;
  }
  const { values, vectors: w } = symmetricEigen(small, k); // eigenvalues descending
  const vectors = new Float64Array(2 * n);
  const top: [number, number] = [0, 0];
  for (let r = 0; r < Math.min(2, k); r++) {
    const col = r;
    top[r] = Math.max(0, values[col]!);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += q[a * n + i]! * w[a * k + col]!;
      vectors[r * n + i] = s;
    }
  }
  return { vectors, values: top, iterations };
}

function multiplyBlock(matrix: Float64Array, q: Float64Array, k: number, n: number): Float64Array {
  const out = new Float64Array(k * n);
  for (let j = 0; j < k; j++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let l = 0; l < n; l++) s += matrix[row + l]! * q[j * n + l]!;
      out[j * n + i] = s;
    }
  return out;
}

function orthonormalize(q: Float64Array, k: number, n: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[j * n + i]! * q[p * n + i]!;
      for (let i = 0; i < n; i++) q[j * n + i]! -= dot * q[p * n + i]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[j * n + i]! ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-300) continue; // a null direction (rank < k): leave it zero
    for (let i = 0; i < n; i++) q[j * n + i]! /= norm;
  }
}

const PRUNE_BLOCK = 32;

/**
 * Each row's nearest other row (Euclidean; lowest index on ties). Exact: a candidate is abandoned only once its partial
 * squared distance exceeds the best full one. Columns are visited in decreasing variance, so far-apart rows exceed
 * the bound after a few blocks. Rows holding NaN get distance NaN and index −1.
 */
export function nearestRowsPruned(data: Float32Array, shape: readonly [number, number]): { index: Int32Array; distance: Float32Array } {
  const [T, width] = shape;
  const index = new Int32Array(T).fill(-1);
  const distance = new Float32Array(T).fill(T === 1 ? Infinity : NaN);
  if (T < 2) return { index, distance };
  const order = columnsByVariance(data, shape);
  // Rows with the columns permuted, so the inner loop reads memory in order.
  const permuted = new Float32Array(T * width);
  for (let t = 0; t < T; t++) for (let c = 0; c < width; c++) permuted[t * width + c] = data[t * width + order[c]!]!;
  const hasNaN = new Uint8Array(T);
  for (let t = 0; t < T; t++) for (let c = 0; c < width; c++) if (Number.isNaN(permuted[t * width + c])) hasNaN[t] = 1;
  const full = (a: number, b: number): number => {
    let s = 0;
    for (let c = 0; c < width; c++) {
      const d = permuted[a * width + c]! - permuted[b * width + c]!;
      s += d * d;
    }
    return s;
  };
  for (let t = 0; t < T; t++) {
    if (hasNaN[t]) continue;
    // Start from the better neighbour: usually the answer, and a tight bound for pruning.
    let best = Infinity;
    let bestIndex = -1;
    for (const s of [t - 1, t + 1]) {
      if (s < 0 || s >= T || hasNaN[s]) continue;
      const d = full(t, s);
      if (d < best || (d === best && s < bestIndex)) {
        best = d;
        bestIndex = s;
      }
    }
    const base = t * width;
    for (let s = 0; s < T; s++) {
      if (s === t || s === t - 1 || s === t + 1 || hasNaN[s]) continue;
      const other = s * width;
      let sum = 0;
      let c = 0;
      for (; c < width; ) {
        const end = Math.min(width, c + PRUNE_BLOCK);
        for (; c < end; c++) {
          const d = permuted[base + c]! - permuted[other + c]!;
          sum += d * d;
        }
        if (sum > best) break;
      }
      if (c >= width && (sum < best || (sum === best && s < bestIndex))) {
        best = sum;
        bestIndex = s;
      }
    }
    index[t] = bestIndex;
    distance[t] = bestIndex < 0 ? NaN : Math.sqrt(best);
  }
  return { index, distance };
}

function columnsByVariance(data: Float32Array, shape: readonly [number, number]): Int32Array {
  const [T, width] = shape;
  const mean = new Float64Array(width);
  const sq = new Float64Array(width);
  for (let t = 0; t < T; t++)
    for (let c = 0; c < width; c++) {
      const v = data[t * width + c]!;
      mean[c]! += v;
      sq[c]! += v * v;
    }
  const variance = Array.from({ length: width }, (_, c) => sq[c]! / T - (mean[c]! / T) ** 2);
  return Int32Array.from([...variance.keys()].sort((a, b) => (variance[b] || 0) - (variance[a] || 0)));
}
