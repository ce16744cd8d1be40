/**
 * NumPy spelling. NumPy 1.x casts by value: a Python float meeting a float32 array becomes float32 (as in torch), but a
 * float32 scalar meeting a Python float becomes float64, so scalar-only float32 steps use np.float32 on both sides.
 * NumPy has no bfloat16: a bfloat16 request rounds float32 values to bfloat16 precision with a small helper.
 */
import type { Dialect, FloatDtype, InjectionSpec, MlpSpec, ModuleSpec } from './dialect';
import { bufferKey, checkpointKeys, forwardArgs, linearKeys, moduleParamList, snakeCase } from './emitter';
import type { Stmt } from './python';
import { BLANK, atom, block, docstring, renderBlock } from './python';
import { keyDoc } from './pytorch';
import type { Activation } from './types';

const ROUND_BF16 = '_round_to_bfloat16';

const BF16_HELPER = renderBlock([
  block(`def ${ROUND_BF16}(x: np.ndarray) -> np.ndarray:`, [
    docstring('Round to bfloat16 precision (nearest, ties to even), kept in float32: NumPy has no bfloat16.'),
    'bits = np.asarray(x, dtype=np.float32).view(np.uint32)',
    'bits = bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))',
    'return (bits & np.uint32(0xFFFF0000)).view(np.float32)',
  ]),
]);

function cast(x: string, dtype: FloatDtype): string {
  if (dtype === 'bfloat16') return `${ROUND_BF16}(${x})`;
  return `${atom(x)}.astype(np.${dtype})`;
}

function moduleClass(spec: ModuleSpec): string[] {
  const r = spec.recipe;
  const init: Stmt[] = r.moduleParams.map((p) => `self.${p.name} = ${p.name}`);
  if (r.buffer) init.push(`self.${r.buffer.name} = np.array(${r.buffer.constName}, dtype=np.float32)`);
  const args = forwardArgs(r).filter((a) => !a.startsWith('max_seq_length='));
  const keys = r.buffer ? [`${r.buffer.name} [${r.buffer.shape.join(', ')}]`] : [];
  const doc = keyDoc(`${r.preset.upstreamName} as a callable (${r.layoutText}).`, keys, [], 'as torch names them');
  return renderBlock([
    block(`class ${spec.className}:`, [
      docstring(doc[0]!, doc.slice(2)),
      BLANK,
      block(`def __init__(${["self", ...moduleParamList(r)].join(", ")}) -> None:`, init.length > 0 ? init : ['pass']),
      BLANK,
      block('def __call__(self, timesteps: np.ndarray) -> np.ndarray:', [
        `return ${spec.functionName}(timesteps, ${args.join(', ')})`,
      ]),
    ]),
  ]);
}

const ACT_HELPERS: Record<Activation, Stmt> = {
  silu: block('def _silu(x: np.ndarray) -> np.ndarray:', ['return x / (1 + np.exp(-x))']),
  gelu: block('def _gelu(x: np.ndarray) -> np.ndarray:', [
    '# exact (erf) GELU, as torch.nn.GELU()',
    'erf = np.vectorize(math.erf, otypes=[np.float32])',
    'return 0.5 * x * (1 + erf(x / math.sqrt(2)))',
  ]),
  mish: block('def _mish(x: np.ndarray) -> np.ndarray:', ['return x * np.tanh(np.logaddexp(np.float32(0), x))']),
  relu: block('def _relu(x: np.ndarray) -> np.ndarray:', ['return np.maximum(x, np.float32(0))']),
};

function mlpClass(spec: MlpSpec): string[] {
  const r = spec.recipe;
  const m = r.mlp;
  const names = linearKeys(r);
  const bias = m.kind !== 'projection';
  const act = spec.activation;
  const embedder = m.embedderAttr ?? 'embedder';
  const init: Stmt[] = [
    'rng = np.random.default_rng(seed)',
    `self.${embedder} = ${spec.embedderClass}()`,
    '# torch layout ([out, in]) and names, so a torch state_dict loads as {k: v.numpy()}',
    'self.params = {}',
  ];
  names.forEach((name, i) => {
    const inp = i === 0 ? String(r.width) : 'hidden_dim';
    init.push(`self.params["${name}.weight"] = _init(rng, (hidden_dim, ${inp}), ${inp})`);
    if (bias) init.push(`self.params["${name}.bias"] = _init(rng, (hidden_dim,), ${inp})`);
  });
  const load: Stmt[] = [
    block('for key in self.params:', ['self.params[key] = np.asarray(state[key], dtype=np.float32)']),
  ];
  const bk = bufferKey(r);
  if (bk && r.buffer)
    load.push(`self.${embedder}.${r.buffer.name} = np.asarray(state["${bk}"], dtype=np.float32)`);
  const call: Stmt[] = [`h = self.${embedder}(timesteps)`];
  names.forEach((name, i) => {
    call.push(`h = _linear(h, self.params, "${name}"${bias ? '' : ', bias=False'})`);
    if (i === 0 && act) call.push(`h = _${act}(h)`);
  });
  call.push('return h');
  const title =
    m.kind === 'projection'
      ? `${spec.embedderClass}, then k-diffusion's bias-free time_in_proj.`
      : `${spec.embedderClass}, then Linear-${act}-Linear under the upstream names.`;
  const doc = keyDoc(title, checkpointKeys(r, spec.hidden), m.upstreamNote, '[out, in], as torch stores them');
  const helpers: Stmt[] = [
    block('def _init(rng: np.random.Generator, shape: tuple, fan_in: int) -> np.ndarray:', [
      '# torch.nn.Linear\'s default: U(-1/sqrt(fan_in), 1/sqrt(fan_in))',
      'bound = 1 / math.sqrt(fan_in)',
      'return rng.uniform(-bound, bound, size=shape).astype(np.float32)',
    ]),
    block('def _linear(x: np.ndarray, params: dict, name: str, bias: bool = True) -> np.ndarray:', [
      'y = x @ params[name + ".weight"].T',
      'return y + params[name + ".bias"] if bias else y',
    ]),
  ];
  if (act) helpers.push(ACT_HELPERS[act]);
  const cls = block(`class ${spec.className}:`, [
    docstring(doc[0]!, doc.slice(2)),
    BLANK,
    block(`def __init__(self, hidden_dim: int = ${spec.hidden}, seed: int = 0) -> None:`, init),
    BLANK,
    block('def load_state_dict(self, state: dict) -> None:', load),
    BLANK,
    block('def __call__(self, timesteps: np.ndarray) -> np.ndarray:', call),
  ]);
  return [...helpers, cls].flatMap((s, i) => (i === 0 ? renderBlock([s]) : ['', '', ...renderBlock([s])]));
}

function injectionBlock(spec: InjectionSpec): string[] {
  const name = spec.className.replace(/ResBlock|FiLMBlock|DiTBlock/, snakeCase);
  const groupNorm = block('def _group_norm(h: np.ndarray, groups: int = 32, eps: float = 1e-5) -> np.ndarray:', [
    'n, c = h.shape[:2]',
    'g = h.reshape(n, groups, -1)',
    'g = (g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + np.float32(eps))',
    'return g.reshape(h.shape)',
  ]);
  const emb = 'emb: np.ndarray';
  let fn: Stmt;
  // The MLP above defines _silu when it uses silu; otherwise the block defines it.
  const extra: Stmt[] = spec.activation === 'silu' ? [] : [ACT_HELPERS.silu];
  switch (spec.style) {
    case 'add':
      fn = block(`def ${name}(h: np.ndarray, ${emb}, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:`, [
        docstring('ADM-style injection: h + emb_proj(silu(emb)) broadcast over height and width.', [
          `h: [n, channels, height, width]; emb: [n, ${spec.hidden}]; weight: [channels, ${spec.hidden}].`,
        ]),
        'emb_out = _silu(emb) @ weight.T + bias',
        'return h + emb_out[:, :, None, None]',
      ]);
      break;
    case 'adagn':
      extra.push(groupNorm);
      fn = block(`def ${name}(h: np.ndarray, ${emb}, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:`, [
        docstring('ADM scale-shift norm: GroupNorm(h) * (1 + scale) + shift.', [
          `h: [n, channels, height, width]; weight: [2 * channels, ${spec.hidden}] (emb_layers.1).`,
        ]),
        'emb_out = (_silu(emb) @ weight.T + bias)[:, :, None, None]',
        'scale, shift = np.split(emb_out, 2, axis=1)',
        'return _group_norm(h) * (1 + scale) + shift',
      ]);
      break;
    case 'film':
      fn = block(`def ${name}(h: np.ndarray, ${emb}, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:`, [
        docstring('FiLM: gamma * h + beta, both predicted from the time embedding.', [
          `h: [n, channels, height, width]; weight: [2 * channels, ${spec.hidden}].`,
        ]),
        'gamma, beta = np.split((emb @ weight.T + bias)[:, :, None, None], 2, axis=1)',
        'return gamma * h + beta',
      ]);
      break;
    case 'adaln-zero':
      extra.push(
        block('def _layer_norm(x: np.ndarray, eps: float = 1e-6) -> np.ndarray:', [
          'mean = x.mean(-1, keepdims=True)',
          'return (x - mean) / np.sqrt(x.var(-1, keepdims=True) + np.float32(eps))',
        ]),
      );
      fn = block(
        `def ${name}(x: np.ndarray, c: np.ndarray, weight: np.ndarray, bias: np.ndarray, attn, mlp) -> np.ndarray:`,
        [
          docstring('DiT adaLN-Zero: six chunks (shift, scale, gate for attention and MLP).', [
            `x: [n, tokens, ${spec.hidden}]; weight: [6 * ${spec.hidden}, ${spec.hidden}], zero-initialised,`,
            'so the block starts as the identity; attn and mlp are callables on [n, tokens, hidden].',
          ]),
          'chunks = np.split(_silu(c) @ weight.T + bias, 6, axis=1)',
          'shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = chunks',
          'h = _layer_norm(x) * (1 + scale_msa[:, None]) + shift_msa[:, None]',
          'x = x + gate_msa[:, None] * attn(h)',
          'h = _layer_norm(x) * (1 + scale_mlp[:, None]) + shift_mlp[:, None]',
          'return x + gate_mlp[:, None] * mlp(h)',
        ],
      );
      break;
  }
  return [...extra, fn].flatMap((s, i) => (i === 0 ? renderBlock([s]) : ['', '', ...renderBlock([s])]));
}

/** The NumPy dialect. */
export const numpy: Dialect = {
  framework: 'numpy',
  arrayType: 'np.ndarray',
  dynamicDtype: false,
  imports: () => ['import numpy as np'],
  classImports: () => [],
  arange: (stop, start, step) =>
    `np.arange(${start !== undefined ? `${start}, ` : ''}${stop}${step !== undefined ? `, ${step}` : ''}, dtype=np.float32)`,
  cast,
  call: (fn, x) => `np.${fn}(${x})`,
  concat: (items) => `np.concatenate([${items.join(', ')}], axis=-1)`,
  stack: (items) => `np.stack([${items.join(', ')}], axis=-1)`,
  reshape: (x, shape) => `${atom(x)}.reshape(${shape.join(', ')})`,
  padColumn: (x) => `np.pad(${x}, ((0, 0), (0, 1)))`,
  repeatColumns: (x, count) => `np.repeat(${x}, ${count}, axis=1)`,
  zeroRows: (x, mask) => `np.where(${mask}, np.float32(0), ${x})`,
  matmulTransposed: (x, w) => `${x} @ ${w}.T`,
  scalarF32: (expr) => `np.float32(${expr})`,
  constant: (name) => `np.array(${name}, dtype=np.float32)`,
  inputCast: (x, dtype) =>
    dtype === 'bfloat16'
      ? ['# NumPy has no bfloat16: keep float32 values rounded to bfloat16 precision', `${x} = ${cast(x, dtype)}`]
      : [`${x} = ${cast(x, dtype)}`],
  roundTo: (x, dtype) => cast(x, dtype),
  helpers: (code) => (code.includes(`${ROUND_BF16}(`) ? [BF16_HELPER] : []),
  moduleClass,
  mlpClass,
  injectionBlock,
};
