/**
 * Products with a symmetric Toeplitz matrix A (A_rs = t[|r − s|], n × n) in O(n log n) per vector instead of n²:
 * A is embedded in a circulant of size N ≥ 2n − 1 (a power of two), whose eigenvalues are the FFT of its first column,
 * so A·v = first n entries of IFFT(FFT(c) ⊙ FFT(v ⊕ 0)). Two real vectors share one complex FFT (v + i·w), since the
 * circulant's spectrum is real (c is symmetric). Float64 throughout: the result differs from the direct sum by
 * ~1e-15 relative to Σ|t|·|v|, far below the float32 data it is used on.
 */

/** An in-place radix-2 complex FFT of a fixed power-of-two size. */
class Fft {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reverse: Uint32Array;

  constructor(readonly size: number) {
    this.cos = new Float64Array(size / 2);
    this.sin = new Float64Array(size / 2);
    for (let k = 0; k < size / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.reverse = new Uint32Array(size);
    const bits = Math.log2(size);
    for (let k = 0; k < size; k++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((k >> b) & 1) << (bits - 1 - b);
      this.reverse[k] = r;
    }
  }

  /** Forward (sign −1) or inverse without the 1/N scale (sign +1). */
  transform(re: Float64Array, im: Float64Array, sign: 1 | -1): void {
    const n = this.size;
    for (let k = 0; k < n; k++) {
      const r = this.reverse[k]!;
      if (r > k) {
        let t = re[k]!;
        re[k] = re[r]!;
        re[r] = t;
        t = im[k]!;
        im[k] = im[r]!;
        im[r] = t;
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1;
      const stride = n / len;
      for (let start = 0; start < n; start += len)
        for (let j = 0; j < half; j++) {
          const wr = this.cos[j * stride]!;
          const wi = sign * this.sin[j * stride]!;
          const a = start + j;
          const b = a + half;
          const xr = re[b]! * wr - im[b]! * wi;
          const xi = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - xr;
          im[b] = im[a]! - xi;
          re[a] += xr;
          im[a] += xi;
        }
    }
  }
}

/** A·V for the symmetric Toeplitz matrix with first column `first` (length n); V is n × p row-major. */
export function toeplitzMultiplier(first: Float64Array): (v: Float64Array, p: number) => Float64Array {
  const n = first.length;
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const fft = new Fft(size);
  // Circulant first column: t0 … t(n−1), zeros, t(n−1) … t1; its spectrum is real.
  const spectrum = new Float64Array(size);
  const zero = new Float64Array(size);
  for (let k = 0; k < n; k++) spectrum[k] = first[k]!;
  for (let k = 1; k < n; k++) spectrum[size - k] = first[k]!;
  fft.transform(spectrum, zero, -1);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  return (v, p) => {
    const out = new Float64Array(n * p);
    for (let j = 0; j < p; j += 2) {
      const pair = j + 1 < p;
      re.fill(0);
      im.fill(0);
      for (let r = 0; r < n; r++) {
        re[r] = v[r * p + j]!;
        if (pair) im[r] = v[r * p + j + 1]!;
      }
      fft.transform(re, im, -1);
      for (let k = 0; k < size; k++) {
        re[k] *= spectrum[k]!;
        im[k] *= spectrum[k]!;
      }
      fft.transform(re, im, 1);
      for (let r = 0; r < n; r++) {
        out[r * p + j] = re[r]! / size;
        if (pair) out[r * p + j + 1] = im[r]! / size;
      }
    }
    return out;
  };
}
