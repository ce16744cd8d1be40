/**
 * The request/result types shared by the core, the code generator, the extension host, the webview and the tests.
 * Parameter names are the upstream ones (see ../shared/CONVENTIONS.md), so a request reads like the upstream call.
 */

/** Every convention the core implements. The ids are a public contract: keep them stable. */
export type PresetId =
  | 'diffusers'
  | 'diffusers-flax'
  | 'adm'
  | 'flux'
  | 'ddpm-tf'
  | 'score-sde'
  | 'fairseq'
  | 'lucidrains'
  | 'lucidrains-random'
  | 'tensor2tensor'
  | 'transformer'
  | 'gaussian-fourier'
  | 'edm-positional'
  | 'edm-fourier'
  | 'k-diffusion'
  | 'sgm-concat';

/** The dtype of the timesteps tensor as upstream receives it. */
export type TimestepDtype = 'float32' | 'float16' | 'bfloat16';

/** A parameter value: numbers, booleans, null (an absent optional such as fairseq's padding_idx) or a buffer. */
export type ParamValue = number | boolean | null | readonly number[];

/** Parameters under their upstream names, e.g. `{ embedding_dim: 320, flip_sin_to_cos: true }`. */
export type Params = Readonly<Record<string, ParamValue>>;

/** One call of an embedding, as upstream would receive it. */
export interface EmbedRequest {
  /** Which convention. */
  readonly preset: PresetId;
  /** What upstream's forward receives: a list of numbers, or a list of rows for `sgm-concat` and multi-input `k-diffusion`. */
  readonly timesteps: readonly number[] | readonly (readonly number[])[];
  /** Upstream parameter names; missing ones take the preset's defaults. */
  readonly params?: Params;
  /** The timesteps tensor's dtype; `float32` when absent. */
  readonly dtype?: TimestepDtype;
}

/** A float32 matrix in row-major order. */
export interface Matrix {
  /** [rows, columns]. */
  readonly shape: readonly [number, number];
  /** rows × columns float32 values, row-major. */
  readonly data: Float32Array;
}

/** The embedding, plus warnings the UI should show (NaN produced, values dropped by padding_idx, ...). */
export interface EmbedResult extends Matrix {
  /** Human-readable warnings; empty when nothing is surprising. */
  readonly warnings: string[];
}

/** One thing wrong with a request, tied to the parameter a person should change. */
export interface Problem {
  /** Upstream parameter name, or `timesteps`, `preset`, `dtype`. */
  readonly param: string;
  /** A sentence a person can act on. */
  readonly message: string;
}

/** Thrown by `embed` and friends when a request is invalid; never thrown from inside the math. */
export class ValidationError extends Error {
  /** Every problem found, in parameter order. */
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'ValidationError';
    this.problems = problems;
  }
}
