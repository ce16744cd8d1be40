// The timestep embedding. One invocation per (row, four consecutive frequencies): it forms the four arguments,
// range-reduces each once, and writes both sin and cos of each (the two polynomials share the reduction and the
// quadrant), so a row of width 2h takes ceil(h / 4) invocations. Repeat layout: one invocation per pair of columns.
//
// Bindings (group 0):
//   0 uniform Params (layout below; packed by packEmbeddingParams in embedding.ts)
//   1 storage read  inputs : rows × inputColumns float32, the per-row inputs already rounded as upstream forms them
//   2 storage read  freqs  : half × inputColumns float32, computed on the CPU in upstream op order
//   3 storage rw    out    : chunkRows × rowWidth float32, row-major (the chunk starts at row params.rowOffset)
// Dispatch: a 2-D grid of WORKGROUP_SIZE-wide groups; invocation index = (gid.y · gridX + gid.x), split into
// (row, unit) by params.units (units per row: ceil(h / 4), or ceil(rowWidth / 2) for repeat). The index is guarded against
// chunkRows × units, so the grid may overshoot. Unit 0 of a row also writes the prepended input column and any
// trailing zero columns.
//
// Precision. WGSL bounds sin/cos only on [-π, π] and SwiftShader's are off by ~2e-4, so this file range-reduces by
// itself: k = round(a·2/π), r = a − k·(C1 + C2 + C3 + C4) with π/2 split Cody–Waite style into three 8-bit parts and a
// float32 tail. |k| < 2^16 for |a| ≤ 1e5, so every k·Ci with an 8-bit Ci is exact and each subtraction is exact;
// only the last one rounds (≤ 3e-8). Cephes' minimax sinf/cosf polynomials on [-π/4, π/4] then give results within
// 2 float32 ulp of the correctly rounded value: ≤ 1.2e-7 absolute for |a| ≤ 1e5 (checked against float64 over
// millions of arguments). Beyond |a| ≈ 1e5 the k·C1 products stop being exact and the error grows with |a|.
//
// The argument must be the float32 product x·f that torch forms, not x·f fused into an FMA with a later operation.
// `pin` routes every such product through an integer XOR with a uniform that is always 0, which no compiler can fold,
// so the rounded product is what the next operation sees.

struct Params {
  rows: u32,          // offset  0: rows in this chunk
  half: u32,          // offset  4: frequencies h
  rowWidth: u32,      // offset  8: output columns per row
  columnOrder: u32,   // offset 12: 0 sin|cos, 1 cos|sin, 2 interleaved, 3 repeat
  prependInput: u32,  // offset 16: 1 puts the input in column 0 (lucidrains-random)
  inputColumns: u32,  // offset 20: inputs per row (k-diffusion multi-input: a float32 dot product)
  scaleCount: u32,    // offset 24: post-multipliers in use (0..4)
  outputDtype: u32,   // offset 28: 0 float32, 1 float16, 2 bfloat16 (value rounded, stored as float32)
  scales: vec4<f32>,  // offset 32: post-multipliers, applied in order after x·f
  rowOffset: u32,     // offset 48: first row of this chunk
  gridX: u32,         // offset 52: invocations per grid row (groups in x × WORKGROUP_SIZE)
  zeroMask: u32,      // offset 56: always 0; see `pin`
  units: u32,         // offset 60: invocations per row (ceil(h / 4), or ceil(rowWidth / 2) for repeat)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> inputs: array<f32>;
@group(0) @binding(2) var<storage, read> freqs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WORKGROUP_SIZE: u32 = 64;
// Per-row inputs (k-diffusion: several) and post-multipliers in use (0..4); the runtime copies in Params are unused.
override INPUT_COLUMNS: u32 = 1u;
override SCALE_COUNT: u32 = 0u;
// Layout (0 sin|cos, 1 cos|sin, 2 interleaved, 3 repeat), the input prefix column (0/1) and the output dtype
// (0 float32, 1 float16, 2 bfloat16), also fixed per pipeline so the common path has no runtime branches; the
// runtime copies in Params are unused.
override COLUMN_ORDER: u32 = 0u;
override PREPEND_INPUT: u32 = 0u;
override OUTPUT_DTYPE: u32 = 0u;

// π/2 = C1 + C2 + C3 + C4: C1..C3 carry 8 significant bits each, C4 is the float32 rounding of the rest.
const C1: f32 = 1.5703125;
const C2: f32 = 4.84466552734375e-4;
const C3: f32 = -6.407499313354492e-7;
const C4: f32 = 9.920935184482005e-10;
const TWO_OVER_PI: f32 = 0.6366197723675814;

// Cephes sinf / cosf minimax coefficients for |r| ≤ π/4.
const S1: f32 = -1.6666654611e-1;
const S2: f32 = 8.3321608736e-3;
const S3: f32 = -1.9515295891e-4;
const K1: f32 = 4.166664568298827e-2;
const K2: f32 = -1.388731625493765e-3;
const K3: f32 = 2.443315711809948e-5;

// The float32 value x, opaque to the optimiser (no contraction into an FMA with what follows).
fn pin(x: vec4<f32>) -> vec4<f32> {
  return bitcast<vec4<f32>>(bitcast<vec4<u32>>(x) ^ vec4<u32>(params.zeroMask));
}

fn sinPoly(r: vec4<f32>) -> vec4<f32> {
  let z = r * r;
  return r + r * z * ((S3 * z + S2) * z + S1);
}

fn cosPoly(r: vec4<f32>) -> vec4<f32> {
  let z = r * r;
  return (1.0 - 0.5 * z) + z * z * ((K3 * z + K2) * z + K1);
}

// sin and cos of four arguments with the reduction described above: both polynomials of one reduced r, swapped and
// negated by quadrant.
struct SinCos {
  s: vec4<f32>,
  c: vec4<f32>,
}

fn sinCos(a: vec4<f32>) -> SinCos {
  let k = round(a * TWO_OVER_PI);
  var r = a - k * C1;
  r = r - k * C2;
  r = r - k * C3;
  r = r - k * C4;
  // Quadrant k mod 4, exact for |k| < 2^24: sin(r + qπ/2), cos(r + qπ/2) = (s, c), (c, −s), (−s, −c), (−c, s).
  let q = vec4<u32>(k - 4.0 * floor(k * 0.25));
  let sp = sinPoly(r);
  let cp = cosPoly(r);
  let odd = (q & vec4<u32>(1u)) == vec4<u32>(1u);
  let neg = (q & vec4<u32>(2u)) == vec4<u32>(2u);
  let sv = select(sp, cp, odd);
  let cv = select(cp, -sp, odd);
  return SinCos(select(sv, -sv, neg), select(cv, -cv, neg));
}

// Round to the output dtype as upstream's final cast does (ties to even); NaN and ±inf pass through.
fn roundToDtype(v: f32) -> f32 {
  let bits = bitcast<u32>(v);
  if ((bits & 0x7f800000u) == 0x7f800000u) { return v; }
  if (OUTPUT_DTYPE == 2u) {
    return bitcast<f32>((bits + 0x7fffu + ((bits >> 16u) & 1u)) & 0xffff0000u);
  }
  // float16: 11 significant bits for |v| ≥ 2^-14, a fixed 2^-24 spacing below (subnormal halves).
  if (abs(v) < 6.103515625e-5) { return round(v * 16777216.0) / 16777216.0; }
  return bitcast<f32>((bits + 0xfffu + ((bits >> 13u) & 1u)) & 0xffffe000u);
}

// The float32 arguments for row `row` and frequencies i0..i0+3 (clamped to h − 1; the extras are never stored), in
// upstream op order. INPUT_COLUMNS and SCALE_COUNT are override constants (part of the pipeline key), so the loops
// have fixed trip counts and the single-input, no-scale case (most presets) is one pinned product.
fn arguments(row: u32, i0: u32) -> vec4<f32> {
  let last = params.half - 1u;
  let i = vec4<u32>(i0, min(i0 + 1u, last), min(i0 + 2u, last), min(i0 + 3u, last));
  var a: vec4<f32>;
  if (INPUT_COLUMNS == 1u) {
    a = pin(vec4<f32>(inputs[row]) * vec4<f32>(freqs[i.x], freqs[i.y], freqs[i.z], freqs[i.w]));
  } else {
    // ((2π)·x) @ Wᵀ: a float32 dot product summed in column order, every step rounded.
    a = vec4<f32>(0.0);
    for (var k = 0u; k < INPUT_COLUMNS; k++) {
      let f = vec4<f32>(freqs[i.x * INPUT_COLUMNS + k], freqs[i.y * INPUT_COLUMNS + k], freqs[i.z * INPUT_COLUMNS + k],
        freqs[i.w * INPUT_COLUMNS + k]);
      a = pin(a + pin(vec4<f32>(inputs[row * INPUT_COLUMNS + k]) * f));
    }
  }
  for (var s = 0u; s < SCALE_COUNT; s++) {
    a = pin(a * params.scales[s]);
  }
  return a;
}

// Writes the unit's sin/cos pairs j = 0..count−1: sin at column sinAt + j·step, cos at cosAt + j·step.
fn store(sinAt: u32, cosAt: u32, step: u32, count: u32, v: SinCos) {
  var s = v.s;
  var c = v.c;
  if (OUTPUT_DTYPE != 0u) {
    s = vec4<f32>(roundToDtype(s.x), roundToDtype(s.y), roundToDtype(s.z), roundToDtype(s.w));
    c = vec4<f32>(roundToDtype(c.x), roundToDtype(c.y), roundToDtype(c.z), roundToDtype(c.w));
  }
  // Constant component indices: a dynamic v[j] in a loop was a visible cost on SwiftShader.
  out[sinAt] = s.x;
  out[cosAt] = c.x;
  if (count > 1u) { out[sinAt + step] = s.y; out[cosAt + step] = c.y; }
  if (count > 2u) { out[sinAt + 2u * step] = s.z; out[cosAt + 2u * step] = c.z; }
  if (count > 3u) { out[sinAt + 3u * step] = s.w; out[cosAt + 3u * step] = c.w; }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.y * params.gridX + gid.x;
  let units = params.units;
  if (index >= params.rows * units) { return; }
  let localRow = index / units;
  let unit = index - localRow * units;
  let row = localRow + params.rowOffset;
  let width = params.rowWidth;
  let base = localRow * width;
  if (COLUMN_ORDER == 3u) {
    let c = 2u * unit;
    let x = inputs[row];
    out[base + c] = x;
    if (c + 1u < width) { out[base + c + 1u] = x; }
    return;
  }
  let h = params.half;
  var first = base;
  if (PREPEND_INPUT == 1u) {
    if (unit == 0u) { out[base] = inputs[row]; }
    first = base + 1u;
  }
  if (unit == 0u && first - base + 2u * h < width) {
    for (var c = first - base + 2u * h; c < width; c++) { out[base + c] = 0.0; }
  }
  let i0 = 4u * unit;
  if (i0 >= h) { return; }
  let v = sinCos(arguments(row, i0));
  // Columns of frequency i0's sin and cos, and the distance between neighbouring frequencies.
  let count = min(4u, h - i0);
  if (COLUMN_ORDER == 0u) {
    store(first + i0, first + h + i0, 1u, count, v);
  } else if (COLUMN_ORDER == 1u) {
    store(first + h + i0, first + i0, 1u, count, v);
  } else {
    store(first + 2u * i0, first + 2u * i0 + 1u, 2u, count, v);
  }
}
