/**
 * The CPU backend: the embedding in the core's exact float32 operations, and the analyses in float64 (cpu/analysis.ts).
 * Inline in Node; the webview runs the same code in a worker (cpu/worker.ts) so the panel stays responsive.
 */
import type { EmbeddingPlan } from '../../../src/core/plan';
import { pcaTopTwo } from '../analysis';
import type { ArrayPool } from '../arrayPool';
import type { BackendOutput, ComputeBackend } from '../backend';
import { MAX_DIRECT_NEAREST_ROWS, MAX_PAIRWISE_ROWS, type Analyses } from '../types';
import {
  adjacentDistances,
  columnStats,
  cpuPcaProducts,
  gram,
  mlpOnCpu,
  nearestByLag,
  nearestRows,
  rowNorms,
  similarityFromGram,
  toeplitzSimilarity,
} from './analysis';
import { embedOnCpu } from './embedding';
import { gramPca, type PcaCache } from './gramPca';
import { nearestRowsPruned, similarityAndPca } from './sampled';
import { toeplitzMultiplier } from './toeplitzOperator';

const now = (): number => (globalThis.performance ? globalThis.performance.now() : Date.now());

/** Throws when a T × T analysis would not fit; the message names the limit and the way out. */
export function checkPairwise(name: string, rows: number): void {
  if (rows > MAX_PAIRWISE_ROWS)
    throw new Error(`${name} needs a ${rows} × ${rows} matrix; it is limited to ${MAX_PAIRWISE_ROWS} rows: request fewer timesteps`);
}

/** Runs the analyses on an embedding that is already computed (also used by the WebGPU backend for oversized E). */
export async function cpuAnalyses(
  plan: EmbeddingPlan,
  data: Float32Array,
  analyses: Analyses,
  timings: Record<string, number>,
  cache: PcaCache = {},
  pool?: ArrayPool,
): Promise<Omit<BackendOutput, 'data'>> {
  const allocate = (length: number): Float32Array => (pool ? pool.take(length) : new Float32Array(length));
  const [n, m] = plan.shape;
  const out: { -readonly [K in keyof BackendOutput]?: BackendOutput[K] } = {};
  const notes: string[] = [];
  let t = now();
  const lap = (stage: string): void => {
    const next = now();
    timings[stage] = (timings[stage] ?? 0) + next - t;
    t = next;
  };
  // Beyond `sampled.above` rows: similarity and PCA from evenly spaced rows, nearest through the lag structure.
  const sampled = analyses.sampled !== undefined && n > analyses.sampled.above ? analyses.sampled : undefined;
  if (sampled) {
    if (analyses.similarity || analyses.pca) {
      const sample = similarityAndPca(data, [n, m], sampled.rows);
      if (analyses.similarity) [out.similarity, out.similarityRows] = [sample.similarity, sample.rows];
      if (analyses.pca) out.pca = sample.pca;
      notes.push(`similarity and PCA axes from ${sample.rows.length} evenly spaced of ${n} steps`);
      lap('similarity');
    }
    if (analyses.nearest) {
      const nearest = nearestByLag(plan, data) ?? (n <= MAX_DIRECT_NEAREST_ROWS ? nearestRowsPruned(data, [n, m]) : undefined);
      if (nearest) out.nearest = nearest;
      else notes.push(`the nearest-step distance is not computed beyond ${MAX_DIRECT_NEAREST_ROWS} steps on an uneven grid (it would take minutes)`);
      lap('nearest');
    }
  }
  let toeplitz: ReturnType<typeof toeplitzSimilarity> | undefined;
  let exactGram: Float64Array | undefined;
  if (!sampled && (analyses.similarity || analyses.nearest)) {
    checkPairwise(analyses.similarity ? 'similarity' : 'nearest', n);
    const norms = rowNorms(data, n, m);
    toeplitz = toeplitzSimilarity(plan, norms, analyses.similarity ? allocate : null);
    if (analyses.similarity) {
      if (toeplitz?.sim) out.similarity = toeplitz.sim;
      else {
        exactGram = gram(data, n, m);
        out.similarity = similarityFromGram(exactGram, norms, n, allocate);
      }
      lap('similarity');
    }
  }
  if (analyses.adjacent) {
    out.adjacent = adjacentDistances(data, n, m);
    lap('adjacent');
  }
  if (!sampled && analyses.nearest) {
    let gramAt: ((r: number, s: number) => number) | undefined;
    if (exactGram) {
      const g = exactGram;
      gramAt = (r, s) => g[r * n + s]!;
    } else if (toeplitz) {
      const lagDot = toeplitz.lagDot;
      const x = plan.inputs;
      gramAt = plan.prependInput ? (r, s) => lagDot[Math.abs(r - s)]! + x[r]! * x[s]! : (r, s) => lagDot[Math.abs(r - s)]!;
    }
    out.nearest = nearestRows(data, n, m, gramAt);
    lap('nearest');
  }
  if (analyses.spectrum || analyses.pca) {
    const stats = columnStats(data, n, m);
    if (analyses.spectrum) out.columnStats = stats;
    lap('spectrum');
    if (analyses.pca && !sampled) {
      const products = { ...cpuPcaProducts(data, n, m, stats.mean), data };
      // Through the Gram when it is cheap (gramPca.ts); otherwise subspace iteration on the products with E.
      if (n >= 3 && n <= GRAM_PCA_MAX_ROWS && toeplitz === undefined && !exactGram) toeplitz = toeplitzSimilarity(plan, rowNorms(data, n, m), null);
      const mulGram = n >= 3 && n <= GRAM_PCA_MAX_ROWS ? gramMultiplier(plan, toeplitz, exactGram, n) : undefined;
      out.pca = mulGram
        ? await gramPca(n, m, stats.mean, stats.totalVariance, mulGram, products, cache)
        : await pcaTopTwo(n, m, stats.mean, stats.totalVariance, products);
      lap('pca');
    }
  }
  if (analyses.mlp) {
    const weights = analyses.mlp;
    const inDim = weights.w1.length / Math.max(1, weights.b1.length);
    if (inDim !== m) throw new Error(`mlp: w1 is [${weights.b1.length}, ${inDim}] but the embedding is ${m} wide`);
    out.mlp = { shape: [n, weights.b2.length], data: mlpOnCpu(data, n, m, weights) };
    lap('mlp');
  }
  return { ...out, notes };
}

/** Largest row count for the Gram-space PCA: its dense fallback holds an n × n float64 Gram (32 MiB at 2048). */
const GRAM_PCA_MAX_ROWS = 4096;

/** G·V for the Gram the analyses already have: Toeplitz (by FFT, plus x·xᵀ for a prepended input) or exact dense. */
function gramMultiplier(
  plan: EmbeddingPlan,
  toeplitz: { lagDot: Float64Array } | undefined,
  exactGram: Float64Array | undefined,
  n: number,
): ((v: Float64Array, p: number) => Float64Array) | undefined {
  if (toeplitz) {
    const mul = toeplitzMultiplier(toeplitz.lagDot);
    if (!plan.prependInput) return mul;
    const x = plan.inputs;
    return (v, p) => {
      const out = mul(v, p);
      for (let j = 0; j < p; j++) {
        let dot = 0;
        for (let r = 0; r < n; r++) dot += x[r]! * v[r * p + j]!;
        for (let r = 0; r < n; r++) out[r * p + j] += x[r]! * dot;
      }
      return out;
    };
  }
  if (!exactGram) return undefined;
  const g = exactGram;
  return (v, p) => {
    const out = new Float64Array(n * p);
    for (let r = 0; r < n; r++)
      for (let s = 0; s < n; s++) {
        const grs = g[r * n + s]!;
        for (let j = 0; j < p; j++) out[r * p + j] += grs * v[s * p + j]!;
      }
    return out;
  };
}

/** Whether two plans produce the same E (every field the embedding reads). */
function samePlan(a: EmbeddingPlan, b: EmbeddingPlan): boolean {
  const equal = (x: ArrayLike<number>, y: ArrayLike<number>): boolean => {
    if (x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (!Object.is(x[k], y[k])) return false;
    return true;
  };
  return (
    a.rows === b.rows && a.inputColumns === b.inputColumns && a.half === b.half && a.layout === b.layout && a.rowWidth === b.rowWidth &&
    a.prependInput === b.prependInput && a.zeroPadColumns === b.zeroPadColumns && a.outputDtype === b.outputDtype &&
    equal(a.shape, b.shape) && equal(a.postScales, b.postScales) && equal(a.zeroRows, b.zeroRows) &&
    equal(a.inputs, b.inputs) && equal(a.frequencies, b.frequencies)
  );
}

/**
 * The CPU backend. Keeps the last PCA basis, so the next request (a moved slider) starts from it, and the E of an
 * embedding-only request, so the same plan's analyses right after it (the explorer asks for E first, to draw it while
 * the analyses run) do not compute E again.
 */
export class CpuBackend implements ComputeBackend {
  readonly kind = 'cpu' as const;
  private readonly cache: PcaCache = {};
  private lastEmbedding: { plan: EmbeddingPlan; data: Float32Array } | undefined;

  /** `pool`: where the embedding and similarity arrays come from (the engine's recycled arrays; none in a worker). */
  constructor(private readonly pool?: ArrayPool) {}

  async run(plan: EmbeddingPlan, analyses: Analyses, timings: Record<string, number>): Promise<BackendOutput> {
    const t = now();
    const embeddingOnly = !Object.values(analyses).some(Boolean);
    // Only a request for analyses takes the kept E (the explorer's second request); an embedding-only request always
    // computes, so repeating one measures the work, not a cache.
    const reused = !embeddingOnly && this.lastEmbedding && samePlan(this.lastEmbedding.plan, plan) ? this.lastEmbedding.data : undefined;
    // A kept E that this plan cannot use goes back to the pool.
    if (this.lastEmbedding && !reused) this.pool?.give(this.lastEmbedding.data);
    const data = reused ?? embedOnCpu(plan, this.pool?.take(plan.rows * plan.rowWidth));
    // A copy, since a worker hands `data` itself to its caller; one use only.
    this.lastEmbedding = embeddingOnly ? { plan, data: this.copy(data) } : undefined;
    timings['embedding'] = now() - t;
    return { data, ...(await cpuAnalyses(plan, data, analyses, timings, this.cache, this.pool)) };
  }

  /** A copy of `data`, into a recycled array when there is one. */
  private copy(data: Float32Array): Float32Array {
    if (!this.pool) return data.slice();
    const copy = this.pool.take(data.length);
    copy.set(data);
    return copy;
  }

  dispose(): void {}
}
