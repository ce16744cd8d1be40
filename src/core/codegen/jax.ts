/**
 * JAX spelling: jax.numpy for the function, Flax linen for the module forms. jax's weak typing rounds a Python scalar
 * to the array's float32 as torch does; with x64 disabled nothing is computed in float64.
 */
import type { Dialect, InjectionSpec, MlpSpec, ModuleSpec } from './dialect';
import { checkpointKeys, headsFor, forwardArgs, linearKeys, paramList } from './emitter';
import type { Stmt } from './python';
import { BLANK, atom, block, docstring, renderBlock } from './python';
import { keyDoc } from './pytorch';
import type { Activation } from './types';


/** Flax dataclass fields for the module's parameters. */
function fields(spec: ModuleSpec): string[] {
  return paramList(spec.recipe.moduleParams);
}

function moduleClass(spec: ModuleSpec): string[] {
  const r = spec.recipe;
  const buf = r.buffer;
  const call: Stmt[] = [];
  const args = forwardArgs(r).filter((a) => !a.startsWith('max_seq_length='));
  if (buf) {
    call.push(`${buf.name} = self.param("${buf.name}", lambda _key: jnp.array(${buf.constName}, dtype=jnp.float32))`);
    const stopped = `${buf.name} = jax.lax.stop_gradient(${buf.name})`;
    if (r.id === 'lucidrains-random')
      call.push(block('if self.is_random:', ['# random features stay fixed; learned ones train', stopped]));
    else call.push('# frozen upstream (a buffer or requires_grad=False)', stopped);
    args[0] = `${buf.name}=${buf.name}`;
  }
  call.push(`return ${spec.functionName}(timesteps, ${args.join(', ')})`);
  const keys = buf ? [`params/${buf.name} [${buf.shape.join(', ')}]`] : [];
  const doc = keyDoc(`${r.preset.upstreamName} as a Flax module (${r.layoutText}).`, keys, [], 'Flax variables');
  const head = buf ? ['@nn.compact'] : [];
  const body: Stmt[] = [docstring(doc[0]!, doc.slice(2)), BLANK];
  const f = fields(spec);
  if (f.length > 0) body.push(...f, BLANK);
  return renderBlock([
    block(`class ${spec.className}(nn.Module):`, [
      ...body,
      ...head,
      block('def __call__(self, timesteps: jax.Array) -> jax.Array:', call),
    ]),
  ]);
}

const ACT: Record<Activation, (x: string) => string> = {
  silu: (x) => `nn.silu(${x})`,
  gelu: (x) => `nn.gelu(${x}, approximate=False)`,
  mish: (x) => `${x} * jnp.tanh(nn.softplus(${x}))`,
  relu: (x) => `nn.relu(${x})`,
};

function mlpClass(spec: MlpSpec): string[] {
  const r = spec.recipe;
  const m = r.mlp;
  const embedder = m.embedderAttr ?? 'embedder';
  const call: Stmt[] = [`h = ${spec.embedderClass}(name="${embedder}")(timesteps)`];
  linearKeys(r).forEach((key, i) => {
    const bias = m.kind === 'projection' ? ', use_bias=False' : '';
    call.push(`h = nn.Dense(self.hidden_dim${bias}, name="${key.replace(/\./g, '_')}")(h)`);
    if (i === 0 && spec.activation) call.push(`h = ${ACT[spec.activation](`h`)}`);
  });
  call.push('return h');
  const title = `${spec.embedderClass}, then Dense layers named after the upstream Linear layers.`;
  const notes = [
    ...r.mlp.upstreamNote,
    'Flax Dense kernels are [in, out]: transpose torch weights; "." becomes "_" in names.',
  ];
  const doc = keyDoc(title, checkpointKeys(r, spec.hidden), notes, 'torch names and [out, in] shapes');
  return renderBlock([
    block(`class ${spec.className}(nn.Module):`, [
      docstring(doc[0]!, doc.slice(2)),
      BLANK,
      `hidden_dim: int = ${spec.hidden}`,
      BLANK,
      '@nn.compact',
      block('def __call__(self, timesteps: jax.Array) -> jax.Array:', call),
    ]),
  ]);
}

function injectionBlock(spec: InjectionSpec): string[] {
  const H = spec.hidden;
  const sig = 'def __call__(self, x: jax.Array, emb: jax.Array) -> jax.Array:';
  const conv = (name: string): string => `nn.Conv(self.channels, (3, 3), name="${name}")`;
  let body: Stmt[];
  let doc: string;
  let fieldLines: string[] = ['channels: int'];
  switch (spec.style) {
    case 'add':
      doc = 'A minimal ResBlock: the projected time embedding is added to every pixel (NHWC).';
      body = [
        `h = ${conv('in_conv')}(nn.silu(nn.GroupNorm(32)(x)))`,
        'emb_out = nn.Dense(self.channels, name="emb_proj")(nn.silu(emb))',
        'h = h + emb_out[:, None, None, :]',
        `h = ${conv('out_conv')}(nn.silu(nn.GroupNorm(32)(h)))`,
        'return x + h',
      ];
      break;
    case 'adagn':
      doc = 'ADM scale-shift norm: GroupNorm, then h * (1 + scale) + shift (NHWC).';
      body = [
        `h = ${conv('in_conv')}(nn.silu(nn.GroupNorm(32)(x)))`,
        'emb_out = nn.Dense(2 * self.channels, name="emb_proj")(nn.silu(emb))',
        'scale, shift = jnp.split(emb_out[:, None, None, :], 2, axis=-1)',
        'h = nn.GroupNorm(32)(h) * (1 + scale) + shift',
        `h = ${conv('out_conv')}(nn.silu(h))`,
        'return x + h',
      ];
      break;
    case 'film':
      doc = 'FiLM: the time embedding predicts a per-channel gamma and beta (NHWC).';
      body = [
        'film = nn.Dense(2 * self.channels, name="film")(emb)',
        'gamma, beta = jnp.split(film[:, None, None, :], 2, axis=-1)',
        `h = ${conv('conv')}(nn.silu(nn.GroupNorm(32)(x)))`,
        'return x + gamma * h + beta',
      ];
      break;
    case 'adaln-zero':
      doc = 'A DiT block with adaLN-Zero conditioning on the time embedding c.';
      fieldLines = [`hidden_size: int = ${H}`, `num_heads: int = ${headsFor(H)}`];
      body = [
        '# zero-initialised, so each block starts as the identity',
        'modulation = nn.Dense(6 * self.hidden_size, kernel_init=nn.initializers.zeros)',
        'chunks = jnp.split(modulation(nn.silu(c))[:, None, :], 6, axis=-1)',
        'shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = chunks',
        'norm = nn.LayerNorm(epsilon=1e-6, use_scale=False, use_bias=False)',
        'h = norm(x) * (1 + scale_msa) + shift_msa',
        'x = x + gate_msa * nn.MultiHeadDotProductAttention(self.num_heads)(h, h)',
        'h = norm(x) * (1 + scale_mlp) + shift_mlp',
        'h = nn.Dense(self.hidden_size)(nn.gelu(nn.Dense(4 * self.hidden_size)(h)))',
        'return x + gate_mlp * h',
      ];
      break;
  }
  const callSig = spec.style === 'adaln-zero' ? sig.replace('emb: jax.Array', 'c: jax.Array') : sig;
  return renderBlock([
    block(`class ${spec.className}(nn.Module):`, [
      docstring(doc),
      BLANK,
      ...fieldLines,
      BLANK,
      '@nn.compact',
      block(callSig, body),
    ]),
  ]);
}

/** The JAX / Flax dialect. */
export const jax: Dialect = {
  framework: 'jax',
  arrayType: 'jax.Array',
  dynamicDtype: false,
  imports: () => ['import jax', 'import jax.numpy as jnp'],
  classImports: () => ['from flax import linen as nn'],
  arange: (stop, start, step) =>
    `jnp.arange(${start !== undefined ? `${start}, ` : ''}${stop}${step !== undefined ? `, ${step}` : ''}, dtype=jnp.float32)`,
  cast: (x, dtype) => `${atom(x)}.astype(jnp.${dtype})`,
  call: (fn, x) => `jnp.${fn}(${x})`,
  concat: (items) => `jnp.concatenate([${items.join(', ')}], axis=-1)`,
  stack: (items) => `jnp.stack([${items.join(', ')}], axis=-1)`,
  reshape: (x, shape) => `${atom(x)}.reshape(${shape.join(', ')})`,
  padColumn: (x) => `jnp.pad(${x}, ((0, 0), (0, 1)))`,
  repeatColumns: (x, count) => `jnp.repeat(${x}, ${count}, axis=1)`,
  zeroRows: (x, mask) => `jnp.where(${mask}, 0.0, ${x})`,
  matmulTransposed: (x, w) => `${x} @ ${w}.T`,
  scalarF32: (expr) => `jnp.float32(${expr})`,
  constant: (name) => `jnp.array(${name}, dtype=jnp.float32)`,
  inputCast: (x, dtype) => [`${x} = ${x}.astype(jnp.${dtype})`],
  roundTo: (x, dtype) => `${atom(x)}.astype(jnp.${dtype})`,
  helpers: () => [],
  moduleClass,
  mlpClass,
  injectionBlock,
};
