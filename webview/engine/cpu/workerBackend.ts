/**
 * The CPU backend in a Web Worker (worker.ts): the same computation as `CpuBackend`, posted to a worker so the
 * webview's UI thread only draws. The engine uses it when `createEngine` gets a `cpuWorker` factory (the webview
 * passes one; Node does not, and runs `CpuBackend` inline). A worker that fails (it could not start, it crashed)
 * rejects the requests in flight, and every later request runs inline, with a note saying so.
 */
import type { EmbeddingPlan } from '../../../src/core/plan';
import type { BackendOutput, ComputeBackend } from '../backend';
import type { Analyses } from '../types';
import type { ArrayPool } from '../arrayPool';
import { CpuBackend } from './cpuBackend';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

/** The worker itself failed (not the computation): the request is recomputed inline. */
class WorkerFailed extends Error {}

interface Pending {
  resolve(reply: { output: BackendOutput; timings: Record<string, number> }): void;
  reject(error: Error): void;
}

/** The CPU backend, run in a worker. */
export class WorkerCpuBackend implements ComputeBackend {
  readonly kind = 'cpu' as const;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Why the worker is not used any more (undefined while it is). */
  private broken: string | undefined;
  private readonly inline = new CpuBackend();

  /**
   * `pool`: the engine's recycled arrays (on this thread). Each request takes them all along to the worker, whose
   * own pool fills them; the results come back transferred, so nothing is copied either way.
   */
  constructor(
    create: () => Worker,
    private readonly pool?: ArrayPool,
  ) {
    try {
      this.worker = create();
      this.worker.onmessage = (event: MessageEvent<WorkerReply>) => this.receive(event.data);
      this.worker.onerror = (event) => this.fail(`the CPU worker failed: ${event.message || 'unknown error'}`);
    } catch (error) {
      this.broken = `the CPU worker could not start (${error instanceof Error ? error.message : String(error)})`;
    }
  }

  async run(plan: EmbeddingPlan, analyses: Analyses, timings: Record<string, number>): Promise<BackendOutput> {
    if (!this.worker || this.broken) return this.runInline(plan, analyses, timings);
    const id = this.nextId++;
    try {
      const reply = await new Promise<{ output: BackendOutput; timings: Record<string, number> }>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        const recycled = (this.pool?.drain() ?? []).map((array) => array.buffer as ArrayBuffer);
        this.worker!.postMessage({ id, plan, analyses, recycled } satisfies WorkerRequest, recycled);
      });
      Object.assign(timings, reply.timings);
      return reply.output;
    } catch (error) {
      // Nothing is lost when the worker dies mid-request: the same plan runs inline.
      if (error instanceof WorkerFailed) return this.runInline(plan, analyses, timings);
      throw error;
    }
  }

  private async runInline(plan: EmbeddingPlan, analyses: Analyses, timings: Record<string, number>): Promise<BackendOutput> {
    const output = await this.inline.run(plan, analyses, timings);
    return { ...output, notes: [...output.notes, `${this.broken ?? 'no CPU worker'}: computed on the UI thread`] };
  }

  private receive(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if ('error' in reply) pending.reject(new Error(reply.error));
    else pending.resolve(reply);
  }

  private fail(reason: string): void {
    this.broken = reason;
    this.worker?.terminate();
    this.worker = undefined;
    for (const pending of this.pending.values()) pending.reject(new WorkerFailed(reason));
    this.pending.clear();
  }

  dispose(): void {
    this.fail('the engine was disposed');
  }
}
