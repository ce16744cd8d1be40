/** Messages between the CPU worker (worker.ts) and its owner (workerBackend.ts). */
import type { EmbeddingPlan } from '../../../src/core/plan';
import type { BackendOutput } from '../backend';
import type { Analyses } from '../types';

/** Owner → worker: compute one plan. `id` pairs the reply with its request. */
export interface WorkerRequest {
  readonly id: number;
  readonly plan: EmbeddingPlan;
  readonly analyses: Analyses;
}

/** Worker → owner: the result and its stage timings, or the error message. */
export type WorkerReply =
  | { readonly id: number; readonly output: BackendOutput; readonly timings: Record<string, number> }
  | { readonly id: number; readonly error: string };
