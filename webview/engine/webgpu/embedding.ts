/**
 * Owner of embedding.wgsl: uploads a plan's inputs and frequencies, dispatches one chunk of rows at a time (each chunk
 * under maxStorageBufferBindingSize and the workgroup grid), and either reads the chunks back or, when the whole
 * embedding fits one binding, keeps it on the GPU for the analyses.
 */
import type { EmbeddingPlan } from '../../../src/core/plan';
import { USAGE, type GpuDevice } from './device';
import embeddingWgsl from './embedding.wgsl';

const WORKGROUP_SIZE = 256;
const LAYOUT_CODE = { 'sin-cos': 0, 'cos-sin': 1, interleaved: 2, repeat: 3 } as const;
const DTYPE_CODE = { float32: 0, float16: 1, bfloat16: 2 } as const;

/** Packs the WGSL `Params` struct (64 bytes; offsets as commented in embedding.wgsl). */
export function packEmbeddingParams(plan: EmbeddingPlan, chunkRows: number, rowOffset: number, gridX: number): ArrayBuffer {
  if (plan.postScales.length > 4) throw new Error(`embedding kernel supports 4 post-multipliers, the plan has ${plan.postScales.length}`);
  const buffer = new ArrayBuffer(64);
  const u32 = new Uint32Array(buffer);
  const f32 = new Float32Array(buffer);
  u32[0] = chunkRows;
  u32[1] = plan.half;
  u32[2] = plan.rowWidth;
  u32[3] = LAYOUT_CODE[plan.layout];
  u32[4] = plan.prependInput ? 1 : 0;
  u32[5] = plan.inputColumns;
  u32[6] = plan.postScales.length;
  u32[7] = DTYPE_CODE[plan.outputDtype];
  plan.postScales.forEach((scale, k) => (f32[8 + k] = scale));
  u32[12] = rowOffset;
  u32[13] = gridX;
  u32[14] = 0; // zeroMask: must stay 0 (see `pin` in the kernel)
  return buffer;
}

/** The embedding, computed chunk by chunk. `resident` is the GPU copy when one chunk held all of it. */
export interface GpuEmbedding {
  readonly data: Float32Array;
  readonly resident?: GPUBuffer;
}

/** Rows per chunk: the output binding must fit maxStorageBufferBindingSize (or the caller's smaller cap). */
export function chunkRowsFor(plan: EmbeddingPlan, maxBindingBytes: number): number {
  const rowBytes = Math.max(1, plan.rowWidth) * 4;
  const rows = Math.floor(maxBindingBytes / rowBytes);
  if (rows < 1) throw new Error(`one row of ${plan.rowWidth} values exceeds the ${maxBindingBytes}-byte storage binding limit`);
  return Math.min(rows, plan.rows);
}

/** Computes E for `plan` on the GPU. */
export async function embedOnGpu(gpu: GpuDevice, plan: EmbeddingPlan, maxChunkBytes: number): Promise<GpuEmbedding> {
  const pipeline = await gpu.pipeline('embedding', embeddingWgsl, { WORKGROUP_SIZE });
  const data = new Float32Array(plan.rows * plan.rowWidth);
  if (data.length === 0) return { data };
  const inputs = gpu.upload('embedding.inputs', plan.inputs);
  const freqs = gpu.upload('embedding.freqs', plan.frequencies.length > 0 ? plan.frequencies : new Float32Array(1));
  const chunkRows = chunkRowsFor(plan, maxChunkBytes);
  const single = chunkRows >= plan.rows;
  const out = gpu.buffer(
    single ? 'embedding.resident' : 'embedding.chunk',
    chunkRows * plan.rowWidth * 4,
    USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST,
  );
  for (let start = 0; start < plan.rows; start += chunkRows) {
    const rows = Math.min(chunkRows, plan.rows - start);
    const count = rows * plan.rowWidth;
    const [gx, gy] = gpu.grid(count, WORKGROUP_SIZE);
    const uniform = gpu.uniform('embedding.params', packEmbeddingParams(plan, rows, start, gx * WORKGROUP_SIZE));
    const bindGroup = gpu.bindGroup('embedding', pipeline, [uniform, inputs, freqs, out]);
    await gpu.submit(`embedding rows ${start}..${start + rows - 1}`, (encoder) => {
      const pass = encoder.beginComputePass({ label: 'embedding' });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(gx, gy);
      pass.end();
      // fairseq's padding_idx rows are zero whatever the sinusoids say.
      for (const r of plan.zeroRows)
        if (r >= start && r < start + rows) encoder.clearBuffer(out, (r - start) * plan.rowWidth * 4, plan.rowWidth * 4);
    });
    const bytes = count * 4;
    data.set(new Float32Array(await gpu.read('embedding', out, bytes)), start * plan.rowWidth);
  }
  return single ? { data, resident: out } : { data };
}
