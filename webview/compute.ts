/**
 * The explorer's one door to computation: the only file that knows the GPU engine's shape (webview/engine/). It turns
 * an EmbedRequest into the embedding plus every analysis the views draw, and says which backend ran and why.
 *
 * The engine picks WebGPU or its CPU backend (and says why); analyses the engine's CPU backend would compute exactly
 * but slowly come from cpuAnalyses.ts instead. A change of the engine's result shape changes this file only.
 */
import { planEmbedding, resolveRequest, type EmbedRequest } from '../src/core/index';
import type { BackendPreference } from '../src/protocol/explorerProtocol';
import { adjacentDistances, columnSpectrum, nearestRows, similarityAndPca, type ColumnSpectrum } from './cpuAnalyses';
import { MAX_PAIRWISE_ROWS, createEngine, type Engine } from './engine/index';

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
  readonly spectrum: ColumnSpectrum;
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
  dispose(): void;
}

/** Chooses a backend for the preference and says why: the engine's own selection, or the CPU if it cannot start. */
export async function createComputer(preference: BackendPreference): Promise<Computer> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  try {
    const engine = await createEngine(preference === 'cpu' ? { backend: 'cpu' } : { ...(gpu ? { gpu } : {}), force: preference });
    return new EngineComputer(engine, '');
  } catch (error) {
    // Forced WebGPU that cannot run: fall back visibly, with the engine's reason.
    const why = error instanceof Error ? error.message : String(error);
    return new EngineComputer(await createEngine({ backend: 'cpu' }), `${why}; using the CPU`);
  }
}

/** The adapter name for the status line, e.g. `google swiftshader`, read once. */
async function adapterName(): Promise<string> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  return adapter ? [adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(' ') : '';
}

/**
 * The GPU engine (webview/engine/). On WebGPU every analysis runs there, T × T included. On the engine's CPU backend
 * only E and the column statistics come from the engine: its exact T × T similarity, nearest-step and PCA cost
 * ~5·10⁸ multiply-adds at T = 1000, width 1024, so the sampled and pruned versions in cpuAnalyses.ts run instead.
 */
class EngineComputer implements Computer {
  private label: string | undefined;

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
    const onGpu = this.engine.backend === 'webgpu';
    const rows = request.timesteps.length;
    const pairwiseOnEngine = onGpu && rows <= MAX_PAIRWISE_ROWS;
    const result = await this.engine.compute(
      request,
      analyses ? { spectrum: true, adjacent: true, ...(pairwiseOnEngine ? { similarity: true, nearest: true, pca: true } : {}) } : {},
    );
    const { shape, data } = result;
    const notes = [...result.notes];
    let out: ExplorerAnalyses | undefined;
    if (analyses) {
      let similarityRows: Int32Array;
      let similarity: Float32Array;
      let pca: ExplorerAnalyses['pca'];
      let nearest: ExplorerAnalyses['nearest'];
      if (pairwiseOnEngine && result.similarity && result.pca && result.nearest) {
        similarityRows = Int32Array.from({ length: shape[0] }, (_, k) => k);
        similarity = result.similarity;
        pca = { projections: result.pca.projections, explained: result.pca.explained };
        nearest = result.nearest;
      } else {
        const sampled = similarityAndPca(data, shape, analyses.maxSimilarityRows);
        similarityRows = sampled.rows;
        similarity = sampled.similarity;
        pca = { projections: sampled.projections, explained: sampled.explained };
        nearest = nearestRows(data, shape);
        if (sampled.rows.length < shape[0])
          notes.push(`similarity and PCA axes from ${sampled.rows.length} evenly spaced of ${shape[0]} steps (CPU)`);
      }
      out = {
        similarityRows,
        similarity,
        adjacent: result.adjacent ?? adjacentDistances(data, shape),
        nearest,
        spectrum: result.spectrum ?? columnSpectrum(data, shape, planEmbedding(resolveRequest(request))),
        pca,
      };
    }
    return { shape, data, warnings: result.warnings, notes, backend: this.backend, computeMs: performance.now() - start, analyses: out };
  }

  dispose(): void {
    this.engine.dispose();
  }
}
