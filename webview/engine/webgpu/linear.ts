/** Owner of linear.wgsl: the batched MLP (Linear-act-Linear, torch layout) over the GPU-resident embedding. */
import type { MlpWeights } from '../../../src/core/mlp';
import type { ArrayPool } from '../arrayPool';
import { USAGE, type GpuDevice } from './device';
import linearWgsl from './linear.wgsl';

/** Output block per invocation (4 rows × 4 columns) and the workgroup shape (override constants WG_X, WG_Y). */
const BLOCK = 4;
const WG_X = 16;
const WG_Y = 4;
const ACT_CODE = { silu: 1, gelu: 2, mish: 3, relu: 4 } as const;

/** W [outDim × inDim] with each row zero-padded to a whole number of vec4s, as linear.wgsl binds it. */
function padRows(w: Float32Array, outDim: number, inDim: number): Float32Array {
  const inDim4 = Math.ceil(inDim / 4);
  if (inDim4 * 4 === inDim) return w;
  const padded = new Float32Array(outDim * inDim4 * 4);
  for (let o = 0; o < outDim; o++) padded.set(w.subarray(o * inDim, (o + 1) * inDim), o * inDim4 * 4);
  return padded;
}

/** One layer's dispatch, prepared outside the encoder: out = act(x·Wᵀ + b) into the pooled buffer `role`. */
interface Layer {
  readonly out: GPUBuffer;
  record(encoder: GPUCommandEncoder): void;
}

async function linearLayer(gpu: GpuDevice, role: string, x: GPUBuffer, rows: number, inDim: number, w: GPUBuffer, b: GPUBuffer, outDim: number, act: number): Promise<Layer> {
  const pipeline = await gpu.pipeline('linear', linearWgsl, { ACT: act, WG_X, WG_Y });
  const out = gpu.buffer(role, rows * outDim * 4, USAGE.STORAGE | USAGE.COPY_SRC);
  // Params: rows @0, inDim @4, outDim @8, inDim4 @12 (linear.wgsl).
  const uniform = gpu.uniform(`${role}.params`, Uint32Array.of(rows, inDim, outDim, Math.ceil(inDim / 4)).buffer);
  const bindGroup = gpu.bindGroup(role, pipeline, [uniform, x, w, b, out]);
  const gx = Math.ceil(outDim / (BLOCK * WG_X));
  const gy = Math.ceil(rows / (BLOCK * WG_Y));
  const maxGroups = gpu.limits.maxComputeWorkgroupsPerDimension;
  if (gy > maxGroups) throw new Error(`mlp over ${rows} rows exceeds the workgroup grid (${maxGroups * BLOCK * WG_Y} rows)`);
  return {
    out,
    record(encoder) {
      const pass = encoder.beginComputePass({ label: role });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(gx, gy);
      pass.end();
    },
  };
}

/** act(E·W1ᵀ + b1)·W2ᵀ + b2 for every row of E: both layers in one submission, then one readback. */
export async function mlpOnGpu(gpu: GpuDevice, e: GPUBuffer, rows: number, inDim: number, weights: MlpWeights, pool: ArrayPool): Promise<Float32Array> {
  const hidden = weights.b1.length;
  const outDim = weights.b2.length;
  const w1 = gpu.upload('mlp.w1', padRows(weights.w1, hidden, inDim));
  const b1 = gpu.upload('mlp.b1', weights.b1);
  const w2 = gpu.upload('mlp.w2', padRows(weights.w2, outDim, hidden));
  const b2 = gpu.upload('mlp.b2', weights.b2);
  const first = await linearLayer(gpu, 'mlp.hidden', e, rows, inDim, w1, b1, hidden, ACT_CODE[weights.act]);
  const second = await linearLayer(gpu, 'mlp.out', first.out, rows, hidden, w2, b2, outDim, 0);
  const count = rows * outDim;
  return gpu.runAndRead(
    'mlp',
    (encoder) => {
      first.record(encoder);
      second.record(encoder);
    },
    second.out,
    count,
    () => pool.take(count),
  );
}
