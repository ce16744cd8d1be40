/** Owner of columnStats.wgsl: per-column min, max, mean and population std of the GPU-resident embedding. */
import type { ColumnStats } from '../backend';
import { USAGE, type GpuDevice } from './device';
import columnStatsWgsl from './columnStats.wgsl';

const GROUP = 64;

/** Column statistics, plus Σ over columns of Σ_r (v − mean)² (PCA's total variance). */
export async function columnStatsOnGpu(gpu: GpuDevice, e: GPUBuffer, n: number, m: number): Promise<ColumnStats & { totalVariance: number }> {
  const pipeline = await gpu.pipeline('columnStats', columnStatsWgsl);
  const out = gpu.buffer('columnStats.out', 4 * m * 4, USAGE.STORAGE | USAGE.COPY_SRC);
  const uniform = gpu.uniform('columnStats.params', Uint32Array.of(n, m, 0, 0).buffer);
  const bindGroup = gpu.bindGroup('columnStats', pipeline, [uniform, e, out]);
  const groups = Math.ceil(m / GROUP);
  await gpu.submit('column statistics', (encoder) => {
    const pass = encoder.beginComputePass({ label: 'columnStats' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups);
    pass.end();
  });
  const raw = new Float32Array(await gpu.read('columnStats', out, 4 * m * 4));
  const first = new Float32Array(await gpu.read('columnStats.row0', e, m * 4));
  const mean = new Float32Array(m);
  const std = new Float32Array(m);
  let totalVariance = 0;
  for (let k = 0; k < m; k++) {
    const shifted = raw[2 * m + k]! / n;
    mean[k] = first[k]! + shifted;
    const variance = Math.max(0, raw[3 * m + k]! / n - shifted * shifted);
    std[k] = Math.sqrt(variance);
    totalVariance += variance * n;
  }
  return { min: raw.slice(0, m), max: raw.slice(m, 2 * m), mean, std, totalVariance };
}
