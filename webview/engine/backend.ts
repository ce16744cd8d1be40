/**
 * The backend contract and the choice between backends. `selectBackend()` tries WebGPU and falls back to the CPU,
 * always returning the reason it chose, so the panel can say which backend runs and why (STYLE.md "GPU kernels").
 */
import type { EmbeddingPlan } from '../../src/core/plan';
import type { Analyses, BackendKind, NearestResult, PcaResult } from './types';
import { acquireDevice, isSoftwareAdapter, type GpuDevice } from './webgpu/device';

/** Raw per-column statistics a backend computes; `analysis.ts` turns them into a SpectrumResult. */
export interface ColumnStats {
  readonly min: Float32Array;
  readonly max: Float32Array;
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

/** What a backend returns for one plan: the embedding and whichever analyses were asked for. */
export interface BackendOutput {
  readonly data: Float32Array;
  readonly similarity?: Float32Array;
  /** The rows the similarity covers, when it was sampled (Analyses.sampled). */
  readonly similarityRows?: Int32Array;
  readonly adjacent?: Float32Array;
  readonly nearest?: NearestResult;
  readonly columnStats?: ColumnStats;
  readonly pca?: PcaResult;
  readonly mlp?: { readonly shape: readonly [number, number]; readonly data: Float32Array };
  /** Stages that ran somewhere other than this backend, or were limited, with the reason. */
  readonly notes: string[];
}

/** One compute backend. `timings` receives milliseconds per stage. */
export interface ComputeBackend {
  readonly kind: BackendKind;
  run(plan: EmbeddingPlan, analyses: Analyses, timings: Record<string, number>): Promise<BackendOutput>;
  dispose(): void;
}

/** How the engine should choose: automatically (software adapters lose to the CPU), or forced. */
export type BackendPreference = 'auto' | 'webgpu' | 'cpu';

/** Options for `selectBackend` and `createEngine`. */
export interface SelectOptions {
  /** A `GPU` object (`navigator.gpu`, or the `webgpu` package's `create([])`); defaults to `navigator.gpu`. */
  readonly gpu?: GPU;
  /** `'webgpu'` uses a software adapter too (tests, CI); `'cpu'` never touches WebGPU. */
  readonly force?: BackendPreference;
  /** Largest output chunk in bytes (defaults to the device's maxStorageBufferBindingSize); tests lower it. */
  readonly maxChunkBytes?: number;
}

/** The outcome of selection: a WebGPU device, or none, with the reason for the UI. */
export interface Selection {
  readonly kind: BackendKind;
  readonly reason: string;
  readonly device?: GpuDevice;
}

/** Picks WebGPU when a usable hardware adapter exists (or WebGPU is forced), the CPU otherwise, and says why. */
export async function selectBackend(options: SelectOptions = {}): Promise<Selection> {
  const force = options.force ?? 'auto';
  if (force === 'cpu') return { kind: 'cpu', reason: 'CPU backend requested' };
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const cpu = (reason: string): Selection => {
    // A forced WebGPU that cannot run is an error, not a quiet fallback: tests and CI rely on it.
    if (force === 'webgpu') throw new Error(`WebGPU was forced but ${reason}`);
    return { kind: 'cpu', reason };
  };
  if (!gpu) return cpu('WebGPU is not available here (navigator.gpu is undefined)');
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return cpu(`requestAdapter() failed: ${String(error)}`);
  }
  if (!adapter) return cpu('no WebGPU adapter (requestAdapter() returned null)');
  const software = isSoftwareAdapter(adapter);
  if (software && force !== 'webgpu')
    return { kind: 'cpu', reason: `the WebGPU adapter is a software fallback (${software}); the CPU backend is faster on it` };
  try {
    const device = await acquireDevice(adapter);
    const label = `${adapter.info.vendor || 'unknown vendor'} ${adapter.info.architecture || ''}`.trim();
    return { kind: 'webgpu', reason: software ? `WebGPU forced on a software adapter (${software})` : `WebGPU on ${label}`, device };
  } catch (error) {
    return cpu(`requestDevice() failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
