/**
 * The embedding plan: every convention reduced to the same few steps, each value rounded to float32 in the upstream
 * operation order (CONVENTIONS.md §1). The CPU reference evaluates a plan; the GPU engine uploads the same plan, so the
 * frequencies and the per-timestep inputs are computed once, here, exactly as torch forms them.
 *
 *   input    x_r   = the float32 value upstream multiplies by the frequencies (dtype rounding, time_factor, ln, 2π, ...)
 *   argument a_r,i = fround(x_r · f_i)   (or a float32 dot product over input columns for multi-input k-diffusion)
 *            a_r,i = fround(a_r,i · m)   for each post-multiplier m, in order (diffusers' scale; Fourier's 2 then π)
 *   layout   sin|cos, cos|sin, interleaved, or t repeated; optional [x | ...] prefix; trailing zero columns
 */
import { expF32, f32, logF32, roundToDtype } from './float';
import type { ResolvedRequest } from './params';
import { outputWidth } from './params';
import type { TimestepDtype } from './types';

/** Column order of the sinusoids. */
export type Layout = 'sin-cos' | 'cos-sin' | 'interleaved' | 'repeat';

/** Everything needed to produce the embedding, already rounded the way upstream rounds it. */
export interface EmbeddingPlan {
  /** Rows the arguments are computed for (b·d for sgm-concat). */
  readonly rows: number;
  /** Input columns per row (1 except multi-input k-diffusion). */
  readonly inputColumns: number;
  /** rows × inputColumns float32 inputs. */
  readonly inputs: Float32Array;
  /** h × inputColumns float32 frequencies, row i = frequency i. */
  readonly frequencies: Float32Array;
  /** Number of frequencies h. */
  readonly half: number;
  /** Float32 multipliers applied to each argument after x·f, in order. */
  readonly postScales: readonly number[];
  readonly layout: Layout;
  /** Width of each computed row: 2h (+1 with the input prefix) + padding, or the repeat width. */
  readonly rowWidth: number;
  /** lucidrains-random: the input x is column 0, before the sinusoids. */
  readonly prependInput: boolean;
  /** Zero columns appended after the sinusoids (odd widths). */
  readonly zeroPadColumns: number;
  /** Rows set to zero (fairseq padding_idx). */
  readonly zeroRows: readonly number[];
  /** Upstream casts the output to this dtype (Flux with half timesteps); float32 otherwise. */
  readonly outputDtype: TimestepDtype;
  /** Final shape; for sgm-concat the computed rows are regrouped as [b, d·outdim] (same memory order). */
  readonly shape: readonly [number, number];
  /** Warnings the UI should show. */
  readonly warnings: string[];
}

const TWO_PI_F32 = f32(2 * Math.PI);
const PI_F32 = f32(Math.PI);

const int = (params: ResolvedRequest['params'], name: string): number => params[name] as number;
const bool = (params: ResolvedRequest['params'], name: string): boolean => params[name] as boolean;

/** Frequencies f_i = exp(e_i) for i in 0..h-1, with e_i computed by `exponent`. */
function expFrequencies(half: number, exponent: (i: number) => number): Float32Array {
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) out[i] = expF32(exponent(i));
  return out;
}

/** ADM / LDM / DiT / Flux frequencies: exp((-ln P) · arange(h) / h), -ln P rounded to float32 as torch does. */
export function admFrequencies(half: number, maxPeriod: number): Float32Array {
  const negLogP = f32(-Math.log(maxPeriod));
  return expFrequencies(half, (i) => f32(f32(negLogP * i) / half));
}

/** DDPM-TF / score_sde / fairseq / lucidrains: exp(arange(h) · -(ln P / (h - 1))), the step a Python double. */
function halfMinusOneFrequencies(half: number, maxPeriod: number): Float32Array {
  const negStep = f32(-(Math.log(maxPeriod) / (half - 1)));
  return expFrequencies(half, (i) => f32(i * negStep));
}

function frequenciesFor(req: ResolvedRequest, half: number): Float32Array {
  const { params } = req;
  switch (req.preset.id) {
    case 'diffusers': {
      const negLogP = f32(-Math.log(int(params, 'max_period')));
      const divisor = f32(half - int(params, 'downscale_freq_shift'));
      return expFrequencies(half, (i) => f32(f32(negLogP * i) / divisor));
    }
    case 'diffusers-flax': {
      const minTimescale = int(params, 'min_timescale');
      const increment = Math.log(int(params, 'max_timescale') / minTimescale) / (half - int(params, 'freq_shift'));
      const negIncrement = f32(-increment);
      const out = expFrequencies(half, (i) => f32(i * negIncrement));
      return out.map((f) => f32(f32(minTimescale) * f));
    }
    case 'adm':
    case 'flux':
      return admFrequencies(half, int(params, 'max_period'));
    case 'sgm-concat':
      return admFrequencies(half, 10000);
    case 'ddpm-tf':
    case 'fairseq':
      return halfMinusOneFrequencies(half, 10000);
    case 'score-sde':
      return halfMinusOneFrequencies(half, int(params, 'max_positions'));
    case 'lucidrains':
      return halfMinusOneFrequencies(half, int(params, 'theta'));
    case 'tensor2tensor': {
      const minTimescale = int(params, 'min_timescale');
      // A float32 tensor division in TF: both operands are float32 before dividing.
      const increment = f32(f32(Math.log(int(params, 'max_timescale') / minTimescale)) / f32(Math.max(half - 1, 1)));
      const out = expFrequencies(half, (i) => f32(i * -increment));
      return out.map((f) => f32(f32(minTimescale) * f));
    }
    case 'transformer': {
      const step = f32(-Math.log(10000) / int(params, 'embed_dim'));
      return expFrequencies(half, (i) => f32(2 * i * step));
    }
    case 'edm-positional': {
      const divisor = half - (bool(params, 'endpoint') ? 1 : 0);
      const base = f32(1 / int(params, 'max_positions'));
      const out = new Float32Array(half);
      for (let i = 0; i < half; i++) out[i] = f32(Math.pow(base, f32(i / divisor)));
      return out;
    }
    case 'edm-fourier':
      return Float32Array.from(params['freqs'] as number[], (v) => f32(TWO_PI_F32 * f32(v)));
    case 'gaussian-fourier':
      return Float32Array.from(params['weight'] as number[], f32);
    case 'lucidrains-random':
      return Float32Array.from(params['weights'] as number[], f32);
    case 'k-diffusion':
      return Float32Array.from(params['weight'] as number[], f32);
  }
}

/** The float32 value upstream multiplies by the frequencies, for one timestep value. */
function inputFor(req: ResolvedRequest, t: number): number {
  const { params, dtype } = req;
  const typed = roundToDtype(t, dtype);
  switch (req.preset.id) {
    case 'flux':
      // time_factor · t happens in t's dtype (bf16 turns 0.75·1000 into 752), then .float().
      return roundToDtype(f32(typed * f32(int(params, 'time_factor'))), dtype);
    case 'tensor2tensor':
      return f32(t + int(params, 'start_index'));
    case 'gaussian-fourier':
      return bool(params, 'log') ? roundToDtype(logF32(typed), dtype) : typed;
    case 'k-diffusion':
      return f32(TWO_PI_F32 * typed);
    default:
      return typed;
  }
}

function layoutFor(req: ResolvedRequest): Layout {
  const { params } = req;
  switch (req.preset.id) {
    case 'diffusers':
    case 'diffusers-flax':
    case 'gaussian-fourier':
      return bool(params, 'flip_sin_to_cos') ? 'cos-sin' : 'sin-cos';
    case 'adm':
      return bool(params, 'repeat_only') ? 'repeat' : 'cos-sin';
    case 'flux':
    case 'sgm-concat':
    case 'k-diffusion':
      return 'cos-sin';
    case 'edm-positional':
    case 'edm-fourier':
      return bool(params, 'swap_halves') ? 'sin-cos' : 'cos-sin';
    case 'transformer':
      return 'interleaved';
    default:
      return 'sin-cos';
  }
}

function postScalesFor(req: ResolvedRequest): number[] {
  switch (req.preset.id) {
    case 'diffusers':
    case 'diffusers-flax': {
      const scale = f32(int(req.params, 'scale'));
      return scale === 1 ? [] : [scale]; // multiplying by exactly 1 changes no float32 value
    }
    case 'gaussian-fourier':
    case 'lucidrains-random':
      return [2, PI_F32]; // ((x · w) · 2) · π, in that order
    default:
      return [];
  }
}

/** The width parameter that decides the number of frequencies h. */
function frequencyCount(req: ResolvedRequest): number {
  const { params } = req;
  switch (req.preset.id) {
    case 'gaussian-fourier':
      return int(params, 'embedding_size');
    case 'lucidrains-random':
      return Math.floor(int(params, 'dim') / 2);
    case 'k-diffusion':
      return Math.floor(int(params, 'out_features') / 2);
    case 'sgm-concat':
      return Math.floor(int(params, 'outdim') / 2);
    default:
      return Math.floor(outputWidth(req.preset.id, params) / 2);
  }
}

/** Build the plan for a resolved request. */
export function planEmbedding(req: ResolvedRequest): EmbeddingPlan {
  const warnings: string[] = [];
  const half = frequencyCount(req);
  const layout = layoutFor(req);
  const isConcat = req.preset.id === 'sgm-concat';
  const inputColumns = req.preset.id === 'k-diffusion' ? req.columns : 1;
  // sgm-concat embeds every scalar of every row: (b d) rows, regrouped afterwards.
  const scalars: number[] = isConcat ? req.rows.flat() : req.rows.flatMap((row) => row.slice(0, inputColumns));
  const rows = scalars.length / inputColumns;
  const inputs = Float32Array.from(scalars, (t) => inputFor(req, t));
  const frequencies = frequenciesFor(req, half);
  const unitWidth = isConcat ? int(req.params, 'outdim') : outputWidth(req.preset.id, req.params, req.columns);
  const prependInput = req.preset.id === 'lucidrains-random';
  const sinusoidWidth = layout === 'repeat' ? unitWidth : 2 * half + (prependInput ? 1 : 0);
  const zeroPadColumns = unitWidth - sinusoidWidth;
  const zeroRows: number[] = [];
  if (req.preset.id === 'fairseq' && req.params['padding_idx'] !== null) {
    const paddingIdx = req.params['padding_idx'] as number;
    scalars.forEach((t, r) => {
      if (t === paddingIdx) zeroRows.push(r);
    });
    if (zeroRows.length > 0) warnings.push(`row ${paddingIdx} is padding_idx: fairseq zeroes it`);
  }
  addDivisorWarnings(req, half, warnings);
  if (req.preset.id === 'gaussian-fourier' && req.params['log'] === true && scalars.some((t) => t <= 0))
    warnings.push('log=True takes ln of the input: a timestep ≤ 0 gives -inf or NaN, as upstream does; feed σ > 0');
  const outputDtype = req.preset.id === 'flux' ? req.dtype : 'float32';
  const shape: [number, number] = isConcat ? [req.rows.length, req.columns * unitWidth] : [rows, unitWidth];
  return {
    rows,
    inputColumns,
    inputs,
    frequencies,
    half,
    postScales: postScalesFor(req),
    layout,
    rowWidth: unitWidth,
    prependInput,
    zeroPadColumns,
    zeroRows,
    outputDtype,
    shape,
    warnings,
  };
}

function addDivisorWarnings(req: ResolvedRequest, half: number, warnings: string[]): void {
  const { params } = req;
  if (req.preset.id === 'diffusers' && half - int(params, 'downscale_freq_shift') === 0)
    warnings.push(
      `embedding_dim // 2 equals downscale_freq_shift (${half}): upstream divides 0 by 0, so column 0 and its pair are NaN; widen the embedding or use downscale_freq_shift=0`,
    );
  if (req.preset.id === 'edm-positional' && bool(params, 'endpoint') && half === 1)
    warnings.push('endpoint=True with num_channels//2 = 1 divides 0 by 0: upstream returns NaN; use num_channels ≥ 4');
}
