/**
 * PyTorch spelling: torch ops, nn.Module forms with upstream attribute names so real checkpoints load. torch reads
 * t's dtype at run time, so a float16/bfloat16 request is reproduced by passing timesteps in that dtype, as upstream.
 */
import type { Dialect, InjectionSpec, MlpSpec, ModuleSpec } from './dialect';
import { checkpointKeys, headsFor, forwardArgs, moduleParamList } from './emitter';
import type { Stmt } from './python';
import { BLANK, atom, block, docstring, renderBlock } from './python';
import type { Activation } from './types';

const F32 = 'dtype=torch.float32';

const ACTIVATION: Record<Activation, string> = {
  silu: 'nn.SiLU()',
  gelu: 'nn.GELU()',
  mish: 'nn.Mish()',
  relu: 'nn.ReLU()',
};


/** Class docstring lines listing the module's checkpoint tensors. */
export function keyDoc(title: string, keys: readonly string[], notes: readonly string[], layout: string): string[] {
  if (keys.length === 0) return [title];
  return [title, '', `Checkpoint keys (${layout}):`, ...keys.map((k) => `    ${k}`), ...notes];
}

function moduleClass(spec: ModuleSpec): string[] {
  const r = spec.recipe;
  const init: Stmt[] = ['super().__init__()'];
  const buf = r.buffer;
  if (r.id === 'transformer') {
    init.push(
      '# the persistent pe buffer [1, max_seq_length, embed_dim], as upstream',
      'positions = torch.arange(max_seq_length)',
      `pe = ${spec.functionName}(positions, embed_dim=embed_dim)`,
      'self.register_buffer("pe", pe[None])',
    );
  } else {
    for (const p of r.moduleParams) init.push(`self.${p.name} = ${p.name}`);
    if (buf) {
      const values = `torch.tensor(${buf.constName}, ${F32})`;
      if (buf.isBuffer) init.push(`self.register_buffer("${buf.name}", ${values})`);
      else {
        const grad = r.id === 'lucidrains-random' ? 'not is_random' : 'False';
        init.push(`self.${buf.name} = nn.Parameter(${values}, requires_grad=${grad})`);
      }
    }
  }
  const forward =
    r.id === 'transformer'
      ? 'return self.pe[0, timesteps.long()]'
      : `return ${spec.functionName}(timesteps, ${forwardArgs(r).join(', ')})`;
  const keys = buf ? [`${buf.name} [${buf.shape.join(', ')}]`] : r.id === 'transformer' ? ['pe [1, max_seq_length, embed_dim]'] : [];
  const doc = keyDoc(`${r.preset.upstreamName} as a module (${r.layoutText}).`, keys, [], 'state_dict');
  return renderBlock([
    block(`class ${spec.className}(nn.Module):`, [
      docstring(doc[0]!, doc.slice(2)),
      BLANK,
      block(`def __init__(${["self", ...moduleParamList(r)].join(", ")}) -> None:`, init),
      BLANK,
      block('def forward(self, timesteps: torch.Tensor) -> torch.Tensor:', [forward]),
    ]),
  ]);
}

function mlpClass(spec: MlpSpec): string[] {
  const r = spec.recipe;
  const m = r.mlp;
  const w = r.width;
  const act = ACTIVATION[spec.activation ?? 'silu'];
  const lin = (inp: string, out: string, bias = true): string => `nn.Linear(${inp}, ${out}${bias ? '' : ', bias=False'})`;
  const init: Stmt[] = ['super().__init__()'];
  let forward: Stmt[];
  if (m.embedderAttr && !m.embedderInside) init.push(`self.${m.embedderAttr} = ${spec.embedderClass}()`);
  switch (m.kind) {
    case 'linears':
      init.push(
        `self.${m.first} = ${lin(String(w), 'hidden_dim')}`,
        `self.${m.actAttr} = ${act}`,
        `self.${m.second} = ${lin('hidden_dim', 'hidden_dim')}`,
      );
      forward = [
        `emb = self.${m.embedderAttr}(timesteps)`,
        `return self.${m.second}(self.${m.actAttr}(self.${m.first}(emb)))`,
      ];
      break;
    case 'sequential': {
      const layers = [lin(String(w), 'hidden_dim'), act, lin('hidden_dim', 'hidden_dim')];
      if (m.embedderInside) layers.unshift(`${spec.embedderClass}()`);
      const seq = m.nested ? `nn.Sequential(nn.Sequential(${layers.join(', ')}))` : `nn.Sequential(${layers.join(', ')})`;
      init.push(`self.${m.first} = ${seq}`);
      forward = [m.embedderInside ? `return self.${m.first}(timesteps)` : `return self.${m.first}(self.${m.embedderAttr}(timesteps))`];
      break;
    }
    case 'modulelist':
      init.push(
        `self.${m.first} = nn.ModuleList([${lin(String(w), 'hidden_dim')}, ${lin('hidden_dim', 'hidden_dim')}])`,
        `self.${m.actAttr} = ${act}`,
      );
      forward = [
        `emb = self.${m.embedderAttr}(timesteps)`,
        `return self.${m.first}[1](self.${m.actAttr}(self.${m.first}[0](emb)))`,
      ];
      break;
    case 'projection':
      init.push(`self.${m.first} = ${lin(String(w), 'hidden_dim', false)}`);
      forward = [`return self.${m.first}(self.${m.embedderAttr}(timesteps))`];
      break;
  }
  const title =
    m.kind === 'projection'
      ? `${spec.embedderClass}, then k-diffusion's bias-free time_in_proj.`
      : `${spec.embedderClass}, then Linear-${act.slice(3, -2)}-Linear under the upstream names.`;
  const doc = keyDoc(title, checkpointKeys(r, spec.hidden), m.upstreamNote, 'torch Linear weights are [out, in]');
  return renderBlock([
    block(`class ${spec.className}(nn.Module):`, [
      docstring(doc[0]!, doc.slice(2)),
      BLANK,
      block(`def __init__(self, hidden_dim: int = ${spec.hidden}) -> None:`, init),
      BLANK,
      block('def forward(self, timesteps: torch.Tensor) -> torch.Tensor:', forward),
    ]),
  ]);
}

const CONV = 'nn.Conv2d(channels, channels, 3, padding=1)';
const NORM = 'nn.GroupNorm(32, channels)';

function injectionBlock(spec: InjectionSpec): string[] {
  const H = spec.hidden;
  const sig = (extra: string): string => `def __init__(self, channels: int, emb_channels: int = ${H}${extra}) -> None:`;
  const fwd = (body: Stmt[]): Stmt =>
    block('def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:', body);
  let cls: Stmt;
  const prelude: string[] = [];
  switch (spec.style) {
    case 'add':
      cls = block(`class ${spec.className}(nn.Module):`, [
        docstring('A minimal ADM ResBlock: the projected time embedding is added to every pixel.'),
        BLANK,
        block(sig(''), [
          'super().__init__()',
          `self.in_layers = nn.Sequential(${NORM}, nn.SiLU(), ${CONV})`,
          'self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb_channels, channels))',
          `self.out_layers = nn.Sequential(${NORM}, nn.SiLU(), ${CONV})`,
        ]),
        BLANK,
        fwd([
          'h = self.in_layers(x)',
          '# h = h + emb_proj(act(emb)), broadcast over height and width',
          'h = h + self.emb_layers(emb)[:, :, None, None]',
          'return x + self.out_layers(h)',
        ]),
      ]);
      break;
    case 'adagn':
      cls = block(`class ${spec.className}(nn.Module):`, [
        docstring('ADM ResBlock with use_scale_shift_norm: GroupNorm, then h * (1 + scale) + shift.'),
        BLANK,
        block(sig(''), [
          'super().__init__()',
          `self.in_layers = nn.Sequential(${NORM}, nn.SiLU(), ${CONV})`,
          'self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb_channels, 2 * channels))',
          `self.out_norm = ${NORM}`,
          `self.out_rest = nn.Sequential(nn.SiLU(), ${CONV})`,
        ]),
        BLANK,
        fwd([
          'h = self.in_layers(x)',
          'emb_out = self.emb_layers(emb)[:, :, None, None]',
          'scale, shift = torch.chunk(emb_out, 2, dim=1)',
          'h = self.out_norm(h) * (1 + scale) + shift',
          'return x + self.out_rest(h)',
        ]),
      ]);
      break;
    case 'film':
      cls = block(`class ${spec.className}(nn.Module):`, [
        docstring('FiLM: the time embedding predicts a per-channel gamma and beta.'),
        BLANK,
        block(sig(''), [
          'super().__init__()',
          `self.norm = ${NORM}`,
          `self.conv = ${CONV}`,
          'self.film = nn.Linear(emb_channels, 2 * channels)',
        ]),
        BLANK,
        fwd([
          'gamma, beta = torch.chunk(self.film(emb)[:, :, None, None], 2, dim=1)',
          'h = self.conv(nn.functional.silu(self.norm(x)))',
          'return x + gamma * h + beta',
        ]),
      ]);
      break;
    case 'adaln-zero':
      prelude.push(
        ...renderBlock([
          block('def modulate(x: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:', [
            'return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)',
          ]),
        ]),
      );
      cls = block(`class ${spec.className}(nn.Module):`, [
        docstring('A DiT block with adaLN-Zero conditioning on the time embedding c.'),
        BLANK,
        block(`def __init__(self, hidden_size: int = ${H}, num_heads: int = ${headsFor(H)}) -> None:`, [
          'super().__init__()',
          'self.norm1 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)',
          'self.attn = nn.MultiheadAttention(hidden_size, num_heads, batch_first=True)',
          'self.norm2 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)',
          'self.mlp = nn.Sequential(nn.Linear(hidden_size, 4 * hidden_size), nn.GELU(approximate="tanh"), nn.Linear(4 * hidden_size, hidden_size))',
          'self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 6 * hidden_size))',
          '# adaLN-Zero: the modulation starts at zero, so each block starts as the identity',
          'nn.init.zeros_(self.adaLN_modulation[-1].weight)',
          'nn.init.zeros_(self.adaLN_modulation[-1].bias)',
        ]),
        BLANK,
        block('def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:', [
          '# x: [n, tokens, hidden_size]; six chunks: shift, scale, gate for attention and MLP',
          'chunks = self.adaLN_modulation(c).chunk(6, dim=1)',
          'shift_msa, scale_msa, gate_msa = chunks[:3]',
          'shift_mlp, scale_mlp, gate_mlp = chunks[3:]',
          'h = modulate(self.norm1(x), shift_msa, scale_msa)',
          'x = x + gate_msa.unsqueeze(1) * self.attn(h, h, h, need_weights=False)[0]',
          'h = modulate(self.norm2(x), shift_mlp, scale_mlp)',
          'return x + gate_mlp.unsqueeze(1) * self.mlp(h)',
        ]),
      ]);
      break;
  }
  const lines = renderBlock([cls]);
  return prelude.length > 0 ? [...prelude, '', '', ...lines] : lines;
}

/** The PyTorch dialect. */
export const pytorch: Dialect = {
  framework: 'pytorch',
  arrayType: 'torch.Tensor',
  dynamicDtype: true,
  imports: () => ['import torch'],
  classImports: () => ['from torch import nn'],
  arange: (stop, start, step) =>
    `torch.arange(${start !== undefined ? `${start}, ` : ''}${stop}${step !== undefined ? `, ${step}` : ''}, ${F32}, device=timesteps.device)`,
  cast: (x, dtype) => `${atom(x)}.${dtype === 'float32' ? 'float' : dtype === 'float16' ? 'half' : 'bfloat16'}()`,
  call: (fn, x) => `torch.${fn}(${x})`,
  concat: (items) => `torch.cat([${items.join(', ')}], dim=-1)`,
  stack: (items) => `torch.stack([${items.join(', ')}], dim=-1)`,
  reshape: (x, shape) => `${atom(x)}.reshape(${shape.join(', ')})`,
  padColumn: (x) => `torch.nn.functional.pad(${x}, (0, 1))`,
  repeatColumns: (x, count) => `${atom(x)}.repeat(1, ${count})`,
  zeroRows: (x, mask) => `${x}.masked_fill(${mask}, 0.0)`,
  matmulTransposed: (x, w) => `${x} @ ${w}.T`,
  scalarF32: (expr) => `torch.tensor(${expr}, ${F32})`,
  constant: (name) => `torch.tensor(${name}, ${F32})`,
  inputCast: () => [],
  roundTo: (x) => `${atom(x)}.to(timesteps.dtype)`,
  helpers: () => [],
  moduleClass,
  mlpClass,
  injectionBlock,
};
