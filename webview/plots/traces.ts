/**
 * Arrays in, plotly traces and layouts out: no compute beyond picking what to draw, no DOM, no messaging.
 *
 * A plotly heatmap of 1000 × 1024 cells takes ~290 ms to draw, so heatmaps are decimated to the plot's pixel size:
 * every drawn cell is an exact sample (x = the real t, y = the real column, z = the real value), so hover shows exact
 * numbers, while export uses the full arrays.
 */
import type { PlotSpec } from './plotly';
import { baseLayout, colorbar, type Theme } from './theme';

/** A trace list and its layout, ready for Plotly.react. */
export interface Figure {
  readonly data: PlotSpec[];
  readonly layout: PlotSpec;
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

/**
 * How many cells a heatmap draws: one per 2 × 2 pixels of the area left after margins and the colour bar. Plotly's
 * heatmap cost grows with the cell count (~0.3 µs per cell plus its colour lookup), and 2-pixel cells keep every
 * stripe of a 1024-wide embedding visible while quartering that cost.
 */
const PIXELS_PER_CELL = 2;

function cellArea(size: Size): Size {
  return {
    width: Math.max(20, (size.width - 130) / PIXELS_PER_CELL),
    height: Math.max(20, (size.height - 60) / PIXELS_PER_CELL),
  };
}

/** Largest |finite value|, for symmetric colour ranges; 1 when nothing is finite or everything is 0. */
function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < values.length; k++) {
    const v = Math.abs(values[k]!);
    if (v > m && Number.isFinite(v)) m = v;
  }
  return m || 1;
}

const tHover = (ctx: ViewContext): string => `${ctx.axisTitle}=%{x:.6~g}`;

/**
 * A t × column heatmap of a row-major [rows, width] matrix (x = t, y = column), decimated to the plot's pixels.
 * Used for E and for the compare difference.
 */
export function matrixHeatmap(ctx: ViewContext, data: Float32Array, shape: readonly [number, number], title: string): Figure {
  const [rows, width] = shape;
  const area = cellArea(ctx.size);
  const xs = decimate(rows, area.width);
  const ys = decimate(width, area.height);
  const z: number[][] = new Array<number[]>(ys.length);
  const sampled: number[] = [];
  for (let j = 0; j < ys.length; j++) {
    const col = ys[j]!;
    const line = new Array<number>(xs.length);
    for (let i = 0; i < xs.length; i++) line[i] = data[xs[i]! * width + col]!;
    z[j] = line;
    sampled.push(...line);
  }
  const m = maxAbs(sampled);
  return {
    data: [
      {
        type: 'heatmap',
        x: Array.from(xs, (r) => ctx.axis[r]!),
        y: Array.from(ys),
        z,
        zmin: -m,
        zmax: m,
        colorscale: ctx.theme.diverging,
        colorbar: colorbar(ctx.theme, title),
        hovertemplate: `${tHover(ctx)}<br>dim=%{y}<br>${title}=%{z:.7~g}<extra></extra>`,
        hoverongaps: false,
        // One canvas pixel per cell (putImageData) instead of a fillRect per cell: plotly picks that path by itself
        // only for exactly even spacing, which decimated rows are not. Cells are about a pixel, so nothing is lost.
        zsmooth: 'fast',
      },
    ],
    layout: baseLayout(ctx.theme, ctx.size, {
      xaxis: axisSpec(ctx, ctx.axisTitle),
      yaxis: { ...axisBase(ctx), title: { text: 'dim' }, autorange: 'reversed' },
    }),
  };
}

function axisBase(ctx: ViewContext): PlotSpec {
  return (baseLayout(ctx.theme, ctx.size)['xaxis'] as PlotSpec) ?? {};
}

function axisSpec(ctx: ViewContext, title: string): PlotSpec {
  return { ...axisBase(ctx), title: { text: title }, type: ctx.logAxis ? 'log' : 'linear' };
}

/** Curves of the chosen columns over t, with the schedule's steps marked on each. */
export function curves(ctx: ViewContext, data: Float32Array, shape: readonly [number, number], dims: readonly number[]): Figure {
  const [rows, width] = shape;
  const x = Array.from(ctx.axis);
  const traces: PlotSpec[] = [];
  const scheduleRows = rowsOfSchedule(ctx);
  dims.filter((d) => d >= 0 && d < width).forEach((dim, k) => {
    const color = ctx.theme.palette[k % ctx.theme.palette.length]!;
    const y = new Array<number>(rows);
    for (let r = 0; r < rows; r++) y[r] = data[r * width + dim]!;
    traces.push({
      type: 'scatter',
      mode: 'lines',
      name: `dim ${dim}`,
      x,
      y,
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
        marker: { color, size: 6, line: { color: ctx.theme.foreground, width: 1 } },
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

/** The cosine-similarity matrix over the computed rows (exact values), decimated to the plot's pixels. */
export function similarityHeatmap(ctx: ViewContext, rows: Int32Array, values: Float32Array): Figure {
  const n = rows.length;
  const area = cellArea(ctx.size);
  const pick = decimate(n, Math.min(area.width, area.height));
  const t = Array.from(pick, (k) => ctx.axis[rows[k]!]!);
  const z: number[][] = [];
  let lo = 1;
  for (const a of pick) {
    const line = Array.from(pick, (b) => values[a * n + b]!);
    for (const v of line) if (v < lo) lo = v;
    z.push(line);
  }
  return {
    data: [
      {
        type: 'heatmap',
        x: t,
        y: t,
        z,
        zmin: Math.min(lo, 0),
        zmax: 1,
        colorscale: ctx.theme.sequential,
        colorbar: colorbar(ctx.theme, 'cos'),
        hovertemplate: `${ctx.axisTitle}₁=%{x:.6~g}<br>${ctx.axisTitle}₂=%{y:.6~g}<br>cos=%{z:.6f}<extra></extra>`,
        zsmooth: 'fast',
      },
    ],
    layout: baseLayout(ctx.theme, ctx.size, {
      xaxis: axisSpec(ctx, ctx.axisTitle),
      yaxis: { ...axisSpec(ctx, ctx.axisTitle), autorange: 'reversed' },
    }),
  };
}

/** Distance to the next step and to the nearest other step; steps whose nearest is not a neighbour are flagged. */
export function distances(
  ctx: ViewContext,
  adjacent: Float32Array,
  nearest: { readonly index: Int32Array; readonly distance: Float32Array },
): Figure {
  const rows = nearest.distance.length;
  const far: number[] = [];
  for (let r = 0; r < rows; r++) if (nearest.index[r]! >= 0 && Math.abs(nearest.index[r]! - r) > 1) far.push(r);
  const { palette } = ctx.theme;
  const traces: PlotSpec[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: '‖E(t+1) − E(t)‖ (adjacent)',
      x: Array.from(ctx.axis.subarray(0, Math.max(0, rows - 1))),
      y: Array.from(adjacent),
      line: { color: palette[0], width: ctx.theme.lineWidth },
      hovertemplate: `${tHover(ctx)}<br>to next step: %{y:.6~g}<extra></extra>`,
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'to nearest other step',
      x: Array.from(ctx.axis),
      y: Array.from(nearest.distance),
      customdata: Array.from(nearest.index, (i) => (i >= 0 ? ctx.axis[i]! : NaN)),
      line: { color: palette[1], width: ctx.theme.lineWidth, dash: 'dot' },
      hovertemplate: `${tHover(ctx)}<br>nearest: ${ctx.axisTitle}=%{customdata:.6~g}<br>distance %{y:.6~g}<extra></extra>`,
    },
  ];
  if (far.length > 0)
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: 'nearest step is not a neighbour',
      x: far.map((r) => ctx.axis[r]!),
      y: far.map((r) => nearest.distance[r]!),
      marker: { color: ctx.theme.accent, size: 5 },
      hoverinfo: 'skip',
    });
  const scheduleRows = rowsOfSchedule(ctx);
  if (scheduleRows.length > 0)
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: 'sampling steps',
      x: scheduleRows.map((r) => ctx.axis[r]!),
      y: scheduleRows.map((r) => nearest.distance[r]!),
      marker: { color: 'rgba(0,0,0,0)', size: 8, line: { color: ctx.theme.foreground, width: 1.5 } },
      hoverinfo: 'skip',
    });
  return {
    data: traces,
    layout: baseLayout(ctx.theme, ctx.size, {
      xaxis: axisSpec(ctx, ctx.axisTitle),
      yaxis: { ...axisBase(ctx), title: { text: 'distance' }, rangemode: 'tozero' },
      showlegend: true,
      margin: { l: 56, r: 16, t: 8, b: 64 },
    }),
  };
}

/**
 * Period of each column (in units of the embedding's input, log scale) against the span of inputs and the Nyquist
 * limit, and each column's range of values over the shown steps (right axis): constant and aliased columns stand out.
 */
export function spectrum(
  ctx: ViewContext,
  spec: { readonly period: Float64Array; readonly range: Float32Array; readonly nearConstant: Uint8Array; readonly aliased: Uint8Array },
  inputSpan: number,
  inputStep: number,
): Figure {
  const width = spec.range.length;
  const dims = Array.from({ length: width }, (_, c) => c);
  const finitePeriod = Array.from(spec.period, (p) => (Number.isFinite(p) ? p : null));
  const { palette, theme } = { palette: ctx.theme.palette, theme: ctx.theme };
  const colors = dims.map((c) => (spec.aliased[c] ? theme.accent : spec.nearConstant[c] ? theme.muted : palette[0]!));
  const traces: PlotSpec[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'period (input units)',
      x: dims,
      y: finitePeriod,
      marker: { color: colors, size: 4 },
      hovertemplate: 'dim=%{x}<br>period=%{y:.6~g}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'range of values over the shown steps',
      x: dims,
      y: Array.from(spec.range),
      yaxis: 'y2',
      line: { color: palette[1], width: 1 },
      hovertemplate: 'dim=%{x}<br>range=%{y:.4~g}<extra></extra>',
    },
  ];
  const shapes: PlotSpec[] = [];
  const annotations: PlotSpec[] = [];
  const hline = (y: number, text: string, color: string): void => {
    if (!(y > 0) || !Number.isFinite(y)) return;
    shapes.push({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: y, y1: y, yref: 'y', line: { color, width: 1, dash: 'dash' } });
    annotations.push({ xref: 'paper', x: 1, xanchor: 'right', y: Math.log10(y), yref: 'y', yanchor: 'bottom', text, showarrow: false, font: { color, size: theme.fontSize - 2 } });
  };
  hline(inputSpan, `span of inputs ${fmt(inputSpan)}`, theme.foreground);
  hline(2 * inputStep, `Nyquist: 2 × step ${fmt(2 * inputStep)}`, theme.accent);
  // Shapes do not widen plotly's autorange: fit the periods and both reference lines explicitly (log axis).
  const levels = [...finitePeriod.filter((p): p is number => p !== null && p > 0), inputSpan, 2 * inputStep].filter((v) => v > 0 && Number.isFinite(v));
  const yRange = levels.length > 0 ? [Math.log10(Math.min(...levels)) - 0.3, Math.log10(Math.max(...levels)) + 0.3] : undefined;
  let topRange = 0;
  for (const r of spec.range) if (Number.isFinite(r) && r > topRange) topRange = r;
  return {
    data: traces,
    layout: baseLayout(ctx.theme, ctx.size, {
      xaxis: { ...axisBase(ctx), title: { text: 'dim' } },
      yaxis: { ...axisBase(ctx), title: { text: 'period' }, type: 'log', exponentformat: 'power', ...(yRange ? { range: yRange } : {}) },
      yaxis2: {
        ...axisBase(ctx),
        title: { text: 'range' },
        overlaying: 'y',
        side: 'right',
        range: [0, Math.max(topRange, 1e-6) * 1.05],
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

/** 2-D PCA of the rows, coloured by t, joined in t order, sampling steps ringed. */
export function pca(ctx: ViewContext, projections: Float32Array, explained: readonly [number, number]): Figure {
  const rows = projections.length / 2;
  const x = new Array<number>(rows);
  const y = new Array<number>(rows);
  for (let r = 0; r < rows; r++) {
    x[r] = projections[2 * r]!;
    y[r] = projections[2 * r + 1]!;
  }
  const t = Array.from(ctx.axis);
  const traces: PlotSpec[] = [
    { type: 'scatter', mode: 'lines', x, y, line: { color: ctx.theme.grid, width: 1 }, hoverinfo: 'skip', showlegend: false },
    {
      type: 'scatter',
      mode: 'markers',
      x,
      y,
      customdata: t,
      marker: {
        color: ctx.logAxis ? t.map((v) => Math.log10(v)) : t,
        colorscale: ctx.theme.sequential,
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
      marker: { color: 'rgba(0,0,0,0)', size: 10, line: { color: ctx.theme.foreground, width: 1.5 } },
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
