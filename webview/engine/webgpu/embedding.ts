/**
 * Owner of embedding.wgsl: uploads a plan's inputs and frequencies, dispatches one chunk of rows at a time (each chunk
 * under maxStorageBufferBindingSize and the workgroup grid), and either reads the chunks back or, when the whole
 * embedding fits one binding, keeps it on the GPU for the analyses. One invocation writes four sin/cos pairs, so
 * a chunk needs rows × unitsPerRow invocations.
 */
import type { EmbeddingPlan } from '../../../src/core/plan';
import type { ArrayPool } from '../arrayPool';
import { USAGE, type GpuDevice } from './device';
import embeddingWgsl from './embedding.wgsl';

/** 64 and 256 measured within noise of each other on SwiftShader (1000 × 1024, A/B in one process); 64 leaves more groups for small T. */
const WORKGROUP_SIZE = 64;
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
  u32[15] = unitsPerRow(plan);
  return buffer;
}

/** Invocations per row: one per four sin/cos pairs (at least one, which also writes the prefix and zero columns). */
export function unitsPerRow(plan: EmbeddingPlan): number {
  return Math.max(1, plan.layout === 'repeat' ? Math.ceil(plan.rowWidth / 2) : Math.ceil(plan.half / 4));
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

/** Computes E for `plan` on the GPU, into an array from `pool` (every element is written). */
export async function embedOnGpu(gpu: GpuDevice, plan: EmbeddingPlan, maxChunkBytes: number, pool: ArrayPool): Promise<GpuEmbedding> {
  const pipeline = await gpu.pipeline('embedding', embeddingWgsl, {
    WORKGROUP_SIZE,
    INPUT_COLUMNS: plan.inputColumns,
    SCALE_COUNT: plan.postScales.length,
    COLUMN_ORDER: LAYOUT_CODE[plan.layout],
    PREPEND_INPUT: plan.prependInput ? 1 : 0,
    OUTPUT_DTYPE: DTYPE_CODE[plan.outputDtype],
  });
  if (plan.rows * plan.rowWidth === 0) return { data: new Float32Array(0) };
  const inputs = gpu.upload('embedding.inputs', plan.inputs);
  const freqs = gpu.upload('embedding.freqs', plan.frequencies.length > 0 ? plan.frequencies : new Float32Array(1));
  const chunkRows = chunkRowsFor(plan, maxChunkBytes);
  const single = chunkRows >= plan.rows;
  let data: Float32Array | undefined;
  // Taken while the first chunk computes: when the pool has no array of this size, a fresh one is allocated and
  // faulted in (several ms per MiB in a Chromium renderer) while the GPU works, not after it.
  const allocate = (): Float32Array => (data ??= pool.take(plan.rows * plan.rowWidth));
  const out = gpu.buffer(
    single ? 'embedding.resident' : 'embedding.chunk',
    chunkRows * plan.rowWidth * 4,
    USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST,
  );
  for (let start = 0; start < plan.rows; start += chunkRows) {
    const rows = Math.min(chunkRows, plan.rows - start);
    const count = rows * plan.rowWidth;
    const [gx, gy] = gpu.grid(rows * unitsPerRow(plan), WORKGROUP_SIZE);
    const uniform = gpu.uniform('embedding.params', packEmbeddingParams(plan, rows, start, gx * WORKGROUP_SIZE));
    const bindGroup = gpu.bindGroup('embedding', pipeline, [uniform, inputs, freqs, out]);
    await gpu.runAndRead(
      `embedding rows ${start}..${start + rows - 1}`,
      (encoder) => {
        const pass = encoder.beginComputePass({ label: 'embedding' });
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(gx, gy);
        pass.end();
        // fairseq's padding_idx rows are zero whatever the sinusoids say.
        for (const r of plan.zeroRows)
          if (r >= start && r < start + rows) encoder.clearBuffer(out, (r - start) * plan.rowWidth * 4, plan.rowWidth * 4);
      },
      out,
      count,
      allocate,
      start * plan.rowWidth,
    );
  }
  return single ? { data: allocate(), resident: out } : { data: allocate() };
}
