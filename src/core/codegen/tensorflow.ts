/**
 * TensorFlow spelling: tf ops for the function, Keras layers for the module forms. TF converts a Python scalar to the
 * tensor's dtype (float32 here) and never promotes between tensors, so every cast is written out.
 */
import type { Dialect, InjectionSpec, MlpSpec, ModuleSpec } from './dialect';
import { checkpointKeys, headsFor, forwardArgs, linearKeys, moduleParamList } from './emitter';
import type { Stmt } from './python';
import { BLANK, block, docstring, renderBlock } from './python';
import { keyDoc } from './pytorch';
import type { Activation } from './types';

const F32 = 'dtype=tf.float32';

/** Attribute holding a buffer variable: `weights` is a read-only property of every Keras layer. */
const bufferAttr = (name: string): string => `${name}_var`;

function moduleClass(spec: ModuleSpec): string[] {
  const r = spec.recipe;
  const buf = r.buffer;
  const init: Stmt[] = ['super().__init__(**kwargs)', ...r.moduleParams.map((p) => `self.${p.name} = ${p.name}`)];
  const args = forwardArgs(r).filter((a) => !a.startsWith('max_seq_length='));
  if (buf) {
    const shape = buf.shape.length === 1 ? `(${buf.shape[0]},)` : `(${buf.shape.join(', ')})`;
    init.push(
      `self.${bufferAttr(buf.name)} = self.add_weight(name="${buf.name}", shape=${shape}, initializer=tf.constant_initializer(${buf.constName}), trainable=${r.id === 'lucidrains-random' ? 'not is_random' : 'False'})`,
    );
    args[0] = `${buf.name}=self.${bufferAttr(buf.name)}`;
  }
  const keys = buf ? [`${buf.name} [${buf.shape.join(', ')}]`] : [];
  const doc = keyDoc(`${r.preset.upstreamName} as a Keras layer (${r.layoutText}).`, keys, [], 'Keras weights');
  const params = [...moduleParamList(r), '**kwargs'];
  return renderBlock([
    block(`class ${spec.className}(tf.keras.layers.Layer):`, [
      docstring(doc[0]!, doc.slice(2)),
      BLANK,
      block(`def __init__(self, ${params.join(', ')}) -> None:`, init),
      BLANK,
      block('def call(self, timesteps: tf.Tensor) -> tf.Tensor:', [
        `return ${spec.functionName}(timesteps, ${args.join(', ')})`,
      ]),
    ]),
  ]);
}

const ACT: Record<Activation, (x: string) => string> = {
  silu: (x) => `tf.nn.silu(${x})`,
  gelu: (x) => `tf.nn.gelu(${x}, approximate=False)`,
  mish: (x) => `${x} * tf.math.tanh(tf.math.softplus(${x}))`,
  relu: (x) => `tf.nn.relu(${x})`,
};

function mlpClass(spec: MlpSpec): string[] {
  const r = spec.recipe;
  const m = r.mlp;
  const embedder = m.embedderAttr ?? 'embedder';
  const names = linearKeys(r).map((k) => k.replace(/\./g, '_'));
  const bias = m.kind === 'projection' ? ', use_bias=False' : '';
  const init: Stmt[] = [
    'super().__init__(**kwargs)',
    `self.${embedder} = ${spec.embedderClass}(name="${embedder}")`,
    ...names.map((n) => `self.${n} = tf.keras.layers.Dense(hidden_dim${bias}, name="${n}")`),
  ];
  const call: Stmt[] = [`h = self.${embedder}(timesteps)`];
  names.forEach((n, i) => {
    call.push(`h = self.${n}(h)`);
    if (i === 0 && spec.activation) call.push(`h = ${ACT[spec.activation]('h')}`);
  });
  call.push('return h');
  const notes = [...m.upstreamNote, 'Keras Dense kernels are [in, out]: transpose torch weights; "." becomes "_".'];
  const doc = keyDoc(
    `${spec.embedderClass}, then Dense layers named after the upstream Linear layers.`,
    checkpointKeys(r, spec.hidden),
    notes,
    'torch names and [out, in] shapes',
  );
  return renderBlock([
    block(`class ${spec.className}(tf.keras.layers.Layer):`, [
      docstring(doc[0]!, doc.slice(2)),
      BLANK,
      block(`def __init__(self, hidden_dim: int = ${spec.hidden}, **kwargs) -> None:`, init),
      BLANK,
      block('def call(self, timesteps: tf.Tensor) -> tf.Tensor:', call),
    ]),
  ]);
}

function injectionBlock(spec: InjectionSpec): string[] {
  const H = spec.hidden;
  const conv = 'tf.keras.layers.Conv2D(channels, 3, padding="same")';
  const norm = 'tf.keras.layers.GroupNormalization(32)';
  const dense = (units: string, extra = ''): string => `tf.keras.layers.Dense(${units}${extra})`;
  const sig = (extra: string): string => `def __init__(self, channels: int, ${extra}**kwargs) -> None:`;
  let init: Stmt[];
  let call: Stmt[];
  let doc: string;
  let callSig = 'def call(self, x: tf.Tensor, emb: tf.Tensor) -> tf.Tensor:';
  let initSig = sig('');
  switch (spec.style) {
    case 'add':
      doc = 'A minimal ResBlock: the projected time embedding is added to every pixel (NHWC).';
      init = [`self.in_norm = ${norm}`, `self.in_conv = ${conv}`, `self.emb_proj = ${dense('channels')}`, `self.out_norm = ${norm}`, `self.out_conv = ${conv}`];
      call = [
        'h = self.in_conv(tf.nn.silu(self.in_norm(x)))',
        'h = h + self.emb_proj(tf.nn.silu(emb))[:, None, None, :]',
        'h = self.out_conv(tf.nn.silu(self.out_norm(h)))',
        'return x + h',
      ];
      break;
    case 'adagn':
      doc = 'ADM scale-shift norm: GroupNorm, then h * (1 + scale) + shift (NHWC).';
      init = [`self.in_norm = ${norm}`, `self.in_conv = ${conv}`, `self.emb_proj = ${dense('2 * channels')}`, `self.out_norm = ${norm}`, `self.out_conv = ${conv}`];
      call = [
        'h = self.in_conv(tf.nn.silu(self.in_norm(x)))',
        'emb_out = self.emb_proj(tf.nn.silu(emb))[:, None, None, :]',
        'scale, shift = tf.split(emb_out, 2, axis=-1)',
        'h = self.out_norm(h) * (1 + scale) + shift',
        'return x + self.out_conv(tf.nn.silu(h))',
      ];
      break;
    case 'film':
      doc = 'FiLM: the time embedding predicts a per-channel gamma and beta (NHWC).';
      init = [`self.norm = ${norm}`, `self.conv = ${conv}`, `self.film = ${dense('2 * channels')}`];
      call = [
        'gamma, beta = tf.split(self.film(emb)[:, None, None, :], 2, axis=-1)',
        'h = self.conv(tf.nn.silu(self.norm(x)))',
        'return x + gamma * h + beta',
      ];
      break;
    case 'adaln-zero':
      doc = 'A DiT block with adaLN-Zero conditioning on the time embedding c.';
      initSig = `def __init__(self, hidden_size: int = ${H}, num_heads: int = ${headsFor(H)}, **kwargs) -> None:`;
      callSig = 'def call(self, x: tf.Tensor, c: tf.Tensor) -> tf.Tensor:';
      init = [
        'norm = tf.keras.layers.LayerNormalization',
        'self.norm1 = norm(epsilon=1e-6, center=False, scale=False)',
        'self.attn = tf.keras.layers.MultiHeadAttention(num_heads, hidden_size // num_heads)',
        'self.norm2 = norm(epsilon=1e-6, center=False, scale=False)',
        `self.mlp_in = ${dense('4 * hidden_size', ', activation="gelu"')}`,
        `self.mlp_out = ${dense('hidden_size')}`,
        '# zero-initialised, so each block starts as the identity',
        `self.adaLN_modulation = ${dense('6 * hidden_size', ', kernel_initializer="zeros"')}`,
      ];
      call = [
        'chunks = tf.split(self.adaLN_modulation(tf.nn.silu(c))[:, None, :], 6, axis=-1)',
        'shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = chunks',
        'h = self.norm1(x) * (1 + scale_msa) + shift_msa',
        'x = x + gate_msa * self.attn(h, h)',
        'h = self.norm2(x) * (1 + scale_mlp) + shift_mlp',
        'return x + gate_mlp * self.mlp_out(self.mlp_in(h))',
      ];
      break;
  }
  return renderBlock([
    block(`class ${spec.className}(tf.keras.layers.Layer):`, [
      docstring(doc),
      BLANK,
      block(initSig, ['super().__init__(**kwargs)', ...init]),
      BLANK,
      block(callSig, call),
    ]),
  ]);
}

/** The TensorFlow / Keras dialect. */
export const tensorflow: Dialect = {
  framework: 'tensorflow',
  arrayType: 'tf.Tensor',
  dynamicDtype: false,
  imports: () => ['import tensorflow as tf'],
  classImports: () => [],
  arange: (stop, start, step) =>
    `tf.range(${start !== undefined ? `${start}, ` : ''}${stop}${step !== undefined ? `, ${step}` : ''}, ${F32})`,
  cast: (x, dtype) => `tf.cast(${x}, tf.${dtype})`,
  call: (fn, x) => (fn === 'log' ? `tf.math.log(${x})` : `tf.${fn}(${x})`),
  concat: (items) => `tf.concat([${items.join(', ')}], axis=-1)`,
  stack: (items) => `tf.stack([${items.join(', ')}], axis=-1)`,
  reshape: (x, shape) => `tf.reshape(${x}, [${shape.join(', ')}])`,
  padColumn: (x) => `tf.pad(${x}, [[0, 0], [0, 1]])`,
  repeatColumns: (x, count) => `tf.repeat(${x}, ${count}, axis=1)`,
  zeroRows: (x, mask) => `tf.where(${mask}, tf.zeros_like(${x}), ${x})`,
  matmulTransposed: (x, w) => `tf.matmul(${x}, ${w}, transpose_b=True)`,
  scalarF32: (expr) => `tf.constant(${expr}, ${F32})`,
  constant: (name) => `tf.constant(${name}, ${F32})`,
  inputCast: (x, dtype) => [`${x} = tf.cast(${x}, tf.${dtype})`],
  roundTo: (x, dtype) => `tf.cast(${x}, tf.${dtype})`,
  helpers: () => [],
  moduleClass,
  mlpClass,
  injectionBlock,
};
