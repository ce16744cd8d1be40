/**
 * The WebGPU backend: the embedding kernel, then the analyses on the GPU-resident E. When E needs more than one
 * storage binding (T = 100k at width 4096), it is read back chunk by chunk and the analyses run on the CPU; the
 * result's notes say so.
 */
import type { EmbeddingPlan } from '../../../src/core/plan';
import { pcaTopTwo } from '../analysis';
import type { ArrayPool } from '../arrayPool';
import type { BackendOutput, ComputeBackend } from '../backend';
import { checkPairwise, cpuAnalyses } from '../cpu/cpuBackend';
import type { Analyses } from '../types';
import { columnStatsOnGpu } from './columnStats';
import { GpuDevice } from './device';
import { embedOnGpu } from './embedding';
import { gpuPcaProducts } from './pca';
import { mlpOnGpu } from './linear';
import { adjacentOnGpu, nearestOnGpu, similarityOnGpu } from './pairwise';

const now = (): number => (globalThis.performance ? globalThis.performance.now() : Date.now());

/** The WebGPU backend over one device. */
export class WebGpuBackend implements ComputeBackend {
  readonly kind = 'webgpu' as const;
  readonly gpu: GpuDevice;
  private readonly maxChunkBytes: number;
  /** Where the embedding, similarity and MLP outputs come from (arrays the caller recycled, or fresh ones). */
  private readonly pool: ArrayPool;

  constructor(gpu: GpuDevice, maxChunkBytes: number, pool: ArrayPool) {
    this.gpu = gpu;
    this.maxChunkBytes = maxChunkBytes;
    this.pool = pool;
  }

  /** True once the device is lost. */
  get lost(): boolean {
    return this.gpu.lostReason !== undefined;
  }

  async run(plan: EmbeddingPlan, analyses: Analyses, timings: Record<string, number>): Promise<BackendOutput> {
    let t = now();
    const lap = (stage: string): void => {
      const next = now();
      timings[stage] = next - t;
      t = next;
    };
    const embedding = await embedOnGpu(this.gpu, plan, this.maxChunkBytes, this.pool);
    lap('embedding');
    const data = embedding.data;
    const wanted = Object.values(analyses).some((v) => v !== undefined && v !== false);
    if (!wanted) return { data, notes: [] };
    const resident = embedding.resident;
    // (Sampled analyses never get here: the engine sends those requests to its CPU backend.)
    if (!resident) {
      const cpu = await cpuAnalyses(plan, data, analyses, timings);
      return { data, ...cpu, notes: ['the embedding needed several GPU buffers, so its analyses ran on the CPU', ...cpu.notes] };
    }
    const gpu = this.gpu;
    const [n, m] = plan.shape;
    const out: { -readonly [K in keyof BackendOutput]?: BackendOutput[K] } = {};
    if (analyses.similarity) {
      checkPairwise('similarity', n);
      out.similarity = await similarityOnGpu(gpu, resident, n, m, this.pool);
      lap('similarity');
    }
    if (analyses.adjacent) {
      out.adjacent = await adjacentOnGpu(gpu, resident, n, m);
      lap('adjacent');
    }
    if (analyses.nearest) {
      checkPairwise('nearest', n);
      out.nearest = await nearestOnGpu(gpu, resident, n, m);
      lap('nearest');
    }
    if (analyses.spectrum || analyses.pca) {
      const stats = await columnStatsOnGpu(gpu, resident, n, m);
      if (analyses.spectrum) out.columnStats = stats;
      lap('spectrum');
      if (analyses.pca) {
        out.pca = await pcaTopTwo(n, m, stats.mean, stats.totalVariance, gpuPcaProducts(gpu, resident, n, m, stats.mean));
        lap('pca');
      }
    }
    if (analyses.mlp) {
      const weights = analyses.mlp;
      const inDim = weights.w1.length / Math.max(1, weights.b1.length);
      if (inDim !== m) throw new Error(`mlp: w1 is [${weights.b1.length}, ${inDim}] but the embedding is ${m} wide`);
      out.mlp = { shape: [n, weights.b2.length], data: await mlpOnGpu(gpu, resident, n, m, weights, this.pool) };
      lap('mlp');
    }
    return { data, ...out, notes: [] };
  }

  dispose(): void {
    this.gpu.dispose();
  }
}
