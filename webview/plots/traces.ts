/**
 * Arrays in, plotly traces and layouts out: no compute beyond picking what to draw, no DOM, no messaging.
 *
 * Nothing plotly draws has more elements than the plot has pixels: a plotly heatmap of 1000 × 1024 cells takes
 * ~300-500 ms, so matrices become raster figures (one image at the plot's pixel size, rasterView.ts) whose tooltip reads
 * the exact values; lines with more points than pixel columns keep each column's first, min, max and last point
 * (raster.ts `decimateMinMax`), so the drawn envelope is the full curve's and every kept point is an exact sample;
 * dense scatter runs are thinned to points a few pixels apart. Exports use the full arrays.
 */
import type { PlotSpec } from './plotly';
import { decimateMinMax, thinByDistance, type Aggregate, type ColorScale, type RasterAxis } from './raster';
import { baseLayout, colorbar, type Theme } from './theme';

/** A trace list and its layout, ready for Plotly.react; a raster figure also carries the matrix its image shows. */
export interface Figure {
  readonly data: PlotSpec[];
  readonly layout: PlotSpec;
  readonly raster?: RasterSpec;
}

/** Plot size in CSS pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** What every view shares: the theme, the size, and the user's axis. */
export interface ViewContext {
  readonly theme: Theme;
  readonly size: Size;
  /** The value of the user's axis for each row (t, t ∈ [0, 1], or σ). */
  readonly axis: Float64Array;
  /** Axis title: `t`, `t ∈ [0, 1]`, `σ`. */
  readonly axisTitle: string;
  /** σ axes are drawn on a log scale. */
  readonly logAxis: boolean;
  /** Axis values of the inference-schedule overlay (empty when off). */
  readonly schedule: readonly number[];
}

/** Evenly spaced indices into [0, n), at most `max`, first and last included. */
export function decimate(n: number, max: number): Int32Array {
  const m = Math.max(1, Math.min(n, Math.floor(max)));
  const out = new Int32Array(m);
  for (let k = 0; k < m; k++) out[k] = m === 1 ? 0 : Math.round((k * (n - 1)) / (m - 1));
  return out;
}

/** Largest |finite value|, for symmetric colour ranges; 1 when nothing is finite or everything is 0. */
function maxAbs(values: Float32Array): number {
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    // Two compares per value and no Math.abs: this runs over every cell of E (1M at 1000 × 1024).
    // Infinities do not set the scale (they draw in the end colours); NaN fails both compares.
    if (v > hi) {
      if (v !== Infinity) hi = v;
    } else if (v < lo && v !== -Infinity) lo = v;
  }
  return Math.max(hi, -lo) || 1;
}

/**
 * `v` rounded up to two significant digits (0.99997 → 1, 1.983 → 2): colour ranges built on it stay put while a
 * slider nudges the data's extreme, so the colour bar and axes need no redraw (rasterView.ts draws only the image).
 */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return v;
  const scale = 10 ** (1 - Math.floor(Math.log10(v)));
  return Number((Math.ceil(v * scale - 1e-9) / scale).toPrecision(2));
}

const tHover = (ctx: ViewContext): string => `${ctx.axisTitle}=%{x:.6~g}`;

/** A number as plotly's `.Ng` hover format would show it (N significant digits, trailing zeros dropped). */
export function formatG(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(digits)));
}

/**
 * A matrix drawn as an image (rasterView.ts): x runs over the rows of the row-major [rows, cols] matrix, y over its
 * columns. The layout fixes both axis ranges to the cells (half a cell beyond the first and last centre).
 */
export interface RasterSpec {
  readonly matrix: Float32Array;
  readonly rows: number;
  readonly cols: number;
  readonly aggregate: Aggregate;
  readonly zmin: number;
  readonly zmax: number;
  readonly colorscale: ColorScale;
  readonly x: RasterAxis;
  readonly y: RasterAxis;
  /** Tooltip lines for a cell, with its exact value. */
  readonly hover: (row: number, col: number) => string[];
}

/** Margins of raster plots, fixed so the image can be rasterised at the plot area's size before plotly draws. */
const RASTER_MARGIN = { l: 60, r: 104, t: 8, b: 44 };

/** The affine cell → axis map of evenly spaced axis values (log₁₀ on a log axis). */
function rasterAxis(values: ArrayLike<number>, log: boolean): RasterAxis {
  const at = (k: number): number => (log ? Math.log10(values[k]!) : values[k]!);
  const n = values.length;
  const origin = at(0);
  const step = n > 1 ? (at(n - 1) - origin) / (n - 1) : log ? 0.1 : 1;
  return { origin, step: step === 0 ? 1 : step };
}

function rasterRange(axis: RasterAxis, cells: number, reversed: boolean): [number, number] {
  const a = axis.origin - axis.step / 2;
  const b = axis.origin + (cells - 0.5) * axis.step;
  return reversed ? [b, a] : [a, b];
}

/** The layout and the colour-bar carrier of a raster figure. */
function rasterFigure(ctx: ViewContext, spec: RasterSpec, xAxis: PlotSpec, yAxis: PlotSpec, colorTitle: string): Figure & { raster: RasterSpec } {
  const fixed = { automargin: false, showgrid: false, zeroline: false, ticks: 'outside', ticklen: 4 };
  return {
    raster: spec,
    data: [
      {
        // Carries the colour bar only: a marker trace with no drawable point (a heatmap trace would render its own
        // image through a canvas and a data URL on every update), never hovered (the tooltip reads the matrix).
        type: 'scatter',
        mode: 'markers',
        x: [null],
        y: [null],
        marker: {
          color: [spec.zmin],
          cmin: spec.zmin,
          cmax: spec.zmax,
          colorscale: spec.colorscale,
          showscale: true,
          colorbar: { ...colorbar(ctx.theme, colorTitle), x: 1, xanchor: 'left', xpad: 10 },
        },
        hoverinfo: 'skip',
        showlegend: false,
      },
    ],
    layout: baseLayout(ctx.theme, ctx.size, {
      margin: RASTER_MARGIN,
      xaxis: { ...xAxis, ...fixed, range: rasterRange(spec.x, spec.rows, false) },
      yaxis: { ...yAxis, ...fixed, range: rasterRange(spec.y, spec.cols, true) },
      hovermode: false,
    }),
  };
}

/**
 * A t × column heatmap of a row-major [rows, width] matrix (x = t, y = column), drawn as an image at the plot's
 * pixels. E averages the cells behind a pixel; a difference keeps the one of largest magnitude, so a single
 * differing cell still shows. Used for E and for the compare difference.
 */
export function matrixHeatmap(ctx: ViewContext, data: Float32Array, shape: readonly [number, number], title: string): Figure & { raster: RasterSpec } {
  const [rows, width] = shape;
  const m = niceCeil(maxAbs(data));
  const spec: RasterSpec = {
    matrix: data,
    rows,
    cols: width,
    aggregate: title === 'difference' ? 'maxabs' : 'mean',
    zmin: -m,
    zmax: m,
    colorscale: ctx.theme.diverging,
    x: rasterAxis(ctx.axis, ctx.logAxis),
    y: { origin: 0, step: 1 },
    hover: (r, c) => [`${ctx.axisTitle}=${formatG(ctx.axis[r]!, 6)}`, `dim=${c}`, `${title}=${formatG(data[r * width + c]!, 7)}`],
  };
  return rasterFigure(ctx, spec, axisSpec(ctx, ctx.axisTitle), { ...axisBase(ctx), title: { text: 'dim' } }, title);
}

function axisBase(ctx: ViewContext): PlotSpec {
  return (baseLayout(ctx.theme, ctx.size)['xaxis'] as PlotSpec) ?? {};
}

function axisSpec(ctx: ViewContext, title: string): PlotSpec {
  return { ...axisBase(ctx), title: { text: title }, type: ctx.logAxis ? 'log' : 'linear' };
}

/** Width in CSS pixels of the plot area of a line plot (margins l 56 + r 16, as the layouts below set them). */
const lineArea = (ctx: ViewContext): number => Math.max(40, ctx.size.width - 72);

/** Picks `keep` out of an indexable into a plain array (what plotly copies anyway). */
function pick<T>(values: ArrayLike<T>, keep: Int32Array): T[] {
  return Array.from(keep, (k) => values[k]!);
}

/** Curves of the chosen columns over t (min/max per pixel column beyond one point per pixel), schedule steps marked. */
export function curves(ctx: ViewContext, data: Float32Array, shape: readonly [number, number], dims: readonly number[]): Figure {
  const [rows, width] = shape;
  const traces: PlotSpec[] = [];
  const scheduleRows = rowsOfSchedule(ctx);
  const columns = lineArea(ctx);
  dims.filter((d) => d >= 0 && d < width).forEach((dim, k) => {
    const color = ctx.theme.palette[k % ctx.theme.palette.length]!;
    const y = new Float32Array(rows);
    for (let r = 0; r < rows; r++) y[r] = data[r * width + dim]!;
    const keep = decimateMinMax(y, columns);
    traces.push({
      type: 'scatter',
      mode: 'lines',
      name: `dim ${dim}`,
      x: pick(ctx.axis, keep),
      y: pick(y, keep),
      line: { color, width: ctx.theme.lineWidth },
      hovertemplate: `${tHover(ctx)}<br>dim=${dim}<br>value=%{y:.7~g}<extra></extra>`,
    });
    if (scheduleRows.length > 0)
      traces.push({
        type: 'scatter',
        mode: 'markers',
        name: `dim ${dim} at sampling steps`,
        showlegend: false,
        x: scheduleRows.map((r) => ctx.axis[r]!),
        y: scheduleRows.map((r) => y[r]!),
        // Small, unoutlined dots in the curve's colour: 50 steps × 4 curves must not bury the curves.
        marker: { color, size: 4 },
        hovertemplate: `sampling step ${tHover(ctx)}<br>dim=${dim}<br>value=%{y:.7~g}<extra></extra>`,
      });
  });
  return {
    data: traces,
    layout: baseLayout(ctx.theme, ctx.size, {
      xaxis: axisSpec(ctx, ctx.axisTitle),
      yaxis: { ...axisBase(ctx), title: { text: 'value' } },
      showlegend: true,
      margin: { l: 56, r: 16, t: 8, b: 64 },
    }),
  };
}

/** Rows whose axis value is a schedule step (the overlay's t values present on the grid). */
function rowsOfSchedule(ctx: ViewContext): number[] {
  if (ctx.schedule.length === 0) return [];
  const index = new Map<number, number>();
  ctx.axis.forEach((v, r) => index.set(v, r));
  return ctx.schedule.map((v) => index.get(v)).filter((r): r is number => r !== undefined);
}

/** The cosine-similarity matrix over the computed rows (exact values), drawn as an image averaged to the plot's pixels. */
export function similarityHeatmap(ctx: ViewContext, rows: Int32Array, values: Float32Array): Figure & { raster: RasterSpec } {
  const n = rows.length;
  let lo = 1;
  for (let k = 0; k < values.length; k++) if (values[k]! < lo) lo = values[k]!;
  const t = Float64Array.from(rows, (r) => ctx.axis[r]!);
  const axis = rasterAxis(t, ctx.logAxis);
  const spec: RasterSpec = {
    matrix: values,
    rows: n,
    cols: n,
    aggregate: 'mean',
    zmin: lo < 0 ? -niceCeil(-lo) : 0,
    zmax: 1,
    colorscale: ctx.theme.sequential,
    x: axis,
    y: axis,
    hover: (a, b) => [`${ctx.axisTitle}₁=${formatG(t[a]!, 6)}`, `${ctx.axisTitle}₂=${formatG(t[b]!, 6)}`, `cos=${values[a * n + b]!.toFixed(6)}`],
  };
  return rasterFigure(ctx, spec, axisSpec(ctx, ctx.axisTitle), axisSpec(ctx, ctx.axisTitle), 'cos');
}

/** Distance to the next step and to the nearest other step; steps whose nearest is not a neighbour are flagged. */
export function distances(
  ctx: ViewContext,
  adjacent: Float32Array,
  nearest: { readonly index: Int32Array; readonly distance: Float32Array },
): Figure {
  const rows = nearest.distance.length;
  const columns = lineArea(ctx);
  const { palette } = ctx.theme;
  let top = 0;
  for (const v of adjacent) if (v > top && Number.isFinite(v)) top = v;
  for (const v of nearest.distance) if (v > top && Number.isFinite(v)) top = v;
  // Rounded up (niceCeil) so that a slider nudging the distances keeps the axis, and plotly need not redraw it.
  const yRange: [number, number] = [0, niceCeil((top || 1) * 1.08)];
  const keepAdjacent = decimateMinMax(adjacent, columns);
  const keepNearest = decimateMinMax(nearest.distance, columns);
  const traces: PlotSpec[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: '‖E(t+1) − E(t)‖ (adjacent)',
      x: pick(ctx.axis, keepAdjacent),
      y: pick(adjacent, keepAdjacent),
      line: { color: palette[0], width: ctx.theme.lineWidth },
      hovertemplate: `${tHover(ctx)}<br>to next step: %{y:.6~g}<extra></extra>`,
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'to nearest other step',
      x: pick(ctx.axis, keepNearest),
      y: pick(nearest.distance, keepNearest),
      customdata: Array.from(keepNearest, (r) => (nearest.index[r]! >= 0 ? ctx.axis[nearest.index[r]!]! : NaN)),
      line: { color: palette[1], width: ctx.theme.lineWidth, dash: 'dot' },
      hovertemplate: `${tHover(ctx)}<br>nearest: ${ctx.axisTitle}=%{customdata:.6~g}<br>distance %{y:.6~g}<extra></extra>`,
    },
  ];
  const far: number[] = [];
  for (let r = 0; r < rows; r++) if (nearest.index[r]! >= 0 && Math.abs(nearest.index[r]! - r) > 1) far.push(r);
  if (far.length > 0) {
    // Flags closer than a marker to the previous one add nothing but clutter: keep those ≥ 4 px apart.
    const position = axisPosition(ctx);
    const fx = far.map((r) => position(ctx.axis[r]!));
    const fy = far.map((r) => nearest.distance[r]!);
    const plotHeight = Math.max(40, ctx.size.height - 72);
    const keep = thinByDistance(fx, fy, columns / (position(ctx.axis[rows - 1]!) - position(ctx.axis[0]!) || 1), plotHeight / yRange[1], 4);
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: 'nearest step is not a neighbour',
      x: Array.from(keep, (k) => ctx.axis[far[k]!]!),
      y: pick(fy, keep),
      marker: { color: ctx.theme.accent, size: 5 },
      hoverinfo: 'skip',
    });
  }
  const scheduleRows = rowsOfSchedule(ctx);
  if (scheduleRows.length > 0)
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: 'sampling steps',
      // A rug of ticks along the bottom: rings on the curves hid them where 50 steps crowd together.
      x: scheduleRows.map((r) => ctx.axis[r]!),
      y: scheduleRows.map(() => yRange[1] * 0.015),
      marker: { symbol: 'line-ns-open', color: ctx.theme.foreground, size: 9, line: { color: ctx.theme.foreground, width: 1 } },
      hovertemplate: `sampling step ${tHover(ctx)}<extra></extra>`,
    });
  return {
    data: traces,
    layout: baseLayout(ctx.theme, ctx.size, {
      xaxis: axisSpec(ctx, ctx.axisTitle),
      yaxis: { ...axisBase(ctx), title: { text: 'distance' }, range: yRange },
      showlegend: true,
      margin: { l: 56, r: 16, t: 8, b: 64 },
    }),
  };
}

/** Where an axis value sits along its axis (log₁₀ on a log axis), for pixel-distance thinning. */
function axisPosition(ctx: ViewContext): (v: number) => number {
  return ctx.logAxis ? (v) => Math.log10(v) : (v) => v;
}

/**
 * Period of each column (in units of the embedding's input, log scale) against the span of inputs and the Nyquist
 * limit, and each column's range of values over the shown steps (right axis): constant and aliased columns stand out.
 * One trace per kind of column (one colour each, named in the legend); markers closer than 2.5 px to the previous
 * one of their kind are left out, since they would cover it.
 */
export function spectrum(
  ctx: ViewContext,
  spec: { readonly period: Float64Array; readonly range: Float32Array; readonly nearConstant: Uint8Array; readonly aliased: Uint8Array },
  inputSpan: number,
  inputStep: number,
): Figure {
  const width = spec.range.length;
  const theme = ctx.theme;
  const columns = Math.max(40, ctx.size.width - 104);
  const plotHeight = Math.max(40, ctx.size.height - 72);
  const shapes: PlotSpec[] = [];
  const annotations: PlotSpec[] = [];
  const hline = (y: number, text: string, color: string): void => {
    if (!(y > 0) || !Number.isFinite(y)) return;
    shapes.push({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: y, y1: y, yref: 'y', line: { color, width: 1, dash: 'dash' } });
    annotations.push({ xref: 'paper', x: 0.01, xanchor: 'left', y: Math.log10(y), yref: 'y', yanchor: 'bottom', text, showarrow: false, font: { color, size: theme.fontSize - 2 }, bgcolor: theme.background, borderpad: 1 });
  };
  hline(inputSpan, `span of inputs ${fmt(inputSpan)}`, theme.foreground);
  hline(2 * inputStep, `Nyquist: 2 × step ${fmt(2 * inputStep)}`, theme.accent);
  // Shapes do not widen plotly's autorange: fit the periods and both reference lines explicitly (log axis).
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of spec.period) if (p > 0 && Number.isFinite(p)) [lo, hi] = [Math.min(lo, p), Math.max(hi, p)];
  for (const v of [inputSpan, 2 * inputStep]) if (v > 0 && Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  // Whole quarter-decades beyond the extremes, so small moves of the periods keep the axis (no plotly redraw).
  const yRange = Number.isFinite(lo) ? [Math.floor((Math.log10(lo) - 0.2) * 4) / 4, Math.ceil((Math.log10(hi) + 0.2) * 4) / 4] : undefined;
  const kinds: [string, string, (c: number) => boolean][] = [
    ['period (input units)', theme.palette[0]!, (c) => !spec.aliased[c] && !spec.nearConstant[c]],
    ['period: nearly constant over the steps', theme.muted, (c) => !spec.aliased[c] && !!spec.nearConstant[c]],
    ['period: aliased (below Nyquist)', theme.accent, (c) => !!spec.aliased[c]],
  ];
  const traces: PlotSpec[] = [];
  const ySpan = yRange ? yRange[1]! - yRange[0]! : 1;
  for (const [name, color, member] of kinds) {
    const dims: number[] = [];
    for (let c = 0; c < width; c++) if (member(c) && spec.period[c]! > 0 && Number.isFinite(spec.period[c]!)) dims.push(c);
    if (dims.length === 0) continue;
    const keep = thinByDistance(dims, dims.map((c) => Math.log10(spec.period[c]!)), columns / Math.max(1, width), plotHeight / ySpan, 2.5);
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name,
      x: pick(dims, keep),
      y: Array.from(keep, (k) => spec.period[dims[k]!]!),
      marker: { color, size: 4 },
      hovertemplate: 'dim=%{x}<br>period=%{y:.6~g}<extra></extra>',
    });
  }
  const keepRange = decimateMinMax(spec.range, columns);
  traces.push({
    type: 'scatter',
    mode: 'lines',
    name: 'range of values over the shown steps',
    x: Array.from(keepRange),
    y: pick(spec.range, keepRange),
    yaxis: 'y2',
    line: { color: theme.palette[1], width: 1 },
    hovertemplate: 'dim=%{x}<br>range=%{y:.4~g}<extra></extra>',
  });
  let topRange = 0;
  for (const r of spec.range) if (Number.isFinite(r) && r > topRange) topRange = r;
  return {
    data: traces,
    layout: baseLayout(ctx.theme, ctx.size, {
      xaxis: { ...axisBase(ctx), title: { text: 'dim' }, range: [-0.5, width - 0.5] },
      yaxis: { ...axisBase(ctx), title: { text: 'period' }, type: 'log', exponentformat: 'power', ...(yRange ? { range: yRange } : {}) },
      yaxis2: {
        ...axisBase(ctx),
        title: { text: 'range' },
        overlaying: 'y',
        side: 'right',
        range: [0, niceCeil(Math.max(topRange, 1e-6) * 1.05)],
        tickformat: '.2~f',
        nticks: 5,
        showgrid: false,
      },
      shapes,
      annotations,
      showlegend: true,
      margin: { l: 56, r: 48, t: 8, b: 64 },
    }),
  };
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** 2-D PCA of the rows, coloured by t, joined in t order, sampling steps ringed; dense runs of markers thinned. */
export function pca(ctx: ViewContext, projections: Float32Array, explained: readonly [number, number]): Figure {
  const rows = projections.length / 2;
  const x = new Float32Array(rows);
  const y = new Float32Array(rows);
  let span = 0;
  for (let r = 0; r < rows; r++) {
    x[r] = projections[2 * r]!;
    y[r] = projections[2 * r + 1]!;
    span = Math.max(span, Math.abs(x[r]!), Math.abs(y[r]!));
  }
  // Both axes share units (scaleanchor): one scale, from the larger half-span, sets the pixel distance of two points.
  const area = Math.max(40, Math.min(ctx.size.width - 140, ctx.size.height - 52));
  const scale = area / (2 * (span || 1));
  const all = Int32Array.from({ length: rows }, (_, r) => r);
  const keep = rows > lineArea(ctx) ? thinByDistance(x, y, scale, scale, 3) : all;
  const t = Array.from(ctx.axis);
  const traces: PlotSpec[] = [
    { type: 'scatter', mode: 'lines', x: Array.from(x), y: Array.from(y), line: { color: ctx.theme.grid, width: 1 }, hoverinfo: 'skip', showlegend: false },
    {
      type: 'scatter',
      mode: 'markers',
      x: pick(x, keep),
      y: pick(y, keep),
      customdata: pick(t, keep),
      marker: {
        color: Array.from(keep, (k) => (ctx.logAxis ? Math.log10(t[k]!) : t[k]!)),
        colorscale: ctx.theme.sequential,
        cmin: ctx.logAxis ? Math.log10(t[0]!) : t[0],
        cmax: ctx.logAxis ? Math.log10(t[rows - 1]!) : t[rows - 1],
        size: 5,
        colorbar: colorbar(ctx.theme, ctx.logAxis ? `log₁₀ ${ctx.axisTitle}` : ctx.axisTitle),
      },
      hovertemplate: `${ctx.axisTitle}=%{customdata:.6~g}<br>PC1=%{x:.4~g}<br>PC2=%{y:.4~g}<extra></extra>`,
      showlegend: false,
    },
  ];
  const scheduleRows = rowsOfSchedule(ctx);
  if (scheduleRows.length > 0)
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: 'sampling steps',
      x: scheduleRows.map((r) => x[r]!),
      y: scheduleRows.map((r) => y[r]!),
      marker: { color: 'rgba(0,0,0,0)', size: 8, opacity: 0.75, line: { color: ctx.theme.foreground, width: 1 } },
      hoverinfo: 'skip',
      showlegend: false,
    });
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  return {
    data: traces,
    layout: baseLayout(ctx.theme, ctx.size, {
      xaxis: { ...axisBase(ctx), title: { text: `PC1 (${pct(explained[0])} of variance)` } },
      yaxis: { ...axisBase(ctx), title: { text: `PC2 (${pct(explained[1])})` }, scaleanchor: 'x' },
    }),
  };
}
