/**
 * The one Python emitter: walks a preset's recipe and writes the embedding function with a dialect's spelling, in the
 * op order of plan.ts (which mirrors upstream). Every float32 rounding plan.ts models happens here in the same place:
 * Python scalars stay Python scalars exactly where upstream's do, so each framework rounds them to float32 when they
 * meet a float32 array, as torch does.
 */
import type { Dialect, FloatDtype } from './dialect';
import type { Stmt } from './python';
import { block, docstring, pyNumber, stop } from './python';
import type { Recipe, RecipeParam } from './recipe';

const T = 'timesteps';

/** Parameters upstream declares with a float literal default (`time_factor: float = 1000.0`); others print 10000. */
const FLOAT_LITERALS = new Set(['time_factor', 'min_timescale', 'max_timescale', 'std']);

/** Python default literal for a parameter value. */
function defaultLiteral(p: RecipeParam): string {
  if (p.value === null) return 'None';
  if (typeof p.value === 'boolean') return p.value ? 'True' : 'False';
  const asInt = p.kind === 'int' || (Number.isInteger(p.value) && !FLOAT_LITERALS.has(p.name) && Math.abs(p.value) < 1e16);
  return pyNumber(p.value, asInt ? 'int' : 'float');
}

function typeHint(p: RecipeParam): string {
  return p.kind === 'optional-int' ? 'int | None' : p.kind;
}

/** `name: hint = default` for each parameter; the width default carries tab stop 2. */
export function paramList(params: readonly RecipeParam[]): string[] {
  return params.map((p) => {
    const value = defaultLiteral(p);
    return `${p.name}: ${typeHint(p)} = ${p.isWidth ? stop(2, value) : value}`;
  });
}

/** The function's docstring lines. */
function functionDoc(r: Recipe, d: Dialect): string {
  const rest = [`${r.preset.label}.`, `Reproduces ${r.preset.source} op for op in float32.`];
  if (r.buffer)
    rest.push(
      `${r.buffer.name} [${r.buffer.shape.join(', ')}] defaults to the request's values; pass the checkpoint's.`,
    );
  if (r.id === 'adm' || r.id === 'sgm-concat' || r.id === 'diffusers' || r.id === 'flux')
    if (r.dtype === 'float32') rest.push('timesteps may be int or float; they are cast to float32 like upstream.');
  if (r.dtype !== 'float32') rest.push(...dtypeDoc(r, d));
  if (r.id === 'tensor2tensor')
    rest.push('Upstream takes a length and returns [1, length, channels]; this takes the positions.');
  if (r.id === 'transformer')
    rest.push('Upstream precomputes these rows as the pe buffer [1, max_seq_length, embed_dim].');
  if (r.id === 'fairseq') rest.push('Rows equal to padding_idx are zero, as in the upstream table.');
  const rows = r.id === 'sgm-concat' ? 'b' : 'n';
  return docstring(`Timestep embedding, ${r.layoutText}: ${r.inputShape} -> [${rows}, ${r.width}].`, rest);
}

function dtypeDoc(r: Recipe, d: Dialect): string[] {
  const what =
    r.id === 'flux'
      ? ['time_factor * t runs in that dtype and the output is cast back, as upstream.']
      : r.id === 'gaussian-fourier' && r.request.params['log'] === true
        ? ['ln t runs in that dtype, as upstream.']
        : ['t is rounded to that dtype before the float32 math, as upstream sees it.'];
  if (d.dynamicDtype) return [`Pass timesteps in ${r.dtype} (the model's dtype):`, ...what];
  if (d.framework === 'numpy' && r.dtype === 'bfloat16')
    return ['NumPy has no bfloat16: values are rounded to bfloat16 precision in float32;', ...what];
  return [`timesteps are converted to ${r.dtype}:`, ...what];
}

/** Statements computing ADM-order frequencies `freqs` for `half` and `maxPeriod` (a Python expression). */
function admFreqs(d: Dialect, half: string, maxPeriod: string): Stmt[] {
  return [`freqs = ${d.arange(half)}`, `freqs = ${d.call('exp', `-math.log(${maxPeriod}) * freqs / ${half}`)}`];
}

/** `x = concat([a(x), b(x)])` for a layout order. */
function sinCos(d: Dialect, out: string, x: string, order: 'sin-cos' | 'cos-sin'): string {
  const s = d.call('sin', x);
  const c = d.call('cos', x);
  return `${out} = ${d.concat(order === 'sin-cos' ? [s, c] : [c, s])}`;
}

/** Swap the two halves of width `half` (diffusers flip_sin_to_cos, SongUNet's swap). */
function swapHalves(d: Dialect, x: string, half: string): string {
  return `${x} = ${d.concat([`${x}[:, ${half}:]`, `${x}[:, :${half}]`])}`;
}

/** The function body for a recipe, after the docstring. */
export function functionBody(r: Recipe, d: Dialect): Stmt[] {
  const dtype = r.dtype as FloatDtype;
  const half16 = dtype !== 'float32';
  const f32 = (x: string): string => d.cast(x, 'float32');
  const body: Stmt[] = half16 && !d.dynamicDtype ? [...d.inputCast(T, dtype)] : [];
  const push = (...s: Stmt[]): void => void body.push(...s);
  switch (r.id) {
    case 'diffusers':
      push(
        'half_dim = embedding_dim // 2',
        `exponent = ${d.arange('half_dim')}`,
        'exponent = -math.log(max_period) * exponent',
        'exponent = exponent / (half_dim - downscale_freq_shift)',
        `emb = ${d.call('exp', 'exponent')}`,
        `emb = ${f32(`${T}[:, None]`)} * emb[None, :]`,
        '# scale multiplies after t * f, as upstream (AuraFlow: 1000)',
        'emb = scale * emb',
        sinCos(d, 'emb', 'emb', 'sin-cos'),
        block('if flip_sin_to_cos:', [swapHalves(d, 'emb', 'half_dim')]),
        block('if embedding_dim % 2 == 1:', [`emb = ${d.padColumn('emb')}`]),
        'return emb',
      );
      break;
    case 'diffusers-flax':
      push(
        'num_timescales = embedding_dim // 2',
        '# a Python double, as upstream',
        'log_timescale_increment = math.log(max_timescale / min_timescale)',
        'log_timescale_increment = log_timescale_increment / (num_timescales - freq_shift)',
        `inv_timescales = ${d.arange('num_timescales')}`,
        `inv_timescales = ${d.call('exp', 'inv_timescales * -log_timescale_increment')}`,
        'inv_timescales = min_timescale * inv_timescales',
        `emb = ${f32(`${T}[:, None]`)} * inv_timescales[None, :]`,
        'scaled_time = scale * emb',
        block('if flip_sin_to_cos:', [sinCos(d, 'signal', 'scaled_time', 'cos-sin')]),
        block('else:', [sinCos(d, 'signal', 'scaled_time', 'sin-cos')]),
        'return signal',
      );
      break;
    case 'adm':
    case 'flux': {
      const flux = r.id === 'flux';
      const t = flux ? 't' : T;
      if (flux) {
        if (d.dynamicDtype) push('# time_factor * t runs in t\'s dtype (bfloat16: 0.75 * 1000 -> 752)', `t = time_factor * ${T}`);
        else if (half16)
          push(`# time_factor * t runs in t's dtype, as upstream (bfloat16: 0.75 * 1000 -> 752)`, `t = ${d.roundTo(`time_factor * ${f32(T)}`, dtype)}`);
        else push(`t = time_factor * ${f32(T)}`);
      } else
        push(
          block('if repeat_only:', [
            '# upstream: einops repeat(timesteps, "b -> b d", d=dim), here as float32',
            `return ${d.repeatColumns(f32(`${T}[:, None]`), 'dim')}`,
          ]),
        );
      push(
        'half = dim // 2',
        ...admFreqs(d, 'half', 'max_period'),
        `args = ${f32(`${t}[:, None]`)} * freqs[None]`,
        sinCos(d, 'embedding', 'args', 'cos-sin'),
        block('if dim % 2:', [`embedding = ${d.padColumn('embedding')}`]),
      );
      if (flux && d.dynamicDtype) push(block('if torch.is_floating_point(t):', ['embedding = embedding.to(t)']));
      else if (flux && half16) push(`embedding = ${d.roundTo('embedding', dtype)}`);
      push('return embedding');
      break;
    }
    case 'sgm-concat':
      push(
        block(`if ${T}.ndim == 1:`, [`${T} = ${T}[:, None]`]),
        `b = ${T}.shape[0]`,
        '# "b d -> (b d)": every scalar gets its own ADM embedding',
        `x = ${d.reshape(T, ['-1'])}`,
        'half = outdim // 2',
        ...admFreqs(d, 'half', '10000'),
        `args = ${f32('x[:, None]')} * freqs[None]`,
        sinCos(d, 'emb', 'args', 'cos-sin'),
        block('if outdim % 2:', [`emb = ${d.padColumn('emb')}`]),
        '# "(b d) d2 -> b (d d2)"',
        `return ${d.reshape('emb', ['b', '-1'])}`,
      );
      break;
    case 'ddpm-tf':
    case 'score-sde':
    case 'fairseq':
    case 'lucidrains': {
      const width = r.id === 'lucidrains' ? 'dim' : 'embedding_dim';
      const period = r.id === 'score-sde' ? 'max_positions' : r.id === 'lucidrains' ? 'theta' : '10000';
      push(
        `half_dim = ${width} // 2`,
        '# a Python double, as upstream',
        `emb = math.log(${period}) / (half_dim - 1)`,
        `emb = ${d.call('exp', `${d.arange('half_dim')} * -emb`)}`,
        `emb = ${f32(`${T}[:, None]`)} * emb[None, :]`,
        sinCos(d, 'emb', 'emb', 'sin-cos'),
      );
      if (r.id === 'lucidrains') push('# no zero column for odd dim: upstream returns 2 * (dim // 2) columns');
      else push(block(`if ${width} % 2 == 1:`, [`emb = ${d.padColumn('emb')}`]));
      if (r.id === 'fairseq')
        push(block('if padding_idx is not None:', [`emb = ${d.zeroRows('emb', `(${T} == padding_idx)[:, None]`)}`]));
      push('return emb');
      break;
    }
    case 'tensor2tensor':
      push(
        `position = ${f32(`${T} + start_index`)}`,
        'num_timescales = channels // 2',
        'log_timescale_increment = math.log(float(max_timescale) / float(min_timescale))',
        '# float32 / float32, as upstream: ... / tf.maximum(tf.to_float(num_timescales) - 1, 1)',
        `log_timescale_increment = ${d.scalarF32('log_timescale_increment')}`,
        `divisor = ${d.scalarF32('max(num_timescales - 1, 1)')}`,
        'log_timescale_increment = log_timescale_increment / divisor',
        `inv_timescales = ${d.arange('num_timescales')}`,
        `inv_timescales = ${d.call('exp', 'inv_timescales * -log_timescale_increment')}`,
        'inv_timescales = min_timescale * inv_timescales',
        'scaled_time = position[:, None] * inv_timescales[None, :]',
        sinCos(d, 'signal', 'scaled_time', 'sin-cos'),
        block('if channels % 2:', [`signal = ${d.padColumn('signal')}`]),
        'return signal',
      );
      break;
    case 'transformer':
      push(
        `position = ${f32(`${T}[:, None]`)}`,
        `div_term = ${d.arange('embed_dim', '0', '2')}`,
        `div_term = ${d.call('exp', 'div_term * (-math.log(10000.0) / embed_dim)')}`,
        'args = position * div_term[None, :]',
        '# interleaved: pe[:, 0::2] = sin, pe[:, 1::2] = cos',
        `pe = ${d.stack([d.call('sin', 'args'), d.call('cos', 'args')])}`,
        `return ${d.reshape('pe', ['-1', 'embed_dim'])}`,
      );
      break;
    case 'gaussian-fourier': {
      const ln = half16 ? d.roundTo(d.call('log', f32(T)), dtype) : d.call('log', f32(T));
      push(
        block('if log:', [...(half16 ? ["# ln runs in t's dtype, as upstream"] : []), `${T} = ${ln}`]),
        '# ((x * W) * 2) * pi, in that order',
        `x_proj = ${f32(`${T}[:, None]`)} * weight[None, :] * 2 * math.pi`,
        block('if flip_sin_to_cos:', [sinCos(d, 'out', 'x_proj', 'cos-sin')]),
        block('else:', [sinCos(d, 'out', 'x_proj', 'sin-cos')]),
        'return out',
      );
      break;
    }
    case 'lucidrains-random':
      push(
        `x = ${f32(`${T}[:, None]`)}`,
        '# ((x * w) * 2) * pi, in that order',
        'freqs = x * weights[None, :] * 2 * math.pi',
        sinCos(d, 'fouriered', 'freqs', 'sin-cos'),
        `return ${d.concat(['x', 'fouriered'])}`,
      );
      break;
    case 'edm-positional':
      push(
        'half = num_channels // 2',
        `freqs = ${d.arange('half')}`,
        'freqs = freqs / (half - (1 if endpoint else 0))',
        '# a pow, not an exp, as upstream',
        'freqs = (1 / max_positions) ** freqs',
        '# x.ger(freqs) upstream',
        `x = ${f32(`${T}[:, None]`)} * freqs[None, :]`,
        sinCos(d, 'x', 'x', 'cos-sin'),
        block('if swap_halves:', ['# SongUNet: reshape(n, 2, -1).flip(1), i.e. sin|cos', swapHalves(d, 'x', 'half')]),
        'return x',
      );
      break;
    case 'edm-fourier':
      push(
        'half = freqs.shape[0]',
        '# 2 * pi is multiplied into the frequencies first, as upstream',
        `x = ${f32(`${T}[:, None]`)} * (2 * math.pi * freqs)[None, :]`,
        sinCos(d, 'x', 'x', 'cos-sin'),
        block('if swap_halves:', ['# SongUNet: reshape(n, 2, -1).flip(1), i.e. sin|cos', swapHalves(d, 'x', 'half')]),
        'return x',
      );
      break;
    case 'k-diffusion':
      push(
        `x = ${f32(T)}`,
        block('if x.ndim == 1:', ['x = x[:, None]']),
        '# (2 * pi * input) @ weight.T, as upstream',
        `f = ${d.matmulTransposed('2 * math.pi * x', 'weight')}`,
        `return ${d.concat([d.call('cos', 'f'), d.call('sin', 'f')])}`,
      );
      break;
  }
  return body;
}

/** The function definition: signature, docstring, body. With `withBufferDefault`, the buffer defaults to the constant. */
export function functionDef(r: Recipe, d: Dialect, name: string, withBufferDefault: boolean): Stmt {
  const args = [`${T}: ${d.arrayType}`];
  if (r.buffer)
    args.push(withBufferDefault ? `${r.buffer.name}: ${d.arrayType} = ${d.constant(r.buffer.constName)}` : `${r.buffer.name}: ${d.arrayType}`);
  args.push(...paramList(r.params));
  return block(`def ${name}(${args.join(', ')}) -> ${d.arrayType}:`, [functionDoc(r, d), ...functionBody(r, d)]);
}

/** Keyword arguments forwarding the module's attributes to the function: `name=self.name`. */
export function forwardArgs(r: Recipe, self = 'self'): string[] {
  const renamed = new Map(r.params.map((p, i) => [p.name, r.moduleParams[i]?.name ?? p.name]));
  const args: string[] = [];
  if (r.buffer) args.push(`${r.buffer.name}=${self}.${r.buffer.name}`);
  for (const p of r.params) args.push(`${p.name}=${self}.${renamed.get(p.name)}`);
  return args;
}

/** Constructor parameters of the module form (upstream names, request values as defaults). */
export function moduleParamList(r: Recipe): string[] {
  return paramList(r.moduleParams);
}

/** Lines listing the checkpoint keys and shapes ([out, in]) of the MLP form, for a comment or docstring. */
export function checkpointKeys(r: Recipe, hidden: number, prefix = ''): string[] {
  const keys: string[] = [];
  const buffer = bufferKey(r);
  if (buffer) keys.push(`${buffer} [${r.buffer!.shape.join(', ')}]`);
  if (r.id === 'transformer')
    keys.push(`${r.mlp.embedderAttr}.pe [1, ${r.request.params['max_seq_length']}, ${r.width}]`);
  linearKeys(r).forEach((key, i) => {
    const inp = i === 0 ? r.width : hidden;
    keys.push(`${prefix}${key}.weight [${hidden}, ${inp}]`);
    if (r.mlp.kind !== 'projection') keys.push(`${prefix}${key}.bias [${hidden}]`);
  });
  return keys;
}

/** Checkpoint prefixes of the MLP's Linear layers, in order (torch names, e.g. `time_embed.0`, `time_embed.2`). */
export function linearKeys(r: Recipe): string[] {
  const m = r.mlp;
  switch (m.kind) {
    case 'linears':
      return [m.first, m.second];
    case 'sequential': {
      const base = m.nested ? `${m.first}.0` : m.first;
      return m.embedderInside ? [`${base}.1`, `${base}.3`] : [`${base}.0`, `${base}.2`];
    }
    case 'modulelist':
      return [`${m.first}.0`, `${m.first}.1`];
    case 'projection':
      return [m.first];
  }
}

/** Checkpoint key of the embedder's buffer inside the MLP form, if any. */
export function bufferKey(r: Recipe): string | undefined {
  if (!r.buffer) return undefined;
  return r.mlp.embedderInside ? `${r.mlp.first}.0.${r.buffer.name}` : `${r.mlp.embedderAttr}.${r.buffer.name}`;
}

/** `ResBlock` -> `res_block`, for frameworks whose sketch is a function. */
export function snakeCase(name: string): string {
  return name.replace(/FiLM/g, 'Film').replace(/DiT/g, 'Dit').replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();
}

/** Attention heads for a DiT block of this width: 16 as in DiT-XL when it divides the width, else the largest that does. */
export function headsFor(hidden: number): number {
  return [16, 12, 8, 6, 4, 3, 2, 1].find((h) => hidden % h === 0)!;
}
