import { strict as assert } from 'node:assert';
import {
  CODE_FORMS,
  FRAMEWORKS,
  PRESETS,
  ValidationError,
  detectFramework,
  generateCode,
  resolveRequest,
  type CodegenOptions,
  type EmbedRequest,
  type Framework,
  type PresetId,
} from '../../src/core/index';
import { finishSource, formatStatement, pyFloat32, stop } from '../../src/core/codegen/python';

/** A valid request with the preset's defaults (row input for sgm-concat, σ values for log=True). */
function defaultRequest(preset: PresetId): EmbedRequest {
  if (preset === 'sgm-concat') return { preset, timesteps: [[1024, 1024, 0, 0, 1024, 1024]] };
  if (preset === 'gaussian-fourier') return { preset, timesteps: [0.5, 80] };
  return { preset, timesteps: [0, 1, 17] };
}

/** Code lines outside docstrings and comments, where black's 88 columns apply. */
function codeLines(source: string): string[] {
  const lines: string[] = [];
  let inDocstring = false;
  for (const line of source.split('\n')) {
    const quotes = (line.match(/"""/g) ?? []).length;
    if (inDocstring || quotes > 0) {
      if (quotes % 2 === 1) inDocstring = !inDocstring;
      continue;
    }
    if (!line.trim().startsWith('#')) lines.push(line);
  }
  return lines;
}

/** The ADM function form as it is inserted most often: verbatim, so any change to it is deliberate. */
const ADM_PYTORCH = `import math

import torch


def timestep_embedding(
    timesteps: torch.Tensor,
    dim: int = 320,
    max_period: float = 10000,
    repeat_only: bool = False,
) -> torch.Tensor:
    """Timestep embedding, cos|sin, half family: [n] -> [n, 320].

    ADM timestep_embedding (guided/improved-diffusion, LDM/SD, SGM, DiT, PixArt, SD3).
    Reproduces openai/guided-diffusion:guided_diffusion/nn.py:103 op for op in float32.
    timesteps may be int or float; they are cast to float32 like upstream.
    """
    if repeat_only:
        # upstream: einops repeat(timesteps, "b -> b d", d=dim), here as float32
        return timesteps[:, None].float().repeat(1, dim)
    half = dim // 2
    freqs = torch.arange(half, dtype=torch.float32, device=timesteps.device)
    freqs = torch.exp(-math.log(max_period) * freqs / half)
    args = timesteps[:, None].float() * freqs[None]
    embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        embedding = torch.nn.functional.pad(embedding, (0, 1))
    return embedding
`;

describe('generateCode', () => {
  it('renders every preset × framework × form, naming the source and the callable', () => {
    for (const preset of PRESETS)
      for (const framework of FRAMEWORKS)
        for (const form of CODE_FORMS) {
          const what = `${preset.id} ${framework} ${form}`;
          const code = generateCode(defaultRequest(preset.id), framework, { form });
          assert.ok(code.includes(preset.source), `${what}: docstring names ${preset.source}`);
          assert.match(code, /^def timestep_embedding\(/m, what);
          if (form !== 'function') assert.match(code, /^class \w+/m, what);
          assert.ok(!code.includes('$'), `${what}: no snippet syntax without tabStops`);
          assert.ok(!code.includes('\t') && code.endsWith('\n') && !code.endsWith('\n\n'), `${what}: whitespace`);
          for (const line of codeLines(code)) assert.ok(line.length <= 88, `${what}: too long: ${line}`);
        }
  });

  it('reproduces the ADM PyTorch function literally', () => {
    assert.equal(generateCode({ preset: 'adm', timesteps: [0, 999] }, 'pytorch'), ADM_PYTORCH);
  });

  it('puts the request settings in the signature under the upstream names', () => {
    const code = generateCode(
      { preset: 'diffusers', timesteps: [1], params: { embedding_dim: 321, flip_sin_to_cos: true, downscale_freq_shift: 0 } },
      'numpy',
    );
    assert.match(code, /embedding_dim: int = 321,\n {4}flip_sin_to_cos: bool = True,\n {4}downscale_freq_shift: float = 0,/);
    assert.match(code, /emb = scale \* emb/); // scale after t·f, as upstream
    const flux = generateCode({ preset: 'flux', timesteps: [0.5] }, 'pytorch');
    assert.match(flux, /time_factor: float = 1000\.0/);
    assert.match(flux, /t = time_factor \* timesteps\n/);
    assert.match(flux, /if torch\.is_floating_point\(t\):\n {8}embedding = embedding\.to\(t\)/);
  });

  it('keeps Python scalars where upstream keeps them', () => {
    const ddpm = generateCode({ preset: 'ddpm-tf', timesteps: [1] }, 'numpy');
    assert.match(ddpm, /emb = math\.log\(10000\) \/ \(half_dim - 1\)\n/);
    assert.match(ddpm, /np\.exp\(np\.arange\(half_dim, dtype=np\.float32\) \* -emb\)/);
    const edm = generateCode({ preset: 'edm-positional', timesteps: [1] }, 'jax');
    assert.match(edm, /freqs = \(1 \/ max_positions\) \*\* freqs/);
    const t2t = generateCode({ preset: 'tensor2tensor', timesteps: [1] }, 'numpy');
    assert.match(t2t, /divisor = np\.float32\(max\(num_timescales - 1, 1\)\)/); // float32 / float32 in NumPy 1.x too
    const fourier = generateCode({ preset: 'edm-fourier', timesteps: [1] }, 'tensorflow');
    assert.match(fourier, /\(2 \* math\.pi \* freqs\)\[None, :\]/);
  });

  it('embeds the random buffer as exact float32 values', () => {
    const request: EmbedRequest = { preset: 'gaussian-fourier', timesteps: [1], params: { embedding_size: 8, scale: 16 } };
    const values = resolveRequest(request).params['weight'] as number[];
    const code = generateCode(request, 'pytorch');
    const tuple = /^WEIGHT = \(([^)]*)\)/m.exec(code);
    assert.ok(tuple, 'module-level WEIGHT tuple');
    const parsed = tuple[1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    assert.deepEqual(parsed.map(Math.fround), values);
    assert.match(code, /weight: torch\.Tensor = torch\.tensor\(WEIGHT, dtype=torch\.float32\)/);
    const given = generateCode({ preset: 'k-diffusion', timesteps: [[1, 2]], params: { in_features: 2, out_features: 4, weight: [0.5, -1, 2, 0.25] } }, 'numpy');
    assert.match(given, /^WEIGHT = \(\(0\.5, -1\.0\), \(2\.0, 0\.25\)\)$/m); // [out//2, in], row-major
  });

  it('names module+mlp tensors as upstream checkpoints do', () => {
    const keys = (preset: PresetId, params: Record<string, number> = {}, framework: Framework = 'pytorch'): string =>
      generateCode({ ...defaultRequest(preset), params }, framework, { form: 'module+mlp' });
    assert.match(keys('adm'), /time_embed\.0\.weight \[1280, 320\]/);
    assert.match(keys('adm'), /self\.time_embed = nn\.Sequential\(/);
    assert.match(keys('adm', { dim: 256 }), /mlp\.0\.weight \[1152, 256\]/);
    assert.match(keys('diffusers'), /linear_1\.weight \[1280, 320\][\s\S]*self\.act = nn\.SiLU\(\)/);
    assert.match(keys('flux'), /in_layer\.weight \[3072, 256\][\s\S]*self\.silu = nn\.SiLU\(\)/);
    assert.match(keys('edm-fourier'), /map_noise\.freqs \[128\][\s\S]*map_layer1\.weight/);
    assert.match(keys('lucidrains'), /time_mlp\.1\.weight \[256, 64\][\s\S]*nn\.GELU\(\)/);
    assert.match(keys('k-diffusion'), /time_emb\.weight \[128, 1\][\s\S]*bias=False/);
    assert.match(keys('sgm-concat'), /label_emb\.0\.0\.weight \[6144, 1536\]/);
    assert.match(keys('ddpm-tf', {}, 'tensorflow'), /Keras Dense kernels are \[in, out\]/);
  });

  it('follows hiddenDim, activation and injection options', () => {
    const code = generateCode({ preset: 'adm', timesteps: [1] }, 'pytorch', {
      form: 'injection',
      injection: 'adaln-zero',
      hiddenDim: 1152,
      activation: 'gelu',
    });
    assert.match(code, /def __init__\(self, hidden_dim: int = 1152\)/);
    assert.match(code, /nn\.Linear\(320, hidden_dim\), nn\.GELU\(\)/);
    assert.match(code, /class DiTBlock\(nn\.Module\)/);
    assert.match(code, /nn\.init\.zeros_\(self\.adaLN_modulation\[-1\]\.weight\)/);
    for (const injection of ['add', 'adagn', 'film', 'adaln-zero'] as const)
      for (const framework of FRAMEWORKS)
        assert.doesNotThrow(() => generateCode({ preset: 'flux', timesteps: [0.5] }, framework, { form: 'injection', injection }));
  });

  it('imports only what the code uses', () => {
    const adm = generateCode({ preset: 'adm', timesteps: [1] }, 'jax');
    assert.ok(adm.startsWith('import math\n\nimport jax\nimport jax.numpy as jnp\n\n\n'));
    const fairseq = generateCode({ preset: 'fairseq', timesteps: [1], params: { padding_idx: 1 } }, 'pytorch');
    assert.ok(fairseq.startsWith('from __future__ import annotations\n\nimport math\n'), 'int | None needs the future import');
    const t2t = generateCode({ preset: 'edm-positional', timesteps: [1] }, 'tensorflow');
    assert.ok(!t2t.includes('import math'), 'no math import without math.*');
    assert.ok(!adm.includes('from __future__'));
    assert.ok(generateCode({ preset: 'adm', timesteps: [1] }, 'pytorch', { form: 'module' }).includes('from torch import nn'));
  });

  it('reproduces half-precision semantics the framework way', () => {
    const torchBf16 = generateCode({ preset: 'gaussian-fourier', timesteps: [1], dtype: 'bfloat16' }, 'pytorch');
    assert.match(torchBf16, /timesteps = torch\.log\(timesteps\.float\(\)\)\.to\(timesteps\.dtype\)/);
    const numpyBf16 = generateCode({ preset: 'flux', timesteps: [0.75], dtype: 'bfloat16' }, 'numpy');
    assert.match(numpyBf16, /NumPy has no bfloat16/);
    assert.match(numpyBf16, /t = _round_to_bfloat16\(time_factor \* timesteps\.astype\(np\.float32\)\)/);
    assert.match(numpyBf16, /embedding = _round_to_bfloat16\(embedding\)/);
    const jaxF16 = generateCode({ preset: 'adm', timesteps: [999.7], dtype: 'float16' }, 'jax');
    assert.match(jaxF16, /timesteps = timesteps\.astype\(jnp\.float16\)/);
    assert.ok(!generateCode({ preset: 'adm', timesteps: [1] }, 'numpy').includes('_round_to_bfloat16'));
  });

  it('is deterministic', () => {
    const request: EmbedRequest = { preset: 'edm-fourier', timesteps: [0.002, 80], params: { num_channels: 64 } };
    for (const framework of FRAMEWORKS)
      assert.equal(generateCode(request, framework, { form: 'injection' }), generateCode(request, framework, { form: 'injection' }));
  });

  it('throws ValidationError and emits nothing for bad requests or options', () => {
    const bad: [unknown, Framework, CodegenOptions][] = [
      [{ preset: 'nope', timesteps: [1] }, 'pytorch', {}],
      [{ preset: 'adm', timesteps: [] }, 'pytorch', {}],
      [{ preset: 'adm', timesteps: [1], params: { dim: 0 } }, 'numpy', {}],
      [{ preset: 'transformer', timesteps: [1], params: { embed_dim: 7 } }, 'jax', {}],
      [{ preset: 'edm-fourier', timesteps: [1], dtype: 'float16' }, 'pytorch', {}],
      [{ preset: 'adm', timesteps: [1] }, 'cobol' as Framework, {}],
      [{ preset: 'adm', timesteps: [1] }, 'pytorch', { name: 'def' }],
      [{ preset: 'adm', timesteps: [1] }, 'pytorch', { name: 'my-embedding' }],
      [{ preset: 'adm', timesteps: [1] }, 'pytorch', { form: 'module+mlp', hiddenDim: 0 }],
      [{ preset: 'adm', timesteps: [1] }, 'pytorch', { form: 'macro' as CodegenOptions['form'] }],
    ];
    for (const [request, framework, options] of bad)
      assert.throws(() => generateCode(request as EmbedRequest, framework, options), ValidationError, JSON.stringify(request));
  });
});

describe('tab stops', () => {
  it('wraps the name and the width default, mirrored across the function and the class', () => {
    const fn = generateCode({ preset: 'adm', timesteps: [1] }, 'pytorch', { tabStops: true });
    assert.match(fn, /^def \$\{1:timestep_embedding\}\($/m);
    assert.match(fn, /dim: int = \$\{2:320\},/);
    const module = generateCode({ preset: 'diffusers', timesteps: [1] }, 'mlx', { form: 'module', tabStops: true, name: 'TimeProj' });
    assert.match(module, /^class \$\{1:TimeProj\}\(nn\.Module\):$/m);
    assert.equal(module.match(/\$\{2:320\}/g)?.length, 2, 'function and constructor share stop 2');
  });

  it('escapes $, } and backslashes outside the stops', () => {
    assert.equal(finishSource(`a = "$x}\\\\"\n${stop(1, 'name')}`, true), 'a = "\\$x\\}\\\\\\\\"\n${1:name}');
    assert.equal(finishSource(`a = "$x}"\n${stop(1, 'name')}`, false), 'a = "$x}"\nname');
  });

  it('leaves line breaking unaffected', () => {
    const plain = generateCode({ preset: 'flux', timesteps: [1] }, 'tensorflow', { form: 'module' });
    const snippet = generateCode({ preset: 'flux', timesteps: [1] }, 'tensorflow', { form: 'module', tabStops: true });
    assert.equal(snippet.replace(/\$\{\d:([^}]*)\}/g, '$1'), plain);
  });
});

describe('python helpers', () => {
  it('prints the shortest decimal that round-trips each float32', () => {
    assert.equal(pyFloat32(0.1), '0.1');
    assert.equal(pyFloat32(1), '1.0');
    assert.equal(pyFloat32(-2.5), '-2.5');
    assert.equal(pyFloat32(1e-7), '1e-7');
    assert.equal(pyFloat32(3e21), '3e21');
    let seed = 12345;
    for (let k = 0; k < 2000; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const x = Math.fround((seed / 2 ** 32 - 0.5) * 10 ** ((k % 12) - 6));
      const text = pyFloat32(x);
      assert.equal(Math.fround(Number(text)), x, text);
      assert.ok(text.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length <= 9, text);
    }
  });

  it('splits a long call the way black does', () => {
    assert.deepEqual(formatStatement(`x = torch.arange(${'n'.repeat(24)}, dtype=torch.float32, device=timesteps.device)`, '    '), [
      '    x = torch.arange(',
      `        ${'n'.repeat(24)}, dtype=torch.float32, device=timesteps.device`,
      '    )',
    ]);
  });
});

describe('detectFramework', () => {
  const table: [string, Framework | undefined][] = [
    ['import torch\n', 'pytorch'],
    ['from torch import nn\n', 'pytorch'],
    ['import numpy as np\nimport torch.nn.functional as F\n', 'pytorch'],
    ['import jax.numpy as jnp\n', 'jax'],
    ['from flax import linen as nn\n', 'jax'],
    ['import numpy as np\nimport jax\n', 'jax'],
    ['import tensorflow as tf\n', 'tensorflow'],
    ['from keras import layers\n', 'tensorflow'],
    ['import mlx.core as mx\n', 'mlx'],
    ['import numpy as np\n', 'numpy'],
    ['from numpy import pi\n', 'numpy'],
    ['# import torch\nx = 1\n', undefined],
    ['torchvision = 1\nimport torchvision\n', undefined],
    ['print("hello")\n', undefined],
  ];
  for (const [source, expected] of table)
    it(`${JSON.stringify(source)} -> ${expected}`, () => assert.equal(detectFramework(source), expected));
});
