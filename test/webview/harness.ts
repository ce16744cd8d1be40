/**
 * The browser-test harness: builds the extension (the real `node esbuild.mjs`), serves the built webview from a
 * 127.0.0.1 server inside a page with the panel's own CSP, and stands in for `acquireVsCodeApi`: it records every
 * posted message and setState call, and plays the host's side of the protocol (init after ready, done replies).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { contentSecurityPolicy } from '../../src/explorer/html';
import type { ExplorerSettings } from '../../src/protocol/explorerProtocol';

/** The repository root. */
export const ROOT = resolve(__dirname, '../..');
/** Where screenshots and measurements go (CI keeps them as artifacts). */
export const RESULTS = resolve(ROOT, 'test-results/webview');
/** The built webview bundle. */
export const BUNDLE = resolve(ROOT, 'dist/webview/explorer.js');

/** Runs the project's build once (esbuild.mjs: extension, core, webview). */
export function buildOnce(): void {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'pipe' });
}

const NONCE = 'harnessNonce0123456789';

/** VS Code theme variables (a subset of Dark Modern and Light Modern), as VS Code sets them on a webview. */
const THEMES = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      foreground: '#cccccc', 'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', 'sideBar-background': '#181818',
      'panel-border': '#2b2b2b', descriptionForeground: '#9d9d9d', 'input-background': '#313131', 'input-foreground': '#cccccc',
      'input-border': '#3c3c3c', 'dropdown-background': '#313131', 'dropdown-foreground': '#cccccc', 'dropdown-border': '#3c3c3c',
      'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1',
      'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
      focusBorder: '#0078d4', errorForeground: '#f85149', 'inputValidation-errorBackground': '#5a1d1d',
      'inputValidation-errorBorder': '#be1100', 'inputValidation-warningBackground': '#352a05', 'inputValidation-warningBorder': '#b89500',
      'editorWarning-foreground': '#cca700', 'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-green': '#89d185',
      'charts-orange': '#d18616', 'charts-purple': '#b180d7', 'charts-yellow': '#cca700', 'textBlockQuote-background': '#2b2b2b',
      'sideBarTitle-foreground': '#cccccc', 'editorIndentGuide-background1': '#404040',
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px', 'editor-font-family': '"DejaVu Sans Mono", monospace',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      foreground: '#3b3b3b', 'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', 'sideBar-background': '#f8f8f8',
      'panel-border': '#e5e5e5', descriptionForeground: '#616161', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b',
      'input-border': '#cecece', 'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece',
      'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8',
      'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
      focusBorder: '#005fb8', errorForeground: '#e51400', 'inputValidation-errorBackground': '#f2dede',
      'inputValidation-errorBorder': '#be1100', 'inputValidation-warningBackground': '#f6f5d2', 'inputValidation-warningBorder': '#b89500',
      'editorWarning-foreground': '#bf8803', 'charts-blue': '#1a85ff', 'charts-red': '#e51400', 'charts-green': '#388a34',
      'charts-orange': '#d18616', 'charts-purple': '#652d90', 'charts-yellow': '#bf8803', 'textBlockQuote-background': '#f2f2f2',
      'sideBarTitle-foreground': '#3b3b3b', 'editorIndentGuide-background1': '#d3d3d3',
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px', 'editor-font-family': '"DejaVu Sans Mono", monospace',
    },
  },
  'high-contrast': {
    // VS Code's Dark High Contrast: black, white text, orange-ish focus, cyan-ish contrast borders.
    bodyClass: 'vscode-high-contrast',
    vars: {
      foreground: '#ffffff', 'editor-background': '#000000', 'editor-foreground': '#ffffff', 'sideBar-background': '#000000',
      'panel-border': '#6fc3df', contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518', descriptionForeground: '#ffffff',
      'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df', 'dropdown-background': '#000000',
      'dropdown-foreground': '#ffffff', 'dropdown-border': '#6fc3df', 'button-background': '#000000', 'button-foreground': '#ffffff',
      'button-border': '#6fc3df', 'button-hoverBackground': '#000000', 'button-secondaryBackground': '#000000',
      'button-secondaryForeground': '#ffffff', 'button-secondaryHoverBackground': '#000000', focusBorder: '#f38518',
      errorForeground: '#f48771', 'inputValidation-errorBackground': '#000000', 'inputValidation-errorBorder': '#f48771',
      'inputValidation-warningBackground': '#000000', 'inputValidation-warningBorder': '#ffd700', 'editorWarning-foreground': '#ffd700',
      'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-green': '#89d185', 'charts-orange': '#d18616', 'charts-purple': '#b180d7',
      'charts-yellow': '#ffd700', 'textBlockQuote-background': '#000000', 'sideBarTitle-foreground': '#ffffff',
      'editorIndentGuide-background1': '#ffffff',
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px', 'editor-font-family': '"DejaVu Sans Mono", monospace',
    },
  },
} as const;

/** A theme the harness page can show. */
export type ThemeName = keyof typeof THEMES;

/** The stand-in for acquireVsCodeApi, and the host's side of the protocol. */
const STAND_IN = `
(() => {
  const config = window.__harness || {};
  let state = config.state;
  window.__posted = [];
  window.__states = [];
  const send = (message) => window.dispatchEvent(new MessageEvent('message', { data: message }));
  const host = (m) => {
    switch (m.type) {
      case 'ready': send({ type: 'init', protocolVersion: m.protocolVersion, settings: config.init ?? null }); break;
      case 'insertCode': send({ type: 'done', inReplyTo: m.requestId, message: 'Inserted (harness host)' }); break;
      case 'saveFile': send({ type: 'done', inReplyTo: m.requestId, message: 'Saved ' + m.suggestedName + ' (harness host)' }); break;
      case 'copyText': send({ type: 'done', inReplyTo: m.requestId, message: 'Copied (harness host)' }); break;
      case 'openBuffer': {
        const values = config.bufferFile;
        if (values && values.length === m.length) send({ type: 'done', inReplyTo: m.requestId, message: 'Loaded ' + m.param + ' (harness host)', values });
        else send({ type: 'error', inReplyTo: m.requestId, message: 'file.npy holds ' + (values ? values.length : 0) + ' values; ' + m.param + ' needs ' + m.length + ' (harness host)' });
        break;
      }
    }
  };
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called only once');
    acquired = true;
    return {
      postMessage(message) { window.__posted.push(structuredClone(message)); setTimeout(() => host(message), 0); },
      getState() { return state; },
      setState(next) { state = structuredClone(next); window.__states.push(state); },
    };
  };
  window.__host = { send };
})();
`;

function page(theme: ThemeName, port: number): string {
  const { bodyClass, vars } = THEMES[theme];
  const css = Object.entries(vars).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(`http://127.0.0.1:${port}`, NONCE)}">
<link rel="stylesheet" href="/media/explorer.css">
<style>html { ${css} }</style>
</head><body class="${bodyClass}">
<div id="root"></div>
<script nonce="${NONCE}" src="/harness/standin.js"></script>
<script nonce="${NONCE}" src="/dist/webview/explorer.js"></script>
</body></html>`;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.png': 'image/png', '.map': 'application/json' };

/** A 127.0.0.1 server for the harness page, the stand-in, the bundle and media. */
export async function startServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const port = (server.address() as AddressInfo).port;
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page((url.searchParams.get('theme') as ThemeName) || 'dark', port));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/harness/standin.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(STAND_IN);
      return;
    }
    if (!/^\/(dist|media)\/[\w./-]+$/.test(url.pathname) || url.pathname.includes('..')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(resolve(ROOT, `.${url.pathname}`));
      res.writeHead(200, { 'content-type': TYPES[extname(url.pathname)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Headless Debian Chromium with WebGPU enabled (SwiftShader when there is no GPU). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** How a harness page starts. */
export interface OpenOptions {
  readonly theme?: ThemeName;
  /** Settings the stand-in host sends in `init`. */
  readonly init?: ExplorerSettings | null;
  /** What getState returns at start (a restored panel). */
  readonly state?: unknown;
  /** Hide navigator.gpu, as in a VS Code without WebGPU. */
  readonly noWebGpu?: boolean;
  /**
   * What the stand-in host's "file" holds when the panel asks to load a checkpoint buffer (`openBuffer`): it answers
   * with these values when their count is the one asked for, else with an error, as the real host does for a file
   * that does not fit (src/explorer/bufferFile.ts, tested in the extension-host suite).
   */
  readonly bufferFile?: number[];
}

/** Opens the harness page and waits for the first plots. Console errors and CSP violations are collected. */
export async function openExplorer(browser: Browser, origin: string, options: OpenOptions = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.addInitScript(
    ({ init, state, noWebGpu, bufferFile }) => {
      (window as unknown as { __harness: unknown }).__harness = { init, state, bufferFile };
      // An own property on the instance shadows the prototype's getter, as if the browser had no WebGPU.
      if (noWebGpu) Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
    },
    { init: options.init ?? null, state: options.state, noWebGpu: options.noWebGpu ?? false, bufferFile: options.bufferFile },
  );
  await page.goto(`${origin}/?theme=${options.theme ?? 'dark'}`);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('compute'), undefined, { timeout: 60_000 });
  await settle(page);
  return { page, errors };
}

/** Waits until the explorer has drawn the newest settings. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { timestepLensExplorer: { whenSettled(): Promise<void> } }).timestepLensExplorer.whenSettled());
}

/**
 * Scrolls a view into the window and waits until it is drawn: the explorer draws only the views on screen and draws
 * the others when they scroll into view (webview/main.ts), as a person reading them would see.
 */
export async function reveal(page: Page, id: string): Promise<void> {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  // The IntersectionObserver reports on the next frame; then the drain loop draws the view.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await settle(page);
}

/** The plotly data of a plot element (what was actually drawn), after scrolling it into view. */
export async function plotData<T = Record<string, unknown>>(page: Page, id: string): Promise<T[]> {
  await reveal(page, id);
  return page.evaluate((plotId) => {
    // Line and marker views keep their points off plotly's traces, in the canvas layer's state (webview/plots/layerView.ts).
    const el = document.getElementById(plotId) as (HTMLElement & { data?: unknown[]; __layer?: { traces: unknown[] } }) | null;
    return JSON.parse(JSON.stringify(el?.__layer?.traces ?? el?.data ?? [], (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as number[]) : v)));
  }, id) as Promise<T[]>;
}

/** Messages the webview posted so far. */
export function posted(page: Page): Promise<{ type: string; [key: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

/** A heatmap as drawn (webview/plots/rasterView.ts): the matrix behind it, how it is mapped, and the canvas pixels. */
export interface DrawnRaster {
  readonly rows: number;
  readonly cols: number;
  readonly aggregate: 'mean' | 'maxabs';
  readonly zmin: number;
  readonly zmax: number;
  readonly colorscale: [number, string][];
  readonly x: { origin: number; step: number };
  readonly y: { origin: number; step: number };
  readonly xRange: [number, number];
  readonly yRange: [number, number];
  /** The exact float32 matrix the view holds (what hover reads). */
  readonly matrix: Float32Array;
  readonly width: number;
  readonly height: number;
  /** The canvas's RGBA bytes. */
  readonly pixels: Uint8Array;
  /** The plot area in CSS pixels, relative to the plot element. */
  readonly area: { l: number; t: number; w: number; h: number };
}

const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** Reads a raster view's state and canvas pixels out of the page (arrays travel as base64 bytes). */
export async function rasterDrawn(page: Page, id: string): Promise<DrawnRaster> {
  await reveal(page, id);
  const raw = await page.evaluate((plotId) => {
    type State = { spec: Record<string, unknown> & { matrix: Float32Array }; xRange: number[]; yRange: number[]; canvas: HTMLCanvasElement };
    const el = document.getElementById(plotId) as HTMLElement & { __raster?: State; _fullLayout: { _size: unknown } };
    const state = el.__raster!;
    const { canvas, spec } = state;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    // Both arrays as base64 (no named helper here: tsx's __name wrapper does not exist in the page).
    const [matrix, image] = [new Uint8Array(spec.matrix.buffer, spec.matrix.byteOffset, spec.matrix.byteLength), new Uint8Array(pixels.buffer)].map((bytes) => {
      let text = '';
      for (let k = 0; k < bytes.length; k += 0x8000) text += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
      return btoa(text);
    });
    return {
      rows: spec['rows'], cols: spec['cols'], aggregate: spec['aggregate'], zmin: spec['zmin'], zmax: spec['zmax'], colorscale: spec['colorscale'],
      x: spec['x'], y: spec['y'], xRange: state.xRange, yRange: state.yRange,
      matrix, width: canvas.width, height: canvas.height, pixels: image, area: el._fullLayout._size,
    };
  }, id);
  const matrixBytes = fromBase64(raw.matrix as string);
  return {
    ...(raw as unknown as DrawnRaster),
    matrix: new Float32Array(matrixBytes.buffer, matrixBytes.byteOffset, matrixBytes.byteLength / 4),
    pixels: fromBase64(raw.pixels as string),
  };
}

/** Moves the mouse to a point of a raster view's plot area (fractions from its top-left) and reads the tooltip. */
export async function hoverRaster(page: Page, id: string, fx: number, fy: number): Promise<{ row: number; col: number; value: number; text: string } | undefined> {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  const box = (await page.locator(`#${id}`).boundingBox())!;
  const area = await page.evaluate((plotId) => (document.getElementById(plotId) as unknown as { _fullLayout: { _size: { l: number; t: number; w: number; h: number } } })._fullLayout._size, id);
  await page.mouse.move(box.x + area.l + fx * area.w, box.y + area.t + fy * area.h);
  const tip = page.locator(`figure[data-view=${id}] .raster-tip`);
  if (!(await tip.isVisible())) return undefined;
  const data = await tip.evaluate((el) => ({ ...(el as HTMLElement).dataset, text: el.textContent ?? '' }));
  return { row: Number(data['row']), col: Number(data['col']), value: Number(data['value']), text: data.text };
}

/**
 * Moves the mouse onto the point (x, y) (data units) of a line or marker view (webview/plots/layerView.ts) and reads
 * its tooltip lines, or undefined when none shows.
 */
export async function hoverPoint(page: Page, id: string, x: number, y: number): Promise<string[] | undefined> {
  await reveal(page, id);
  const box = (await page.locator(`#${id}`).boundingBox())!;
  const at = await page.evaluate(
    ({ plotId, px, py }) => {
      type Axis = { range: [number, number] };
      const full = (document.getElementById(plotId) as unknown as { _fullLayout: { _size: { l: number; t: number; w: number; h: number }; xaxis: Axis; yaxis: Axis } })._fullLayout;
      const { l, t, w, h } = full._size;
      const [x0, x1] = full.xaxis.range;
      const [y0, y1] = full.yaxis.range;
      return { left: l + ((px - x0) / (x1 - x0)) * w, top: t + h - ((py - y0) / (y1 - y0)) * h };
    },
    { plotId: id, px: x, py: y },
  );
  await page.mouse.move(box.x + at.left, box.y + at.top);
  const tip = page.locator(`figure[data-view=${id}] .raster-tip`);
  if (!(await tip.isVisible())) return undefined;
  return tip.locator('div').allTextContents();
}
