/**
 * The per-preset description the emitter walks: which upstream parameters the generated function takes (names and
 * request values as defaults), the random buffer it embeds, how the docstring describes the layout and frequency
 * family, and the upstream class and checkpoint names of the module forms (CONVENTIONS.md §3). The operations
 * themselves are in emitter.ts, one case per preset, in the op order of plan.ts.
 */
import type { ResolvedRequest } from '../params';
import { bufferSpec, outputWidth } from '../params';
import type { Preset } from '../presets';
import type { PresetId, TimestepDtype } from '../types';
import type { Activation } from './types';

/** One keyword parameter of the generated function (or module constructor). */
export interface RecipeParam {
  /** Upstream name. */
  readonly name: string;
  readonly kind: 'int' | 'float' | 'bool' | 'optional-int';
  /** The request's value. */
  readonly value: number | boolean | null;
  /** The width parameter gets tab stop 2. */
  readonly isWidth: boolean;
}

/** The random-feature buffer a preset embeds (checkpoint name, values, shape). */
export interface RecipeBuffer {
  /** Upstream attribute / state-dict name: `weight`, `freqs`, `weights`. */
  readonly name: string;
  /** Module-level constant holding the values. */
  readonly constName: string;
  readonly values: readonly number[];
  /** [length] or [rows, columns] (k-diffusion's [out//2, in]). */
  readonly shape: readonly number[];
  /** Upstream registers it as a buffer (EDM, k-diffusion) rather than a Parameter. */
  readonly isBuffer: boolean;
}

/** How the upstream model names the MLP that follows the embedding. */
export interface MlpLayout {
  readonly className: string;
  /** Attribute holding the embedding module; undefined when it sits inside the Sequential (lucidrains). */
  readonly embedderAttr: string | undefined;
  /**
   * linears: two Linear attributes and an activation attribute; sequential: nn.Sequential(Linear, act, Linear);
   * modulelist: nn.ModuleList([Linear, Linear]) with the activation applied in forward; projection: one bias-free
   * Linear (k-diffusion image_transformer_v2).
   */
  readonly kind: 'linears' | 'sequential' | 'modulelist' | 'projection';
  /** linears: first Linear; sequential/modulelist: the container; projection: the Linear. */
  readonly first: string;
  /** linears: second Linear; otherwise unused. */
  readonly second: string;
  /** Activation attribute (linears, modulelist). */
  readonly actAttr: string;
  /** SDXL's label_emb is Sequential(Sequential(...)). */
  readonly nested: boolean;
  /** The embedding module is element 0 of the Sequential (lucidrains time_mlp). */
  readonly embedderInside: boolean;
  /** Default hidden width. */
  readonly hidden: number;
  /** Upstream activation; undefined for the single projection. */
  readonly activation: Activation | undefined;
  /** Where these tensors live in upstream checkpoints. */
  readonly upstreamNote: readonly string[];
}

/** Everything the emitter and the dialects need to know about one request. */
export interface Recipe {
  readonly preset: Preset;
  readonly request: ResolvedRequest;
  readonly id: PresetId;
  readonly dtype: TimestepDtype;
  /** Keyword parameters of the function, in upstream order. */
  readonly params: readonly RecipeParam[];
  /** Keyword parameters of the module constructor (may rename or add to the function's). */
  readonly moduleParams: readonly RecipeParam[];
  readonly buffer: RecipeBuffer | undefined;
  /** Output width of the request. */
  readonly width: number;
  /** e.g. "cos|sin, half family". */
  readonly layoutText: string;
  /** Default class name of the module form. */
  readonly moduleName: string;
  readonly mlp: MlpLayout;
  /** Shape of the input in docstrings. */
  readonly inputShape: string;
}

const num = (req: ResolvedRequest, name: string): number => req.params[name] as number;
const bool = (req: ResolvedRequest, name: string): boolean => req.params[name] as boolean;

/** Parameters that only seed or size the random buffer; the embedded values fix them, so the code omits them. */
const INIT_ONLY: Partial<Record<PresetId, readonly string[]>> = {
  'gaussian-fourier': ['embedding_size', 'scale'],
  'edm-fourier': ['num_channels', 'scale'],
  'k-diffusion': ['in_features', 'out_features', 'std'],
  'lucidrains-random': ['dim', 'is_random'],
  transformer: ['max_seq_length'],
};

function familyText(req: ResolvedRequest): string {
  const shift = (s: number): string => (s === 0 ? 'half family' : s === 1 ? 'half-1 family' : `half-shift family (s=${s})`);
  switch (req.preset.id) {
    case 'diffusers':
      return shift(num(req, 'downscale_freq_shift'));
    case 'diffusers-flax':
      return shift(num(req, 'freq_shift'));
    case 'adm':
    case 'flux':
    case 'sgm-concat':
    case 'transformer':
      return 'half family';
    case 'edm-positional':
      return bool(req, 'endpoint') ? 'half-1 family' : 'half family';
    case 'gaussian-fourier':
    case 'edm-fourier':
    case 'k-diffusion':
    case 'lucidrains-random':
      return 'random Fourier features';
    default:
      return 'half-1 family';
  }
}

function layoutText(req: ResolvedRequest): string {
  const id = req.preset.id;
  const flip = (name: string): string => (bool(req, name) ? 'cos|sin' : 'sin|cos');
  let layout: string;
  switch (id) {
    case 'diffusers':
    case 'diffusers-flax':
    case 'gaussian-fourier':
      layout = flip('flip_sin_to_cos');
      break;
    case 'adm':
      layout = bool(req, 'repeat_only') ? 't repeated (repeat_only)' : 'cos|sin';
      break;
    case 'edm-positional':
    case 'edm-fourier':
      layout = bool(req, 'swap_halves') ? 'sin|cos (halves swapped)' : 'cos|sin';
      break;
    case 'flux':
    case 'k-diffusion':
    case 'sgm-concat':
      layout = 'cos|sin';
      break;
    case 'transformer':
      layout = 'interleaved sin/cos';
      break;
    case 'lucidrains-random':
      layout = '[t | sin | cos]';
      break;
    default:
      layout = 'sin|cos';
  }
  return `${layout}, ${familyText(req)}`;
}

const MODULE_NAMES: Record<PresetId, string> = {
  diffusers: 'Timesteps',
  'diffusers-flax': 'FlaxTimesteps',
  adm: 'Timestep',
  flux: 'Timestep',
  'ddpm-tf': 'Timestep',
  'score-sde': 'Timestep',
  fairseq: 'SinusoidalPositionalEmbedding',
  lucidrains: 'SinusoidalPosEmb',
  'lucidrains-random': 'RandomOrLearnedSinusoidalPosEmb',
  tensor2tensor: 'TimingSignal',
  transformer: 'SinusoidalPositionalEmbedding',
  'gaussian-fourier': 'GaussianFourierProjection',
  'edm-positional': 'PositionalEmbedding',
  'edm-fourier': 'FourierEmbedding',
  'k-diffusion': 'FourierFeatures',
  'sgm-concat': 'ConcatTimestepEmbedderND',
};

function linears(
  className: string,
  first: string,
  second: string,
  actAttr: string,
  hidden: number,
  upstreamNote: readonly string[],
  embedderAttr = 'time_proj',
): MlpLayout {
  return {
    className,
    embedderAttr,
    kind: 'linears',
    first,
    second,
    actAttr,
    nested: false,
    embedderInside: false,
    hidden,
    activation: 'silu',
    upstreamNote,
  };
}

function mlpLayout(req: ResolvedRequest, width: number): MlpLayout {
  const id = req.preset.id;
  const diffusersNote = [
    'diffusers UNets: time_embedding.linear_1.* / time_embedding.linear_2.*;',
    'original SD/LDM checkpoints: model.diffusion_model.time_embed.0.* / time_embed.2.*.',
  ];
  const noMlpNote = [
    'Upstream has no MLP here; the names follow diffusers TimestepEmbedding.',
  ];
  switch (id) {
    case 'diffusers':
    case 'diffusers-flax':
      return linears('TimestepEmbedding', 'linear_1', 'linear_2', 'act', 4 * width, diffusersNote);
    case 'gaussian-fourier':
      return linears('TimestepEmbedding', 'linear_1', 'linear_2', 'act', 4 * width, [
        'diffusers UNet2DModel (fourier): time_proj.weight, time_embedding.linear_1.* / linear_2.*;',
        'score_sde NCSN++: all_modules.0.W (the weight), all_modules.1.* / all_modules.2.*.',
      ]);
    case 'fairseq':
    case 'tensor2tensor':
    case 'transformer':
      return linears('TimestepEmbedding', 'linear_1', 'linear_2', 'act', 4 * width, noMlpNote);
    case 'flux':
      return linears('MLPEmbedder', 'in_layer', 'out_layer', 'silu', 3072, [
        'FLUX.1: time_in.in_layer.* / time_in.out_layer.* (and guidance_in.* for dev), hidden 3072;',
        'diffusers: time_text_embed.timestep_embedder.linear_1.* / linear_2.*.',
      ]);
    case 'edm-positional':
    case 'edm-fourier':
      return {
        ...linears('NoiseEmbedding', 'map_layer0', 'map_layer1', 'act', 4 * width, [
          'EDM SongUNet / DhariwalUNet (under the Precond module, model.): map_noise.*, map_layer0.*,',
          'map_layer1.*; emb = 4 * model_channels. Upstream also applies silu after map_layer1.',
        ]),
        embedderAttr: 'map_noise',
      };
    case 'adm':
    case 'sgm-concat': {
      const dit = id === 'adm' && width === 256;
      const sgm = id === 'sgm-concat';
      const note = sgm
        ? [
            "SDXL: model.diffusion_model.label_emb.0.0.* / label_emb.0.2.*. SDXL's label_emb.0.0 takes",
            'adm_in_channels = 1280 pooled text + 6 * 256 (2816): concatenate the pooled embedding first.',
          ]
        : dit
          ? [
              'DiT: t_embedder.mlp.0.* / t_embedder.mlp.2.* (hidden 1152 for XL); SD3 mmditx and PixArt:',
              't_embedder.mlp.*; diffusers: ...timestep_embedder.linear_1.* / linear_2.*.',
            ]
          : [
              'ADM / LDM / SD: (model.diffusion_model.)time_embed.0.* / time_embed.2.*;',
              'diffusers: time_embedding.linear_1.* / linear_2.*.',
            ];
      return {
        className: sgm ? 'LabelEmbedding' : dit ? 'TimestepEmbedder' : 'TimeEmbed',
        embedderAttr: sgm ? 'embedder' : 'time_proj',
        kind: 'sequential',
        first: sgm ? 'label_emb' : dit ? 'mlp' : 'time_embed',
        second: '',
        actAttr: '',
        nested: sgm,
        embedderInside: false,
        hidden: dit ? 1152 : 4 * width,
        activation: 'silu',
        upstreamNote: note,
      };
    }
    case 'ddpm-tf':
    case 'score-sde': {
      const ddpm = id === 'ddpm-tf';
      return {
        className: 'TimeEmbedding',
        embedderAttr: 'time_proj',
        kind: 'modulelist',
        first: ddpm ? 'dense' : 'all_modules',
        second: '',
        actAttr: 'act',
        nested: false,
        embedderInside: false,
        hidden: 4 * width,
        activation: 'silu',
        upstreamNote: ddpm
          ? [
              'DDPM (TF): temb/dense0/W, temb/dense1/W are [in, out]: transpose them; the torch port and',
              "diffusers' converter call them temb.dense.0.* / temb.dense.1.*.",
            ]
          : ['score_sde DDPM++ (pytorch): all_modules.0.* / all_modules.1.* (Dense(4nf) twice).'],
      };
    }
    case 'lucidrains':
    case 'lucidrains-random':
      return {
        className: 'TimeMLP',
        embedderAttr: undefined,
        kind: 'sequential',
        first: 'time_mlp',
        second: '',
        actAttr: '',
        nested: false,
        embedderInside: true,
        hidden: 4 * width,
        activation: 'gelu',
        upstreamNote: ['lucidrains Unet: time_mlp.0.* (random/learned weights), time_mlp.1.*, time_mlp.3.*.'],
      };
    case 'k-diffusion':
      return {
        className: 'TimeEmbedding',
        embedderAttr: 'time_emb',
        kind: 'projection',
        first: 'time_in_proj',
        second: '',
        actAttr: '',
        nested: false,
        embedderInside: false,
        hidden: width,
        activation: undefined,
        upstreamNote: [
          'k-diffusion image_transformer_v2: time_emb.weight, time_in_proj.weight (bias-free); its',
          'MappingNetwork (mapping.*) follows. image_v1 names the buffer timestep_embed.weight.',
        ],
      };
  }
}

function bufferFor(req: ResolvedRequest): RecipeBuffer | undefined {
  const spec = bufferSpec(req.preset.id, req.params);
  if (!spec) return undefined;
  const values = req.params[spec.name] as readonly number[];
  const id = req.preset.id;
  const shape = id === 'k-diffusion' ? [spec.length / num(req, 'in_features'), num(req, 'in_features')] : [spec.length];
  return {
    name: spec.name,
    constName: spec.name.toUpperCase(),
    values,
    shape,
    isBuffer: id === 'edm-fourier' || id === 'k-diffusion',
  };
}

/** The recipe for a resolved request. */
export function recipeFor(req: ResolvedRequest): Recipe {
  const preset = req.preset;
  const omit = new Set(INIT_ONLY[preset.id] ?? []);
  const params: RecipeParam[] = preset.params
    .filter((spec) => spec.kind !== 'buffer' && !omit.has(spec.name))
    .map((spec) => ({
      name: spec.name,
      kind: spec.kind as RecipeParam['kind'],
      value: req.params[spec.name] as number | boolean | null,
      isWidth: spec.isWidth === true,
    }));
  let moduleParams: RecipeParam[] = params;
  if (preset.id === 'diffusers')
    moduleParams = params.map((p) => (p.name === 'embedding_dim' ? { ...p, name: 'num_channels' } : p));
  if (preset.id === 'lucidrains-random')
    moduleParams = [{ name: 'is_random', kind: 'bool', value: bool(req, 'is_random'), isWidth: false }];
  if (preset.id === 'transformer')
    moduleParams = [
      ...params,
      { name: 'max_seq_length', kind: 'int', value: num(req, 'max_seq_length'), isWidth: false },
    ];
  const width = outputWidth(preset.id, req.params, req.columns);
  const inputShape =
    preset.id === 'sgm-concat'
      ? `[b, ${req.columns}]`
      : preset.id === 'k-diffusion'
        ? `[n, ${num(req, 'in_features')}] or [n] (c_noise)`
        : preset.id === 'fairseq' || preset.id === 'transformer' || preset.id === 'tensor2tensor'
          ? '[n] integer positions'
          : '[n]';
  return {
    preset,
    request: req,
    id: preset.id,
    dtype: req.dtype,
    params,
    moduleParams,
    buffer: bufferFor(req),
    width,
    layoutText: layoutText(req),
    moduleName: MODULE_NAMES[preset.id],
    mlp: mlpLayout(req, width),
    inputShape,
  };
}
