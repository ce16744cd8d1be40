// Pairwise row products of E (n × m, row-major): cosine similarity (MODE 0) or squared Euclidean distance (MODE 1),
// written to the full n × n output.
//
// Bindings (group 0): 0 uniform Params { n: u32 @0, m: u32 @4, pad @8, pad @12 }; 1 storage read e (n·m);
// 2 storage read norms (n, MODE 0 only: ‖E_r‖); 3 storage rw out (n·n).
// Dispatch: (ceil(n/32), ceil(n/32)) workgroups of 8 × 8; each workgroup owns a 32 × 32 output tile and each
// invocation a 4 × 4 block of it. Only tiles on or above the diagonal compute (wid.y ≤ wid.x, uniform per workgroup);
// they write both (r, s) and (s, r). Loads outside n or m read as 0; stores are guarded by r < n and s < n.
// Precision: each 16-wide k-slice is summed into a fresh partial before joining the running sum (blocked summation),
// so the float32 error grows like (m/16 + 16)·2⁻²⁴ rather than m·2⁻²⁴; ≤ ~1e-6 relative for m ≤ 4096.

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
const TILE: u32 = 32u;
const KT: u32 = 16u;
// torch.nn.functional.cosine_similarity clamps each norm at eps = 1e-8.
const EPS: f32 = 1e-8;

var<workgroup> tileA: array<f32, 512>;
var<workgroup> tileB: array<f32, 512>;

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  if (wid.y > wid.x) { return; }
  let n = params.n;
  let m = params.m;
  let rowBase = wid.y * TILE;
  let colBase = wid.x * TILE;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < m; k0 += KT) {
    for (var l = 0u; l < 8u; l++) {
      let idx = li + l * 64u;
      let rr = idx / KT;
      let gk = k0 + idx % KT;
      var a = 0.0;
      var b = 0.0;
      if (gk < m) {
        if (rowBase + rr < n) { a = e[(rowBase + rr) * m + gk]; }
        if (colBase + rr < n) { b = e[(colBase + rr) * m + gk]; }
      }
      tileA[idx] = a;
      tileB[idx] = b;
    }
    workgroupBarrier();
    // Zeroed explicitly: SwiftShader (Tint → SPIR-V) was seen to keep a loop-local array's values across iterations.
    var part: array<f32, 16>;
    for (var q = 0u; q < 16u; q++) { part[q] = 0.0; }
    for (var kk = 0u; kk < KT; kk++) {
      for (var i = 0u; i < 4u; i++) {
        let a = tileA[(lid.y * 4u + i) * KT + kk];
        for (var j = 0u; j < 4u; j++) {
          let b = tileB[(lid.x * 4u + j) * KT + kk];
          if (MODE == 0u) {
            part[i * 4u + j] += a * b;
          } else {
            let d = a - b;
            part[i * 4u + j] += d * d;
          }
        }
      }
    }
    for (var q = 0u; q < 16u; q++) { acc[q] += part[q]; }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let r = rowBase + lid.y * 4u + i;
    if (r >= n) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let s = colBase + lid.x * 4u + j;
      if (s >= n) { continue; }
      var v = acc[i * 4u + j];
      if (MODE == 0u) { v = v / (max(norms[r], EPS) * max(norms[s], EPS)); }
      out[r * n + s] = v;
      out[s * n + r] = v;
    }
  }
}
