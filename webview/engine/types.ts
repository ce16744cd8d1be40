/**
 * The engine's public types: what `compute(request, analyses)` takes and returns. The request is exactly the core's
 * `EmbedRequest`, so the webview, the Node entry and the tests hand the engine what they hand `embed()`.
 */
import type { MlpWeights } from '../../src/core/mlp';
import type { EmbedRequest } from '../../src/core/types';

/** Which backend produced a result. */
export type BackendKind = 'webgpu' | 'cpu';

/** Optional analyses of the embedding E [T × width]; each one requested is returned under the same name. */
export interface Analyses {
  /** Cosine similarity of every pair of rows, T × T (torch's cosine_similarity, eps 1e-8 per norm). */
  readonly similarity?: boolean;
  /** Euclidean distance between consecutive rows, T − 1 values. */
  readonly adjacent?: boolean;
  /** Each row's nearest other row (Euclidean), lowest index on ties. */
  readonly nearest?: boolean;
  /** Per-column statistics for the spectrum view. */
  readonly spectrum?: boolean;
  /** 2-D PCA of the rows (centred; top two principal axes). */
  readonly pca?: boolean;
  /** A Linear-act-Linear MLP applied to every row of E (torch weight layout [out, in]). */
  readonly mlp?: MlpWeights;
  /**
   * Above `above` rows, the T × T analyses are sampled instead of refused: the similarity covers `rows` evenly spaced
   * rows (listed in the result's `similarityRows`), the PCA axes come from those rows (every row projected on them),
   * and the nearest step comes from the lag structure (cpu/analysis.ts nearestByLag) or, on other grids, a direct
   * search up to MAX_DIRECT_NEAREST_ROWS rows; beyond that it is left out, with a note. Computed by the CPU backend.
   */
  readonly sampled?: { readonly above: number; readonly rows: number };
}

/** Each row's nearest other row. */
export interface NearestResult {
  /** T indices; -1 when T = 1. */
  readonly index: Int32Array;
  /** T Euclidean distances; +Infinity when T = 1. */
  readonly distance: Float32Array;
}

/** Per-column statistics over the requested timesteps. */
export interface SpectrumResult {
  /** Column count (the embedding width). */
  readonly columns: number;
  /** Frequency (radians per unit of the row input) of each column; 0 for constant, input and padding columns. */
  readonly frequency: Float64Array;
  /** Period 2π/|f| of each column in input units; Infinity where f = 0. */
  readonly period: Float64Array;
  readonly min: Float32Array;
  readonly max: Float32Array;
  /** max − min over the requested rows. */
  readonly range: Float32Array;
  readonly mean: Float32Array;
  readonly std: Float32Array;
  /** 1 where the column barely moves over the requested rows (range < 1e-3). */
  readonly nearConstant: Uint8Array;
  /** 1 where consecutive requested inputs advance the column's phase by more than π (sampled below Nyquist). */
  readonly aliased: Uint8Array;
}

/** Top-two principal axes of the centred rows. */
export interface PcaResult {
  /** T × 2 row-major projections onto the two axes. */
  readonly projections: Float32Array;
  /** 2 × width row-major unit axes (sign: largest-magnitude entry positive). */
  readonly components: Float32Array;
  /** Column means that were subtracted. */
  readonly mean: Float32Array;
  /** Variance along each axis (eigenvalues of the covariance, divided by T). */
  readonly variance: [number, number];
  /** Share of the total variance along each axis. */
  readonly explained: [number, number];
  /** Subspace iterations used. */
  readonly iterations: number;
}

/** What `compute` resolves to. */
export interface ComputeResult {
  /** [rows, width] of the embedding (sgm-concat: [b, d·outdim]). */
  readonly shape: readonly [number, number];
  /** The embedding, row-major float32 (values already rounded to the output dtype where upstream casts). */
  readonly data: Float32Array;
  /** The backend that produced every array in this result. */
  readonly backend: BackendKind;
  /** Milliseconds per stage (`embedding`, `similarity`, ..., `total`). */
  readonly timings: Record<string, number>;
  /** The core's warnings for this request (NaN produced, padding rows, ...). */
  readonly warnings: string[];
  /** Things the engine did that the UI should show (device lost and recomputed on the CPU, an analysis run elsewhere). */
  readonly notes: string[];
  readonly similarity?: Float32Array;
  /** The rows the similarity covers, when `sampled` applied (otherwise all rows, in order). */
  readonly similarityRows?: Int32Array;
  readonly adjacent?: Float32Array;
  readonly nearest?: NearestResult;
  readonly spectrum?: SpectrumResult;
  readonly pca?: PcaResult;
  /** MLP output, [rows, out] row-major. */
  readonly mlp?: { readonly shape: readonly [number, number]; readonly data: Float32Array };
}

/** The engine. One compute runs at a time; later calls queue behind it. */
export interface Engine {
  /** The backend in use now, and why it was chosen (for the UI). */
  readonly backend: BackendKind;
  readonly reason: string;
  compute(request: EmbedRequest, analyses?: Analyses): Promise<ComputeResult>;
  /**
   * Hands a result's large arrays (`data`, `similarity`, `adjacent`, `mlp.data`) back for reuse: a later compute
   * that needs an array of the same length fills one of them instead of allocating. Like torch's `out=`, it saves
   * the allocation, which in a browser costs more than the GPU work (see arrayPool.ts). The caller must not read
   * the recycled arrays afterwards. Optional: results that are never recycled are simply garbage-collected.
   */
  recycle(result: ComputeResult): void;
  /** Releases GPU buffers and the device. */
  dispose(): void;
}

/** Largest T for the T × T analyses (similarity, nearest): 8192² float32 is 256 MiB. */
export const MAX_PAIRWISE_ROWS = 8192;

/** Largest T for the direct nearest-step search of `sampled` (O(T²): ~3 s at T = 5000, width 1024, on the test machine). */
export const MAX_DIRECT_NEAREST_ROWS = 8192;
