/**
 * The CPU reference: evaluates an EmbeddingPlan in float32, rounding after every operation. It is the oracle the GPU
 * engine and the generated code are tested against, and the last-resort backend.
 */
import { cosF32, f32, roundToDtype, sinF32 } from './float';
import { resolveRequest } from './params';
import { planEmbedding, type EmbeddingPlan } from './plan';
import type { EmbedRequest, EmbedResult } from './types';

/** The float32 argument a_{r,i} exactly as upstream forms it. */
export function argumentAt(plan: EmbeddingPlan, row: number, i: number): number {
  const columns = plan.inputColumns;
  let a: number;
  if (columns === 1) {
    a = f32(plan.inputs[row]! * plan.frequencies[i]!);
  } else {
    // ((2π)·x) @ Wᵀ: a float32 dot product, summed in column order.
    a = 0;
    for (let k = 0; k < columns; k++) a = f32(a + f32(plan.inputs[row * columns + k]! * plan.frequencies[i * columns + k]!));
  }
  for (const scale of plan.postScales) a = f32(a * scale);
  return a;
}

/** Evaluate a plan on the CPU. */
export function evaluatePlan(plan: EmbeddingPlan): EmbedResult {
  const { rows, half, rowWidth, layout } = plan;
  const data = new Float32Array(rows * rowWidth);
  const offset = plan.prependInput ? 1 : 0;
  for (let r = 0; r < rows; r++) {
    const base = r * rowWidth;
    if (layout === 'repeat') {
      data.fill(plan.inputs[r]!, base, base + rowWidth);
      continue;
    }
    if (plan.prependInput) data[base] = plan.inputs[r]!;
    for (let i = 0; i < half; i++) {
      const a = argumentAt(plan, r, i);
      const s = sinF32(a);
      const c = cosF32(a);
      switch (layout) {
        case 'sin-cos':
          data[base + offset + i] = s;
          data[base + offset + half + i] = c;
          break;
        case 'cos-sin':
          data[base + offset + i] = c;
          data[base + offset + half + i] = s;
          break;
        case 'interleaved':
          data[base + 2 * i] = s;
          data[base + 2 * i + 1] = c;
          break;
      }
    }
    // Trailing zero columns are already zero.
  }
  for (const r of plan.zeroRows) data.fill(0, r * rowWidth, (r + 1) * rowWidth);
  if (plan.outputDtype !== 'float32') for (let k = 0; k < data.length; k++) data[k] = roundToDtype(data[k]!, plan.outputDtype);
  const warnings = [...plan.warnings];
  const nanCount = countNaN(data);
  if (nanCount > 0 && warnings.length === 0) warnings.push(`${nanCount} values are NaN, as upstream computes them`);
  return { shape: plan.shape, data, warnings };
}

function countNaN(data: Float32Array): number {
  let count = 0;
  for (let k = 0; k < data.length; k++) if (Number.isNaN(data[k])) count++;
  return count;
}

/** Largest |argument| per output row, the scale of each row's rounding error (tolerance 4·|a|·2⁻²⁴ + 2⁻²³). */
export function rowMaxAbsArgument(plan: EmbeddingPlan): Float32Array {
  const out = new Float32Array(plan.rows);
  for (let r = 0; r < plan.rows; r++) {
    let largest = 0;
    if (plan.layout === 'repeat') largest = Math.abs(plan.inputs[r]!);
    else for (let i = 0; i < plan.half; i++) largest = Math.max(largest, Math.abs(argumentAt(plan, r, i)));
    out[r] = largest;
  }
  return out;
}

/** The embedding for a request, in float32 exactly as upstream computes it. Throws ValidationError on bad input. */
export function embed(request: EmbedRequest): EmbedResult {
  return evaluatePlan(planEmbedding(resolveRequest(request)));
}
