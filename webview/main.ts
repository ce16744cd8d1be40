/**
 * The Embedding Explorer webview: wires the host bridge, the controls, the compute adapter and the plots.
 *
 * Update cycle: a control produces a draft → panel-level and core validate() → problems shown inline and the last good
 * plots kept, or → compute (primary with analyses, compare side) → every view redrawn with Plotly.react → status line,
 * setState, `paramsChanged` and `computeStatus` to the host. Updates are coalesced: while one runs, only the newest
 * draft waits.
 */
import { INPUT_TRANSFORMS, ValidationError, bufferSpec, getPreset, withDefaults, type Problem } from '../src/core/index';
import { assertNever, type ExplorerSettings } from '../src/protocol/explorerProtocol';
import { createComputer, type Computer, type ExplorerResult } from './compute';
import { HostBridge, type HostEvent } from './hostBridge';
import Plotly from './plots/plotly';
import { drawLayered, layeredExportFigure } from './plots/layerView';
import { drawRaster, exportFigure } from './plots/rasterView';
import { readTheme, type Theme } from './plots/theme';
import { curves, distances, matrixHeatmap, pca, similarityHeatmap, spectrum, type Figure, type ViewContext } from './plots/traces';
import { compareEmbeddings, formatError, type Comparison } from './ui/compare';
import { Controls, PLOT_LABELS, h, type ActionId, type SideKey } from './ui/controls';
import { dataUrlBytes, encodeCsv, encodeNpy, toBase64, utf8 } from './ui/exporters';
import {
  axisValues,
  defaultSettings,
  requestFor,
  scheduleTimesteps,
  settingsProblems,
  sideName,
  sideProblems,
} from './ui/settings';

/** The views, in page order: element id, title, one-line explanation. */
const VIEWS: readonly (readonly [string, string, string])[] = [
  ['plot-heatmap', 'Embedding E (t × dim)', 'Each column is one dimension of the embedding over t.'],
  ['plot-curves', 'Chosen dims over t', 'Values of the dims listed under Timesteps; dots mark the sampling steps.'],
  ['plot-similarity', 'Cosine similarity (t × t)', 'How alike the embeddings of two steps are.'],
  ['plot-distances', 'Adjacent and nearest-step distance', 'How well neighbouring steps are told apart; red dots: the nearest step is not a neighbour.'],
  ['plot-spectrum', 'Period and range per dim', 'Period in units of the embedding input; below the Nyquist line a dim aliases, far above the span it is nearly constant.'],
  ['plot-pca', '2-D PCA of the rows', 'The rows projected on their top two principal axes, coloured by t.'],
];

/** Every view's element id. */
const ALL_VIEWS: readonly string[] = [...VIEWS.map(([id]) => id), 'plot-difference'];
/** Views that need only E: drawn while the CPU worker computes the analyses. */
const EARLY_VIEWS: readonly string[] = ['plot-heatmap', 'plot-curves'];
/** The rest, drawn when the analyses (and the compare side) arrive. */
const LATE_VIEWS: readonly string[] = ALL_VIEWS.filter((id) => !EARLY_VIEWS.includes(id));

/** Largest similarity matrix on the sampled path (T beyond what the engine computes exactly; compute.ts). */
const MAX_SIMILARITY_ROWS = 160;

/** The last result every view shows (kept while a draft is invalid). */
interface Shown {
  readonly settings: ExplorerSettings;
  readonly primary: ExplorerResult;
  readonly compare?: ExplorerResult;
  readonly comparison?: Comparison;
  readonly axis: Float64Array;
}

class ExplorerApp {
  private readonly bridge: HostBridge;
  private controls: Controls | undefined;
  private computer: Computer | undefined;
  private computerPreference: ExplorerSettings['backend'] | undefined;
  private shown: Shown | undefined;
  private running = false;
  private queued: ExplorerSettings | undefined;
  private theme: Theme;
  private readonly statusLine: HTMLElement;
  private readonly messageLine: HTMLElement;
  private readonly verdictLine: HTMLElement;
  private readonly warningsBox: HTMLElement;
  private readonly staleBanner: HTMLElement;
  private readonly controlsRoot: HTMLElement;
  private readonly diffFigure: HTMLElement;
  /** Resolves after the next update settles (tests and the benchmark wait on it). */
  private settled: Promise<void> = Promise.resolve();
  private resolveSettled: (() => void) | undefined;
  /**
   * Views off screen when an update drew (they are not drawn then: a model author sees the views in the window, and
   * drawing the rest costs as much again), drawn when they scroll into view.
   */
  private readonly stale = new Set<string>();
  /** The results the views show now (the early E and the full result), released when the next update replaces them. */
  private inUse: ExplorerResult[] = [];
  /** Stale views that came into view, waiting for the drain loop to draw them. */
  private readonly revealed = new Set<string>();

  constructor(root: HTMLElement) {
    this.theme = readTheme();
    this.controlsRoot = h('aside', { id: 'controls', 'aria-label': 'Settings' });
    this.statusLine = h('div', { id: 'status', role: 'status' }, 'Starting…');
    this.messageLine = h('div', { id: 'message', role: 'status' });
    this.staleBanner = h('div', { id: 'stale', role: 'alert', hidden: true }, 'These settings are not valid (see the message next to the control): the plots still show the last valid ones.');
    this.verdictLine = h('div', { id: 'verdict', hidden: true });
    this.warningsBox = h('div', { id: 'warnings', hidden: true });
    this.diffFigure = this.figure('plot-difference', 'Compare: difference (first − second)', 'Exact differences at the drawn cells; hover for values.');
    this.diffFigure.hidden = true;
    const views = h('div', { id: 'views' }, ...VIEWS.map(([id, title, note]) => this.figure(id, title, note)), this.diffFigure);
    root.replaceChildren(
      this.controlsRoot,
      h('main', {}, h('header', {}, this.statusLine, this.messageLine), this.staleBanner, this.verdictLine, this.warningsBox, views),
    );
    // A stale view scrolled into view is drawn then, with the newest result.
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const id = (entry.target as HTMLElement).dataset['view']!;
        if (entry.isIntersecting && this.stale.has(id)) this.revealed.add(id);
      }
      if (this.revealed.size > 0) this.kick();
    });
    for (const figure of views.querySelectorAll<HTMLElement>('figure.view')) observer.observe(figure);
    this.bridge = new HostBridge((event) => this.onHostEvent(event));
    // Theme switches change the body class; redraw in the new colours.
    new MutationObserver(() => {
      this.theme = readTheme();
      if (this.shown) void this.render(this.shown);
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(() => this.shown && void this.render(this.shown), 150);
    });
    this.bridge.ready();
  }

  /** Resolves once no update is running or queued. */
  whenSettled(): Promise<void> {
    return this.settled;
  }

  private figure(id: string, title: string, note: string): HTMLElement {
    return h('figure', { class: 'view', 'data-view': id }, h('figcaption', {}, h('strong', {}, title), h('span', { class: 'note' }, note)), h('div', { class: 'plot', id }));
  }

  private onHostEvent(event: HostEvent): void {
    switch (event.type) {
      case 'init': {
        // Restored state (setState) wins over what the host sends: it is this panel's own last state.
        const start = this.bridge.savedSettings() ?? event.settings ?? defaultSettings();
        this.start(start);
        return;
      }
      case 'applySettings':
        this.start(event.settings);
        return;
      case 'error':
        this.say(event.message, true);
        return;
      default:
        assertNever(event);
    }
  }

  private start(settings: ExplorerSettings): void {
    if (this.controls) this.controls.set(settings);
    else
      this.controls = new Controls(this.controlsRoot, settings, {
        change: (draft) => this.onDraft(draft),
        action: (id, plotId) => void this.onAction(id, plotId),
        loadBuffer: (draft, side, param) => void this.loadBuffer(draft, side, param),
      });
    this.onDraft(settings);
  }

  /** Every problem with a draft, keyed `side:param` for the controls. */
  private problems(draft: ExplorerSettings): Problem[] {
    const out: Problem[] = [...(this.controls?.pendingParseProblems() ?? [])];
    out.push(...settingsProblems(draft).map((p) => ({ param: `global:${p.param}`, message: p.message })));
    if (out.length > 0) return out;
    const side = (key: 'primary' | 'compare', problems: Problem[]): Problem[] =>
      problems.map((p) => ({ param: `${key}:${p.param}`, message: p.message }));
    out.push(...side('primary', sideProblems(draft.primary, draft)));
    if (draft.compare) out.push(...side('compare', sideProblems(draft.compare, draft)));
    return out;
  }

  private onDraft(draft: ExplorerSettings): void {
    const problems = this.problems(draft);
    this.controls?.showProblems(problems);
    this.staleBanner.hidden = problems.length === 0 || this.shown === undefined;
    if (problems.length > 0) return; // keep the last good plots
    this.queued = draft;
    this.kick();
  }

  /** Starts the drain loop unless it runs. */
  private kick(): void {
    if (this.running) return;
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
    void this.drain();
  }

  /** Runs queued updates (newest draft only), then draws stale views that came into view; one thing at a time. */
  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queued || this.revealed.size > 0) {
        if (this.queued) {
          const next = this.queued;
          this.queued = undefined;
          await this.update(next);
        } else {
          const ids = [...this.revealed];
          this.revealed.clear();
          if (this.shown) await this.render(this.shown, ids);
        }
      }
    } finally {
      this.running = false;
      this.resolveSettled?.();
    }
  }

  private async update(settings: ExplorerSettings): Promise<void> {
    try {
      if (!this.computer || this.computerPreference !== settings.backend) {
        this.computer?.dispose();
        this.computer = await createComputer(settings.backend);
        this.computerPreference = settings.backend;
      }
      const started = performance.now();
      const request = requestFor(settings.primary, settings);
      const axis = Float64Array.from(axisValues(settings.primary.transform, settings));
      let renderMs = 0;
      let primaryPromise: Promise<ExplorerResult>;
      const results: ExplorerResult[] = [];
      if (this.computer.backend.kind === 'cpu') {
        // Two requests to the worker: E alone, then the analyses (the worker reuses that E). The heatmap and the curves
        // are drawn here while the worker computes the rest, so drawing and computing overlap.
        const early = this.computer.compute(request);
        primaryPromise = this.computer.compute(request, { maxSimilarityRows: MAX_SIMILARITY_ROWS });
        const first = await early;
        results.push(first);
        renderMs += await this.render({ settings, primary: first, axis }, EARLY_VIEWS);
      } else primaryPromise = this.computer.compute(request, { maxSimilarityRows: MAX_SIMILARITY_ROWS });
      const primary = await primaryPromise;
      results.push(primary);
      const compare = settings.compare ? await this.computer.compute(requestFor(settings.compare, settings)) : undefined;
      if (compare) results.push(compare);
      const comparison = compare && settings.compare ? this.compare(primary, compare, settings) : undefined;
      // Compute: request → last array ready (the early drawing overlaps it); render: time spent drawing, both phases.
      const computeMs = performance.now() - started - renderMs;
      const shown: Shown = { settings, primary, compare, comparison, axis };
      const drawEarly = this.computer.backend.kind !== 'cpu';
      renderMs += await this.render(shown, drawEarly ? undefined : LATE_VIEWS);
      this.shown = shown;
      // The previous update's arrays are not drawn or exported any more: the engine refills them next time.
      for (const old of this.inUse) this.computer.release(old);
      this.inUse = results;
      this.staleBanner.hidden = true;
      this.showStatus(primary, computeMs, renderMs);
      this.bridge.saveSettings(settings);
      this.bridge.post({ type: 'paramsChanged', settings });
      this.bridge.post({ type: 'computeStatus', backend: primary.backend.label, reason: primary.backend.reason, computeMs, renderMs });
    } catch (error) {
      if (error instanceof ValidationError) {
        this.controls?.showProblems(error.problems.map((p) => ({ param: `primary:${p.param}`, message: p.message })));
        return;
      }
      throw error;
    }
  }

  private compare(primary: ExplorerResult, compare: ExplorerResult, settings: ExplorerSettings): Comparison {
    const a = settings.primary;
    const b = settings.compare!;
    const sameConvention = a.preset === b.preset && JSON.stringify(a.params) === JSON.stringify(b.params) && a.transform === b.transform;
    const nameA = sameConvention ? sideName(a, true) : sideName(a);
    const nameB = sameConvention ? sideName(b, true) : sideName(b);
    const precision = a.dtype === b.dtype ? a.dtype : `float32 output (${a.dtype} vs ${b.dtype} t)`;
    return compareEmbeddings(primary.data, primary.shape, compare.data, compare.shape, nameA, nameB, precision);
  }

  private showStatus(primary: ExplorerResult, computeMs: number, renderMs: number): void {
    const [rows, width] = primary.shape;
    this.statusLine.replaceChildren(
      h('span', { class: 'backend', 'data-backend': primary.backend.kind }, primary.backend.label),
      h('span', { class: 'reason' }, ` — ${primary.backend.reason}`),
      h('span', { class: 'timing' }, ` · compute ${computeMs.toFixed(0)} ms · render ${renderMs.toFixed(0)} ms · ${rows} steps × ${width} dims`),
    );
    this.statusLine.dataset['computeMs'] = computeMs.toFixed(2);
    this.statusLine.dataset['renderMs'] = renderMs.toFixed(2);
  }

  private say(message: string, isError = false): void {
    this.messageLine.textContent = message;
    this.messageLine.classList.toggle('error', isError);
  }

  /**
   * Redraws the given views (all by default) that are on screen, and marks the others stale (drawn when they scroll
   * into view, or before an export); returns the milliseconds it took.
   */
  private async render(shown: Shown, requested: readonly string[] = ALL_VIEWS, offScreenToo = false): Promise<number> {
    const started = performance.now();
    // The difference view shows only in compare mode; unhidden first, so that whether it is on screen is known.
    if (requested.includes('plot-difference')) this.diffFigure.hidden = !shown.comparison?.difference;
    const views = requested.filter((id) => {
      if (offScreenToo || onScreen(document.getElementById(id)!)) {
        this.stale.delete(id);
        return true;
      }
      this.stale.add(id);
      return false;
    });
    // The verdict and the warnings belong to the update, whether or not the difference view is on screen.
    if (requested.includes('plot-difference') && !views.includes('plot-difference')) {
      this.showVerdict(shown.comparison);
      this.showWarnings(notesOf(shown));
    }
    const { settings, primary, axis } = shown;
    const transform = INPUT_TRANSFORMS[settings.primary.transform];
    const schedule = settings.schedule && transform.axis !== 'σ' ? scheduleAxis(settings) : [];
    const ctx = (id: string): ViewContext => ({
      theme: this.theme,
      size: plotSize(document.getElementById(id)!),
      axis,
      axisTitle: transform.axis,
      logAxis: transform.axis === 'σ',
      schedule,
    });
    const figures: [string, Figure][] = [];
    if (views.includes('plot-heatmap')) figures.push(['plot-heatmap', matrixHeatmap(ctx('plot-heatmap'), primary.data, primary.shape, 'value')]);
    if (views.includes('plot-curves')) figures.push(['plot-curves', curves(ctx('plot-curves'), primary.data, primary.shape, settings.dims)]);
    const a = primary.analyses;
    if (a) {
      if (views.includes('plot-similarity')) figures.push(['plot-similarity', similarityHeatmap(ctx('plot-similarity'), a.similarityRows, a.similarity)]);
      if (views.includes('plot-distances')) figures.push(['plot-distances', distances(ctx('plot-distances'), a.adjacent, a.nearest)]);
      if (views.includes('plot-spectrum')) {
        const inputs = requestFor(settings.primary, settings).timesteps.map((x) => (Array.isArray(x) ? x[0]! : (x as number)));
        const { span, step } = inputStats(inputs);
        figures.push(['plot-spectrum', spectrum(ctx('plot-spectrum'), a.spectrum, span, step)]);
      }
      if (views.includes('plot-pca')) figures.push(['plot-pca', pca(ctx('plot-pca'), a.pca.projections, a.pca.explained)]);
    }
    const { comparison, compare } = shown;
    if (views.includes('plot-difference')) {
      if (comparison?.difference && compare) figures.push(['plot-difference', matrixHeatmap(ctx('plot-difference'), comparison.difference, primary.shape, 'difference')]);
      this.showVerdict(comparison);
      this.showWarnings(notesOf(shown));
    }
    const config = { displaylogo: false, responsive: false, modeBarButtonsToRemove: ['toImage', 'lasso2d', 'select2d'] };
    const perView: Record<string, number> = {};
    for (const [id, f] of figures) {
      const t0 = performance.now();
      const el = document.getElementById(id)!;
      if (f.raster) await drawRaster(el, { ...f, raster: f.raster }, config);
      else await drawLayered(el, f, config);
      perView[id] = performance.now() - t0;
    }
    // Per-view milliseconds, for the benchmark and for finding the slow view (an early phase's views kept).
    const earlier = requested === ALL_VIEWS || requested === EARLY_VIEWS ? {} : (JSON.parse(document.body.dataset['renderTimes'] ?? '{}') as Record<string, number>);
    document.body.dataset['renderTimes'] = JSON.stringify({ ...earlier, ...perView });
    return performance.now() - started;
  }

  private showVerdict(comparison: Comparison | undefined): void {
    this.verdictLine.hidden = !comparison;
    if (!comparison) return;
    this.verdictLine.className = `level-${comparison.level}`;
    const details =
      Number.isFinite(comparison.maxAbs) && comparison.level !== 'incompatible'
        ? `max abs error ${formatError(comparison.maxAbs)} · max rel error ${formatError(comparison.maxRel)}`
        : '';
    this.verdictLine.replaceChildren(h('strong', { class: 'text' }, comparison.verdict), h('span', { class: 'details' }, details));
  }

  private showWarnings(lines: string[]): void {
    this.warningsBox.hidden = lines.length === 0;
    this.warningsBox.replaceChildren(...lines.map((line) => h('div', {}, line)));
  }

  private async onAction(id: ActionId, plotId: string): Promise<void> {
    const shown = this.shown;
    if (!shown) return this.say('Nothing to export yet: the plots have not been drawn.', true);
    const s = shown.settings;
    try {
      let message: string;
      switch (id) {
        case 'insert':
          message = await this.bridge.request({
            type: 'insertCode',
            code: { preset: s.primary.preset, params: s.primary.params, dtype: s.primary.dtype, framework: s.framework, form: s.form },
          });
          break;
        case 'png':
        case 'svg': {
          const el = document.getElementById(plotId);
          if (!el || el.closest('figure')?.hidden) return this.say(`The ${PLOT_LABELS[plotId]} view is not shown.`, true);
          // A view that was off screen through the last update is drawn now, so the export shows the current settings.
          if (this.stale.has(plotId)) await this.render(shown, [plotId], true);
          const size = plotSize(el);
          // A heatmap's pixels live in a canvas under the plot: export its figure with them as a layout image.
          const figure = exportFigure(el) ?? layeredExportFigure(el) ?? el;
          const url = await Plotly.toImage(figure as never, { format: id, width: size.width, height: size.height, scale: id === 'png' ? 2 : 1 } as never);
          message = await this.save(id, `${plotId.replace('plot-', '')}.${id}`, dataUrlBytes(url));
          break;
        }
        case 'npy':
          message = await this.save('npy', `${s.primary.preset}_embedding.npy`, encodeNpy(shown.primary.data, shown.primary.shape));
          break;
        case 'csv': {
          const axisName = INPUT_TRANSFORMS[s.primary.transform].axis === 'σ' ? 'sigma' : 't';
          message = await this.save('csv', `${s.primary.preset}_embedding.csv`, utf8(encodeCsv(shown.primary.data, shown.primary.shape, shown.axis, axisName)));
          break;
        }
        case 'copyJson':
          message = await this.bridge.request({ type: 'copyText', text: JSON.stringify(s, null, 2) });
          break;
        default:
          assertNever(id);
      }
      this.say(message);
    } catch (error) {
      this.say(error instanceof Error ? error.message : String(error), true);
    }
  }

  /**
   * Asks the host for a .npy file holding the checkpoint buffer `param` of one side (as many values as the side's
   * settings need), then shows the embedding with it. A file that does not fit is refused by the host with the reason.
   */
  private async loadBuffer(draft: ExplorerSettings, side: SideKey, param: string): Promise<void> {
    const settings = draft[side];
    if (!settings) return;
    let length: number | undefined;
    try {
      length = bufferSpec(settings.preset, withDefaults(getPreset(settings.preset), settings.params))?.length;
    } catch {
      length = undefined;
    }
    if (!length || !Number.isInteger(length) || length < 1)
      return this.say(`Fix the width first: ${param}'s length follows from it.`, true);
    try {
      const reply = await this.bridge.requestReply({ type: 'openBuffer', param, length });
      if (reply.values) this.start({ ...draft, [side]: { ...settings, params: { ...settings.params, [param]: [...reply.values] }, model: undefined } });
      this.say(reply.message);
    } catch (error) {
      this.say(error instanceof Error ? error.message : String(error), true);
    }
  }

  private save(kind: 'png' | 'svg' | 'npy' | 'csv', suggestedName: string, bytes: Uint8Array): Promise<string> {
    return this.bridge.request({ type: 'saveFile', kind, suggestedName, base64: toBase64(bytes) });
  }
}

/** The schedule's steps in the units of the axis: discrete t as is, t ∈ [0, 1] as t/T. */
function scheduleAxis(settings: ExplorerSettings): number[] {
  const steps = scheduleTimesteps(settings.schedule!.steps, settings.schedule!.spacing, settings.numTimesteps);
  if (INPUT_TRANSFORMS[settings.primary.transform].axis === 't') return steps;
  // On a continuous axis the grid holds T samples of [tStart, tEnd]: mark the nearest sample of t/T.
  const grid = axisValues(settings.primary.transform, settings);
  return steps.map((t) => {
    const target = t / settings.numTimesteps;
    let best = grid[0]!;
    for (const v of grid) if (Math.abs(v - target) < Math.abs(best - target)) best = v;
    return best;
  });
}

/** Span of the embedding inputs and the largest step between consecutive ones. */
function inputStats(inputs: readonly number[]): { span: number; step: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let step = 0;
  inputs.forEach((x, k) => {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    if (k > 0) step = Math.max(step, Math.abs(x - inputs[k - 1]!));
  });
  return { span: hi - lo, step };
}

/** The warnings and notes shown under the status line. */
function notesOf(shown: Shown): string[] {
  const { primary, compare } = shown;
  const width = primary.shape[1];
  // Dims past the width are not drawn; say so rather than leave a curve missing without a word.
  const outside = shown.settings.dims.filter((d) => d >= width);
  const dims = outside.length === 0 ? [] : [`Curves: dim${outside.length > 1 ? 's' : ''} ${outside.join(', ')} ${outside.length > 1 ? 'are' : 'is'} beyond E's ${width} columns (0…${width - 1}), so not drawn.`];
  return [...dims, ...primary.warnings, ...primary.notes, ...(compare ? compare.warnings.map((w) => `second: ${w}`) : [])];
}

/** Whether any part of an element is inside the window (a hidden figure's plot has an empty box: no). */
function onScreen(el: HTMLElement): boolean {
  const box = el.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) return false;
  return box.bottom > 0 && box.right > 0 && box.top < window.innerHeight && box.left < window.innerWidth;
}

/** The pixel size a plot element offers (its CSS box). */
function plotSize(el: HTMLElement): { width: number; height: number } {
  const rect = el.getBoundingClientRect();
  return { width: Math.max(240, Math.floor(rect.width)), height: Math.max(200, Math.floor(rect.height)) };
}

// Uncaught problems reach the host's log (STYLE.md "Errors"), and are shown.
const report = (message: string, stack?: string): void => {
  try {
    const text = message.slice(0, 4000);
    app['bridge'].post({ type: 'error', message: text, ...(stack ? { stack: stack.slice(0, 20000) } : {}) });
  } catch {
    // The bridge itself failed; nothing more to do than the console.
  }
  console.error(message, stack);
};
window.addEventListener('error', (event) => report(event.message, event.error instanceof Error ? event.error.stack : undefined));
window.addEventListener('unhandledrejection', (event) =>
  report(event.reason instanceof Error ? event.reason.message : String(event.reason), event.reason instanceof Error ? event.reason.stack : undefined),
);

const app: ExplorerApp = new ExplorerApp(document.getElementById('root') ?? document.body);
/** For the browser tests and the benchmark: resolves once the current update has been drawn. */
(window as unknown as { timestepLensExplorer: { whenSettled(): Promise<void> } }).timestepLensExplorer = {
  whenSettled: () => app.whenSettled(),
};
