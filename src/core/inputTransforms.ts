/**
 * What a model feeds its timestep embedding, from the quantity a person reasons about (a step index t, a continuous
 * t ∈ [0, 1], or a noise level σ). Each real model picks one (CONVENTIONS.md §2); getting it wrong (forgetting ×1000,
 * feeding σ instead of ln σ / 4) is the commonest porting bug, so the transform is part of every preset.
 */
import { cNoise } from './cnoise';
import { f32, logF32 } from './float';

/** Input transform ids. */
export type InputTransformId =
  | 'discrete'
  | 'unit'
  | 'unit-times-1000'
  | 'unit-times-999'
  | 'rescale-to-1000'
  | 'sigma'
  | 'log-sigma'
  | 'log-sigma-quarter'
  | 'edm-vp'
  | 'edm-ve'
  | 'edm-edm'
  | 'edm-iddpm';

/** One transform: what the user's axis is, and how it becomes the embedding's input. */
export interface InputTransform {
  readonly id: InputTransformId;
  readonly label: string;
  /** The quantity on the user's axis. */
  readonly axis: 't' | 't ∈ [0, 1]' | 'σ';
  /** A one-line formula shown in the UI. */
  readonly formula: string;
}

/** Every transform. */
export const INPUT_TRANSFORMS: Readonly<Record<InputTransformId, InputTransform>> = {
  discrete: { id: 'discrete', label: 'discrete t', axis: 't', formula: 't' },
  unit: { id: 'unit', label: 't ∈ [0, 1] (scaled inside, e.g. Flux time_factor)', axis: 't ∈ [0, 1]', formula: 't' },
  'unit-times-1000': { id: 'unit-times-1000', label: 't ∈ [0, 1] × 1000 (SD3, Flux in diffusers)', axis: 't ∈ [0, 1]', formula: '1000·t' },
  'unit-times-999': { id: 'unit-times-999', label: 't ∈ [0, 1] × 999 (score_sde continuous VP)', axis: 't ∈ [0, 1]', formula: '999·t' },
  'rescale-to-1000': { id: 'rescale-to-1000', label: 't · 1000 / T (improved-diffusion rescale_timesteps)', axis: 't', formula: 't·1000/T' },
  sigma: { id: 'sigma', label: 'σ (log=True inside)', axis: 'σ', formula: 'σ' },
  'log-sigma': { id: 'log-sigma', label: 'ln σ (score_sde NCSN++)', axis: 'σ', formula: 'ln σ' },
  'log-sigma-quarter': { id: 'log-sigma-quarter', label: 'ln(σ) / 4 (k-diffusion)', axis: 'σ', formula: 'ln(σ)/4' },
  'edm-vp': { id: 'edm-vp', label: 'EDM VP c_noise', axis: 'σ', formula: '(M-1)·σ⁻¹(σ)' },
  'edm-ve': { id: 'edm-ve', label: 'EDM VE c_noise', axis: 'σ', formula: 'ln(σ/2)' },
  'edm-edm': { id: 'edm-edm', label: 'EDM c_noise', axis: 'σ', formula: 'ln(σ)/4' },
  'edm-iddpm': { id: 'edm-iddpm', label: 'EDM iDDPM c_noise', axis: 'σ', formula: 'M-1-j(σ)' },
};

/** Context some transforms need: T for rescale-to-1000. */
export interface TransformContext {
  /** Number of training timesteps. */
  readonly numTimesteps?: number;
}

/** The values the embedding receives for the user's axis values, in float32 as the models compute them. */
export function applyInputTransform(id: InputTransformId, values: readonly number[], context: TransformContext = {}): number[] {
  switch (id) {
    case 'discrete':
    case 'unit':
    case 'sigma':
      return values.slice();
    case 'unit-times-1000':
      return values.map((t) => f32(f32(t) * 1000));
    case 'unit-times-999':
      return values.map((t) => f32(f32(t) * 999));
    case 'rescale-to-1000': {
      const T = context.numTimesteps ?? 1000;
      return values.map((t) => f32(f32(t) * f32(1000 / T)));
    }
    case 'log-sigma':
      return values.map((s) => logF32(s));
    case 'log-sigma-quarter':
      return values.map((s) => f32(logF32(s) / 4));
    case 'edm-vp':
      return Array.from(cNoise({ precond: 'vp', sigma: values }).data);
    case 'edm-ve':
      return Array.from(cNoise({ precond: 've', sigma: values }).data);
    case 'edm-edm':
      return Array.from(cNoise({ precond: 'edm', sigma: values }).data);
    case 'edm-iddpm':
      return Array.from(cNoise({ precond: 'iddpm', sigma: values }).data);
  }
}
