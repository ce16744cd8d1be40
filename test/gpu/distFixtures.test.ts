/**
 * What ships: the built dist/engine.js (loaded with plain require, as a user of the Node entry would) on SwiftShader,
 * forced onto WebGPU, reproduces the PyTorch float32 fixtures of every preset (test/fixtures/reference.json, written by
 * scripts/generate_fixtures.py with torch) at the core's tolerance 4·|a|·2⁻²⁴ + 2⁻²³ per value, and the CPU core to
 * 2e-7 where |t·f| ≤ 1e4. npm test builds dist/ before this stage runs.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { embed, type EmbedRequest } from '../../src/core/index';
import { nodeGpu } from './bundle';
import { maxAbsError } from './helpers';

interface FixtureCase {
  name: string;
  request: EmbedRequest;
  shape: [number, number];
  data: string;
  rowMaxAbsArg: number[];
}

const root = resolve(__dirname, '../..');
const fixtures = JSON.parse(readFileSync(resolve(root, 'test/fixtures/reference.json'), 'utf8')) as { cases: FixtureCase[] };
const decode = (base64: string): Float32Array => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

describe('dist/engine.js on SwiftShader against the PyTorch fixtures', function () {
  this.timeout(300_000);
  let engine: { compute(request: EmbedRequest): Promise<{ shape: readonly number[]; data: Float32Array; backend: string }> };

  before(async function () {
    const bundle = resolve(root, 'dist/engine.js');
    assert.ok(existsSync(bundle), 'dist/engine.js is missing: run `node esbuild.mjs` first');
    const gpu = nodeGpu();
    const adapter = gpu ? await gpu.requestAdapter() : null;
    if (!gpu || !adapter) {
      const why = 'no WebGPU adapter (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, apt libvulkan1)';
      if (process.env['CI'] === 'true') throw new Error(`CI=true and ${why}`);
      this.skip();
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built CommonJS bundle, as users load it
    const { createEngine } = require(bundle) as { createEngine(options: object): Promise<typeof engine & { backend: string }> };
    const created = await createEngine({ gpu, force: 'webgpu' });
    assert.equal(created.backend, 'webgpu');
    engine = created;
  });

  for (const fixture of fixtures.cases) {
    it(fixture.name, async () => {
      const result = await engine.compute(fixture.request);
      assert.equal(result.backend, 'webgpu');
      assert.deepEqual([...result.shape], fixture.shape);
      const expected = decode(fixture.data);
      const width = fixture.shape[1];
      const halfOutput = fixture.request.preset === 'flux' && (fixture.request.dtype ?? 'float32') !== 'float32';
      for (let r = 0; r < fixture.shape[0]; r++) {
        const a = fixture.rowMaxAbsArg[r]!;
        // Half-precision outputs (Flux casts back to t's dtype) may land one output ulp apart, as in fixtures.test.ts.
        const ulp = halfOutput ? (fixture.request.dtype === 'bfloat16' ? 2 ** -8 : 2 ** -11) : 0;
        const tolerance = 4 * a * 2 ** -24 + 2 ** -23 + ulp;
        const row = (data: Float32Array): Float32Array => data.subarray(r * width, (r + 1) * width);
        const { max, index } = maxAbsError(row(result.data), row(expected));
        assert.ok(max <= tolerance, `row ${r} col ${index}: |GPU − torch| ${max.toExponential(3)} > ${tolerance.toExponential(3)}`);
      }
      // Against the CPU core: 2e-7 while every argument is within 1e4 (the accuracy goal).
      if (!halfOutput && Math.max(0, ...fixture.rowMaxAbsArg) <= 1e4) {
        const core = embed(fixture.request);
        const { max, index } = maxAbsError(result.data, core.data);
        assert.ok(max <= 2e-7, `|GPU − core| ${max.toExponential(3)} > 2e-7 at [${Math.floor(index / width)}, ${index % width}]`);
      }
    });
  }
});
