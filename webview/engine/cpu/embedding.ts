/**
 * The CPU embedding: the same float32 operations as src/core/reference.ts (so it agrees with the oracle bit for bit),
 * with the per-row work hoisted: the argument loop is specialised for one input column and no post-multipliers, and
 * each row writes its sin and cos blocks directly.
 */
import { roundToDtype } from '../../../src/core/float';
import type { EmbeddingPlan } from '../../../src/core/plan';

const f32 = Math.fround;

/**
 * Evaluates `plan` into a row-major Float32Array: `target` when given (a recycled array of rows × rowWidth, whose old
 * contents are all overwritten), else a new one.
 */
export function embedOnCpu(plan: EmbeddingPlan, target?: Float32Array): Float32Array {
  const { rows, half, rowWidth, layout, inputs, frequencies: freqs, inputColumns } = plan;
  if (target && target.length !== rows * rowWidth) throw new Error(`embedOnCpu: target holds ${target.length} values, the plan needs ${rows * rowWidth}`);
  const data = target ?? new Float32Array(rows * rowWidth);
  const scales = plan.postScales;
  const offset = plan.prependInput ? 1 : 0;
  const args = new Float64Array(half);
  // Where sin and cos of frequency i go, relative to the row start, and the stride between frequencies.
  const sinAt = layout === 'interleaved' ? 0 : layout === 'sin-cos' ? offset : offset + half;
  const cosAt = layout === 'interleaved' ? 1 : layout === 'sin-cos' ? offset + half : offset;
  const step = layout === 'interleaved' ? 2 : 1;
  for (let r = 0; r < rows; r++) {
    const base = r * rowWidth;
    if (layout === 'repeat') {
      data.fill(inputs[r]!, base, base + rowWidth);
      continue;
    }
    if (plan.prependInput) data[base] = inputs[r]!;
    // Zero columns after the sinusoids (odd widths): already 0 in a new array, stale in a recycled one.
    if (target && plan.zeroPadColumns > 0) data.fill(0, base + rowWidth - plan.zeroPadColumns, base + rowWidth);
    if (inputColumns === 1) {
      const x = inputs[r]!;
      for (let i = 0; i < half; i++) args[i] = f32(x * freqs[i]!);
    } else {
      for (let i = 0; i < half; i++) {
        let a = 0;
        for (let k = 0; k < inputColumns; k++) a = f32(a + f32(inputs[r * inputColumns + k]! * freqs[i * inputColumns + k]!));
        args[i] = a;
      }
    }
    for (const scale of scales) for (let i = 0; i < half; i++) args[i] = f32(args[i]! * scale);
    let s = base + sinAt;
    let c = base + cosAt;
    for (let i = 0; i < half; i++, s += step, c += step) {
      const a = args[i]!;
      data[s] = Math.sin(a);
      data[c] = Math.cos(a);
    }
  }
  for (const r of plan.zeroRows) data.fill(0, r * rowWidth, (r + 1) * rowWidth);
  if (plan.outputDtype !== 'float32') for (let k = 0; k < data.length; k++) data[k] = roundToDtype(data[k]!, plan.outputDtype);
  return data;
}
