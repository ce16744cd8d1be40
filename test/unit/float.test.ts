import { strict as assert } from 'node:assert';
import { applyInputTransform, cNoise, erf, f32, mlp, toBfloat16, toFloat16 } from '../../src/core/index';

describe('float rounding', () => {
  it('rounds to float16 as CONVENTIONS §4 measured (999.7 → 999.5)', () => {
    assert.equal(toFloat16(999.7), 999.5);
    assert.equal(toFloat16(65504), 65504);
    assert.equal(toFloat16(65520), Infinity);
    assert.equal(toFloat16(2 ** -24), 2 ** -24); // smallest subnormal survives
    assert.equal(toFloat16(1 + 2 ** -11), 1); // tie to even
    assert.equal(toFloat16(1 + 3 * 2 ** -11), 1 + 2 ** -9);
  });
  it('rounds to bfloat16 as CONVENTIONS §4 measured', () => {
    assert.equal(toBfloat16(999.7), 1000);
    assert.equal(toBfloat16(5000), 4992);
    assert.equal(toBfloat16(toBfloat16(0.75) * 1000), 752);
    assert.equal(toBfloat16(3.5 * 1000), 3504);
    assert.equal(toBfloat16(f32(toBfloat16(0.0351) * 1000)), 35.25);
    assert.ok(Number.isNaN(toBfloat16(NaN)));
  });
});

describe('input transforms', () => {
  it('scales unit t by 1000 and 999 in float32', () => {
    assert.deepEqual(applyInputTransform('unit-times-1000', [0.5, 1]), [500, 1000]);
    assert.deepEqual(applyInputTransform('unit-times-999', [1]), [999]);
    assert.deepEqual(applyInputTransform('rescale-to-1000', [2], { numTimesteps: 4000 }), [0.5]);
  });
  it('feeds ln(σ)/4 for EDM preconditioning', () => {
    assert.equal(applyInputTransform('edm-edm', [Math.E ** 4])[0]!.toFixed(6), '1.000000');
    assert.deepEqual(applyInputTransform('edm-edm', [1]), Array.from(cNoise({ precond: 'edm', sigma: [1] }).data));
  });
});

describe('mlp', () => {
  it('erf matches known values to 1e-15', () => {
    assert.ok(Math.abs(erf(0.5) - 0.5204998778130465) < 1e-15);
    assert.ok(Math.abs(erf(-1) + 0.8427007929497149) < 1e-15);
    assert.ok(Math.abs(1 - erf(3) - 2.209049699858544e-5) < 1e-16);
  });
  it('computes Linear-act-Linear in torch layout', () => {
    // in 2 → hidden 2 → out 1, relu; w1 = [[1, 0], [0, -1]] picks x0 and -x1.
    const out = mlp(
      { shape: [1, 2], data: new Float32Array([3, 5]) },
      {
        w1: new Float32Array([1, 0, 0, -1]),
        b1: new Float32Array([0, 0]),
        w2: new Float32Array([2, 7]),
        b2: new Float32Array([1]),
        act: 'relu',
      },
    );
    assert.deepEqual(Array.from(out.data), [7]); // relu(3)·2 + relu(-5)·7 + 1
  });
  it('rejects a transposed weight with a message naming the layout', () => {
    assert.throws(
      () =>
        mlp(
          { shape: [1, 3], data: new Float32Array(3) },
          { w1: new Float32Array(6), b1: new Float32Array(4), w2: new Float32Array(4), b2: new Float32Array(1), act: 'silu' },
        ),
      /torch layout \[out, in\]/,
    );
  });
});
