/**
 * The explorer's one door to computation: the only file that knows the GPU engine's shape (webview/engine/). It turns
 * an EmbedRequest into the embedding plus every analysis the views draw, and says which backend ran and why.
 *
 * The engine picks WebGPU or its CPU backend (and says why); the CPU backend runs in a worker started from a blob: URL,
 * so the UI thread only draws. A change of the engine's result shape changes this file only.
 */
import type { EmbedRequest } from '../src/core/index';
import type { BackendPreference } from '../src/protocol/explorerProtocol';
import { MAX_PAIRWISE_ROWS, createEngine, type ComputeResult, type Engine, type SpectrumResult } from './engine/index';
import cpuWorkerSource from 'inline-worker:./engine/cpu/worker';

/** Which backend ran, in words for the status line. */
export interface BackendInfo {
  readonly kind: 'webgpu' | 'cpu';
  /** `WebGPU (google swiftshader)` or `CPU`. */
  readonly label: string;
  /** Why this backend: shown next to the label. */
  readonly reason: string;
}

/** What the views need for one side. */
export interface ExplorerResult {
  readonly shape: readonly [number, number];
  /** E, row-major float32. */
  readonly data: Float32Array;
  readonly warnings: readonly string[];
  /** Things the backend did the user should know (an analysis sampled or run elsewhere). */
  readonly notes: readonly string[];
  readonly backend: BackendInfo;
  /** Milliseconds from request to every array below being ready. */
  readonly computeMs: number;
  /** Analyses; absent for a compare side, which only needs E. */
  readonly analyses?: ExplorerAnalyses;
}

/** The analyses, shaped for the plots. */
export interface ExplorerAnalyses {
  /** The rows the similarity matrix covers (all rows, or evenly spaced ones). */
  readonly similarityRows: Int32Array;
  /** Cosine similarity, similarityRows² row-major. */
  readonly similarity: Float32Array;
  /** ‖E[t+1] − E[t]‖, T − 1 values. */
  readonly adjacent: Float32Array;
  /** Each row's nearest other row and its distance. */
  readonly nearest: { readonly index: Int32Array; readonly distance: Float32Array };
  readonly spectrum: SpectrumResult;
  /** T × 2 projections on the top two principal axes, and their share of the variance. */
  readonly pca: { readonly projections: Float32Array; readonly explained: readonly [number, number] };
}

/** What to compute beyond E. */
export interface AnalysisOptions {
  /** Largest number of rows the similarity matrix (and, on the CPU, the PCA axes) are computed on. */
  readonly maxSimilarityRows: number;
}

/** A compute backend bound to one panel. */
export interface Computer {
  readonly backend: BackendInfo;
  /** E for a request, with the analyses when `analyses` is given. Throws the core's ValidationError on bad input. */
  compute(request: EmbedRequest, analyses?: AnalysisOptions): Promise<ExplorerResult>;
  /**
   * Hands a result nothing reads any more back to the engine (engine.recycle): the next compute of the same size
   * fills its arrays instead of allocating new ones.
   */
  release(result: ExplorerResult): void;
  dispose(): void;
}

/** Starts the engine's CPU worker from the bundle inlined at build time (esbuild.mjs), through a blob: URL. */
function startCpuWorker(): Worker {
  const url = URL.createObjectURL(new Blob([cpuWorkerSource], { type: 'text/javascript' }));
  try {
    return new Worker(url, { name: 'timestep-lens-cpu' });
  } finally {
    // The worker has its script once constructed; the URL is not needed any more.
    URL.revokeObjectURL(url);
  }
}

/** Chooses a backend for the preference and says why: the engine's own selection, or the CPU if it cannot start. */
export async function createComputer(preference: BackendPreference): Promise<Computer> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const cpuWorker = typeof Worker === 'function' ? startCpuWorker : undefined;
  const cpu = (): Promise<Engine> => createEngine({ backend: 'cpu', ...(cpuWorker ? { cpuWorker } : {}) });
  try {
    const engine = preference === 'cpu' ? await cpu() : await createEngine({ ...(gpu ? { gpu } : {}), force: preference, ...(cpuWorker ? { cpuWorker } : {}) });
    return new EngineComputer(engine, '');
  } catch (error) {
    // Forced WebGPU that cannot run: fall back visibly, with the engine's reason.
    const why = error instanceof Error ? error.message : String(error);
    return new EngineComputer(await cpu(), `${why}; using the CPU`);
  }
}

/** The adapter name for the status line, e.g. `google swiftshader`, read once. */
async function adapterName(): Promise<string> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  return adapter ? [adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(' ') : '';
}

/**
 * Largest T whose T × T analyses the engine computes exactly. On the CPU that is cheap for sinusoids on a uniform grid
 * (Toeplitz similarity, Gram-space PCA: ~0.1 s at T = 1000 in the worker) and ~0.5 s otherwise; beyond this the
 * similarity image could not show the extra rows anyway, so the engine samples (Analyses.sampled).
 */
const EXACT_PAIRWISE_ROWS = { webgpu: MAX_PAIRWISE_ROWS, cpu: 4096 } as const;

/**
 * The GPU engine (webview/engine/), on WebGPU or on its CPU backend in a worker: every analysis comes from it, so the
 * UI thread only draws. Beyond EXACT_PAIRWISE_ROWS the engine samples the similarity and PCA rows and finds nearest
 * steps through the lag structure (engine/cpu/sampled.ts, engine/cpu/analysis.ts nearestByLag).
 */
class EngineComputer implements Computer {
  private label: string | undefined;
  /** The engine result behind each result handed out, for `release`. */
  private readonly engineResults = new WeakMap<ExplorerResult, ComputeResult>();

  constructor(
    private readonly engine: Engine,
    private readonly fallbackReason: string,
  ) {}

  get backend(): BackendInfo {
    const kind = this.engine.backend;
    return {
      kind,
      label: kind === 'webgpu' ? `WebGPU${this.label ? ` (${this.label})` : ''}` : 'CPU',
      reason: this.fallbackReason || this.engine.reason,
    };
  }

  async compute(request: EmbedRequest, analyses?: AnalysisOptions): Promise<ExplorerResult> {
    const start = performance.now();
    if (this.engine.backend === 'webgpu' && this.label === undefined) this.label = await adapterName();
    // Every analysis in the engine (the CPU backend in its worker): beyond the exact T × T limit it samples rows for the
    // similarity and the PCA axes and finds nearest steps through the lag structure (types.ts Analyses.sampled).
    const result = await this.engine.compute(
      request,
      analyses
        ? { spectrum: true, adjacent: true, similarity: true, nearest: true, pca: true, sampled: { above: EXACT_PAIRWISE_ROWS[this.engine.backend], rows: analyses.maxSimilarityRows } }
        : {},
    );
    const { shape, data } = result;
    let out: ExplorerAnalyses | undefined;
    if (analyses) {
      const missing = (what: string): never => {
        throw new Error(`the engine returned no ${what}`);
      };
      const rows = shape[0];
      out = {
        similarityRows: result.similarityRows ?? Int32Array.from({ length: rows }, (_, k) => k),
        similarity: result.similarity ?? missing('similarity'),
        adjacent: result.adjacent ?? missing('adjacent distances'),
        // Left out by the engine only beyond its direct-search limit on an uneven grid (its notes say so): drawn as gaps.
        nearest: result.nearest ?? { index: new Int32Array(rows).fill(-1), distance: new Float32Array(rows).fill(Number.NaN) },
        spectrum: result.spectrum ?? missing('spectrum'),
        pca: result.pca ? { projections: result.pca.projections, explained: result.pca.explained } : missing('PCA'),
      };
    }
    const notes = [...result.notes];
    const explorerResult = { shape, data, warnings: result.warnings, notes, backend: this.backend, computeMs: performance.now() - start, analyses: out };
    this.engineResults.set(explorerResult, result);
    return explorerResult;
  }

  release(result: ExplorerResult): void {
    const engineResult = this.engineResults.get(result);
    if (!engineResult) return;
    this.engineResults.delete(result);
    this.engine.recycle(engineResult);
  }

  dispose(): void {
    this.engine.dispose();
  }
}
