// Each row's nearest other row, from the n × n squared-distance matrix that pairwise.wgsl (MODE 1) wrote.
//
// Bindings (group 0): 0 uniform Params { n: u32 @0, gridX: u32 @4, pad @8, pad @12 }; 1 storage read d2 (n·n);
// 2 storage rw index (n, i32); 3 storage rw distance (n, sqrt of the smallest d²). Needs n ≥ 2: the TS owner
// answers n = 1 itself (index -1, distance +inf) because WGSL cannot spell an infinite constant.
// Dispatch: a 2-D grid of 64-wide workgroups, one invocation per row, guarded by r < n.
// Ties keep the lowest index (strict <), the rule the CPU backend uses.

struct Params {
  n: u32,
  gridX: u32,
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> d2: array<f32>;
@group(0) @binding(2) var<storage, read_write> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> distance: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.y * params.gridX + gid.x;
  let n = params.n;
  if (r >= n) { return; }
  var best = -1;
  var bestD = 0.0;
  for (var s = 0u; s < n; s++) {
    if (s == r) { continue; }
    let d = d2[r * n + s];
    if (best < 0 || d < bestD) {
      best = i32(s);
      bestD = d;
    }
  }
  index[r] = best;
  distance[r] = sqrt(bestD);
}
