/**
 * The WebGPU engine against the CPU core, in Node on the `webgpu` package (Dawn; SwiftShader here through
 * VK_ICD_FILENAMES). Every kernel is compared with src/core (the float32 oracle) or a float64 computation, and every
 * failure reports the max abs error and the worst index. Under CI=true a missing adapter fails the run instead of
 * skipping it. Run:
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npx mocha --import=tsx 'test/gpu/**\/*.test.ts'
 */
import { strict as assert } from 'node:assert';
import { mlp } from '../../src/core/mlp';
import { resolveRequest } from '../../src/core/params';
import { planEmbedding } from '../../src/core/plan';
import { PRESETS } from '../../src/core/presets';
import { embed, rowMaxAbsArgument } from '../../src/core/reference';
import type { EmbedRequest, PresetId } from '../../src/core/types';
import { symmetricEigen } from '../../webview/engine/analysis';
import type { Engine } from '../../webview/engine/types';
import { loadEngine, nodeGpu } from './bundle';
import { assertClose, distance64, maxAbs, seededUniform, similarity64 } from './helpers';

/** Goal of issue 3: |GPU − core| ≤ 2e-7 while |t·f| ≤ 1e4 and ≤ 1e-6 up to 1e5 (float32 outputs). */
const TOL_1E4 = 2e-7;
const TOL_1E5 = 1e-6;
/**
 * A half-precision output is the float32 value rounded once more; two float32 values 1 ulp apart can round to
 * neighbouring halves, so those outputs are held to one ulp of the output dtype near 1 instead.
 */
const HALF_ULP = { float16: 2 ** -11, bfloat16: 2 ** -8 } as const;
/** Analyses (similarity, PCA, MLP, distances, statistics) against float64: 1e-5 relative to the largest value. */
const ANALYSIS_REL = 1e-5;

const range = <T = number>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const steps = (n: number, max: number): number[] => range(n, (i) => Math.round((i * max) / Math.max(1, n - 1)));
const sigmas = (n: number): number[] => range(n, (i) => 0.002 * (80 / 0.002) ** (i / Math.max(1, n - 1)));

/** Sensible timesteps per preset: table rows, σ, c_noise or discrete steps, as each preset's models feed it. */
const PRESET_CASES: Record<PresetId, EmbedRequest[]> = {
  diffusers: [
    { preset: 'diffusers', timesteps: steps(64, 999) },
    { preset: 'diffusers', timesteps: steps(64, 999), params: { embedding_dim: 321, flip_sin_to_cos: true, downscale_freq_shift: 0 } },
    // AuraFlow / grad-tts: scale 1000 on t in [0, 1].
    { preset: 'diffusers', timesteps: range(33, (i) => i / 32), params: { embedding_dim: 256, scale: 1000 } },
  ],
  'diffusers-flax': [{ preset: 'diffusers-flax', timesteps: steps(64, 999), params: { flip_sin_to_cos: true, freq_shift: 0 } }],
  adm: [
    { preset: 'adm', timesteps: steps(64, 999) },
    { preset: 'adm', timesteps: steps(8, 999), params: { dim: 33, repeat_only: true } },
  ],
  flux: [
    { preset: 'flux', timesteps: range(40, (i) => i / 39) },
    { preset: 'flux', timesteps: range(40, (i) => i / 39), dtype: 'bfloat16' },
    { preset: 'flux', timesteps: range(40, (i) => i / 39), dtype: 'float16', params: { dim: 255 } },
  ],
  'ddpm-tf': [{ preset: 'ddpm-tf', timesteps: steps(64, 999), params: { embedding_dim: 129 } }],
  'score-sde': [{ preset: 'score-sde', timesteps: range(50, (i) => (999 * i) / 49) }],
  fairseq: [{ preset: 'fairseq', timesteps: range(64, (i) => i), params: { embedding_dim: 512, padding_idx: 1 } }],
  lucidrains: [{ preset: 'lucidrains', timesteps: steps(64, 999), params: { dim: 65 } }],
  'lucidrains-random': [{ preset: 'lucidrains-random', timesteps: range(40, (i) => i / 39), params: { dim: 16 } }],
  tensor2tensor: [{ preset: 'tensor2tensor', timesteps: range(64, (i) => i * 7), params: { channels: 513, start_index: 3 } }],
  transformer: [{ preset: 'transformer', timesteps: range(64, (i) => i * 15), params: { embed_dim: 512, max_seq_length: 1000 } }],
  'gaussian-fourier': [
    { preset: 'gaussian-fourier', timesteps: sigmas(40), params: { embedding_size: 128, scale: 16 } },
    { preset: 'gaussian-fourier', timesteps: sigmas(40).map(Math.log), params: { log: false, flip_sin_to_cos: true, scale: 16 } },
  ],
  'edm-positional': [
    { preset: 'edm-positional', timesteps: range(40, (i) => (999 * i) / 39) },
    { preset: 'edm-positional', timesteps: range(40, (i) => (999 * i) / 39), params: { num_channels: 129, endpoint: true, swap_halves: true } },
  ],
  'edm-fourier': [{ preset: 'edm-fourier', timesteps: sigmas(40).map((s) => Math.log(0.5 * s)), params: { num_channels: 256, scale: 16 } }],
  'k-diffusion': [
    { preset: 'k-diffusion', timesteps: sigmas(40).map((s) => Math.log(s) / 4) },
    { preset: 'k-diffusion', timesteps: range(20, (i) => [i / 10 - 1, Math.log(0.1 + i), i % 3]), params: { in_features: 3, out_features: 64 } },
  ],
  'sgm-concat': [{ preset: 'sgm-concat', timesteps: [[1024, 1024], [512, 768], [0, 0], [2048, 1536]] }],
};

/** The tolerance the goal sets for a request's largest argument (and output dtype). */
function toleranceFor(request: EmbedRequest): { tolerance: number; maxArgument: number } {
  const plan = planEmbedding(resolveRequest(request));
  const maxArgument = maxAbs(rowMaxAbsArgument(plan));
  if (plan.outputDtype !== 'float32') return { tolerance: HALF_ULP[plan.outputDtype], maxArgument };
  if (maxArgument > 1e5) throw new Error(`test request goes past |t·f| = 1e5 (${maxArgument}); the goal says nothing there`);
  return { tolerance: maxArgument <= 1e4 ? TOL_1E4 : TOL_1E5, maxArgument };
}

const describeName = (r: EmbedRequest): string => `${r.preset} ${JSON.stringify(r.params ?? {})}${r.dtype ? ` ${r.dtype}` : ''} T=${r.timesteps.length}`;

/** Max errors measured per case, printed after the run for the report. */
const measured: string[] = [];

describe('WebGPU engine (Node, webgpu package)', function () {
  this.timeout(120_000);
  let engine: Engine & { loseDeviceForTesting(): void };

  before(async function () {
    const gpu = nodeGpu();
    const adapter = gpu ? await gpu.requestAdapter() : null;
    if (!gpu || !adapter) {
      const why = `no WebGPU adapter (set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json and install libvulkan1)`;
      // In CI the GPU path must run: a skipped GPU test would let the CPU path pass for it (STYLE.md "Tests").
      if (process.env['CI'] === 'true') throw new Error(`CI=true and ${why}`);
      console.warn(`skipping GPU tests: ${why}`);
      this.skip();
    }
    const { createEngine } = loadEngine();
    engine = await createEngine({ gpu: gpu!, force: 'webgpu' });
    assert.equal(engine.backend, 'webgpu', engine.reason);
  });

  after(() => {
    if (measured.length > 0) console.log(`\n  measured max |GPU − core|:\n    ${measured.join('\n    ')}`);
    engine?.dispose();
  });

  describe('embedding matches the CPU core for every preset', () => {
    it('covers every preset', () => assert.deepEqual(Object.keys(PRESET_CASES).sort(), PRESETS.map((p) => p.id).sort()));
    for (const preset of PRESETS)
      for (const request of PRESET_CASES[preset.id])
        it(describeName(request), async () => {
          const expected = embed(request);
          const result = await engine.compute(request);
          assert.equal(result.backend, 'webgpu');
          assert.deepEqual(result.shape, expected.shape);
          const { tolerance, maxArgument } = toleranceFor(request);
          const error = assertClose(describeName(request), result.data, expected.data, tolerance, expected.shape[1]);
          measured.push(`${describeName(request)}: ${error.toExponential(2)} (max |a| ${maxArgument.toPrecision(3)})`);
        });
  });

  describe('widths, row counts and argument sizes', () => {
    for (const dim of [1, 2, 3, 255, 256, 257, 1023, 4096])
      it(`diffusers width ${dim} (odd, below and across the 256-wide workgroup)`, async () => {
        const request: EmbedRequest = { preset: 'diffusers', timesteps: steps(9, 999), params: { embedding_dim: dim, downscale_freq_shift: 0 } };
        const expected = embed(request);
        const result = await engine.compute(request);
        assertClose(`width ${dim}`, result.data, expected.data, TOL_1E4, expected.shape[1]);
      });

    it('T = 1', async () => {
      const request: EmbedRequest = { preset: 'adm', timesteps: [537], params: { dim: 320 } };
      const result = await engine.compute(request, { similarity: true, adjacent: true, nearest: true, spectrum: true, pca: true });
      assertClose('T=1', result.data, embed(request).data, TOL_1E4);
      assertClose('T=1 similarity', result.similarity!, [1], ANALYSIS_REL);
      assert.equal(result.adjacent!.length, 0);
      assert.equal(result.nearest!.index[0], -1);
    });

    for (const [limit, tolerance] of [[1e4, TOL_1E4], [1e5, TOL_1E5]] as const)
      it(`large arguments: |t·f| up to ${limit} within ${tolerance}`, async () => {
        const random = seededUniform(limit);
        // f_0 = 1 for ADM, so the first columns see |a| = |t| up to the limit; plus integers near multiples of π/2.
        const timesteps = [...range(200, () => (random() * 2 - 1) * limit), ...range(40, (i) => Math.round(((i + 1) * limit) / 40 / (Math.PI / 2)) * (Math.PI / 2))];
        const request: EmbedRequest = { preset: 'adm', timesteps, params: { dim: 64 } };
        const expected = embed(request);
        const result = await engine.compute(request);
        const error = assertClose(`|a| ≤ ${limit}`, result.data, expected.data, tolerance, 64);
        measured.push(`adm dim 64, |t·f| ≤ ${limit}: ${error.toExponential(2)}`);
      });

    it('T = 100k (moderate width), chunked under a small binding limit', async () => {
      const { createEngine } = loadEngine();
      // 100k × 64 float32 = 25.6 MB; a 1 MiB cap forces 25 chunks through the same kernel.
      const chunked = await createEngine({ gpu: nodeGpu()!, force: 'webgpu', maxChunkBytes: 1 << 20 });
      try {
        const request: EmbedRequest = { preset: 'adm', timesteps: range(100_000, (i) => i / 100), params: { dim: 64 } };
        const expected = embed(request);
        const result = await chunked.compute(request, { adjacent: true });
        const error = assertClose('T=100k', result.data, expected.data, TOL_1E4, 64);
        measured.push(`adm dim 64, T=100k in 1 MiB chunks: ${error.toExponential(2)}`);
        assert.ok(result.notes.some((n) => /several GPU buffers/.test(n)), `notes: ${result.notes.join('; ')}`);
        assert.equal(result.adjacent!.length, 99_999);
      } finally {
        chunked.dispose();
      }
    });

    it('width 4096 in chunks', async () => {
      const { createEngine } = loadEngine();
      const chunked = await createEngine({ gpu: nodeGpu()!, force: 'webgpu', maxChunkBytes: 64 * 4096 * 4 + 100 });
      try {
        const request: EmbedRequest = { preset: 'diffusers', timesteps: steps(300, 999), params: { embedding_dim: 4096, flip_sin_to_cos: true } };
        const expected = embed(request);
        assertClose('4096 wide', (await chunked.compute(request)).data, expected.data, TOL_1E4, 4096);
      } finally {
        chunked.dispose();
      }
    });
  });

  describe('analyses against float64', () => {
    const request: EmbedRequest = { preset: 'adm', timesteps: range(150, (i) => i * 6 + (i % 7)), params: { dim: 97 } };
    const [n, m] = [150, 97];
    let result: Awaited<ReturnType<Engine['compute']>>;
    before(async () => {
      result = await engine.compute(request, { similarity: true, adjacent: true, nearest: true, spectrum: true, pca: true });
      assert.equal(result.backend, 'webgpu');
    });

    it('cosine similarity', () => {
      assertClose('similarity', result.similarity!, similarity64(result.data, n, m), ANALYSIS_REL, n);
    });

    it('adjacent and nearest distances', () => {
      const e = result.data;
      const adjacent = range(n - 1, (r) => distance64(e, m, r, r + 1));
      assertClose('adjacent', result.adjacent!, adjacent, ANALYSIS_REL * maxAbs(adjacent));
      const nearest = range(n, (r) => Math.min(...range(n, (s) => (s === r ? Infinity : distance64(e, m, r, s)))));
      assertClose('nearest distance', result.nearest!.distance, nearest, ANALYSIS_REL * maxAbs(nearest));
      const chosen = range(n, (r) => distance64(e, m, r, result.nearest!.index[r]!));
      assertClose('distance to the chosen row', chosen, nearest, ANALYSIS_REL * maxAbs(nearest));
    });

    it('spectrum statistics', () => {
      const e = result.data;
      const mean = range(m, (k) => range(n, (r) => e[r * m + k]!).reduce((a, b) => a + b) / n);
      const std = range(m, (k) => Math.sqrt(range(n, (r) => (e[r * m + k]! - mean[k]!) ** 2).reduce((a, b) => a + b) / n));
      const spectrum = result.spectrum!;
      assertClose('mean', spectrum.mean, mean, ANALYSIS_REL);
      assertClose('std', spectrum.std, std, ANALYSIS_REL);
      assertClose('min', spectrum.min, range(m, (k) => Math.min(...range(n, (r) => e[r * m + k]!))), 0);
      assertClose('max', spectrum.max, range(m, (k) => Math.max(...range(n, (r) => e[r * m + k]!))), 0);
      assert.equal(spectrum.period[0], 2 * Math.PI);
      assert.equal(spectrum.aliased[0], 1, 'f = 1 sampled every ~6 steps is aliased');
      assert.equal(spectrum.aliased[47], 0, 'the lowest frequency is not');
      assert.equal(spectrum.period[96], Infinity, 'the zero padding column has no period');
    });

    it('2-D PCA', () => {
      checkPca(result.data, n, m, result.pca!);
    });
  });

  describe('MLP (Linear-act-Linear, torch layout)', () => {
    for (const [inDim, hidden, out, rows, act] of [
      [320, 1280, 1280, 64, 'silu'],
      [256, 3072, 3072, 8, 'gelu'],
      [33, 70, 17, 37, 'mish'],
      [64, 96, 40, 10, 'relu'],
    ] as const)
      it(`${inDim} → ${hidden} → ${out} over ${rows} rows, ${act}`, async () => {
        const weights = randomMlp(inDim, hidden, out, act);
        const request: EmbedRequest = { preset: 'adm', timesteps: steps(rows, 999), params: { dim: inDim } };
        const result = await engine.compute(request, { mlp: weights });
        const expected = mlp({ shape: [rows, inDim], data: result.data }, weights).data;
        assertClose(`mlp ${act}`, result.mlp!.data, expected, ANALYSIS_REL * maxAbs(expected), out);
      });
  });

  describe('recycled result arrays', () => recycleTests(() => engine, TOL_1E4));

  it('sends a request with sampled analyses beyond `sampled.above` rows to the CPU backend, and says so', async () => {
    const request: EmbedRequest = { preset: 'adm', timesteps: range(9000, (i) => i), params: { dim: 8 } };
    const result = await engine.compute(request, { similarity: true, nearest: true, pca: true, sampled: { above: 8192, rows: 100 } });
    assert.equal(result.backend, 'cpu');
    assert.equal(engine.backend, 'webgpu', 'the engine itself stays on WebGPU');
    assert.ok(result.notes.some((note) => /9000 steps exceed the 8192-row exact analyses: computed on the CPU backend/.test(note)), result.notes.join('; '));
    assert.equal(result.similarityRows!.length, 100);
    assertClose('sampled E', result.data, embed(request).data, 0);
    // At or below the limit the same request stays on the GPU.
    const small = await engine.compute({ ...request, timesteps: range(500, (i) => i) }, { similarity: true, sampled: { above: 8192, rows: 100 } });
    assert.equal(small.backend, 'webgpu');
    assert.equal(small.similarityRows, undefined);
  });

  describe('failure handling', () => {
    it('recomputes on the CPU when the device is lost mid-run, and says so', async () => {
      const { createEngine } = loadEngine();
      const doomed = await createEngine({ gpu: nodeGpu()!, force: 'webgpu' });
      const request: EmbedRequest = { preset: 'adm', timesteps: steps(500, 999), params: { dim: 256 } };
      const pending = doomed.compute(request, { similarity: true });
      doomed.loseDeviceForTesting();
      const result = await pending;
      assert.equal(result.backend, 'cpu');
      assert.ok(result.notes.some((n) => /device lost.*recomputed on the CPU/i.test(n)), result.notes.join('; '));
      assertClose('after loss', result.data, embed(request).data, 0);
      assert.equal(result.similarity!.length, 500 * 500);
      assert.equal(doomed.backend, 'cpu');
      doomed.dispose();
    });

    it('rejects invalid requests and oversized pairwise analyses with a message', async () => {
      await assert.rejects(engine.compute({ preset: 'adm', timesteps: [] }), /timesteps/);
      await assert.rejects(engine.compute({ preset: 'adm', timesteps: range(9000, (i) => i), params: { dim: 4 } }, { similarity: true }), /limited to 8192/);
    });

    it('prefers the CPU on a software adapter unless WebGPU is forced', async () => {
      const { createEngine } = loadEngine();
      const auto = await createEngine({ gpu: nodeGpu()! });
      assert.equal(auto.backend, 'cpu');
      assert.match(auto.reason, /software|swiftshader|fallback/i);
      auto.dispose();
    });
  });
});

describe('CPU backend', function () {
  this.timeout(60_000);
  let cpu: Engine;
  before(async () => {
    cpu = await loadEngine().createEngine({ backend: 'cpu' });
  });

  it('is bit-identical to the core for every preset case', async () => {
    for (const cases of Object.values(PRESET_CASES))
      for (const request of cases) assertClose(describeName(request), (await cpu.compute(request)).data, embed(request).data, 0);
  });

  for (const [label, request] of [
    ['uniform grid (Toeplitz path)', { preset: 'adm', timesteps: range(300, (i) => i * 3), params: { dim: 128 } }],
    ['uniform grid, prepended input', { preset: 'lucidrains-random', timesteps: range(100, (i) => i / 99), params: { dim: 32 } }],
    ['irregular grid (Gram path)', { preset: 'diffusers', timesteps: range(120, (i) => (i * i) % 997), params: { embedding_dim: 77 } }],
    ['large t (Gram fallback)', { preset: 'adm', timesteps: range(100, (i) => i * 90), params: { dim: 64 } }],
  ] as [string, EmbedRequest][])
    it(`similarity, distances and PCA: ${label}`, async () => {
      const result = await cpu.compute(request, { similarity: true, nearest: true, adjacent: true, pca: true });
      const [n, m] = result.shape;
      assertClose('similarity', result.similarity!, similarity64(result.data, n, m), ANALYSIS_REL, n);
      const nearest = range(n, (r) => Math.min(...range(n, (s) => (s === r ? Infinity : distance64(result.data, m, r, s)))));
      assertClose('nearest', result.nearest!.distance, nearest, ANALYSIS_REL * maxAbs(nearest));
      checkPca(result.data, n, m, result.pca!);
    });

  describe('recycled result arrays', () => recycleTests(() => cpu, 0));

  it('samples the T × T analyses beyond `sampled.above` rows: exact similarity of the sampled rows, exact nearest steps', async () => {
    const T = 5000;
    const request: EmbedRequest = { preset: 'adm', timesteps: range(T, (i) => i * 0.37), params: { dim: 16 } };
    const result = await cpu.compute(request, { similarity: true, nearest: true, pca: true, adjacent: true, spectrum: true, sampled: { above: 4096, rows: 120 } });
    const [n, m] = result.shape;
    const rows = result.similarityRows!;
    assert.equal(rows.length, 120);
    assert.equal(rows[0], 0);
    assert.equal(rows[119], T - 1);
    assert.ok(result.notes.some((note) => /120 evenly spaced of 5000 steps/.test(note)), result.notes.join('; '));
    const e = result.data;
    const norm = (r: number): number => Math.hypot(...e.subarray(r * m, r * m + m));
    for (const [a, b] of [[0, 0], [3, 77], [119, 5], [60, 61]] as const) {
      const [ra, rb] = [rows[a]!, rows[b]!];
      let dot = 0;
      for (let k = 0; k < m; k++) dot += e[ra * m + k]! * e[rb * m + k]!;
      const cos = dot / (norm(ra) * norm(rb));
      assert.ok(Math.abs(result.similarity![a * 120 + b]! - cos) < ANALYSIS_REL, `similarity of rows ${ra}, ${rb}`);
    }
    // Nearest steps against a direct search over every pair (float64).
    for (let r = 0; r < n; r += 7) {
      let best = Infinity;
      for (let s = 0; s < n; s++) if (s !== r) best = Math.min(best, distance64(e, m, r, s));
      assert.ok(Math.abs(result.nearest!.distance[r]! - best) <= 1e-6, `row ${r}: ${result.nearest!.distance[r]} vs ${best}`);
    }
    assert.equal(result.pca!.projections.length, 2 * T);
    assert.equal(result.adjacent!.length, T - 1);
  });

  it('MLP matches the core oracle', async () => {
    const weights = randomMlp(96, 160, 48, 'gelu');
    const request: EmbedRequest = { preset: 'adm', timesteps: steps(50, 999), params: { dim: 96 } };
    const result = await cpu.compute(request, { mlp: weights });
    const expected = mlp({ shape: [50, 96], data: result.data }, weights).data;
    assertClose('cpu mlp', result.mlp!.data, expected, ANALYSIS_REL * maxAbs(expected), 48);
  });
});

/**
 * engine.recycle(result): the next compute of the same size fills the recycled arrays, and every element is
 * rewritten. The recycled arrays are poisoned with NaN first, so a zero-pad column or padding row the engine failed to
 * rewrite shows up.
 */
function recycleTests(getEngine: () => Engine, tolerance: number): void {
  const poison = (a: Float32Array | undefined): void => void a?.fill(Number.NaN);
  for (const [label, first, second] of [
    [
      'odd width (a zero column)',
      { preset: 'diffusers', timesteps: steps(64, 999), params: { embedding_dim: 321 } },
      { preset: 'diffusers', timesteps: range(64, (i) => i * 3 + 1), params: { embedding_dim: 321 } },
    ],
    [
      'padding row (fairseq padding_idx)',
      { preset: 'fairseq', timesteps: range(40, (i) => i), params: { embedding_dim: 64, padding_idx: 1 } },
      { preset: 'fairseq', timesteps: range(40, (i) => i + 5), params: { embedding_dim: 64, padding_idx: 1 } },
    ],
  ] as [string, EmbedRequest, EmbedRequest][])
    it(`${label}: the second result reuses the first one's arrays and is right everywhere`, async () => {
      const engine = getEngine();
      const a = await engine.compute(first, { similarity: true });
      const [dataBuffer, similarityBuffer] = [a.data.buffer, a.similarity!.buffer];
      poison(a.data);
      poison(a.similarity);
      engine.recycle(a);
      const b = await engine.compute(second, { similarity: true });
      assert.equal(b.data.buffer, dataBuffer, 'the embedding did not reuse the recycled array');
      assert.equal(b.similarity!.buffer, similarityBuffer, 'the similarity did not reuse the recycled array');
      const expected = embed(second);
      assertClose(`${label} recycled`, b.data, expected.data, tolerance, expected.shape[1]);
      const [n, m] = b.shape;
      assertClose(`${label} recycled similarity`, b.similarity!, similarity64(b.data, n, m), ANALYSIS_REL, n);
    });

  it('a result recycled twice is handed out once; another size gets a new array', async () => {
    const engine = getEngine();
    const base = steps(32, 999);
    const request: EmbedRequest = { preset: 'adm', timesteps: base, params: { dim: 64 } };
    // Three plans of one size.
    const shifted = (by: number): EmbedRequest => ({ ...request, timesteps: base.map((t) => t + by) });
    const a = await engine.compute(request);
    engine.recycle(a);
    engine.recycle(a);
    const b = await engine.compute(shifted(1));
    const c = await engine.compute(shifted(2));
    assert.equal(b.data.buffer, a.data.buffer);
    assert.notEqual(c.data.buffer, b.data.buffer, 'one recycled array was handed to two live results');
    engine.recycle(c);
    const wider = await engine.compute({ ...request, params: { dim: 66 } });
    assert.notEqual(wider.data.buffer, c.data.buffer);
    assertClose('wider', wider.data, embed({ ...request, params: { dim: 66 } }).data, tolerance, 66);
  });
}

/** Seeded weights for an MLP with torch's init scale (uniform ±1/√fan_in). */
function randomMlp(inDim: number, hidden: number, out: number, act: 'silu' | 'gelu' | 'mish' | 'relu') {
  const random = seededUniform(inDim * 7919 + hidden);
  const uniform = (count: number, fanIn: number): Float32Array => Float32Array.from({ length: count }, () => (random() * 2 - 1) / Math.sqrt(fanIn));
  return { w1: uniform(hidden * inDim, inDim), b1: uniform(hidden, inDim), w2: uniform(out * hidden, hidden), b2: uniform(out, hidden), act };
}

/** PCA against a float64 eigen-decomposition of the covariance (m × m), signs aligned by the engine's rule. */
function checkPca(e: Float32Array, n: number, m: number, pca: { projections: Float32Array; explained: [number, number] }): void {
  const mean = range(m, (k) => range(n, (r) => e[r * m + k]!).reduce((a, b) => a + b) / n);
  const cov = new Float64Array(m * m);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < m; i++) {
      const xi = e[r * m + i]! - mean[i]!;
      for (let j = 0; j < m; j++) cov[i * m + j] += xi * (e[r * m + j]! - mean[j]!);
    }
  const { values, vectors } = symmetricEigen(cov, m);
  assert.ok(values[1]! - values[2]! > 1e-3 * values[0]!, `test case needs an eigengap (λ = ${values.slice(0, 3).join(', ')})`);
  const projections = new Float64Array(n * 2);
  for (let j = 0; j < 2; j++) {
    let big = 0;
    for (let k = 0; k < m; k++) if (Math.abs(vectors[k * m + j]!) > Math.abs(big)) big = vectors[k * m + j]!;
    const sign = big < 0 ? -1 : 1;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += (e[r * m + k]! - mean[k]!) * sign * vectors[k * m + j]!;
      projections[r * 2 + j] = s;
    }
  }
  assertClose('pca projections', pca.projections, projections, ANALYSIS_REL * maxAbs(projections), 2);
  const total = values.reduce((a, b) => a + b, 0);
  assertClose('pca explained', pca.explained, [values[0]! / total, values[1]! / total], ANALYSIS_REL);
}
