/**
 * Request validation and resolution. `validate` returns every problem with a message a person can act on;
 * `resolveRequest` turns a valid request into fully specified values (defaults applied, seeded buffers drawn,
 * timesteps as rows), which is what the reference, the GPU engine and the code generator all consume.
 */
import { findPreset, PRESETS, withDefaults, type ParamSpec, type Preset } from './presets';
import { seededNormal } from './seeded';
import type { EmbedRequest, ParamValue, Problem, PresetId, TimestepDtype } from './types';
import { ValidationError } from './types';

/** Largest width any preset accepts; far above real models (3072) but small enough to keep buffers sane. */
export const MAX_WIDTH = 65536;
/** Largest number of output values (rows × width) one request may produce: 64 Mi floats = 256 MB. */
export const MAX_OUTPUT_VALUES = 64 * 1024 * 1024;

const DTYPES: readonly TimestepDtype[] = ['float32', 'float16', 'bfloat16'];

/** Presets whose upstream code casts the timesteps with `.float()` (or promotes them), so a half input means something. */
const HALF_INPUT_PRESETS: ReadonlySet<PresetId> = new Set<PresetId>([
  'diffusers',
  'diffusers-flax',
  'adm',
  'flux',
  'ddpm-tf',
  'score-sde',
  'lucidrains',
  'lucidrains-random',
  'gaussian-fourier',
  'sgm-concat',
]);

/** Presets whose timesteps are rows of a positional table, so they must be non-negative integers. */
const TABLE_ROW_PRESETS: ReadonlySet<PresetId> = new Set<PresetId>(['fairseq', 'transformer']);

/** A request with everything filled in. */
export interface ResolvedRequest {
  readonly preset: Preset;
  /** Every parameter of the preset, defaults applied and buffers drawn. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Timesteps as rows; `columns` numbers per row (1 except sgm-concat and multi-input k-diffusion). */
  readonly rows: readonly (readonly number[])[];
  readonly columns: number;
  readonly dtype: TimestepDtype;
}

/** The random buffer of a preset: its name, its length for these params, and the std used to seed it. */
export interface BufferSpec {
  readonly name: string;
  readonly length: number;
  readonly std: number;
}

const num = (params: Readonly<Record<string, ParamValue>>, name: string): number => params[name] as number;

/** The buffer a random-feature preset needs, or undefined for deterministic presets. */
export function bufferSpec(presetId: PresetId, params: Readonly<Record<string, ParamValue>>): BufferSpec | undefined {
  switch (presetId) {
    case 'lucidrains-random':
      return { name: 'weights', length: Math.floor(num(params, 'dim') / 2), std: 1 };
    case 'gaussian-fourier':
      return { name: 'weight', length: num(params, 'embedding_size'), std: num(params, 'scale') };
    case 'edm-fourier':
      return { name: 'freqs', length: Math.floor(num(params, 'num_channels') / 2), std: num(params, 'scale') };
    case 'k-diffusion':
      return {
        name: 'weight',
        length: Math.floor(num(params, 'out_features') / 2) * num(params, 'in_features'),
        std: num(params, 'std'),
      };
    default:
      return undefined;
  }
}

/** Output width for resolved params and `columns` inputs per row. */
export function outputWidth(presetId: PresetId, params: Readonly<Record<string, ParamValue>>, columns = 1): number {
  const half = (name: string): number => Math.floor(num(params, name) / 2);
  switch (presetId) {
    case 'lucidrains':
      return 2 * half('dim');
    case 'lucidrains-random':
      return num(params, 'dim') + 1;
    case 'gaussian-fourier':
      return 2 * num(params, 'embedding_size');
    case 'edm-positional':
    case 'edm-fourier':
      return 2 * half('num_channels');
    case 'k-diffusion':
      return 2 * half('out_features');
    case 'sgm-concat':
      return columns * num(params, 'outdim');
    case 'diffusers':
    case 'diffusers-flax':
    case 'ddpm-tf':
    case 'score-sde':
    case 'fairseq':
      return num(params, 'embedding_dim');
    case 'adm':
    case 'flux':
      return num(params, 'dim');
    case 'tensor2tensor':
      return num(params, 'channels');
    case 'transformer':
      return num(params, 'embed_dim');
  }
}

function checkParamType(spec: ParamSpec, value: ParamValue, presetId: string): string | undefined {
  const name = spec.name;
  switch (spec.kind) {
    case 'bool':
      return typeof value === 'boolean' ? undefined : `${name} must be true or false (got ${show(value)})`;
    case 'buffer':
      if (value === null) return undefined;
      if (!Array.isArray(value)) return `${name} must be a list of numbers (the checkpoint buffer) or absent`;
      return value.every((v) => typeof v === 'number' && Number.isFinite(v))
        ? undefined
        : `${name} must contain only finite numbers`;
    case 'optional-int':
    case 'int':
      if (spec.kind === 'optional-int' && value === null) return undefined;
      if (typeof value !== 'number' || !Number.isInteger(value)) return `${name} must be an integer (got ${show(value)})`;
      break;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a finite number (got ${show(value)})`;
      break;
  }
  if (spec.min !== undefined && (value as number) < spec.min) {
    const bound = spec.min === Number.MIN_VALUE ? 'positive' : `at least ${spec.min}`;
    return `${name} must be ${bound} for ${presetId} (got ${show(value)})`;
  }
  if (spec.isWidth && (value as number) > MAX_WIDTH) return `${name} must be at most ${MAX_WIDTH} (got ${show(value)})`;
  return undefined;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** Preset-specific rules that upstream enforces by raising (or by dividing by zero). */
function checkPresetRules(presetId: PresetId, params: Readonly<Record<string, ParamValue>>): Problem[] {
  const problems: Problem[] = [];
  const add = (param: string, message: string): void => void problems.push({ param, message });
  const even = (name: string, why: string): void => {
    if (num(params, name) % 2 !== 0) add(name, `${name} must be even for the ${presetId} convention: ${why}`);
  };
  const halfMinusOne = (name: string): void => {
    if (Math.floor(num(params, name) / 2) - 1 === 0)
      add(name, `${name} must be at least 4 for ${presetId}: upstream divides by half_dim - 1, which is 0 here (ZeroDivisionError)`);
  };
  switch (presetId) {
    case 'diffusers-flax':
      even('embedding_dim', 'upstream asserts it');
      if (Math.floor(num(params, 'embedding_dim') / 2) - num(params, 'freq_shift') === 0)
        add('freq_shift', 'freq_shift equals embedding_dim // 2: upstream divides by zero (ZeroDivisionError); lower freq_shift or widen');
      break;
    case 'ddpm-tf':
    case 'fairseq':
    case 'score-sde':
      halfMinusOne('embedding_dim');
      break;
    case 'lucidrains':
      halfMinusOne('dim');
      break;
    case 'lucidrains-random':
      even('dim', 'upstream asserts dim % 2 == 0');
      break;
    case 'transformer':
      even('embed_dim', 'upstream raises a shape error');
      break;
    case 'k-diffusion':
      even('out_features', 'upstream asserts out_features % 2 == 0');
      break;
    default:
      break;
  }
  const buffer = problems.length === 0 ? bufferSpec(presetId, params) : undefined;
  const given = buffer ? params[buffer.name] : null;
  if (buffer && Array.isArray(given) && given.length !== buffer.length)
    add(buffer.name, `${buffer.name} must have ${buffer.length} values for these settings (got ${given.length})`);
  return problems;
}

/** Timesteps as rows, or a problem. Flat lists become one-column rows. */
function normalizeTimesteps(
  preset: Preset,
  timesteps: unknown,
  params: Readonly<Record<string, ParamValue>>,
): { rows: number[][]; columns: number } | Problem {
  const problem = (message: string): Problem => ({ param: 'timesteps', message });
  if (!Array.isArray(timesteps) || timesteps.length === 0)
    return problem('timesteps must be a non-empty list of numbers');
  const nested = timesteps.some((v) => Array.isArray(v));
  const expectedColumns = preset.id === 'k-diffusion' ? num(params, 'in_features') : undefined;
  const acceptsRows = preset.rowInput === true || preset.id === 'k-diffusion';
  if (nested && !acceptsRows)
    return problem(`timesteps must be a flat list of numbers for ${preset.id} (one per row), not a list of rows`);
  const rows: number[][] = nested
    ? (timesteps as unknown[]).map((row) => (Array.isArray(row) ? (row as number[]) : [row as number]))
    : (timesteps as number[]).map((t) => [t]);
  const columns = rows[0]!.length;
  if (columns === 0) return problem('each timesteps row must hold at least one number');
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.length !== columns)
      return problem(`every timesteps row must have the same length: row 0 has ${columns}, row ${r} has ${row.length}`);
    for (const value of row)
      if (typeof value !== 'number' || !Number.isFinite(value))
        return problem(`timesteps must be finite numbers (row ${r} holds ${show(value)})`);
  }
  if (expectedColumns !== undefined && !(expectedColumns === 1 && columns === 1) && columns !== expectedColumns)
    return problem(`k-diffusion with in_features=${expectedColumns} needs rows of ${expectedColumns} numbers (got ${columns})`);
  if (TABLE_ROW_PRESETS.has(preset.id)) {
    const bad = rows.findIndex((row) => !Number.isInteger(row[0]) || row[0]! < 0);
    if (bad >= 0)
      return problem(`${preset.id} reads rows of a positional table: timesteps must be integers ≥ 0 (got ${rows[bad]![0]})`);
  }
  if (preset.id === 'tensor2tensor') {
    const bad = rows.findIndex((row) => !Number.isInteger(row[0]));
    if (bad >= 0) return problem(`tensor2tensor positions are integers (got ${rows[bad]![0]})`);
  }
  if (preset.id === 'transformer') {
    const limit = num(params, 'max_seq_length');
    const largest = Math.max(...rows.map((row) => row[0]!));
    if (largest >= limit)
      return problem(
        `timestep ${largest} is outside the positional table: max_seq_length is ${limit}; raise max_seq_length to at least ${largest + 1}`,
      );
  }
  return { rows, columns };
}

/** Every problem with a request; an empty list means `embed` will run. Never throws. */
export function validate(request: unknown): Problem[] {
  if (typeof request !== 'object' || request === null) return [{ param: 'preset', message: 'the request must be an object { preset, timesteps, params?, dtype? }' }];
  const req = request as Partial<EmbedRequest>;
  const preset = typeof req.preset === 'string' ? findPreset(req.preset) : undefined;
  if (!preset) return [{ param: 'preset', message: `unknown preset ${show(req.preset)}; known presets: ${knownIds()}` }];
  const problems: Problem[] = [];
  const rawParams: unknown = req.params ?? {};
  if (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams))
    return [{ param: 'params', message: 'params must be an object of upstream parameter names' }];
  const known = new Set(preset.params.map((s) => s.name));
  for (const name of Object.keys(rawParams))
    if (!known.has(name))
      problems.push({ param: name, message: `${preset.id} has no parameter '${name}'; its parameters are ${[...known].join(', ')}` });
  const params = withDefaults(preset, rawParams as Record<string, ParamValue>);
  for (const spec of preset.params) {
    const message = checkParamType(spec, params[spec.name] ?? null, preset.id);
    if (message) problems.push({ param: spec.name, message });
  }
  if (problems.length > 0) return problems;
  problems.push(...checkPresetRules(preset.id, params));
  const dtype = req.dtype ?? 'float32';
  if (!DTYPES.includes(dtype)) problems.push({ param: 'dtype', message: `dtype must be one of ${DTYPES.join(', ')} (got ${show(dtype)})` });
  else if (dtype !== 'float32' && !HALF_INPUT_PRESETS.has(preset.id))
    problems.push({
      param: 'dtype',
      message: `${preset.id} takes float32 timesteps: upstream would compute the sinusoids in ${dtype} or reject the input; use dtype float32`,
    });
  if (problems.length > 0) return problems;
  const normalized = normalizeTimesteps(preset, req.timesteps, params);
  if ('message' in normalized) return [normalized];
  const values = normalized.rows.length * outputWidth(preset.id, params, normalized.columns);
  if (values > MAX_OUTPUT_VALUES)
    problems.push({
      param: 'timesteps',
      message: `${normalized.rows.length} timesteps × width would be ${values} values, over the limit of ${MAX_OUTPUT_VALUES}; request fewer timesteps or a narrower width`,
    });
  return problems;
}

function knownIds(): string {
  return PRESETS.map((preset) => preset.id).join(', ');
}

/** Validate, then fill in defaults, draw seeded buffers and normalise timesteps. Throws ValidationError. */
export function resolveRequest(request: EmbedRequest): ResolvedRequest {
  const problems = validate(request);
  if (problems.length > 0) throw new ValidationError(problems);
  const preset = findPreset(request.preset)!;
  const params = withDefaults(preset, request.params);
  const buffer = bufferSpec(preset.id, params);
  if (buffer && params[buffer.name] === null) params[buffer.name] = seededNormal(buffer.length, buffer.std);
  const { rows, columns } = normalizeTimesteps(preset, request.timesteps, params) as { rows: number[][]; columns: number };
  return { preset, params, rows, columns, dtype: request.dtype ?? 'float32' };
}
