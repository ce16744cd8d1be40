/**
 * The core against PyTorch: test/fixtures/reference.json is written by scripts/generate_fixtures.py, which runs each
 * upstream function transcribed in torch 1.13 float32 (CPU). Every case is its own test so a failure names it.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cNoise, embed, mlp, PRESETS } from '../../src/core/index';
import type { Activation, EmbedRequest, Precond, TimestepDtype } from '../../src/core/index';

interface EmbeddingCase {
  readonly name: string;
  readonly request: EmbedRequest;
  readonly shape: [number, number];
  readonly data: string;
  /** Per row, the largest |t·f| the row computed (after any scale / 2π factors): its rounding-error scale. */
  readonly rowMaxAbsArg: number[];
}

interface CNoiseCase {
  readonly name: string;
  readonly precond: Precond;
  readonly sigma: number[];
  readonly params: Record<string, number>;
  readonly shape: [number, number];
  readonly data: string;
}

interface MlpCase {
  readonly name: string;
  readonly act: Activation;
  readonly input: { readonly shape: [number, number]; readonly data: string };
  readonly w1: string;
  readonly b1: string;
  readonly w2: string;
  readonly b2: string;
  readonly shapes: { readonly w1: [number, number]; readonly w2: [number, number] };
  readonly shape: [number, number];
  readonly data: string;
}

interface Fixture {
  readonly generator: string;
  readonly torch: string;
  readonly cases: EmbeddingCase[];
  readonly cNoise: CNoiseCase[];
  readonly mlp: MlpCase[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'reference.json'), 'utf8')) as Fixture;

/** Little-endian float32 bytes, base64-encoded, as the generator writes them. */
function decode(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let k = 0; k < out.length; k++) out[k] = view.getFloat32(4 * k, true);
  return out;
}

/** One ulp of a float16 / bfloat16 value of magnitude |v|. */
function reducedUlp(v: number, dtype: TimestepDtype): number {
  const exponent = v === 0 ? -Infinity : Math.floor(Math.log2(Math.abs(v)));
  if (dtype === 'bfloat16') return 2 ** (Math.max(exponent, -126) - 7);
  if (dtype === 'float16') return 2 ** (Math.max(exponent, -14) - 10);
  return 0;
}

/** The dtype upstream casts the finished embedding to: only FLUX does (`embedding.to(t)`). */
function outputDtype(request: EmbedRequest): TimestepDtype {
  return request.preset === 'flux' ? (request.dtype ?? 'float32') : 'float32';
}

/**
 * Compare row-major matrices value by value. NaN must meet NaN; otherwise |expected - actual| ≤ tolerance(row, column).
 * On failure the message names the case, the max abs error, the worst (row, column) and both values there.
 */
function assertClose(
  name: string,
  expectedShape: readonly [number, number],
  expected: Float32Array,
  actual: { readonly shape: readonly number[]; readonly data: Float32Array },
  tolerance: (row: number, column: number, expected: number) => number,
): void {
  assert.deepEqual([...actual.shape], [...expectedShape], `${name}: shape`);
  assert.equal(actual.data.length, expected.length, `${name}: number of values`);
  const columns = expectedShape[1];
  let maxError = 0;
  let worst: { k: number; ratio: number; error: number; tol: number } | undefined;
  let failures = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const a = actual.data[k]!;
    const row = Math.floor(k / columns);
    const column = k % columns;
    const tol = tolerance(row, column, e);
    let error: number;
    let ratio: number;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      error = Number.isNaN(e) && Number.isNaN(a) ? 0 : Infinity;
      ratio = error;
    } else {
      error = Math.abs(e - a);
      ratio = error / tol;
    }
    if (Number.isFinite(error)) maxError = Math.max(maxError, error);
    if (ratio > 1) {
      failures++;
      if (!worst || ratio > worst.ratio) worst = { k, ratio, error, tol };
    }
  }
  if (worst) {
    const row = Math.floor(worst.k / columns);
    const column = worst.k % columns;
    assert.fail(
      `${name}: ${failures} of ${expected.length} values out of tolerance; max abs error ${maxError.toExponential(3)} ` +
        `(finite values); worst at (row ${row}, column ${column}): expected ${expected[worst.k]}, ` +
        `actual ${actual.data[worst.k]}, error ${worst.error}, tolerance ${worst.tol.toExponential(3)}`,
    );
  }
}

describe(`PyTorch fixtures (${fixture.generator}, torch ${fixture.torch})`, () => {
  it('cover every preset', () => {
    const covered = new Set(fixture.cases.map((c) => c.request.preset));
    assert.deepEqual(
      PRESETS.map((p) => p.id).filter((id) => !covered.has(id)),
      [],
      'presets without a fixture case',
    );
  });

  describe('embed', () => {
    for (const testCase of fixture.cases) {
      it(testCase.name, () => {
        const expected = decode(testCase.data);
        const actual = embed(testCase.request);
        const dtype = outputDtype(testCase.request);
        // torch's CPU exp/sin/cos/pow are ~1 ulp, not correctly rounded, and an ulp of f or of ln P becomes an error of
        // about |a|·2⁻²⁴ in the argument a = t·f (CONVENTIONS.md §4), hence 4·|a|·2⁻²⁴ + 2⁻²³ with |a| the row's
        // largest argument. FLUX casts the result to t's dtype, so an f32 ulp there can flip one float16/bfloat16 ulp.
        assertClose(testCase.name, testCase.shape, expected, actual, (row, _column, e) => {
          const a = testCase.rowMaxAbsArg[row]!;
          return 4 * a * 2 ** -24 + 2 ** -23 + reducedUlp(e, dtype);
        });
      });
    }
  });

  describe('cNoise', () => {
    for (const testCase of fixture.cNoise) {
      it(testCase.name, () => {
        const expected = decode(testCase.data);
        const actual = cNoise({ precond: testCase.precond, sigma: testCase.sigma, params: testCase.params });
        // c_noise is a short float32 chain of log/sqrt (VP: ln(1+σ²) → sqrt → − β_min → / β_d → ×(M−1)). torch's log is
        // within ~1 ulp but not correctly rounded, so the core's fround(Math.log(x)) can differ by an ulp that the chain
        // carries through: 4 ulp relative, plus 1e-7 absolute for results at or near 0 (ln 1, ln(0.5·2)).
        assertClose(testCase.name, testCase.shape, expected, actual, (_row, _column, e) => 4 * Math.abs(e) * 2 ** -23 + 1e-7);
      });
    }
  });

  describe('mlp', () => {
    for (const testCase of fixture.mlp) {
      it(testCase.name, () => {
        const expected = decode(testCase.data);
        const actual = mlp(
          { shape: testCase.input.shape, data: decode(testCase.input.data) },
          {
            w1: decode(testCase.w1),
            b1: decode(testCase.b1),
            w2: decode(testCase.w2),
            b2: decode(testCase.b2),
            act: testCase.act,
          },
        );
        // The core accumulates in double and torch in float32 (BLAS order), so compare relative to the output's scale.
        const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        assertClose(testCase.name, testCase.shape, expected, actual, () => 1e-5 * scale);
      });
    }
  });
});
