/**
 * `createEngine`: picks a backend once (selectBackend), then runs each request through it. Calls are serialised, so
 * the backends can reuse their buffers. When the WebGPU device is lost mid-run, the request is recomputed on the CPU
 * and the result says so; the engine stays on the CPU afterwards.
 */
import { resolveRequest } from '../../src/core/params';
import { planEmbedding } from '../../src/core/plan';
import type { EmbedRequest } from '../../src/core/types';
import { spectrumFromStats } from './analysis';
import { ArrayPool } from './arrayPool';
import { selectBackend, type BackendOutput, type ComputeBackend, type SelectOptions } from './backend';
import { CpuBackend } from './cpu/cpuBackend';
import { WorkerCpuBackend } from './cpu/workerBackend';
import type { Analyses, BackendKind, ComputeResult, Engine } from './types';
import { DeviceLostError } from './webgpu/device';
import { WebGpuBackend } from './webgpu/webgpuBackend';

/** Options for `createEngine`: `{ gpu }` (optionally `force: 'webgpu'`), or `{ backend: 'cpu' }`. */
export interface EngineOptions extends SelectOptions {
  /** `'cpu'` skips WebGPU entirely (same as `force: 'cpu'`). */
  readonly backend?: 'cpu' | 'webgpu' | 'auto';
  /**
   * Starts a worker running cpu/worker.ts (the webview passes one that loads the inlined worker bundle from a blob:
   * URL). With it the CPU backend computes off the calling thread; without it (Node) inline.
   */
  readonly cpuWorker?: () => Worker;
  /** Most bytes of recycled result arrays the engine keeps for reuse (default 512 MiB). */
  readonly recycleBytes?: number;
}

const now = (): number => (globalThis.performance ? globalThis.performance.now() : Date.now());

class EngineImpl implements Engine {
  backend: BackendKind;
  reason: string;
  private active: ComputeBackend;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    active: ComputeBackend,
    reason: string,
    /** Where a lost device's work goes: the engine's CPU backend (in its worker when there is one). */
    private readonly cpu: ComputeBackend,
    /** Arrays handed back through `recycle`, shared by the backends that run on this thread. */
    private readonly pool: ArrayPool,
  ) {
    this.active = active;
    this.backend = active.kind;
    this.reason = reason;
  }

  compute(request: EmbedRequest, analyses: Analyses = {}): Promise<ComputeResult> {
    const run = this.queue.then(() => this.computeNow(request, analyses));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async computeNow(request: EmbedRequest, analyses: Analyses): Promise<ComputeResult> {
    const started = now();
    const plan = planEmbedding(resolveRequest(request));
    const timings: Record<string, number> = {};
    const notes: string[] = [];
    let output: BackendOutput;
    let kind = this.active.kind;
    const rows = plan.shape[0];
    // Sampled T × T analyses are CPU work: on a WebGPU engine the whole request goes to the CPU backend, which in the
    // webview is its worker, so a large T never holds the UI thread.
    const toCpu = kind === 'webgpu' && analyses.sampled !== undefined && rows > analyses.sampled.above;
    try {
      if (toCpu) {
        output = await this.cpu.run(plan, analyses, timings);
        kind = 'cpu';
        notes.push(`${rows} steps exceed the ${analyses.sampled!.above}-row exact analyses: computed on the CPU backend, with sampled analyses`);
      } else output = await this.active.run(plan, analyses, timings);
    } catch (error) {
      if (!(error instanceof DeviceLostError) && !(this.active instanceof WebGpuBackend && this.active.lost)) throw error;
      // Nothing computed on the lost device is kept: the whole request runs again on the CPU.
      const reason = error instanceof Error ? error.message : String(error);
      notes.push(`${reason}: recomputed on the CPU`);
      this.active.dispose();
      this.active = this.cpu;
      this.backend = 'cpu';
      this.reason = `${reason}; switched to the CPU backend`;
      kind = 'cpu';
      for (const key of Object.keys(timings)) delete timings[key];
      output = await this.cpu.run(plan, analyses, timings);
    }
    notes.push(...output.notes);
    timings['total'] = now() - started;
    const result: ComputeResult = {
      shape: plan.shape,
      data: output.data,
      backend: kind,
      timings,
      warnings: [...plan.warnings],
      notes,
      ...(output.similarity ? { similarity: output.similarity } : {}),
      ...(output.similarityRows ? { similarityRows: output.similarityRows } : {}),
      ...(output.adjacent ? { adjacent: output.adjacent } : {}),
      ...(output.nearest ? { nearest: output.nearest } : {}),
      ...(output.columnStats ? { spectrum: spectrumFromStats(plan, output.columnStats) } : {}),
      ...(output.pca ? { pca: output.pca } : {}),
      ...(output.mlp ? { mlp: output.mlp } : {}),
    };
    return result;
  }

  recycle(result: ComputeResult): void {
    for (const array of [result.data, result.similarity, result.adjacent, result.mlp?.data]) this.pool.give(array);
  }

  /** Test hook: destroys the WebGPU device as a driver reset would. */
  loseDeviceForTesting(): void {
    if (this.active instanceof WebGpuBackend) this.active.gpu.device.destroy();
  }

  dispose(): void {
    this.active.dispose();
    if (this.cpu !== this.active) this.cpu.dispose();
    this.pool.clear();
  }
}

/** A backend created on its first use (the CPU fallback of a WebGPU engine, needed only if the device is lost). */
function lazyBackend(create: () => ComputeBackend): ComputeBackend {
  let backend: ComputeBackend | undefined;
  return {
    kind: 'cpu',
    run: (plan, analyses, timings) => (backend ??= create()).run(plan, analyses, timings),
    dispose: () => backend?.dispose(),
  };
}

/** Creates an engine: `createEngine({ gpu })`, `createEngine({ gpu, force: 'webgpu' })` or `createEngine({ backend: 'cpu' })`. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine & { loseDeviceForTesting(): void }> {
  const force = options.backend === 'cpu' ? 'cpu' : (options.force ?? (options.backend === 'webgpu' ? 'webgpu' : 'auto'));
  const selection = await selectBackend({ ...options, force });
  // The CPU backend is made only when it runs (a worker costs a thread and its startup).
  const pool = new ArrayPool(options.recycleBytes);
  // With a worker, the recycled arrays travel to it with each request (transferred, not copied).
  const cpu = (): ComputeBackend => (options.cpuWorker ? new WorkerCpuBackend(options.cpuWorker, pool) : new CpuBackend(pool));
  if (selection.kind === 'webgpu' && selection.device) {
    const maxChunkBytes = Math.min(options.maxChunkBytes ?? Infinity, selection.device.limits.maxStorageBufferBindingSize);
    return new EngineImpl(new WebGpuBackend(selection.device, maxChunkBytes, pool), selection.reason, lazyBackend(cpu), pool);
  }
  const backend = cpu();
  return new EngineImpl(backend, selection.reason, backend, pool);
}
