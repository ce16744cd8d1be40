// Pairwise row products of E (n × m, row-major): cosine similarity (MODE 0) or squared Euclidean distance (MODE 1),
// written to the full n × n output.
//
// Bindings (group 0): 0 uniform Params { n: u32 @0, m: u32 @4, pad @8, pad @12 }; 1 storage read e (n·m);
// 2 storage read norms (n, MODE 0 only: ‖E_r‖); 3 storage rw out (n·n).
// Dispatch: (ceil(n / (4·WG_X)), ceil(n / (4·WG_Y))) workgroups of WG_X × WG_Y; each invocation owns a 4 × 4 block
// (rows r0..r0+3, columns s0..s0+3) and walks m in vec4 steps (4 + 4 vec4 loads give 16 vec4 products). Only blocks
// on or above the diagonal compute (s0 ≥ r0); they write both (r, s) and (s, r). No workgroup memory and no
// barriers: on SwiftShader (workgroups on CPU threads, barriers as coroutine switches) the 32 × 32 shared-memory tile
// this replaces was an order of magnitude slower (the same change took the MLP layer from 20.7 s to 1.2 s); on
// hardware the register block still reuses each load four times. Rows past n are clamped to n − 1 for loading and
// never stored; the last partial vec4 of a row (m not a multiple of 4) is zero-filled, so nothing past a row is read.
// Precision: each 64-wide k-slice is summed into a fresh partial before joining the running sum (blocked summation),
// so the float32 error grows like (m/64 + 64)·2⁻²⁴ rather than m·2⁻²⁴; ≤ ~1e-6 relative for m ≤ 4096.

struct Params {
  n: u32,
  m: u32,
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> e: array<f32>;
@group(0) @binding(2) var<storage, read> norms: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override MODE: u32 = 0u;
override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;
// vec4 steps per blocked-summation slice (64 values of m).
const SLICE: u32 = 16u;
// torch.nn.functional.cosine_similarity clamps each norm at eps = 1e-8.
const EPS: f32 = 1e-8;

// e[o .. o+3] as a vec4.
fn load(o: u32) -> vec4<f32> {
  return vec4<f32>(e[o], e[o + 1u], e[o + 2u], e[o + 3u]);
}

// e[o .. o+valid-1] with zeros after (valid < 4), for the last partial vec4 of a row: nothing past the row is read.
fn loadTail(o: u32, valid: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  v.x = e[o];
  if (valid > 1u) { v.y = e[o + 1u]; }
  if (valid > 2u) { v.z = e[o + 2u]; }
  return v;
}

// One row of the block: (a·b_j) for cosine, (‖a − b_j‖²) for distance, j = 0..3.
fn products(a: vec4<f32>, b0: vec4<f32>, b1: vec4<f32>, b2: vec4<f32>, b3: vec4<f32>) -> vec4<f32> {
  if (MODE == 0u) { return vec4<f32>(dot(a, b0), dot(a, b1), dot(a, b2), dot(a, b3)); }
  let d0 = a - b0;
  let d1 = a - b1;
  let d2 = a - b2;
  let d3 = a - b3;
  return vec4<f32>(dot(d0, d0), dot(d1, d1), dot(d2, d2), dot(d3, d3));
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = params.n;
  let m = params.m;
  let s0 = gid.x * 4u;
  let r0 = gid.y * 4u;
  if (s0 >= n || r0 >= n || s0 < r0) { return; }
  let a0b = r0 * m;
  let a1b = min(r0 + 1u, n - 1u) * m;
  let a2b = min(r0 + 2u, n - 1u) * m;
  let a3b = min(r0 + 3u, n - 1u) * m;
  let b0b = s0 * m;
  let b1b = min(s0 + 1u, n - 1u) * m;
  let b2b = min(s0 + 2u, n - 1u) * m;
  let b3b = min(s0 + 3u, n - 1u) * m;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  // Whole vec4s: branch-free inner loop (SwiftShader runs both sides of a per-load branch).
  let full = m - m % 4u;
  for (var k0 = 0u; k0 < full; k0 += 4u * SLICE) {
    var p0 = vec4<f32>(0.0);
    var p1 = vec4<f32>(0.0);
    var p2 = vec4<f32>(0.0);
    var p3 = vec4<f32>(0.0);
    let kEnd = min(k0 + 4u * SLICE, full);
    for (var k = k0; k < kEnd; k += 4u) {
      let b0 = load(b0b + k);
      let b1 = load(b1b + k);
      let b2 = load(b2b + k);
      let b3 = load(b3b + k);
      p0 += products(load(a0b + k), b0, b1, b2, b3);
      p1 += products(load(a1b + k), b0, b1, b2, b3);
      p2 += products(load(a2b + k), b0, b1, b2, b3);
      p3 += products(load(a3b + k), b0, b1, b2, b3);
    }
    acc0 += p0;
    acc1 += p1;
    acc2 += p2;
    acc3 += p3;
  }
  if (full < m) {
    let rest = m - full;
    let b0 = loadTail(b0b + full, rest);
    let b1 = loadTail(b1b + full, rest);
    let b2 = loadTail(b2b + full, rest);
    let b3 = loadTail(b3b + full, rest);
    acc0 += products(loadTail(a0b + full, rest), b0, b1, b2, b3);
    acc1 += products(loadTail(a1b + full, rest), b0, b1, b2, b3);
    acc2 += products(loadTail(a2b + full, rest), b0, b1, b2, b3);
    acc3 += products(loadTail(a3b + full, rest), b0, b1, b2, b3);
  }
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let r = r0 + i;
    if (r >= n) { break; }
    for (var j = 0u; j < 4u; j++) {
      let s = s0 + j;
      if (s >= n) { break; }
      var v = accs[i][j];
      if (MODE == 0u) { v = v / (max(norms[r], EPS) * max(norms[s], EPS)); }
      out[r * n + s] = v;
      out[s * n + r] = v;
    }
  }
}
