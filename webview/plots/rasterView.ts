/**
 * Draws a raster figure (traces.ts) into a plot element. Plotly draws the axes, the colour bar and everything else
 * from the figure (Plotly.react, so an update reuses the DOM); the matrix itself is rasterised at the plot area's
 * device pixels (raster.ts) into a <canvas> placed under plotly's transparent SVG, exactly over the plot area.
 *
 * Why a canvas and not a plotly layout image: a layout image needs a data URL, and PNG-encoding a 1680 × 600 image
 * costs 60-300 ms here, more than everything else in an update. The PNG is made only when a plot is exported
 * (`exportFigure`), where it goes into the figure as a layout image. Hover is a small tooltip that reads the exact
 * float32 value under the pointer from the matrix; zoom and pan re-rasterise the visible range at full resolution.
 */
import Plotly, { type PlotSpec } from './plotly';
import { colorLut, indexSpans, rasterImage } from './raster';
import { installTooltip } from './tooltip';
import type { Figure, RasterSpec } from './traces';

/** The parts of plotly's graph div this file reads (plotly keeps them on the element). */
interface GraphDiv extends HTMLElement {
  _fullLayout?: { _size: { l: number; t: number; w: number; h: number }; xaxis: { range: [number, number] }; yaxis: { range: [number, number] } };
  data?: PlotSpec[];
  layout?: PlotSpec;
  on?(event: string, handler: (event: Record<string, unknown>) => void): void;
  /** What is drawn now, for hover, zoom, export and the browser tests. */
  __raster?: RasterState;
  /** The figure (everything but the matrix) plotly drew last; see `drawRaster`. */
  __rasterFigure?: string;
}

/** What a drawn raster is: the spec, the axis ranges shown (axis units) and the canvas holding its pixels. */
export interface RasterState {
  spec: RasterSpec;
  xRange: [number, number];
  yRange: [number, number];
  lut: Uint8Array;
  canvas: HTMLCanvasElement;
}

/** Cap on image pixels per CSS pixel: sharp on HiDPI screens without rasterising 9× the cells on 3× ones. */
const MAX_PIXEL_RATIO = 2;

/** Rasterises the visible ranges of the spec into the state's canvas, sized and placed over the plot area. */
function render(gd: GraphDiv, state: RasterState): void {
  const size = gd._fullLayout!._size;
  const ratio = Math.min(MAX_PIXEL_RATIO, Math.max(1, globalThis.devicePixelRatio || 1));
  const width = Math.max(1, Math.round(size.w * ratio));
  const height = Math.max(1, Math.round(size.h * ratio));
  const { spec, canvas } = state;
  if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
  Object.assign(canvas.style, { left: `${size.l}px`, top: `${size.t}px`, width: `${size.w}px`, height: `${size.h}px` });
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(width, height);
  const spans = indexSpans(spec.x, spec.y, state.xRange, state.yRange);
  rasterImage(spec.matrix, spec.rows, spec.cols, spec.aggregate, spans, width, height, state.lut, spec.zmin, spec.zmax, image.data);
  context.putImageData(image, 0, 0);
  // Plotly.react keeps its container, but a full redraw (newPlot, a theme change) may replace it: put the canvas
  // back under the SVG layers whenever it is not there.
  const container = gd.querySelector('.svg-container');
  if (container && canvas.parentElement !== container) container.prepend(canvas);
}

/**
 * Draws a raster figure; the first call on an element also installs hover and zoom handling. Plotly draws only when
 * the figure around the matrix (axes, ranges, colour bar, theme, size) differs from what it drew last: a moved slider
 * usually changes the matrix alone, and then only the canvas is rasterised again (plotly's axes and colour bar cost
 * more than the image). Without a plotly redraw the axes keep their ranges, so a zoom the user made stays.
 */
export async function drawRaster(gd: GraphDiv, figure: Figure & { raster: RasterSpec }, config: PlotSpec): Promise<void> {
  const spec = figure.raster;
  const first = gd.__raster === undefined;
  const canvas = gd.__raster?.canvas ?? Object.assign(document.createElement('canvas'), { className: 'raster' });
  const around = JSON.stringify([figure.data, figure.layout, config]);
  const replot = first || around !== gd.__rasterFigure || !gd._fullLayout;
  const xRange = replot ? (figure.layout['xaxis'] as { range: [number, number] }).range : gd._fullLayout!.xaxis.range;
  const yRange = replot ? (figure.layout['yaxis'] as { range: [number, number] }).range : gd._fullLayout!.yaxis.range;
  const state: RasterState = { spec, xRange: [...xRange], yRange: [...yRange], lut: colorLut(spec.colorscale), canvas };
  gd.__raster = state;
  if (replot) {
    await Plotly.react(gd as never, figure.data as never, figure.layout as never, config as never);
    gd.__rasterFigure = around;
  }
  render(gd, state);
  if (first) install(gd);
}

/**
 * The figure of a drawn raster plot with its pixels as a PNG layout image, for Plotly.toImage (PNG and SVG export).
 * Undefined for a plot that is not a raster.
 */
export function exportFigure(gd: GraphDiv): { data: PlotSpec[]; layout: PlotSpec } | undefined {
  const state = gd.__raster;
  if (!state || !gd.layout || !gd.data) return undefined;
  const image = {
    source: state.canvas.toDataURL('image/png'),
    xref: 'paper',
    yref: 'paper',
    x: 0,
    y: 1,
    sizex: 1,
    sizey: 1,
    xanchor: 'left',
    yanchor: 'top',
    sizing: 'stretch',
    layer: 'below',
  };
  // The image shows the ranges on screen now (zoom included): export those.
  const xaxis = { ...(gd.layout['xaxis'] as PlotSpec), range: [...state.xRange], autorange: false };
  const yaxis = { ...(gd.layout['yaxis'] as PlotSpec), range: [...state.yRange], autorange: false };
  return { data: gd.data, layout: { ...gd.layout, xaxis, yaxis, images: [image] } };
}

/** Hover tooltip and zoom re-rasterisation for one plot element. */
function install(gd: GraphDiv): void {
  installTooltip(gd, (x, y) => {
    const state = gd.__raster;
    const size = gd._fullLayout?._size;
    if (!state || !size) return undefined;
    const cell = cellAt(state, x / size.w, y / size.h);
    if (!cell) return undefined;
    const value = state.spec.matrix[cell.row * state.spec.cols + cell.col];
    return { lines: state.spec.hover(cell.row, cell.col), data: { row: String(cell.row), col: String(cell.col), value: String(value) } };
  });
  // Zoom, pan and the double-click reset: draw the visible range at full resolution again.
  gd.on?.('plotly_relayout', (event) => {
    const state = gd.__raster;
    const full = gd._fullLayout;
    if (!state || !full || !Object.keys(event).some((key) => key.startsWith('xaxis') || key.startsWith('yaxis'))) return;
    state.xRange = [...full.xaxis.range];
    state.yRange = [...full.yaxis.range];
    render(gd, state);
  });
}

/** The matrix cell under a point given as fractions (0..1) of the plot area from its top-left corner. */
export function cellAt(state: Pick<RasterState, 'spec' | 'xRange' | 'yRange'>, fx: number, fy: number): { row: number; col: number } | undefined {
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return undefined;
  const { spec } = state;
  const x = state.xRange[0] + fx * (state.xRange[1] - state.xRange[0]);
  const y = state.yRange[1] + fy * (state.yRange[0] - state.yRange[1]);
  const row = Math.round((x - spec.x.origin) / spec.x.step);
  const col = Math.round((y - spec.y.origin) / spec.y.step);
  if (row < 0 || row >= spec.rows || col < 0 || col >= spec.cols) return undefined;
  return { row, col };
}
