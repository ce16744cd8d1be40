/**
 * Float32 / float16 / bfloat16 rounding. The reference emulates torch's float32 arithmetic by rounding every
 * intermediate with `Math.fround`; a Python double scalar meeting a float32 tensor is rounded to float32 first,
 * which is what torch CPU does (CONVENTIONS.md §1, diffusers step 1).
 */
import type { TimestepDtype } from './types';

/** Round to the nearest float32 (ties to even). */
export const f32 = Math.fround;

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** Round to the nearest bfloat16 (ties to even), returned as a number. NaN stays NaN. */
export function toBfloat16(x: number): number {
  scratchF32[0] = x;
  const bits = scratchU32[0]!;
  if ((bits & 0x7f800000) === 0x7f800000) return scratchF32[0]!; // inf and NaN pass through
  const rounding = 0x7fff + ((bits >>> 16) & 1);
  scratchU32[0] = ((bits + rounding) >>> 16) << 16;
  return scratchF32[0]!;
}

/** Round to the nearest IEEE float16 (ties to even, subnormals kept, overflow to ±inf), returned as a number. */
export function toFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const ax = Math.abs(x);
  if (ax >= 65520) return x > 0 ? Infinity : -Infinity; // 65520 rounds up past the largest half, 65504
  // The spacing of halves near ax: 2^(e-10) for normal numbers, 2^-24 below 2^-14.
  let exponent = Math.floor(Math.log2(ax));
  // log2 can land one off next to a power of two; settle the exponent exactly.
  if (2 ** exponent > ax) exponent -= 1;
  else if (2 ** (exponent + 1) <= ax) exponent += 1;
  exponent = Math.max(exponent, -14);
  const spacing = 2 ** (exponent - 10);
  const scaled = ax / spacing;
  let rounded = Math.round(scaled);
  if (rounded - scaled === 0.5 && rounded % 2 === 1) rounded -= 1; // Math.round rounds .5 up; halves tie to even
  return Math.sign(x) * rounded * spacing;
}

/** Round a value to the given timestep dtype (float32 included). */
export function roundToDtype(x: number, dtype: TimestepDtype): number {
  switch (dtype) {
    case 'float32':
      return f32(x);
    case 'float16':
      return toFloat16(f32(x));
    case 'bfloat16':
      return toBfloat16(x);
  }
}

/** ln x rounded to float32. */
export const logF32 = (x: number): number => f32(Math.log(x));
/** exp x rounded to float32. */
export const expF32 = (x: number): number => f32(Math.exp(x));
/** sin x rounded to float32. */
export const sinF32 = (x: number): number => f32(Math.sin(x));
/** cos x rounded to float32. */
export const cosF32 = (x: number): number => f32(Math.cos(x));
