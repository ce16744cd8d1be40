/**
 * The explorer's settings model, free of DOM: defaults, the named models a person picks ("SD 1.5", "Flux"), the grid
 * of t values a side is evaluated on, the inference-schedule overlay, and the core request for one side.
 */
import {
  INPUT_TRANSFORMS,
  applyInputTransform,
  getPreset,
  validate,
  widthParamName,
  type EmbedRequest,
  type InputTransformId,
  type ParamValue,
  type PresetId,
  type Problem,
  type TimestepDtype,
} from '../../src/core/index';
import {
  curveDimsFor,
  MAX_SCHEDULE_STEPS,
  MAX_TIMESTEPS,
  type EmbeddingSettings,
  type ExplorerSettings,
  type ScheduleSpacing,
} from '../../src/protocol/explorerProtocol';

/** A model a person recognises, mapped to the convention and settings its code uses (CONVENTIONS.md §2). */
export interface NamedModel {
  readonly id: string;
  /** Short name used in pickers and compare verdicts. */
  readonly name: string;
  readonly preset: PresetId;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly transform: InputTransformId;
  readonly dtype: TimestepDtype;
}

/** Models in picker order. Parameters are the ones the model's own code passes (CONVENTIONS.md §2 table). */
export const NAMED_MODELS: readonly NamedModel[] = [
  { id: 'sd15-diffusers', name: 'SD 1.x/2.x, SDXL (diffusers UNet)', preset: 'diffusers', params: { embedding_dim: 320, flip_sin_to_cos: true, downscale_freq_shift: 0 }, transform: 'discrete', dtype: 'float32' },
  { id: 'sd15-ldm', name: 'SD 1.x/2.x (original LDM)', preset: 'adm', params: { dim: 320 }, transform: 'discrete', dtype: 'float32' },
  { id: 'flux', name: 'FLUX.1 (black-forest-labs)', preset: 'flux', params: { dim: 256 }, transform: 'unit', dtype: 'bfloat16' },
  { id: 'flux-diffusers', name: 'FLUX.1 (diffusers)', preset: 'diffusers', params: { embedding_dim: 256, flip_sin_to_cos: true, downscale_freq_shift: 0 }, transform: 'unit-times-1000', dtype: 'bfloat16' },
  { id: 'sd3', name: 'SD3 / 3.5', preset: 'adm', params: { dim: 256 }, transform: 'unit-times-1000', dtype: 'float32' },
  { id: 'dit', name: 'DiT', preset: 'adm', params: { dim: 256 }, transform: 'discrete', dtype: 'float32' },
  { id: 'dit-diffusers', name: "diffusers' DiT port", preset: 'diffusers', params: { embedding_dim: 256, flip_sin_to_cos: true, downscale_freq_shift: 1 }, transform: 'discrete', dtype: 'float32' },
  { id: 'pixart', name: 'PixArt-α/Σ', preset: 'adm', params: { dim: 256 }, transform: 'discrete', dtype: 'float32' },
  { id: 'auraflow', name: 'AuraFlow (diffusers)', preset: 'diffusers', params: { embedding_dim: 256, flip_sin_to_cos: true, downscale_freq_shift: 0, scale: 1000 }, transform: 'unit', dtype: 'float32' },
  { id: 'improved-diffusion', name: 'improved-diffusion (rescaled t)', preset: 'adm', params: { dim: 128 }, transform: 'rescale-to-1000', dtype: 'float32' },
  { id: 'ddpm', name: 'DDPM (Ho et al., TF)', preset: 'ddpm-tf', params: { embedding_dim: 128 }, transform: 'discrete', dtype: 'float32' },
  { id: 'edm-ddpmpp', name: 'EDM DDPM++ (SongUNet, VP)', preset: 'edm-positional', params: { num_channels: 128, endpoint: true, swap_halves: true }, transform: 'edm-vp', dtype: 'float32' },
  { id: 'edm-adm', name: 'EDM ADM (DhariwalUNet)', preset: 'edm-positional', params: { num_channels: 192 }, transform: 'edm-edm', dtype: 'float32' },
  { id: 'ncsnpp', name: 'score_sde NCSN++ (VE)', preset: 'gaussian-fourier', params: { embedding_size: 128, scale: 16, log: false }, transform: 'log-sigma', dtype: 'float32' },
  { id: 'k-diffusion', name: 'k-diffusion image_v1', preset: 'k-diffusion', params: { out_features: 256 }, transform: 'log-sigma-quarter', dtype: 'float32' },
];

/** Short preset names for verdicts and titles (the full labels are too long for one line). */
export const SHORT_NAMES: Readonly<Record<PresetId, string>> = {
  diffusers: 'diffusers',
  'diffusers-flax': 'diffusers Flax',
  adm: 'ADM',
  flux: 'FLUX',
  'ddpm-tf': 'DDPM (TF)',
  'score-sde': 'score_sde',
  fairseq: 'fairseq',
  lucidrains: 'lucidrains',
  'lucidrains-random': 'lucidrains random',
  tensor2tensor: 'tensor2tensor',
  transformer: 'Transformer',
  'gaussian-fourier': 'GaussianFourierProjection',
  'edm-positional': 'EDM PositionalEmbedding',
  'edm-fourier': 'EDM FourierEmbedding',
  'k-diffusion': 'k-diffusion',
  'sgm-concat': 'SGM concat',
};

/** The model with this id, if any. */
export function findModel(id: string | undefined): NamedModel | undefined {
  return id === undefined ? undefined : NAMED_MODELS.find((m) => m.id === id);
}

/** One side's settings for a named model. */
export function sideForModel(model: NamedModel): EmbeddingSettings {
  return { preset: model.preset, params: { ...model.params }, transform: model.transform, dtype: model.dtype, model: model.id };
}

/** A preset at its defaults with its first (default) transform. */
export function sideForPreset(preset: PresetId, keepWidth?: number): EmbeddingSettings {
  const spec = getPreset(preset);
  const params: Record<string, ParamValue> = {};
  if (keepWidth !== undefined) params[widthParamName(spec)] = keepWidth;
  return { preset, params, transform: spec.inputTransforms[0]!, dtype: 'float32' };
}

/** The panel's first settings: SD 1.5 in diffusers, T = 1000, all of t, no overlay. */
export function defaultSettings(): ExplorerSettings {
  return {
    primary: sideForModel(findModel('sd15-diffusers')!),
    compare: null,
    numTimesteps: 1000,
    tStart: 0,
    tEnd: 999,
    schedule: null,
    // [40, 60, 80, 120] at width 320: periods of 2π·10 to 2π·1000 steps (dims 0 and 1 would be solid bands).
    dims: curveDimsFor(320),
    framework: 'pytorch',
    form: 'function',
    backend: 'auto',
  };
}

/** The default range of the user's axis for a transform and T. */
export function defaultRange(transform: InputTransformId, numTimesteps: number): { tStart: number; tEnd: number } {
  switch (INPUT_TRANSFORMS[transform].axis) {
    case 't':
      return { tStart: 0, tEnd: numTimesteps - 1 };
    case 't ∈ [0, 1]':
      return { tStart: 0, tEnd: 1 };
    case 'σ':
      return { tStart: 0.002, tEnd: 80 };
  }
}

/**
 * The values of the user's axis a side is evaluated on. Discrete t: every integer of [tStart, tEnd] ∩ [0, T-1].
 * t ∈ [0, 1]: T points evenly from tStart to tEnd. σ: T points evenly in log σ (noise levels span decades).
 */
export function axisValues(transform: InputTransformId, settings: Pick<ExplorerSettings, 'numTimesteps' | 'tStart' | 'tEnd'>): number[] {
  const { numTimesteps: T, tStart, tEnd } = settings;
  const axis = INPUT_TRANSFORMS[transform].axis;
  if (axis === 't') {
    const first = Math.max(0, Math.ceil(tStart));
    const last = Math.min(T - 1, Math.floor(tEnd));
    const out: number[] = [];
    for (let t = first; t <= last; t++) out.push(t);
    return out;
  }
  if (T === 1) return [tStart];
  if (axis === 'σ') {
    const a = Math.log(tStart);
    const b = Math.log(tEnd);
    return Array.from({ length: T }, (_, k) => Math.exp(a + ((b - a) * k) / (T - 1)));
  }
  return Array.from({ length: T }, (_, k) => tStart + ((tEnd - tStart) * k) / (T - 1));
}

/** A problem with the panel-level settings (T, range, overlay), tied to the control that shows it. */
export function settingsProblems(settings: ExplorerSettings): Problem[] {
  const problems: Problem[] = [];
  const T = settings.numTimesteps;
  if (!Number.isInteger(T) || T < 1 || T > MAX_TIMESTEPS)
    problems.push({ param: 'numTimesteps', message: `T must be a whole number from 1 to ${MAX_TIMESTEPS} (got ${T})` });
  const axis = INPUT_TRANSFORMS[settings.primary.transform].axis;
  if (!Number.isFinite(settings.tStart) || !Number.isFinite(settings.tEnd) || settings.tStart > settings.tEnd)
    problems.push({ param: 'tRange', message: `the t range must run from a smaller to a larger number (got ${settings.tStart} to ${settings.tEnd})` });
  else if (axis === 'σ' && settings.tStart <= 0)
    problems.push({ param: 'tRange', message: `σ must be positive: the range starts at ${settings.tStart}; try 0.002` });
  else if (axis === 't' && problems.length === 0 && (settings.tEnd < 0 || settings.tStart > T - 1))
    problems.push({ param: 'tRange', message: `the t range ${settings.tStart}…${settings.tEnd} holds no step of 0…${T - 1}` });
  if (settings.schedule) {
    const N = settings.schedule.steps;
    if (!Number.isInteger(N) || N < 1 || N > Math.min(T, MAX_SCHEDULE_STEPS))
      problems.push({ param: 'scheduleSteps', message: `the number of sampling steps must be a whole number from 1 to T = ${T} (got ${N})` });
  }
  return problems;
}

/** The core request for one side on the settings' grid: the axis values through the side's input transform. */
export function requestFor(side: EmbeddingSettings, settings: ExplorerSettings): EmbedRequest {
  const axis = axisValues(settings.primary.transform, settings);
  const inputs = applyInputTransform(side.transform, axis, { numTimesteps: settings.numTimesteps });
  const preset = getPreset(side.preset);
  let timesteps: EmbedRequest['timesteps'] = inputs;
  // Row-input presets take each timestep as a row: one column for SGM, in_features columns for k-diffusion.
  const columns = side.preset === 'k-diffusion' ? side.params['in_features'] : preset.rowInput ? 1 : undefined;
  if (typeof columns === 'number' && Number.isInteger(columns) && columns >= 1 && (columns > 1 || preset.rowInput))
    timesteps = inputs.map((x) => new Array<number>(columns).fill(x));
  return { preset: side.preset, timesteps, params: side.params, dtype: side.dtype };
}

/** Every problem with a side for these settings, from the core's validate(). */
export function sideProblems(side: EmbeddingSettings, settings: ExplorerSettings): Problem[] {
  const axis = INPUT_TRANSFORMS[settings.primary.transform].axis;
  if (INPUT_TRANSFORMS[side.transform].axis !== axis)
    return [
      {
        param: 'transform',
        message: `${INPUT_TRANSFORMS[side.transform].label} reads ${INPUT_TRANSFORMS[side.transform].axis}, but the shared axis is ${axis}: pick a transform that reads ${axis}`,
      },
    ];
  return validate(requestFor(side, settings));
}

/**
 * The sampling steps of the overlay, as diffusers' schedulers pick them for `timestep_spacing`
 * (DDIMScheduler.set_timesteps, steps_offset 0), in the order the sampler visits them.
 */
export function scheduleTimesteps(steps: number, spacing: ScheduleSpacing, numTimesteps: number): number[] {
  const T = numTimesteps;
  const N = steps;
  switch (spacing) {
    case 'linspace': // np.linspace(0, T - 1, N).round()[::-1]
      return Array.from({ length: N }, (_, k) => roundHalfEven(N === 1 ? 0 : ((T - 1) * k) / (N - 1))).reverse();
    case 'leading': {
      // (np.arange(0, N) * (T // N)).round()[::-1]
      const ratio = Math.floor(T / N);
      return Array.from({ length: N }, (_, k) => k * ratio).reverse();
    }
    case 'trailing': {
      // np.round(np.arange(T, 0, -T / N)) - 1
      const ratio = T / N;
      const out: number[] = [];
      for (let v = T; v > 0 && out.length < N; v -= ratio) out.push(roundHalfEven(v) - 1);
      return out;
    }
  }
}

/** numpy's round: halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A one-line name for a side: the model's name while it still matches, else the preset with its changed params. */
export function sideName(side: EmbeddingSettings, withDtype = false): string {
  const model = findModel(side.model);
  const base = model ? model.name : `${SHORT_NAMES[side.preset]}${changedParams(side)}`;
  return withDtype ? `${base} (${side.dtype} t)` : base;
}

/** `(flip_sin_to_cos=True, downscale_freq_shift=0)`: the parameters that differ from the defaults, width excepted. */
function changedParams(side: EmbeddingSettings): string {
  const preset = getPreset(side.preset);
  const changed = preset.params
    .filter((spec) => !spec.isWidth && spec.kind !== 'buffer')
    .filter((spec) => side.params[spec.name] !== undefined && side.params[spec.name] !== spec.default)
    .map((spec) => `${spec.name}=${pythonValue(side.params[spec.name]!)}`);
  return changed.length > 0 ? ` (${changed.join(', ')})` : '';
}

/** A value as Python writes it. */
export function pythonValue(value: ParamValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `[${value.length} values]`;
  return String(value);
}

/** True when two sides are the same convention and parameters (the model name aside). */
export function sameSide(a: EmbeddingSettings, b: EmbeddingSettings): boolean {
  return a.preset === b.preset && a.transform === b.transform && a.dtype === b.dtype && JSON.stringify(a.params) === JSON.stringify(b.params);
}

/** Clamp helper used by the controls: settings with T, the range and dims made consistent after a change of T. */
export function withNumTimesteps(settings: ExplorerSettings, T: number): ExplorerSettings {
  const axis = INPUT_TRANSFORMS[settings.primary.transform].axis;
  if (axis !== 't') return { ...settings, numTimesteps: T };
  const wasFull = settings.tStart === 0 && settings.tEnd === settings.numTimesteps - 1;
  return { ...settings, numTimesteps: T, ...(wasFull ? { tStart: 0, tEnd: T - 1 } : {}) };
}
