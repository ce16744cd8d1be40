/**
 * One entry per convention in ../shared/CONVENTIONS.md §1: upstream parameter names and defaults, a label, where it is
 * used (§2), and which input transforms make sense for it. The math lives in reference.ts; this file is data.
 */
import type { ParamValue, Params, PresetId } from './types';
import type { InputTransformId } from './inputTransforms';

/** How a parameter is typed and checked. */
export type ParamKind = 'int' | 'float' | 'bool' | 'optional-int' | 'buffer';

/** One upstream parameter. */
export interface ParamSpec {
  /** The upstream name, exactly. */
  readonly name: string;
  readonly kind: ParamKind;
  /** Upstream default, or the default of the model most people use (said in `doc`). Buffers default to null: seeded. */
  readonly default: ParamValue;
  /** Inclusive lower bound for numbers. */
  readonly min?: number;
  /** True for the parameter that sets the output width. */
  readonly isWidth?: boolean;
  /** One line shown in pickers and hovers. */
  readonly doc: string;
}

/** Families group presets in pickers. */
export type PresetFamily = 'sinusoidal' | 'positional' | 'random-fourier' | 'concat';

/** A convention. */
export interface Preset {
  readonly id: PresetId;
  readonly label: string;
  readonly family: PresetFamily;
  /** Which models and codebases use it. */
  readonly usedBy: string;
  /** The upstream function or module it reproduces, `owner/repo:path`. */
  readonly source: string;
  /** Upstream callable name, e.g. `get_timestep_embedding`. */
  readonly upstreamName: string;
  /** Parameters in upstream signature order; the first width parameter sets the width. */
  readonly params: readonly ParamSpec[];
  /** Input transforms that feed this convention in real models; the first is the default. */
  readonly inputTransforms: readonly InputTransformId[];
  /** Each timestep is a row of several numbers (SDXL micro-conditioning). */
  readonly rowInput?: boolean;
}

const MAX_PERIOD_DOC = 'max_period P: frequencies run from 1 down towards 1/P';

const p = (
  name: string,
  kind: ParamKind,
  def: ParamValue,
  doc: string,
  extra: Partial<Pick<ParamSpec, 'min' | 'isWidth'>> = {},
): ParamSpec => ({ name, kind, default: def, doc, ...extra });

/** Every preset, in the order pickers show them. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'diffusers',
    label: 'diffusers get_timestep_embedding / Timesteps',
    family: 'sinusoidal',
    usedBy:
      'diffusers UNet2DModel, UNet2DConditionModel (SD 1.x/2.x/SDXL: flip_sin_to_cos=True, shift 0), DiT port (shift 1), PixArt, SD3, AuraFlow (scale=1000)',
    source: 'huggingface/diffusers:src/diffusers/models/embeddings.py:27',
    upstreamName: 'get_timestep_embedding',
    params: [
      p('embedding_dim', 'int', 320, 'output width (UNet block_out_channels[0])', { min: 1, isWidth: true }),
      p('flip_sin_to_cos', 'bool', false, 'True gives cos|sin (SD/SDXL/ADM order); False gives sin|cos'),
      p('downscale_freq_shift', 'float', 1, 'shift s in exp(-ln P·i/(h-s)): 0 matches ADM/LDM, 1 matches DDPM'),
      p('scale', 'float', 1, 'multiplies the arguments after t·f (1000 for AuraFlow, grad-tts)'),
      p('max_period', 'float', 10000, MAX_PERIOD_DOC, { min: Number.MIN_VALUE }),
    ],
    inputTransforms: ['discrete', 'unit-times-1000'],
  },
  {
    id: 'diffusers-flax',
    label: 'diffusers Flax get_sinusoidal_embeddings / FlaxTimesteps',
    family: 'sinusoidal',
    usedBy: 'diffusers Flax UNet2DConditionModel (flip_sin_to_cos=True, freq_shift=0); removed from diffusers in 2026',
    source: 'huggingface/diffusers:src/diffusers/models/embeddings_flax.py',
    upstreamName: 'get_sinusoidal_embeddings',
    params: [
      p('embedding_dim', 'int', 320, 'output width; must be even (upstream asserts)', { min: 2, isWidth: true }),
      p('freq_shift', 'float', 1, 'shift in ln(max/min)/(h - freq_shift)'),
      p('min_timescale', 'float', 1, 'smallest timescale (largest frequency)', { min: Number.MIN_VALUE }),
      p('max_timescale', 'float', 10000, 'largest timescale', { min: Number.MIN_VALUE }),
      p('flip_sin_to_cos', 'bool', false, 'True gives cos|sin'),
      p('scale', 'float', 1, 'multiplies t·f'),
    ],
    inputTransforms: ['discrete'],
  },
  {
    id: 'adm',
    label: 'ADM timestep_embedding (guided/improved-diffusion, LDM/SD, SGM, DiT, PixArt, SD3)',
    family: 'sinusoidal',
    usedBy:
      'guided-diffusion, improved-diffusion (t·1000/T), LDM / SD 1.x/2.x (320), SGM / SDXL, DiT (256), PixArt-α/Σ, SD3/3.5 (1000·σ), EDM DhariwalUNet',
    source: 'openai/guided-diffusion:guided_diffusion/nn.py:103',
    upstreamName: 'timestep_embedding',
    params: [
      p('dim', 'int', 320, 'output width (model_channels); dim=1 would give an empty embedding upstream', { min: 2, isWidth: true }),
      p('max_period', 'float', 10000, MAX_PERIOD_DOC, { min: Number.MIN_VALUE }),
      p('repeat_only', 'bool', false, 'LDM/SGM only: return t repeated dim times instead of sinusoids'),
    ],
    inputTransforms: ['discrete', 'rescale-to-1000', 'unit-times-1000'],
  },
  {
    id: 'flux',
    label: 'FLUX timestep_embedding (time_factor)',
    family: 'sinusoidal',
    usedBy: 'FLUX.1 dev/schnell (timestep and, for dev, guidance), black-forest-labs/flux',
    source: 'black-forest-labs/flux:src/flux/modules/layers.py:28',
    upstreamName: 'timestep_embedding',
    params: [
      p('dim', 'int', 256, 'output width; dim=1 would give an empty embedding upstream', { min: 2, isWidth: true }),
      p('max_period', 'float', 10000, MAX_PERIOD_DOC, { min: Number.MIN_VALUE }),
      p('time_factor', 'float', 1000, 't is multiplied by this in its own dtype before .float()'),
    ],
    inputTransforms: ['unit'],
  },
  {
    id: 'ddpm-tf',
    label: 'DDPM (TF) get_timestep_embedding',
    family: 'sinusoidal',
    usedBy: 'Ho et al. DDPM (hojonathanho/diffusion), diffusers DDPM conversions',
    source: 'hojonathanho/diffusion:diffusion_tf/nn.py',
    upstreamName: 'get_timestep_embedding',
    params: [p('embedding_dim', 'int', 128, 'output width (ch: 128 on CIFAR10)', { min: 2, isWidth: true })],
    inputTransforms: ['discrete'],
  },
  {
    id: 'score-sde',
    label: 'score_sde get_timestep_embedding',
    family: 'sinusoidal',
    usedBy: 'score_sde DDPM++ / NCSN++ positional (continuous VP feeds 999·t)',
    source: 'yang-song/score_sde:models/layers.py:450',
    upstreamName: 'get_timestep_embedding',
    params: [
      p('embedding_dim', 'int', 128, 'output width (nf)', { min: 2, isWidth: true }),
      p('max_positions', 'float', 10000, 'max_positions P', { min: Number.MIN_VALUE }),
    ],
    inputTransforms: ['unit-times-999', 'discrete'],
  },
  {
    id: 'fairseq',
    label: 'fairseq SinusoidalPositionalEmbedding.get_embedding',
    family: 'positional',
    usedBy: 'fairseq transformers (positions; row padding_idx is zero)',
    source: 'facebookresearch/fairseq:fairseq/modules/sinusoidal_positional_embedding.py',
    upstreamName: 'get_embedding',
    params: [
      p('embedding_dim', 'int', 512, 'output width', { min: 2, isWidth: true }),
      p('padding_idx', 'optional-int', null, 'table row set to zero (None: no row)', { min: 0 }),
    ],
    inputTransforms: ['discrete'],
  },
  {
    id: 'lucidrains',
    label: 'lucidrains SinusoidalPosEmb',
    family: 'sinusoidal',
    usedBy: 'lucidrains/denoising-diffusion-pytorch Unet (no odd padding: width 2·(dim//2))',
    source: 'lucidrains/denoising-diffusion-pytorch:denoising_diffusion_pytorch/denoising_diffusion_pytorch.py:114',
    upstreamName: 'SinusoidalPosEmb',
    params: [
      p('dim', 'int', 64, 'requested width; an odd dim gives dim-1 columns', { min: 2, isWidth: true }),
      p('theta', 'float', 10000, 'theta (max period)', { min: Number.MIN_VALUE }),
    ],
    inputTransforms: ['discrete'],
  },
  {
    id: 'lucidrains-random',
    label: 'lucidrains RandomOrLearnedSinusoidalPosEmb',
    family: 'random-fourier',
    usedBy: 'lucidrains Unet with random_fourier_features / learned_sinusoidal_cond (width dim+1: [t | sin | cos])',
    source: 'lucidrains/denoising-diffusion-pytorch:denoising_diffusion_pytorch/denoising_diffusion_pytorch.py:129',
    upstreamName: 'RandomOrLearnedSinusoidalPosEmb',
    params: [
      p('dim', 'int', 16, 'number of Fourier features; must be even (output is dim+1 wide)', { min: 2, isWidth: true }),
      p('is_random', 'bool', false, 'True freezes the weights (random features); False learns them'),
      p('weights', 'buffer', null, 'weights buffer [dim//2] from the checkpoint; absent: seeded N(0,1)'),
    ],
    inputTransforms: ['discrete'],
  },
  {
    id: 'tensor2tensor',
    label: 'tensor2tensor get_timing_signal_1d',
    family: 'positional',
    usedBy: 'tensor2tensor transformers (positions start_index..; D=2/3 guarded by max(h-1, 1))',
    source: 'tensorflow/tensor2tensor:tensor2tensor/layers/common_attention.py:408',
    upstreamName: 'get_timing_signal_1d',
    params: [
      p('channels', 'int', 512, 'output width', { min: 1, isWidth: true }),
      p('min_timescale', 'float', 1, 'smallest timescale', { min: Number.MIN_VALUE }),
      p('max_timescale', 'float', 10000, 'largest timescale', { min: Number.MIN_VALUE }),
      p('start_index', 'int', 0, 'added to every position'),
    ],
    inputTransforms: ['discrete'],
  },
  {
    id: 'transformer',
    label: 'Transformer (Vaswani et al.) interleaved sin/cos',
    family: 'positional',
    usedBy: 'Attention Is All You Need §3.5; diffusers SinusoidalPositionalEmbedding (sequence positions)',
    source: 'huggingface/diffusers:src/diffusers/models/embeddings.py:1360',
    upstreamName: 'SinusoidalPositionalEmbedding',
    params: [
      p('embed_dim', 'int', 512, 'output width; must be even (upstream raises a shape error)', {
        min: 2,
        isWidth: true,
      }),
      p('max_seq_length', 'int', 32, 'rows in the positional table; positions must be below it', {
        min: 1,
      }),
    ],
    inputTransforms: ['discrete'],
  },
  {
    id: 'gaussian-fourier',
    label: 'GaussianFourierProjection (diffusers, score_sde)',
    family: 'random-fourier',
    usedBy: 'score_sde NCSN++ (scale 16, fed ln σ), diffusers UNet2DModel "fourier" (log=True), UNet2DConditionModel fourier',
    source: 'huggingface/diffusers:src/diffusers/models/embeddings.py:1329',
    upstreamName: 'GaussianFourierProjection',
    params: [
      p('embedding_size', 'int', 256, 'number of random frequencies (output is 2·embedding_size wide)', {
        min: 1,
        isWidth: true,
      }),
      p('scale', 'float', 1, 'std of the random weight at init (16 in NCSN++ and UNet2DModel); used only when seeded'),
      p('log', 'bool', true, 'take ln of the input first (diffusers default; score_sde feeds ln σ itself)'),
      p('flip_sin_to_cos', 'bool', false, 'True gives cos|sin'),
      p('weight', 'buffer', null, 'weight [embedding_size] from the checkpoint; absent: seeded N(0,1)·scale'),
    ],
    inputTransforms: ['sigma', 'log-sigma'],
  },
  {
    id: 'edm-positional',
    label: 'EDM PositionalEmbedding (DhariwalUNet; SongUNet with swap)',
    family: 'sinusoidal',
    usedBy: 'EDM DhariwalUNet (endpoint=False), SongUNet DDPM++ (endpoint=True, halves swapped to sin|cos)',
    source: 'NVlabs/edm:training/networks.py:193',
    upstreamName: 'PositionalEmbedding',
    params: [
      p('num_channels', 'int', 128, 'output width 2·(num_channels//2)', { min: 2, isWidth: true }),
      p('max_positions', 'float', 10000, 'max_positions P', { min: Number.MIN_VALUE }),
      p('endpoint', 'bool', false, 'True: frequencies reach 1/P exactly (half-1 family)'),
      p('swap_halves', 'bool', false, 'SongUNet: swap the cos|sin halves to sin|cos'),
    ],
    inputTransforms: ['edm-vp', 'edm-ve', 'edm-edm', 'edm-iddpm', 'discrete'],
  },
  {
    id: 'edm-fourier',
    label: 'EDM FourierEmbedding (SongUNet NCSN++)',
    family: 'random-fourier',
    usedBy: 'EDM SongUNet NCSN++ (scale 16, halves swapped to sin|cos)',
    source: 'NVlabs/edm:training/networks.py:212',
    upstreamName: 'FourierEmbedding',
    params: [
      p('num_channels', 'int', 256, 'output width 2·(num_channels//2)', { min: 2, isWidth: true }),
      p('scale', 'float', 16, 'std of the random freqs at init (only used when freqs is seeded)'),
      p('swap_halves', 'bool', false, 'SongUNet: swap the cos|sin halves to sin|cos'),
      p('freqs', 'buffer', null, 'freqs buffer [num_channels//2] from the checkpoint; absent: seeded N(0,1)·scale'),
    ],
    inputTransforms: ['edm-ve', 'edm-edm', 'edm-vp', 'edm-iddpm'],
  },
  {
    id: 'k-diffusion',
    label: 'k-diffusion FourierFeatures',
    family: 'random-fourier',
    usedBy: 'k-diffusion image_v1, hourglass / image_transformer_v2 (fed c_noise = ln(σ)/4)',
    source: 'crowsonkb/k-diffusion:k_diffusion/layers.py:285',
    upstreamName: 'FourierFeatures',
    params: [
      p('in_features', 'int', 1, 'inputs per row (1 for c_noise)', { min: 1 }),
      p('out_features', 'int', 256, 'output width; must be even', { min: 2, isWidth: true }),
      p('std', 'float', 1, 'std of the random weight at init (only used when weight is seeded)'),
      p('weight', 'buffer', null, 'weight buffer [out_features//2, in_features], row-major; absent: seeded N(0,1)·std'),
    ],
    inputTransforms: ['edm-edm', 'log-sigma-quarter'],
  },
  {
    id: 'sgm-concat',
    label: 'SGM ConcatTimestepEmbedderND (SDXL micro-conditioning)',
    family: 'concat',
    usedBy: 'SDXL original size, crop, target size (base) and aesthetic score (refiner); diffusers add_time_proj',
    source: 'Stability-AI/generative-models:sgm/modules/encoders/modules.py:917',
    upstreamName: 'ConcatTimestepEmbedderND',
    params: [p('outdim', 'int', 256, 'width of each input column (output is columns·outdim)', { min: 2, isWidth: true })],
    inputTransforms: ['discrete'],
    rowInput: true,
  },
];

const PRESET_BY_ID = new Map<string, Preset>(PRESETS.map((preset) => [preset.id, preset]));

/** The preset with this id, or undefined for an unknown id. */
export function findPreset(id: string): Preset | undefined {
  return PRESET_BY_ID.get(id);
}

/** The preset with this id; throws for an unknown id (callers validate first). */
export function getPreset(id: PresetId): Preset {
  const preset = PRESET_BY_ID.get(id);
  if (!preset) throw new Error(`unknown preset '${id}'`);
  return preset;
}

/** The name of the parameter that sets the width (`embedding_dim`, `dim`, `num_channels`, ...). */
export function widthParamName(preset: Preset): string {
  const spec = preset.params.find((s) => s.isWidth);
  if (!spec) throw new Error(`preset ${preset.id} has no width parameter`);
  return spec.name;
}

/** The preset's defaults overlaid with the given params (unknown names are kept for validate() to report). */
export function withDefaults(preset: Preset, params: Params | undefined): Record<string, ParamValue> {
  const merged: Record<string, ParamValue> = {};
  for (const spec of preset.params) merged[spec.name] = spec.default;
  return { ...merged, ...(params ?? {}) };
}
