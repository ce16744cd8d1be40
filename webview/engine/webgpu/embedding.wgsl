// The timestep embedding: one invocation per output value of a chunk of rows.
//
// Bindings (group 0):
//   0 uniform Params (layout below; packed by packEmbeddingParams in embedding.ts)
//   1 storage read  inputs : rows × inputColumns float32, the per-row inputs already rounded as upstream forms them
//   2 storage read  freqs  : half × inputColumns float32, computed on the CPU in upstream op order
//   3 storage rw    out    : chunkRows × rowWidth float32, row-major (the chunk starts at row params.rowOffset)
// Dispatch: a 2-D grid of WORKGROUP_SIZE-wide groups; invocation index = (gid.y · gridX + gid.x). The index is
// guarded against chunkRows × rowWidth, so the grid may overshoot.
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
  pad0: u32,          // offset 60
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> inputs: array<f32>;
@group(0) @binding(2) var<storage, read> freqs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WORKGROUP_SIZE: u32 = 256;

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
fn pin(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ params.zeroMask);
}

fn sinPoly(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * ((S3 * z + S2) * z + S1);
}

fn cosPoly(r: f32) -> f32 {
  let z = r * r;
  return (1.0 - 0.5 * z) + z * z * ((K3 * z + K2) * z + K1);
}

// sin(a) when wantCos is false, cos(a) = sin(a + π/2) otherwise, with the reduction described above.
fn sinusoid(a: f32, wantCos: bool) -> f32 {
  let k = round(a * TWO_OVER_PI);
  var r = a - k * C1;
  r = r - k * C2;
  r = r - k * C3;
  r = r - k * C4;
  // Quadrant k mod 4, exact for |k| < 2^24; cos shifts it by one.
  var q = u32(k - 4.0 * floor(k * 0.25));
  if (wantCos) { q = q + 1u; }
  let v = select(sinPoly(r), cosPoly(r), (q & 1u) == 1u);
  return select(v, -v, (q & 2u) == 2u);
}

// Round to the output dtype as upstream's final cast does (ties to even); NaN and ±inf pass through.
fn roundToDtype(v: f32) -> f32 {
  if (params.outputDtype == 0u) { return v; }
  let bits = bitcast<u32>(v);
  if ((bits & 0x7f800000u) == 0x7f800000u) { return v; }
  if (params.outputDtype == 2u) {
    return bitcast<f32>((bits + 0x7fffu + ((bits >> 16u) & 1u)) & 0xffff0000u);
  }
  // float16: 11 significant bits for |v| ≥ 2^-14, a fixed 2^-24 spacing below (subnormal halves).
  if (abs(v) < 6.103515625e-5) { return round(v * 16777216.0) / 16777216.0; }
  return bitcast<f32>((bits + 0xfffu + ((bits >> 13u) & 1u)) & 0xffffe000u);
}

// The float32 argument for row `row` and frequency `i`, in upstream op order.
fn argument(row: u32, i: u32) -> f32 {
  let columns = params.inputColumns;
  var a: f32;
  if (columns == 1u) {
    a = pin(inputs[row] * freqs[i]);
  } else {
    // ((2π)·x) @ Wᵀ: a float32 dot product summed in column order, every step rounded.
    a = 0.0;
    for (var k = 0u; k < columns; k++) {
      a = pin(a + pin(inputs[row * columns + k] * freqs[i * columns + k]));
    }
  }
  for (var s = 0u; s < params.scaleCount; s++) {
    a = pin(a * params.scales[s]);
  }
  return a;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.y * params.gridX + gid.x;
  let width = params.rowWidth;
  if (index >= params.rows * width) { return; }
  let localRow = index / width;
  let column = index - localRow * width;
  let row = localRow + params.rowOffset;
  if (params.columnOrder == 3u) {
    out[index] = inputs[row];
    return;
  }
  var c = column;
  if (params.prependInput == 1u) {
    if (column == 0u) { out[index] = inputs[row]; return; }
    c = column - 1u;
  }
  let h = params.half;
  if (c >= 2u * h) { out[index] = 0.0; return; }
  var i: u32;
  var wantCos: bool;
  if (params.columnOrder == 2u) {
    i = c / 2u;
    wantCos = (c & 1u) == 1u;
  } else {
    let second = c >= h;
    i = select(c, c - h, second);
    // sin|cos: the second block is cos; cos|sin: the first block is.
    wantCos = second == (params.columnOrder == 0u);
  }
  out[index] = roundToDtype(sinusoid(argument(row, i), wantCos));
}
