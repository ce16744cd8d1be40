/** Owner of linear.wgsl: the batched MLP (Linear-act-Linear, torch layout) over the GPU-resident embedding. */
import type { MlpWeights } from '../../../src/core/mlp';
import { USAGE, type GpuDevice } from './device';
import linearWgsl from './linear.wgsl';

const TILE = 32;
const ACT_CODE = { silu: 1, gelu: 2, mish: 3, relu: 4 } as const;

/** out = act(x·Wᵀ + b) into the pooled buffer `role`. */
async function linearLayer(gpu: GpuDevice, role: string, x: GPUBuffer, rows: number, inDim: number, w: GPUBuffer, b: GPUBuffer, outDim: number, act: number): Promise<GPUBuffer> {
  const pipeline = await gpu.pipeline('linear', linearWgsl, { ACT: act });
  const out = gpu.buffer(role, rows * outDim * 4, USAGE.STORAGE | USAGE.COPY_SRC);
  const uniform = gpu.uniform(`${role}.params`, Uint32Array.of(rows, inDim, outDim, 0).buffer);
  const bindGroup = gpu.bindGroup(role, pipeline, [uniform, x, w, b, out]);
  const gx = Math.ceil(outDim / TILE);
  const gy = Math.ceil(rows / TILE);
  const maxGroups = gpu.limits.maxComputeWorkgroupsPerDimension;
  if (gy > maxGroups) throw new Error(`mlp over ${rows} rows exceeds the workgroup grid (${maxGroups * TILE} rows)`);
  await gpu.submit(role, (encoder) => {
    const pass = encoder.beginComputePass({ label: role });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
  });
  return out;
}

/** act(E·W1ᵀ + b1)·W2ᵀ + b2 for every row of E. */
export async function mlpOnGpu(gpu: GpuDevice, e: GPUBuffer, rows: number, inDim: number, weights: MlpWeights): Promise<Float32Array> {
  const hidden = weights.b1.length;
  const outDim = weights.b2.length;
  const w1 = gpu.upload('mlp.w1', weights.w1);
  const b1 = gpu.upload('mlp.b1', weights.b1);
  const w2 = gpu.upload('mlp.w2', weights.w2);
  const b2 = gpu.upload('mlp.b2', weights.b2);
  const h = await linearLayer(gpu, 'mlp.hidden', e, rows, inDim, w1, b1, hidden, ACT_CODE[weights.act]);
  const y = await linearLayer(gpu, 'mlp.out', h, rows, hidden, w2, b2, outDim, 0);
  return new Float32Array(await gpu.read('mlp', y, rows * outDim * 4));
}
