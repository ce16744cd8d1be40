/**
 * Owner of pairwise.wgsl, rows.wgsl and nearest.wgsl: cosine similarity, adjacent-step distances and nearest rows
 * over the GPU-resident embedding.
 */
import type { ArrayPool } from '../arrayPool';
import { USAGE, type GpuDevice } from './device';
import nearestWgsl from './nearest.wgsl';
import pairwiseWgsl from './pairwise.wgsl';
import rowsWgsl from './rows.wgsl';

/** Output block per invocation (4 × 4) and the workgroup shape (override constants WG_X, WG_Y of pairwise.wgsl). */
const BLOCK = 4;
const WG_X = 16;
const WG_Y = 4;
const ROW_GROUP = 64;
const STORAGE_RW = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;

/** Packs four u32 into a 16-byte uniform (every struct here is four u32 words; offsets in each .wgsl header). */
function words(a: number, b: number, c = 0, d = 0): ArrayBuffer {
  return Uint32Array.of(a, b, c, d).buffer;
}

/** Row norms (MODE 0) or adjacent distances (MODE 1) into a pooled buffer. */
async function rowPass(gpu: GpuDevice, e: GPUBuffer, n: number, m: number, mode: 0 | 1): Promise<GPUBuffer> {
  const pipeline = await gpu.pipeline('rows', rowsWgsl, { MODE: mode });
  const count = mode === 1 ? Math.max(0, n - 1) : n;
  const out = gpu.buffer(mode === 0 ? 'rows.norms' : 'rows.adjacent', Math.max(1, count) * 4, STORAGE_RW);
  const [gx, gy] = gpu.grid(count, ROW_GROUP);
  const uniform = gpu.uniform(`rows.params.${mode}`, words(n, m, gx * ROW_GROUP));
  const bindGroup = gpu.bindGroup('rows', pipeline, [uniform, e, out]);
  await gpu.submit(mode === 0 ? 'row norms' : 'adjacent distances', (encoder) => {
    const pass = encoder.beginComputePass({ label: 'rows' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
  });
  return out;
}

/** The n × n pairwise matrix (cosine similarity or squared distance) in a pooled buffer. */
async function pairwise(gpu: GpuDevice, e: GPUBuffer, n: number, m: number, mode: 0 | 1, norms?: GPUBuffer): Promise<GPUBuffer> {
  const pipeline = await gpu.pipeline('pairwise', pairwiseWgsl, { MODE: mode, WG_X, WG_Y });
  const out = gpu.buffer('pairwise.out', n * n * 4, STORAGE_RW);
  const blocks = Math.ceil(n / BLOCK);
  const [gx, gy] = [Math.ceil(blocks / WG_X), Math.ceil(blocks / WG_Y)];
  if (gy > gpu.limits.maxComputeWorkgroupsPerDimension) throw new Error(`pairwise over ${n} rows exceeds the workgroup grid`);
  const uniform = gpu.uniform(`pairwise.params.${mode}`, words(n, m));
  // MODE 1 never reads norms, but the binding is statically used, so any storage buffer satisfies it.
  const normBuffer = norms ?? gpu.buffer('pairwise.nonorms', 16, USAGE.STORAGE);
  const bindGroup = gpu.bindGroup('pairwise', pipeline, [uniform, e, normBuffer, out]);
  await gpu.submit(mode === 0 ? 'cosine similarity' : 'squared distances', (encoder) => {
    const pass = encoder.beginComputePass({ label: 'pairwise' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
  });
  return out;
}

/** Cosine similarity of every pair of rows, n × n, read into an array from `pool`. */
export async function similarityOnGpu(gpu: GpuDevice, e: GPUBuffer, n: number, m: number, pool: ArrayPool): Promise<Float32Array> {
  const norms = await rowPass(gpu, e, n, m, 0);
  const out = await pairwise(gpu, e, n, m, 0, norms);
  return gpu.runAndRead('similarity readback', () => undefined, out, n * n, () => pool.take(n * n));
}

/** ‖E_{r+1} − E_r‖, n − 1 values. */
export async function adjacentOnGpu(gpu: GpuDevice, e: GPUBuffer, n: number, m: number): Promise<Float32Array> {
  if (n < 2) return new Float32Array(0);
  const out = await rowPass(gpu, e, n, m, 1);
  return new Float32Array(await gpu.read('rows', out, (n - 1) * 4));
}

/** Nearest other row of every row. */
export async function nearestOnGpu(gpu: GpuDevice, e: GPUBuffer, n: number, m: number): Promise<{ index: Int32Array; distance: Float32Array }> {
  if (n < 2) return { index: new Int32Array(n).fill(-1), distance: new Float32Array(n).fill(Infinity) };
  const d2 = await pairwise(gpu, e, n, m, 1);
  const pipeline = await gpu.pipeline('nearest', nearestWgsl);
  const index = gpu.buffer('nearest.index', n * 4, STORAGE_RW);
  const distance = gpu.buffer('nearest.distance', n * 4, STORAGE_RW);
  const [gx, gy] = gpu.grid(n, ROW_GROUP);
  const uniform = gpu.uniform('nearest.params', words(n, gx * ROW_GROUP));
  const bindGroup = gpu.bindGroup('nearest', pipeline, [uniform, d2, index, distance]);
  await gpu.submit('nearest rows', (encoder) => {
    const pass = encoder.beginComputePass({ label: 'nearest' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
  });
  return {
    index: new Int32Array(await gpu.read('nearest.index', index, n * 4)),
    distance: new Float32Array(await gpu.read('nearest.distance', distance, n * 4)),
  };
}
