/** Messages between the CPU worker (worker.ts) and its owner (workerBackend.ts). */
import type { EmbeddingPlan } from '../../../src/core/plan';
import type { BackendOutput } from '../backend';
import type { Analyses } from '../types';

/** Owner → worker: compute one plan. `id` pairs the reply with its request. */
export interface WorkerRequest {
  readonly id: number;
  readonly plan: EmbeddingPlan;
  readonly analyses: Analyses;
  /**
   * Buffers of result arrays the caller recycled (engine.recycle), transferred back so the worker fills them instead
   * of allocating: a fresh multi-MiB array costs several ms per MiB in a browser (arrayPool.ts).
   */
  readonly recycled?: readonly ArrayBuffer[];
}

/** Worker → owner: the result and its stage timings, or the error message. */
export type WorkerReply =
  | { readonly id: number; readonly output: BackendOutput; readonly timings: Record<string, number> }
  | { readonly id: number; readonly error: string };
