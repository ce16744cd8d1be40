/**
 * Deterministic standard-normal draws for the random-feature presets when the request carries no buffer. They stand
 * in for a checkpoint's `weight`/`freqs`: the same request always gets the same features, in the core, the generated
 * code (which embeds them) and the GPU. They are not torch.randn's values; pass the checkpoint buffer for those.
 */

/** mulberry32: a small, well-mixed 32-bit PRNG; enough for reproducible stand-in features. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` float32 values drawn from N(0, std²) by Box–Muller, deterministic in `seed`. */
export function seededNormal(count: number, std: number, seed = 0): number[] {
  const uniform = mulberry32(seed);
  const values: number[] = [];
  while (values.length < count) {
    const u1 = Math.max(uniform(), Number.EPSILON); // ln 0 would give an infinite draw
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    values.push(Math.fround(radius * Math.cos(2 * Math.PI * u2) * std));
    if (values.length < count) values.push(Math.fround(radius * Math.sin(2 * Math.PI * u2) * std));
  }
  return values;
}
