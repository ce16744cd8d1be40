/**
 * MLX spelling: mlx.core for the function, mlx.nn modules for the class forms. MLX's weak typing rounds a Python
 * scalar to the array's float32 as torch does; nn.Linear weights are [out, in] like torch's.
 */
import type { Dialect, InjectionSpec, MlpSpec, ModuleSpec } from './dialect';
import { checkpointKeys, headsFor, forwardArgs, linearKeys, moduleParamList } from './emitter';
import type { Stmt } from './python';
import { BLANK, atom, block, docstring, renderBlock } from './python';
import { keyDoc } from './pytorch';
import type { Activation } from './types';


function moduleClass(spec: ModuleSpec): string[] {
  const r = spec.recipe;
  const buf = r.buffer;
  const init: Stmt[] = ['super().__init__()', ...r.moduleParams.map((p) => `self.${p.name} = ${p.name}`)];
  if (buf) {
    init.push(`self.${buf.name} = mx.array(${buf.constName}, dtype=mx.float32)`);
    const freeze = `self.freeze(keys=["${buf.name}"])`;
    if (r.id === 'lucidrains-random') init.push(block('if is_random:', ['# random features stay fixed; learned ones train', freeze]));
    else init.push('# frozen upstream (a buffer or requires_grad=False)', freeze);
  }
  const args = forwardArgs(r).filter((a) => !a.startsWith('max_seq_length='));
  const keys = buf ? [`${buf.name} [${buf.shape.join(', ')}]`] : [];
  const doc = keyDoc(`${r.preset.upstreamName} as an MLX module (${r.layoutText}).`, keys, [], 'parameters');
  return renderBlock([
    block(`class ${spec.className}(nn.Module):`, [
      docstring(doc[0]!, doc.slice(2)),
      BLANK,
      block(`def __init__(${["self", ...moduleParamList(r)].join(", ")}) -> None:`, init),
      BLANK,
      block('def __call__(self, timesteps: mx.array) -> mx.array:', [
        `return ${spec.functionName}(timesteps, ${args.join(', ')})`,
      ]),
    ]),
  ]);
}

const ACT: Record<Activation, string> = { silu: 'nn.silu', gelu: 'nn.gelu', mish: 'nn.mish', relu: 'nn.relu' };

function mlpClass(spec: MlpSpec): string[] {
  const r = spec.recipe;
  const m = r.mlp;
  const embedder = m.embedderAttr ?? 'embedder';
  const names = linearKeys(r).map((k) => k.replace(/\./g, '_'));
  const bias = m.kind === 'projection' ? ', bias=False' : '';
  const init: Stmt[] = [
    'super().__init__()',
    `self.${embedder} = ${spec.embedderClass}()`,
    ...names.map((n, i) => `self.${n} = nn.Linear(${i === 0 ? r.width : 'hidden_dim'}, hidden_dim${bias})`),
  ];
  const call: Stmt[] = [`h = self.${embedder}(timesteps)`];
  names.forEach((n, i) => {
    call.push(`h = self.${n}(h)`);
    if (i === 0 && spec.activation) call.push(`h = ${ACT[spec.activation]}(h)`);
  });
  call.push('return h');
  const notes = [...m.upstreamNote, 'MLX Linear weights are [out, in] like torch; "." becomes "_" in names.'];
  const doc = keyDoc(
    `${spec.embedderClass}, then Linear layers named after the upstream ones.`,
    checkpointKeys(r, spec.hidden),
    notes,
    'torch names, [out, in]',
  );
  return renderBlock([
    block(`class ${spec.className}(nn.Module):`, [
      docstring(doc[0]!, doc.slice(2)),
      BLANK,
      block(`def __init__(self, hidden_dim: int = ${spec.hidden}) -> None:`, init),
      BLANK,
      block('def __call__(self, timesteps: mx.array) -> mx.array:', call),
    ]),
  ]);
}

function injectionBlock(spec: InjectionSpec): string[] {
  const H = spec.hidden;
  const conv = 'nn.Conv2d(channels, channels, 3, padding=1)';
  const norm = 'nn.GroupNorm(32, channels, pytorch_compatible=True)';
  let initSig = `def __init__(self, channels: int, emb_channels: int = ${H}) -> None:`;
  let callSig = 'def __call__(self, x: mx.array, emb: mx.array) -> mx.array:';
  let init: Stmt[];
  let call: Stmt[];
  let doc: string;
  switch (spec.style) {
    case 'add':
      doc = 'A minimal ResBlock: the projected time embedding is added to every pixel (NHWC).';
      init = [`self.in_norm = ${norm}`, `self.in_conv = ${conv}`, 'self.emb_proj = nn.Linear(emb_channels, channels)', `self.out_norm = ${norm}`, `self.out_conv = ${conv}`];
      call = [
        'h = self.in_conv(nn.silu(self.in_norm(x)))',
        'h = h + self.emb_proj(nn.silu(emb))[:, None, None, :]',
        'h = self.out_conv(nn.silu(self.out_norm(h)))',
        'return x + h',
      ];
      break;
    case 'adagn':
      doc = 'ADM scale-shift norm: GroupNorm, then h * (1 + scale) + shift (NHWC).';
      init = [`self.in_norm = ${norm}`, `self.in_conv = ${conv}`, 'self.emb_proj = nn.Linear(emb_channels, 2 * channels)', `self.out_norm = ${norm}`, `self.out_conv = ${conv}`];
      call = [
        'h = self.in_conv(nn.silu(self.in_norm(x)))',
        'emb_out = self.emb_proj(nn.silu(emb))[:, None, None, :]',
        'scale, shift = mx.split(emb_out, 2, axis=-1)',
        'h = self.out_norm(h) * (1 + scale) + shift',
        'return x + self.out_conv(nn.silu(h))',
      ];
      break;
    case 'film':
      doc = 'FiLM: the time embedding predicts a per-channel gamma and beta (NHWC).';
      init = [`self.norm = ${norm}`, `self.conv = ${conv}`, 'self.film = nn.Linear(emb_channels, 2 * channels)'];
      call = [
        'gamma, beta = mx.split(self.film(emb)[:, None, None, :], 2, axis=-1)',
        'h = self.conv(nn.silu(self.norm(x)))',
        'return x + gamma * h + beta',
      ];
      break;
    case 'adaln-zero':
      doc = 'A DiT block with adaLN-Zero conditioning on the time embedding c.';
      initSig = `def __init__(self, hidden_size: int = ${H}, num_heads: int = ${headsFor(H)}) -> None:`;
      callSig = 'def __call__(self, x: mx.array, c: mx.array) -> mx.array:';
      init = [
        'self.norm1 = nn.LayerNorm(hidden_size, eps=1e-6, affine=False)',
        'self.attn = nn.MultiHeadAttention(hidden_size, num_heads)',
        'self.norm2 = nn.LayerNorm(hidden_size, eps=1e-6, affine=False)',
        'self.mlp_in = nn.Linear(hidden_size, 4 * hidden_size)',
        'self.mlp_out = nn.Linear(4 * hidden_size, hidden_size)',
        'self.adaLN_modulation = nn.Linear(hidden_size, 6 * hidden_size)',
        '# adaLN-Zero: the modulation starts at zero, so each block starts as the identity',
        'self.adaLN_modulation.weight = mx.zeros((6 * hidden_size, hidden_size))',
        'self.adaLN_modulation.bias = mx.zeros((6 * hidden_size,))',
      ];
      call = [
        'chunks = mx.split(self.adaLN_modulation(nn.silu(c))[:, None, :], 6, axis=-1)',
        'shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = chunks',
        'h = self.norm1(x) * (1 + scale_msa) + shift_msa',
        'x = x + gate_msa * self.attn(h, h, h)',
        'h = self.norm2(x) * (1 + scale_mlp) + shift_mlp',
        'return x + gate_mlp * self.mlp_out(nn.gelu(self.mlp_in(h)))',
      ];
      break;
  }
  return renderBlock([
    block(`class ${spec.className}(nn.Module):`, [
      docstring(doc),
      BLANK,
      block(initSig, ['super().__init__()', ...init]),
      BLANK,
      block(callSig, call),
    ]),
  ]);
}

/** The MLX dialect. */
export const mlx: Dialect = {
  framework: 'mlx',
  arrayType: 'mx.array',
  dynamicDtype: false,
  imports: () => ['import mlx.core as mx'],
  classImports: () => ['import mlx.nn as nn'],
  arange: (stop, start, step) =>
    `mx.arange(${start !== undefined ? `${start}, ` : ''}${stop}${step !== undefined ? `, ${step}` : ''}, dtype=mx.float32)`,
  cast: (x, dtype) => `${atom(x)}.astype(mx.${dtype})`,
  call: (fn, x) => `mx.${fn}(${x})`,
  concat: (items) => `mx.concatenate([${items.join(', ')}], axis=-1)`,
  stack: (items) => `mx.stack([${items.join(', ')}], axis=-1)`,
  reshape: (x, shape) => `${atom(x)}.reshape(${shape.join(', ')})`,
  padColumn: (x) => `mx.pad(${x}, [(0, 0), (0, 1)])`,
  repeatColumns: (x, count) => `mx.repeat(${x}, ${count}, axis=1)`,
  zeroRows: (x, mask) => `mx.where(${mask}, 0.0, ${x})`,
  matmulTransposed: (x, w) => `${x} @ ${w}.T`,
  scalarF32: (expr) => `mx.array(${expr}, dtype=mx.float32)`,
  constant: (name) => `mx.array(${name}, dtype=mx.float32)`,
  inputCast: (x, dtype) => [`${x} = ${x}.astype(mx.${dtype})`],
  roundTo: (x, dtype) => `${atom(x)}.astype(mx.${dtype})`,
  helpers: () => [],
  moduleClass,
  mlpClass,
  injectionBlock,
};
