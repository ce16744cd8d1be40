/**
 * nearestByLag (webview/engine/cpu/analysis.ts): each row's nearest other row through the lag structure, for T beyond
 * a T × T search. Checked against a brute-force float64 search over every pair, on grids where neighbouring steps are
 * nearest and on aliased ones where a far step is nearer (the case the distances view flags).
 */
import { strict as assert } from 'node:assert';
import { resolveRequest } from '../../src/core/params';
import { planEmbedding } from '../../src/core/plan';
import { embed } from '../../src/core/reference';
import type { EmbedRequest } from '../../src/core/types';
import { nearestByLag } from '../../webview/engine/cpu/analysis';

function bruteForce(e: Float32Array, n: number, m: number): { index: Int32Array; distance: Float64Array } {
  const index = new Int32Array(n).fill(-1);
  const distance = new Float64Array(n).fill(Infinity);
  for (let r = 0; r < n; r++)
    for (let s = 0; s < n; s++) {
      if (s === r) continue;
      let d = 0;
      for (let k = 0; k < m; k++) d += (e[r * m + k]! - e[s * m + k]!) ** 2;
      if (d < distance[r]!) [index[r], distance[r]] = [s, d];
    }
  return { index, distance: distance.map(Math.sqrt) };
}

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('nearestByLag against a brute-force search', function () {
  this.timeout(60_000);
  for (const [label, request] of [
    ['ADM, t = 0..1199', { preset: 'adm', timesteps: range(1200, (i) => i), params: { dim: 128 } }],
    ['diffusers, every 7th t (aliased high frequencies)', { preset: 'diffusers', timesteps: range(900, (i) => i * 7), params: { embedding_dim: 96 } }],
    ['Flux, t ∈ [0, 1] × 1000', { preset: 'flux', timesteps: range(700, (i) => i / 699), params: { dim: 64 } }],
    ['transformer positions, period-aliased', { preset: 'transformer', timesteps: range(800, (i) => i * 13), params: { embed_dim: 32, max_seq_length: 20000 } }],
    // Narrow embeddings whose fast frequency wraps every ~6 steps: the nearest row is 6 steps away, not a neighbour.
    ['ADM width 4, t step 1.05 (nearest ≈ 6 steps away)', { preset: 'adm', timesteps: range(900, (i) => i * 1.05), params: { dim: 4 } }],
    ['diffusers width 8, t step 2.1', { preset: 'diffusers', timesteps: range(1000, (i) => i * 2.1), params: { embedding_dim: 8 } }],
    ['EDM positional, odd width', { preset: 'edm-positional', timesteps: range(600, (i) => i * 0.5), params: { num_channels: 33 } }],
  ] as [string, EmbedRequest][])
    it(`${label}: every row's nearest distance is the brute force's`, () => {
      const plan = planEmbedding(resolveRequest(request));
      const e = embed(request).data;
      const [n, m] = plan.shape;
      const fast = nearestByLag(plan, e);
      assert.ok(fast, 'the plan should have the lag structure');
      const exact = bruteForce(e, n, m);
      let farRows = 0;
      for (let r = 0; r < n; r++) {
        assert.ok(Math.abs(fast.distance[r]! - exact.distance[r]!) <= 1e-6 * Math.max(1, exact.distance[r]!), `row ${r}: ${fast.distance[r]} (row ${fast.index[r]}) vs ${exact.distance[r]} (row ${exact.index[r]})`);
        if (Math.abs(exact.index[r]! - r) > 1) farRows++;
      }
      console.log(`      ${label}: ${farRows} of ${n} rows have a non-neighbour nearest`);
      if (label.includes('≈ 6 steps')) assert.ok(farRows > n / 2, 'the aliased case should have far nearest rows');
    });

  it('declines plans without the lag structure (an off-grid input, a prepended input)', () => {
    const offGrid: EmbedRequest = { preset: 'adm', timesteps: range(50, (i) => i * i), params: { dim: 16 } };
    assert.equal(nearestByLag(planEmbedding(resolveRequest(offGrid)), embed(offGrid).data), undefined);
    const prepended: EmbedRequest = { preset: 'lucidrains-random', timesteps: range(50, (i) => i / 49), params: { dim: 16 } };
    assert.equal(nearestByLag(planEmbedding(resolveRequest(prepended)), embed(prepended).data), undefined);
  });
});
