/**
 * Draws a line-and-marker figure (traces.ts: curves, distances, spectrum, PCA) with its points on a <canvas>. Plotly
 * draws the axes, the legend, the colour bar, shapes and annotations from a stand-in figure whose scatter traces keep
 * their names and styles but no points; this file draws the points over plotly's grid, and shows a tooltip for the
 * point under the pointer.
 *
 * Why: a Plotly.react whose trace data changed replots the whole figure (defaults, calc, axes, legend, colour bar,
 * SVG paths): 15-60 ms per view on this project's machine, most of an update's budget. A moved slider changes the
 * points but rarely the axes (their ranges are rounded outward, `axisRanges`), so plotly is asked again only when the
 * stand-in figure differs from the one it drew, and otherwise only the canvas is drawn (a few ms). The full figure,
 * points included, is kept on the element for export (Plotly.toImage draws it) and for the browser tests.
 */
import Plotly, { type PlotSpec } from './plotly';
import { colorLut, lutIndex, type ColorScale } from './raster';
import { installTooltip } from './tooltip';
import { formatG } from './traces';

interface Axis {
  range: [number, number];
  type: string;
}

/** The parts of plotly's graph div this file reads. */
interface GraphDiv extends HTMLElement {
  _fullLayout?: { _size: { l: number; t: number; w: number; h: number }; xaxis: Axis; yaxis: Axis; yaxis2?: Axis };
  on?(event: string, handler: (event: Record<string, unknown>) => void): void;
  /** The full figure drawn now (points included): hover, export and the browser tests read it. */
  __layer?: LayerState;
}

interface LayerState {
  /** The traces as traces.ts made them, with every point. */
  traces: PlotSpec[];
  layout: PlotSpec;
  canvas: HTMLCanvasElement;
  /** The stand-in figure plotly drew last (JSON), to skip plotly when it has not changed. */
  drawnFigure: string;
}

const MAX_PIXEL_RATIO = 2;

type Values = ArrayLike<number | null>;

/** Draws `figure` (scatter traces only) into `gd`: plotly for everything but the points when needed, the canvas always. */
export async function drawLayered(gd: GraphDiv, figure: { data: PlotSpec[]; layout: PlotSpec }, config: PlotSpec): Promise<void> {
  const first = gd.__layer === undefined;
  const layout = { ...figure.layout, ...axisRanges(figure.data, figure.layout) };
  const standIn = { data: figure.data.map(standInTrace), layout };
  const json = JSON.stringify([standIn, config]);
  const canvas = gd.__layer?.canvas ?? Object.assign(document.createElement('canvas'), { className: 'layer' });
  const replot = first || json !== gd.__layer!.drawnFigure || !gd._fullLayout;
  gd.__layer = { traces: figure.data, layout, canvas, drawnFigure: json };
  if (replot) await Plotly.react(gd as never, standIn.data as never, standIn.layout as never, config as never);
  paintLayer(gd);
  if (first) install(gd);
}

/**
 * The figure with its points, at the ranges on screen (a zoom included), for Plotly.toImage; undefined for a plot this
 * file did not draw.
 */
export function layeredExportFigure(gd: GraphDiv): { data: PlotSpec[]; layout: PlotSpec } | undefined {
  const state = gd.__layer;
  const full = gd._fullLayout;
  if (!state || !full) return undefined;
  const layout: PlotSpec = { ...state.layout };
  for (const name of ['xaxis', 'yaxis', 'yaxis2'] as const) {
    const axis = full[name];
    if (axis && layout[name]) layout[name] = { ...(layout[name] as PlotSpec), range: [...axis.range], autorange: false };
  }
  return { data: state.traces, layout };
}

/** A trace plotly can draw the legend and colour bar of, with no points (one null point keeps its legend entry). */
function standInTrace(trace: PlotSpec): PlotSpec {
  const marker = trace['marker'] as PlotSpec | undefined;
  const color = marker?.['color'];
  return {
    ...trace,
    x: [null],
    y: [null],
    ...(trace['customdata'] ? { customdata: [null] } : {}),
    ...(marker ? { marker: { ...marker, ...(Array.isArray(color) ? { color: color.slice(0, 1) } : {}) } } : {}),
    hoverinfo: 'skip',
    hovertemplate: undefined,
  };
}

/**
 * Ranges for the axes the layout leaves to plotly's autorange (it would see no points): the data's extent plus 5%,
 * rounded outward to a tenth of the span's decade, so data that moves a little keeps the same axes.
 */
export function axisRanges(traces: readonly PlotSpec[], layout: PlotSpec): PlotSpec {
  const out: PlotSpec = {};
  for (const [name, key, ref] of [['xaxis', 'x', 'x'], ['yaxis', 'y', 'y'], ['yaxis2', 'y', 'y2']] as const) {
    const axis = layout[name] as PlotSpec | undefined;
    if (!axis || axis['range']) continue;
    const log = axis['type'] === 'log';
    let lo = Infinity;
    let hi = -Infinity;
    for (const trace of traces) {
      const on = key === 'x' ? 'x' : ((trace['yaxis'] as string | undefined) ?? 'y');
      if (on !== ref && key !== 'x') continue;
      for (const raw of Array.from(trace[key] as Values)) {
        if (raw === null || !Number.isFinite(raw) || (log && raw <= 0)) continue;
        const v = log ? Math.log10(raw) : raw;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (!(hi >= lo)) continue;
    const span = hi - lo || Math.abs(hi) || 1;
    const step = 10 ** Math.floor(Math.log10(span)) / 10;
    out[name] = { ...axis, range: [Math.floor((lo - 0.05 * span) / step) * step, Math.ceil((hi + 0.05 * span) / step) * step], autorange: false };
  }
  return out;
}

/** Maps a data value to a CSS pixel along an axis of plotly's full layout (log axes hold log₁₀ ranges). */
function scaler(axis: Axis, start: number, length: number, flip: boolean): (v: number | null) => number {
  const [a, b] = axis.range;
  const log = axis.type === 'log';
  const k = length / (b - a);
  return (v) => {
    if (v === null) return NaN;
    const u = log ? (v > 0 ? Math.log10(v) : NaN) : v;
    return flip ? start + length - (u - a) * k : start + (u - a) * k;
  };
}

/** Pixel positions of a trace's points (CSS pixels relative to the canvas), NaN where a point is missing. */
function project(gd: GraphDiv, trace: PlotSpec): { px: Float64Array; py: Float64Array } {
  const full = gd._fullLayout!;
  const size = full._size;
  const yAxis = trace['yaxis'] === 'y2' && full.yaxis2 ? full.yaxis2 : full.yaxis;
  const sx = scaler(full.xaxis, 0, size.w, false);
  const sy = scaler(yAxis, 0, size.h, true);
  const xs = trace['x'] as Values;
  const ys = trace['y'] as Values;
  const n = Math.min(xs.length, ys.length);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    px[k] = sx(xs[k]!);
    py[k] = sy(ys[k]!);
  }
  return { px, py };
}

/** Dash patterns of plotly's named dashes, in line widths. */
const DASHES: Record<string, number[]> = { dot: [1, 2], dash: [4, 3], dashdot: [4, 2, 1, 2], longdash: [8, 3] };

/** Draws every trace's points into the canvas over the plot area. */
function paintLayer(gd: GraphDiv): void {
  const state = gd.__layer!;
  const full = gd._fullLayout!;
  const size = full._size;
  const ratio = Math.min(MAX_PIXEL_RATIO, Math.max(1, globalThis.devicePixelRatio || 1));
  const { canvas } = state;
  const width = Math.max(1, Math.round(size.w * ratio));
  const height = Math.max(1, Math.round(size.h * ratio));
  if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
  Object.assign(canvas.style, { left: `${size.l}px`, top: `${size.t}px`, width: `${size.w}px`, height: `${size.h}px` });
  const context = canvas.getContext('2d')!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, size.w, size.h);
  for (const trace of state.traces) {
    const { px, py } = project(gd, trace);
    const mode = String(trace['mode'] ?? 'lines');
    if (mode.includes('lines')) strokeLine(context, px, py, trace['line'] as PlotSpec | undefined);
    if (mode.includes('markers')) drawMarkers(context, px, py, trace['marker'] as PlotSpec | undefined);
  }
  // Above plotly's grid and axes (the first SVG layer), below its legend, colour bar and annotations.
  const container = gd.querySelector('.svg-container');
  const main = container?.querySelector(':scope > svg.main-svg');
  if (main && canvas.previousElementSibling !== main) main.after(canvas);
}

function strokeLine(context: CanvasRenderingContext2D, px: Float64Array, py: Float64Array, line: PlotSpec | undefined): void {
  const width = Number(line?.['width'] ?? 2);
  context.strokeStyle = String(line?.['color'] ?? '#888');
  context.lineWidth = width;
  context.lineJoin = 'round';
  context.setLineDash((DASHES[String(line?.['dash'] ?? '')] ?? []).map((d) => d * Math.max(1, width)));
  context.beginPath();
  let drawing = false;
  for (let k = 0; k < px.length; k++) {
    const x = px[k]!;
    const y = py[k]!;
    // A missing point breaks the line (plotly's connectgaps: false).
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      drawing = false;
      continue;
    }
    if (drawing) context.lineTo(x, y);
    else context.moveTo(x, y);
    drawing = true;
  }
  context.stroke();
  context.setLineDash([]);
}

function drawMarkers(context: CanvasRenderingContext2D, px: Float64Array, py: Float64Array, marker: PlotSpec | undefined): void {
  const size = Number(marker?.['size'] ?? 6);
  const symbol = String(marker?.['symbol'] ?? 'circle');
  const outline = marker?.['line'] as PlotSpec | undefined;
  const color = marker?.['color'];
  // Per-point colours through the colour scale (the PCA's t), else one colour.
  let fillAt: (k: number) => string;
  if (Array.isArray(color) || ArrayBuffer.isView(color)) {
    const values = color as ArrayLike<number>;
    const lut = colorLut(marker!['colorscale'] as ColorScale);
    const [cmin, cmax] = [Number(marker!['cmin']), Number(marker!['cmax'])];
    fillAt = (k) => {
      const i = lutIndex(values[k]!, cmin, cmax);
      return i < 0 ? 'rgba(0,0,0,0)' : `rgb(${lut[i * 3]},${lut[i * 3 + 1]},${lut[i * 3 + 2]})`;
    };
  } else {
    const single = String(color ?? '#888');
    fillAt = () => single;
  }
  context.globalAlpha = Number(marker?.['opacity'] ?? 1);
  const outlineWidth = Number(outline?.['width'] ?? 0);
  context.lineWidth = Math.max(1, outlineWidth);
  context.setLineDash([]);
  const half = size / 2;
  for (let k = 0; k < px.length; k++) {
    const x = px[k]!;
    const y = py[k]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (symbol === 'line-ns-open') {
      // A vertical tick (the distances view's rug of sampling steps).
      context.strokeStyle = String(outline?.['color'] ?? fillAt(k));
      context.beginPath();
      context.moveTo(x, y - half);
      context.lineTo(x, y + half);
      context.stroke();
      continue;
    }
    context.beginPath();
    context.arc(x, y, half, 0, 2 * Math.PI);
    context.fillStyle = fillAt(k);
    context.fill();
    if (outlineWidth > 0) {
      context.strokeStyle = String(outline!['color']);
      context.stroke();
    }
  }
  context.globalAlpha = 1;
}

/** Fills a plotly hovertemplate for point k (`%{x:.6~g}`, `%{y}`, `%{customdata:.4~g}`, `<br>`, `<extra>`). */
export function hoverLines(template: string, point: { x: number | null; y: number | null; customdata?: number | null }): string[] {
  const text = template.replace(/<extra>.*?<\/extra>/g, '').replace(/%\{(x|y|customdata)(?::\.(\d+)~g)?\}/g, (_m, key: 'x' | 'y' | 'customdata', digits?: string) => {
    const v = point[key];
    if (v === null || v === undefined) return '—';
    return digits ? formatG(v, Number(digits)) : String(v);
  });
  return text.split('<br>');
}

/** The nearest hoverable point within `radius` CSS pixels of (x, y) in the plot area, with its tooltip lines. */
export function pointAt(gd: GraphDiv, x: number, y: number, radius = 12): { trace: number; index: number; lines: string[] } | undefined {
  const state = gd.__layer;
  if (!state || !gd._fullLayout) return undefined;
  let best: { trace: number; index: number; d2: number } | undefined;
  state.traces.forEach((trace, t) => {
    if (trace['hoverinfo'] === 'skip' || typeof trace['hovertemplate'] !== 'string') return;
    const { px, py } = project(gd, trace);
    for (let k = 0; k < px.length; k++) {
      const d2 = (px[k]! - x) ** 2 + (py[k]! - y) ** 2;
      if (d2 <= radius * radius && (!best || d2 < best.d2)) best = { trace: t, index: k, d2 };
    }
  });
  if (!best) return undefined;
  const trace = state.traces[best.trace]!;
  const at = (key: string): number | null => ((trace[key] as Values | undefined)?.[best!.index] ?? null) as number | null;
  return { trace: best.trace, index: best.index, lines: hoverLines(trace['hovertemplate'] as string, { x: at('x'), y: at('y'), customdata: at('customdata') }) };
}

/** Tooltip and zoom handling for one plot element. */
function install(gd: GraphDiv): void {
  installTooltip(gd, (x, y) => {
    const hit = pointAt(gd, x, y);
    return hit && { lines: hit.lines, data: { trace: String(hit.trace), index: String(hit.index) } };
  });
  // Zoom, pan and the double-click reset: plotly has moved the axes; draw the points at the new ranges.
  gd.on?.('plotly_relayout', (event) => {
    if (gd.__layer && Object.keys(event).some((key) => key.startsWith('xaxis') || key.startsWith('yaxis'))) paintLayer(gd);
  });
}
