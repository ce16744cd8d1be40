// Per-row reductions of E (n × m, row-major): MODE 0 writes ‖E_r‖ for r < n; MODE 1 writes ‖E_{r+1} − E_r‖ for
// r < n − 1 (adjacent-step distance).
//
// Bindings (group 0): 0 uniform Params { n: u32 @0, m: u32 @4, gridX: u32 @8, pad @12 }; 1 storage read e (n·m);
// 2 storage rw out (n, or n − 1).
// Dispatch: a 2-D grid of 64-wide workgroups, one invocation per output row (index = gid.y · gridX + gid.x),
// guarded by the output count.
// Precision: sums of 64 terms go into a fresh partial before joining the total (blocked summation, ≲ 1e-6 relative).

struct Params {
  n: u32,
  m: u32,
  gridX: u32,
  pad0: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> e: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override MODE: u32 = 0u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.y * params.gridX + gid.x;
  let count = select(params.n, params.n - 1u, MODE == 1u);
  if (params.n == 0u || r >= count) { return; }
  let m = params.m;
  let a = r * m;
  let b = a + m;
  var total = 0.0;
  for (var k0 = 0u; k0 < m; k0 += 64u) {
    var part = 0.0;
    let end = min(k0 + 64u, m);
    for (var k = k0; k < end; k++) {
      var v = e[a + k];
      if (MODE == 1u) { v = e[b + k] - v; }
      part += v * v;
    }
    total += part;
  }
  out[r] = sqrt(total);
}
