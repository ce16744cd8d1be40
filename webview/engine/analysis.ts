/**
 * Analysis steps both backends share: the spectrum's per-column metadata (frequency, period, aliasing) that comes
 * from the plan rather than from E, and the PCA driver (block subspace iteration with Rayleigh–Ritz in float64), which
 * asks its backend only for the two products with the centred rows.
 */
import type { EmbeddingPlan } from '../../src/core/plan';
import { argumentAt } from '../../src/core/reference';
import type { ColumnStats } from './backend';
import type { PcaResult, SpectrumResult } from './types';

/** A column whose range over the requested rows is below this is reported as near-constant. */
export const NEAR_CONSTANT_RANGE = 1e-3;

/** For each column of the final shape: the plan row offset within a final row and the frequency index (-1: none). */
function columnMap(plan: EmbeddingPlan): { units: number; freqIndex: Int32Array } {
  const width = plan.shape[1];
  const units = width / plan.rowWidth;
  const freqIndex = new Int32Array(width).fill(-1);
  const offset = plan.prependInput ? 1 : 0;
  for (let j = 0; j < width; j++) {
    const c = (j % plan.rowWidth) - offset;
    if (plan.layout === 'repeat' || c < 0 || c >= 2 * plan.half) continue;
    freqIndex[j] = plan.layout === 'interleaved' ? c >> 1 : c % plan.half;
  }
  return { units, freqIndex };
}

/** |frequency| of sinusoid i in radians per unit input, post-multipliers included (multi-input: the row norm). */
function frequencyOf(plan: EmbeddingPlan, i: number): number {
  let f = 0;
  if (plan.inputColumns === 1) f = Math.abs(plan.frequencies[i]!);
  else {
    for (let k = 0; k < plan.inputColumns; k++) f += plan.frequencies[i * plan.inputColumns + k]! ** 2;
    f = Math.sqrt(f);
  }
  for (const scale of plan.postScales) f *= Math.abs(scale);
  return f;
}

/** The SpectrumResult for a plan, from the per-column statistics a backend computed over E. */
export function spectrumFromStats(plan: EmbeddingPlan, stats: ColumnStats): SpectrumResult {
  const width = plan.shape[1];
  const finalRows = plan.shape[0];
  const { units, freqIndex } = columnMap(plan);
  const frequency = new Float64Array(width);
  const period = new Float64Array(width);
  const range = new Float32Array(width);
  const nearConstant = new Uint8Array(width);
  const aliased = new Uint8Array(width);
  // Largest step between consecutive requested inputs, per unit (single-input plans: |Δa| = |Δx|·|f|).
  const maxStep = new Float64Array(units);
  if (plan.inputColumns === 1)
    for (let u = 0; u < units; u++)
      for (let r = 0; r + 1 < finalRows; r++)
        maxStep[u] = Math.max(maxStep[u]!, Math.abs(plan.inputs[(r + 1) * units + u]! - plan.inputs[r * units + u]!));
  for (let j = 0; j < width; j++) {
    range[j] = stats.max[j]! - stats.min[j]!;
    nearConstant[j] = range[j]! < NEAR_CONSTANT_RANGE ? 1 : 0;
    const i = freqIndex[j]!;
    if (i < 0) {
      period[j] = Infinity;
      continue;
    }
    const f = frequencyOf(plan, i);
    frequency[j] = f;
    period[j] = f > 0 ? (2 * Math.PI) / f : Infinity;
    if (plan.inputColumns === 1) aliased[j] = maxStep[Math.floor(j / plan.rowWidth)]! * f > Math.PI ? 1 : 0;
    else {
      // Multi-input k-diffusion: compare the arguments themselves.
      let step = 0;
      for (let r = 0; r + 1 < plan.rows; r++) step = Math.max(step, Math.abs(argumentAt(plan, r + 1, i) - argumentAt(plan, r, i)));
      aliased[j] = step > Math.PI ? 1 : 0;
    }
  }
  return { columns: width, frequency, period, min: stats.min, max: stats.max, range, mean: stats.mean, std: stats.std, nearConstant, aliased };
}

/** Eigen-decomposition of a symmetric n×n matrix (row-major) by cyclic Jacobi; eigenvalues descending. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n); // column j = eigenvector j
  order.forEach((src, j) => {
    for (let k = 0; k < n; k++) vectors[k * n + j] = v[k * n + src]!;
  });
  return { values, vectors };
}

/** Orthonormalises the p columns of an m×p row-major matrix in place (modified Gram–Schmidt, twice). */
function orthonormalize(vm: Float64Array, m: number, p: number): void {
  for (let pass = 0; pass < 2; pass++)
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let k = 0; k < m; k++) dot += vm[k * p + i]! * vm[k * p + j]!;
        for (let k = 0; k < m; k++) vm[k * p + j] -= dot * vm[k * p + i]!;
      }
      let norm = 0;
      for (let k = 0; k < m; k++) norm += vm[k * p + j]! ** 2;
      norm = Math.sqrt(norm);
      // A column that vanished (rank < p) is replaced by a coordinate direction and re-orthogonalised next pass.
      if (norm < 1e-150) for (let k = 0; k < m; k++) vm[k * p + j] = k === j ? 1 : 0;
      else for (let k = 0; k < m; k++) vm[k * p + j] /= norm;
    }
}

/** The two products PCA needs with the centred rows Xc (n × m): Z = Xc·V and Y = Xcᵀ·Z, both with p columns. */
export interface PcaProducts {
  mulV(v: Float64Array, p: number): Promise<Float64Array>;
  mulTZ(z: Float64Array, p: number): Promise<Float64Array>;
}

/** Block size of the subspace iteration: a few vectors beyond the two wanted speed convergence (ratio λ_{p+1}/λ_2). */
const PCA_BLOCK = 8;
const PCA_MAX_ITERATIONS = 500;

/**
 * Top-two PCA of n centred rows of width m. `totalVariance` is Σ over columns of Σ_r (x − mean)²; the result's
 * variances are eigenvalues / n. Stops when the top two Ritz vectors move by less than 1e-7 in angle between sweeps.
 */
export async function pcaTopTwo(n: number, m: number, mean: Float32Array, totalVariance: number, ops: PcaProducts): Promise<PcaResult> {
  const p = Math.max(1, Math.min(PCA_BLOCK, m, n));
  let v: Float64Array = new Float64Array(m * p);
  // Deterministic start so the same request always gives the same signs and iteration count.
  let seed = 12345;
  for (let k = 0; k < v.length; k++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    v[k] = seed / 2147483648 - 0.5;
  }
  orthonormalize(v, m, p);
  let values: Float64Array = new Float64Array(p);
  let iterations = 0;
  for (; iterations < PCA_MAX_ITERATIONS; iterations++) {
    const y = await ops.mulTZ(await ops.mulV(v, p), p); // C·V
    const h = new Float64Array(p * p);
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) {
        let dot = 0;
        for (let k = 0; k < m; k++) dot += v[k * p + i]! * y[k * p + j]!;
        h[i * p + j] = dot;
      }
    for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) h[i * p + j] = h[j * p + i] = (h[i * p + j]! + h[j * p + i]!) / 2;
    const eig = symmetricEigen(h, p);
    values = eig.values;
    // Ritz vectors V·Q and the next block C·V·Q, in descending eigenvalue order.
    const ritz = new Float64Array(m * p);
    const next = new Float64Array(m * p);
    for (let k = 0; k < m; k++)
      for (let j = 0; j < p; j++) {
        let a = 0;
        let b = 0;
        for (let i = 0; i < p; i++) {
          a += v[k * p + i]! * eig.vectors[i * p + j]!;
          b += y[k * p + i]! * eig.vectors[i * p + j]!;
        }
        ritz[k * p + j] = a;
        next[k * p + j] = b;
      }
    // Residual ‖C·u − λ·u‖ / λ₁ of the top two Ritz pairs.
    let residual = 0;
    for (let j = 0; j < Math.min(2, p); j++) {
      let r2 = 0;
      for (let k = 0; k < m; k++) r2 += (next[k * p + j]! - values[j]! * ritz[k * p + j]!) ** 2;
      residual = Math.max(residual, Math.sqrt(r2) / Math.max(values[0]!, 1e-300));
    }
    orthonormalize(next, m, p);
    v = next;
    if (residual < 2e-7 || values[0]! <= 0) {
      v = ritz;
      iterations++;
      break;
    }
  }
  // Final axes, sign-normalised (largest-magnitude entry positive), and the projections.
  const axes = new Float64Array(m * p);
  const components = new Float32Array(2 * m);
  for (let j = 0; j < Math.min(2, p); j++) {
    let big = 0;
    for (let k = 0; k < m; k++) if (Math.abs(v[k * p + j]!) > Math.abs(big)) big = v[k * p + j]!;
    const sign = big < 0 ? -1 : 1;
    for (let k = 0; k < m; k++) {
      axes[k * p + j] = sign * v[k * p + j]!;
      components[j * m + k] = axes[k * p + j]!;
    }
  }
  const z = await ops.mulV(axes, p);
  const projections = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) {
    projections[2 * r] = z[r * p]!;
    projections[2 * r + 1] = p > 1 ? z[r * p + 1]! : 0;
  }
  const variance: [number, number] = [Math.max(values[0]!, 0) / n, p > 1 ? Math.max(values[1]!, 0) / n : 0];
  const total = totalVariance / n;
  const explained: [number, number] = total > 0 ? [variance[0] / total, variance[1] / total] : [0, 0];
  return { projections, components, mean, variance, explained, iterations };
}
