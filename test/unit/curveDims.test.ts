/**
 * curveDimsFor: the curve dims the Explorer opens with. The point of the choice is what the curves show over
 * T = 1000 steps, so it is checked against the core's own frequencies: the chosen sin/cos columns must go from several
 * cycles over the steps to under one, and none may be a solid band (a period of a few steps).
 */
import assert from 'node:assert/strict';
import { embed } from '../../src/core/index';
import { curveDimsFor } from '../../src/protocol/explorerProtocol';

/** Sign changes of a column over t = 0..999: about twice the number of cycles shown. */
function crossings(preset: 'diffusers' | 'adm' | 'flux', dim: number, width: number): number {
  const params: Record<string, number> = preset === 'diffusers' ? { embedding_dim: width } : { dim: width };
  const e = embed({ preset, timesteps: Array.from({ length: 1000 }, (_, t) => (preset === 'flux' ? t / 1000 : t)), params });
  let count = 0;
  for (let t = 1; t < 1000; t++) if (Math.sign(e.data[t * width + dim]!) !== Math.sign(e.data[(t - 1) * width + dim]!)) count++;
  return count;
}

describe('curveDimsFor', () => {
  it('picks four distinct dims inside the width, and every dim of tiny widths', () => {
    assert.deepEqual(curveDimsFor(320), [40, 60, 80, 120]);
    assert.deepEqual(curveDimsFor(1024), [128, 192, 256, 384]);
    assert.deepEqual(curveDimsFor(4), [0, 1, 2, 3]);
    assert.deepEqual(curveDimsFor(2), [0, 1]);
    for (const width of [8, 9, 33, 256, 3072]) {
      const dims = curveDimsFor(width);
      assert.equal(new Set(dims).size, dims.length);
      assert.ok(dims.every((d) => Number.isInteger(d) && d >= 0 && d < width), `${width}: ${dims}`);
    }
  });

  for (const [preset, width] of [['diffusers', 320], ['adm', 1024], ['flux', 256]] as const)
    it(`${preset} at width ${width}: no solid band, and a spread from many cycles to under one over 1000 steps`, () => {
      const counts = curveDimsFor(width).map((d) => crossings(preset, d, width));
      assert.ok(counts.every((c) => c < 200), `a chosen dim changes sign ${Math.max(...counts)} times: a solid band (${counts})`);
      assert.ok(Math.max(...counts) >= 10 && Math.min(...counts) <= 2, `no spread of frequencies: ${counts}`);
    });
});
