// The two products PCA's subspace iteration needs with the centred rows Xc = E − μ (E: n × m row-major):
//   MODE 0: z = Xc·v  (v: m × p, z: n × p), one invocation per row r < n
//   MODE 1: y = Xcᵀ·z (z: n × p, y: m × p), one invocation per column k < m
// p ≤ 8 (the block size of the iteration).
//
// Bindings (group 0): 0 uniform Params { n: u32 @0, m: u32 @4, p: u32 @8, gridX: u32 @12 }; 1 storage read e;
// 2 storage read mean (m); 3 storage read src (v or z); 4 storage rw dst (z or y).
// Dispatch: a 2-D grid of 64-wide workgroups (index = gid.y · gridX + gid.x), guarded by n (MODE 0) or m (MODE 1).
// Precision: blocks of 64 terms are summed into fresh partials (blocked summation); the iteration itself corrects
// earlier errors, so the final axes carry only the last products' ~1e-7 relative error.

struct Params {
  n: u32,
  m: u32,
  p: u32,
  gridX: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> e: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;

override MODE: u32 = 0u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.y * params.gridX + gid.x;
  let n = params.n;
  let m = params.m;
  let p = params.p;
  var total: array<f32, 8>;
  if (MODE == 0u) {
    if (index >= n) { return; }
    let base = index * m;
    for (var k0 = 0u; k0 < m; k0 += 64u) {
      // Zeroed explicitly: SwiftShader (Tint → SPIR-V) was seen to keep a loop-local array's values across iterations.
      var part: array<f32, 8>;
      for (var q = 0u; q < 8u; q++) { part[q] = 0.0; }
      for (var k = k0; k < min(k0 + 64u, m); k++) {
        let x = e[base + k] - mean[k];
        for (var j = 0u; j < p; j++) { part[j] += x * src[k * p + j]; }
      }
      for (var j = 0u; j < p; j++) { total[j] += part[j]; }
    }
  } else {
    if (index >= m) { return; }
    let mu = mean[index];
    for (var r0 = 0u; r0 < n; r0 += 64u) {
      // Zeroed explicitly: SwiftShader (Tint → SPIR-V) was seen to keep a loop-local array's values across iterations.
      var part: array<f32, 8>;
      for (var q = 0u; q < 8u; q++) { part[q] = 0.0; }
      for (var r = r0; r < min(r0 + 64u, n); r++) {
        let x = e[r * m + index] - mu;
        for (var j = 0u; j < p; j++) { part[j] += x * src[r * p + j]; }
      }
      for (var j = 0u; j < p; j++) { total[j] += part[j]; }
    }
  }
  for (var j = 0u; j < p; j++) { dst[index * p + j] = total[j]; }
}
