/**
 * The CPU backend: the embedding in the core's exact float32 operations, and the analyses in float64 (cpu/analysis.ts).
 * Inline in Node; the webview runs the same code in a worker (cpu/worker.ts) so the panel stays responsive.
 */
import type { EmbeddingPlan } from '../../../src/core/plan';
import { pcaTopTwo } from '../analysis';
import type { BackendOutput, ComputeBackend } from '../backend';
import { MAX_PAIRWISE_ROWS, type Analyses } from '../types';
import {
  adjacentDistances,
  columnStats,
  cpuPcaProducts,
  gram,
  mlpOnCpu,
  nearestRows,
  rowNorms,
  similarityFromGram,
  toeplitzSimilarity,
} from './analysis';
import { embedOnCpu } from './embedding';

const now = (): number => (globalThis.performance ? globalThis.performance.now() : Date.now());

/** Throws when a T × T analysis would not fit; the message names the limit and the way out. */
export function checkPairwise(name: string, rows: number): void {
  if (rows > MAX_PAIRWISE_ROWS)
    throw new Error(`${name} needs a ${rows} × ${rows} matrix; it is limited to ${MAX_PAIRWISE_ROWS} rows: request fewer timesteps`);
}

/** Runs the analyses on an embedding that is already computed (also used by the WebGPU backend for oversized E). */
export async function cpuAnalyses(plan: EmbeddingPlan, data: Float32Array, analyses: Analyses, timings: Record<string, number>): Promise<Omit<BackendOutput, 'data' | 'notes'>> {
  const [n, m] = plan.shape;
  const out: { -readonly [K in keyof BackendOutput]?: BackendOutput[K] } = {};
  let t = now();
  const lap = (stage: string): void => {
    const next = now();
    timings[stage] = (timings[stage] ?? 0) + next - t;
    t = next;
  };
  let toeplitz: ReturnType<typeof toeplitzSimilarity>;
  let exactGram: Float64Array | undefined;
  if (analyses.similarity || analyses.nearest) {
    checkPairwise(analyses.similarity ? 'similarity' : 'nearest', n);
    const norms = rowNorms(data, n, m);
    toeplitz = toeplitzSimilarity(plan, norms);
    if (analyses.similarity) {
      if (toeplitz) out.similarity = toeplitz.sim;
      else {
        exactGram = gram(data, n, m);
        out.similarity = similarityFromGram(exactGram, norms, n);
      }
      lap('similarity');
    }
  }
  if (analyses.adjacent) {
    out.adjacent = adjacentDistances(data, n, m);
    lap('adjacent');
  }
  if (analyses.nearest) {
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
    if (analyses.pca) {
      out.pca = await pcaTopTwo(n, m, stats.mean, stats.totalVariance, cpuPcaProducts(data, n, m, stats.mean));
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
  return out;
}

/** The CPU backend. */
export class CpuBackend implements ComputeBackend {
  readonly kind = 'cpu' as const;

  async run(plan: EmbeddingPlan, analyses: Analyses, timings: Record<string, number>): Promise<BackendOutput> {
    const t = now();
    const data = embedOnCpu(plan);
    timings['embedding'] = now() - t;
    return { data, ...(await cpuAnalyses(plan, data, analyses, timings)), notes: [] };
  }

  dispose(): void {}
}
