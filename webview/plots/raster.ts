/**
 * Heatmaps as images: a matrix of exact float32 values is mapped to the pixels of the plot area and colour-mapped into
 * RGBA bytes, which the heatmap view hands plotly as one layout image. Pure (no DOM), so the browser tests recompute
 * what a pixel must show from the core's numbers with these same functions.
 *
 * Why: a plotly heatmap trace of 1000 × 1024 cells costs ~0.3 µs per cell in its calc and draw steps (~300-500 ms),
 * while a plot area has ~1000 × 300 pixels. Here every pixel costs one LUT lookup, and the cells behind it are
 * averaged (E, similarity) or reduced to the one with the largest magnitude (differences, so that one differing cell
 * is never averaged away). Hover never reads the image: it looks up the exact value of the cell under the pointer.
 */

/** Cell k of a raster axis sits at `origin + k·step` in axis units (log₁₀ of the value on a log axis). */
export interface RasterAxis {
  readonly origin: number;
  readonly step: number;
}

/**
 * The cell-index spans the pixels cover, given the axis ranges shown (plotly's `range`, axis units): x from the left
 * edge to the right one, y from the top (the range's second entry) to the bottom.
 */
export function indexSpans(
  x: RasterAxis,
  y: RasterAxis,
  xRange: readonly [number, number],
  yRange: readonly [number, number],
): { x: [number, number]; y: [number, number] } {
  const at = (axis: RasterAxis, v: number): number => (v - axis.origin) / axis.step;
  return { x: [at(x, xRange[0]), at(x, xRange[1])], y: [at(y, yRange[1]), at(y, yRange[0])] };
}

/** Bins for pixels running from cell-index `from` to `to` (either direction). */
export function directedBins(cells: number, pixels: number, from: number, to: number): { start: Int32Array; end: Int32Array } {
  if (from <= to) return pixelBins(cells, pixels, from, to);
  const b = pixelBins(cells, pixels, to, from);
  return { start: b.start.reverse(), end: b.end.reverse() };
}

/**
 * The RGBA pixels of a [rows, cols] matrix drawn over the given cell-index spans (x over rows, y over columns) at
 * width × height pixels: rasterize, then paint. What the heatmap views show, and what the browser tests recompute.
 */
export function rasterImage(
  matrix: Float32Array,
  rows: number,
  cols: number,
  aggregate: Aggregate,
  spans: { x: readonly [number, number]; y: readonly [number, number] },
  width: number,
  height: number,
  lut: Uint8Array,
  zmin: number,
  zmax: number,
  out?: Uint8ClampedArray,
): Uint8ClampedArray {
  const xb = directedBins(rows, width, spans.x[0], spans.x[1]);
  const yb = directedBins(cols, height, spans.y[0], spans.y[1]);
  return paint(rasterize(matrix, cols, xb, yb, aggregate), lut, zmin, zmax, out);
}

/** How the cells behind one pixel become one value. */
export type Aggregate = 'mean' | 'maxabs';

/** A plotly-style colour scale: [position in 0..1, CSS colour] pairs, positions ascending. */
export type ColorScale = readonly (readonly [number, string])[];

/**
 * For each of `pixels` pixels along an axis of `cells` cells, the range of cells [start, end) it shows. The axis shows
 * cell-index space [lo, hi) (cell k is centred on k): a pixel shows the cells whose centres fall inside it, or the cell
 * nearest its centre when none does (more pixels than cells), or nothing (start = end) outside the cells.
 */
export function pixelBins(cells: number, pixels: number, lo = -0.5, hi = cells - 0.5): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(pixels);
  const end = new Int32Array(pixels);
  const span = (hi - lo) / pixels;
  for (let p = 0; p < pixels; p++) {
    const a = lo + p * span;
    const b = a + span;
    // Cells with centre k in [a, b): k from ceil(a) to ceil(b) − 1.
    let s = Math.max(0, Math.ceil(a));
    let e = Math.min(cells, Math.ceil(b));
    if (e <= s) {
      const k = Math.round(a + span / 2);
      if (k >= 0 && k < cells && Math.abs(k - (a + span / 2)) <= 0.5) {
        s = k;
        e = k + 1;
      } else e = s;
    }
    start[p] = s;
    end[p] = e;
  }
  return { start, end };
}

/**
 * The value each pixel shows: `data` is row-major [rows, cols]; x runs over rows (`xBins`), y over columns (`yBins`).
 * Returns yPixels × xPixels values, row-major by pixel row (image order); NaN where a pixel shows no cell or a NaN.
 */
export function rasterize(
  data: Float32Array,
  cols: number,
  xBins: { start: Int32Array; end: Int32Array },
  yBins: { start: Int32Array; end: Int32Array },
  aggregate: Aggregate,
): Float32Array {
  const px = xBins.start.length;
  const py = yBins.start.length;
  const out = new Float32Array(px * py);
  const acc = new Float64Array(py);
  for (let i = 0; i < px; i++) {
    const r0 = xBins.start[i]!;
    const r1 = xBins.end[i]!;
    acc.fill(aggregate === 'mean' ? 0 : NaN);
    let counted = 0;
    for (let r = r0; r < r1; r++) {
      const base = r * cols;
      for (let j = 0; j < py; j++) {
        const c0 = yBins.start[j]!;
        const c1 = yBins.end[j]!;
        if (aggregate === 'mean') {
          let s = 0;
          for (let c = c0; c < c1; c++) s += data[base + c]!;
          acc[j] += s;
        } else {
          let best = acc[j]!;
          for (let c = c0; c < c1; c++) {
            const v = data[base + c]!;
            // NaN never wins over a number; the first of equal magnitudes stays (deterministic).
            if (!(Math.abs(v) <= Math.abs(best))) best = Number.isNaN(v) ? best : v;
          }
          acc[j] = best;
        }
      }
      counted++;
    }
    for (let j = 0; j < py; j++) {
      const n = counted * (yBins.end[j]! - yBins.start[j]!);
      out[j * px + i] = n === 0 ? NaN : aggregate === 'mean' ? acc[j]! / n : acc[j]!;
    }
  }
  return out;
}

/** Entries of the colour lookup table: finer than any display can show on a colour bar. */
export const LUT_SIZE = 1024;

/** Parses `#rgb`, `#rrggbb` or `rgb(r, g, b)` into bytes. */
export function parseColor(color: string): [number, number, number] {
  const c = color.trim();
  if (c.startsWith('#')) {
    const hex = c.length === 4 ? [...c.slice(1)].map((d) => d + d).join('') : c.slice(1, 7);
    return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
  }
  const m = /rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  throw new Error(`colour scale entry '${color}' is not #rgb, #rrggbb or rgb()`);
}

/** RGB bytes for LUT_SIZE evenly spaced positions of a colour scale, linearly interpolated in sRGB as plotly does. */
export function colorLut(scale: ColorScale): Uint8Array {
  const stops = scale.map(([pos, color]) => [pos, ...parseColor(color)] as const);
  const lut = new Uint8Array(LUT_SIZE * 3);
  let s = 0;
  for (let k = 0; k < LUT_SIZE; k++) {
    const pos = k / (LUT_SIZE - 1);
    while (s + 2 < stops.length && pos > stops[s + 1]![0]) s++;
    const a = stops[s]!;
    const b = stops[Math.min(s + 1, stops.length - 1)]!;
    const f = b[0] > a[0] ? Math.min(1, Math.max(0, (pos - a[0]) / (b[0] - a[0]))) : 0;
    for (let ch = 0; ch < 3; ch++) lut[k * 3 + ch] = Math.round(a[ch + 1]! + f * (b[ch + 1]! - a[ch + 1]!));
  }
  return lut;
}

/** The LUT entry a value maps to in [zmin, zmax] (clamped), or −1 for NaN. */
export function lutIndex(value: number, zmin: number, zmax: number): number {
  if (Number.isNaN(value)) return -1;
  if (!(zmax > zmin)) return Math.round((LUT_SIZE - 1) / 2);
  const idx = Math.round((value - zmin) * ((LUT_SIZE - 1) / (zmax - zmin)));
  return Math.min(LUT_SIZE - 1, Math.max(0, idx));
}

/** Colour-maps pixel values into RGBA bytes (an ImageData's layout); NaN pixels are transparent. */
export function paint(values: Float32Array, lut: Uint8Array, zmin: number, zmax: number, out: Uint8ClampedArray = new Uint8ClampedArray(values.length * 4)): Uint8ClampedArray {
  // One 32-bit store per pixel: the LUT packed as RGBA words in the platform's byte order.
  const packed = new Uint32Array(LUT_SIZE);
  const bytes = new Uint8Array(packed.buffer);
  for (let k = 0; k < LUT_SIZE; k++) bytes.set([lut[k * 3]!, lut[k * 3 + 1]!, lut[k * 3 + 2]!, 255], k * 4);
  const words = new Uint32Array(out.buffer, out.byteOffset, values.length);
  const scale = zmax > zmin ? (LUT_SIZE - 1) / (zmax - zmin) : 0;
  const mid = Math.round((LUT_SIZE - 1) / 2);
  const top = LUT_SIZE - 1;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v !== v) {
      words[k] = 0; // NaN: transparent
      continue;
    }
    // Same rounding as lutIndex, inlined: this loop runs once per pixel.
    let idx = scale === 0 ? mid : Math.round((v - zmin) * scale);
    idx = idx < 0 ? 0 : idx > top ? top : idx;
    words[k] = packed[idx]!;
  }
  return out;
}

/**
 * Indices of the points a line needs at a given pixel width: all of them when they fit (≤ 2 per pixel), otherwise, per
 * pixel column, the first, the minimum, the maximum and the last point in index order, so the drawn envelope and
 * every spike are exactly those of the full curve and each kept point is a real (x, value) pair for hover.
 * `ys` may hold NaN (gaps); those points are kept so the gaps stay.
 */
export function decimateMinMax(ys: ArrayLike<number>, pixels: number): Int32Array {
  const n = ys.length;
  const cols = Math.max(1, Math.floor(pixels));
  if (n <= 2 * cols) return Int32Array.from({ length: n }, (_, k) => k);
  const keep: number[] = [];
  for (let p = 0; p < cols; p++) {
    const a = Math.floor((p * n) / cols);
    const b = Math.floor(((p + 1) * n) / cols);
    if (b <= a) continue;
    let lo = a;
    let hi = a;
    const picked = new Set<number>([a, b - 1]);
    for (let k = a; k < b; k++) {
      const v = ys[k]!;
      if (Number.isNaN(v)) picked.add(k);
      else {
        if (!(v >= ys[lo]!)) lo = k;
        if (!(v <= ys[hi]!)) hi = k;
      }
    }
    picked.add(lo);
    picked.add(hi);
    keep.push(...[...picked].sort((x, y) => x - y));
  }
  return Int32Array.from(keep);
}

/**
 * Indices of scatter points worth drawing: a point is kept when it lies at least `minPixels` from the last kept point
 * (in pixel units given by `scaleX`, `scaleY`), so dense runs of overlapping markers collapse while every isolated
 * point stays; the first and last are always kept.
 */
export function thinByDistance(xs: ArrayLike<number>, ys: ArrayLike<number>, scaleX: number, scaleY: number, minPixels: number): Int32Array {
  const n = xs.length;
  if (n <= 2) return Int32Array.from({ length: n }, (_, k) => k);
  const keep: number[] = [0];
  let lx = xs[0]! * scaleX;
  let ly = ys[0]! * scaleY;
  const min2 = minPixels * minPixels;
  for (let k = 1; k < n - 1; k++) {
    const x = xs[k]! * scaleX;
    const y = ys[k]! * scaleY;
    if ((x - lx) ** 2 + (y - ly) ** 2 >= min2 || !Number.isFinite(x + y)) {
      keep.push(k);
      lx = x;
      ly = y;
    }
  }
  keep.push(n - 1);
  return Int32Array.from(keep);
}
