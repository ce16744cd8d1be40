/**
 * The Embedding Explorer's section of `npm run bench` (issue 4, "Speed"): the built webview (dist/webview/explorer.js)
 * in headless Chromium, in a page with the panel's own CSP and a stand-in for acquireVsCodeApi, at T = 1000, width
 * 1024 (diffusers, 1440 × 1000 viewport). Measures
 *   - first plots: page load → every view drawn;
 *   - update latency: a parameter change (flip_sin_to_cos toggled, then max_period moved) → every view redrawn and one
 *     more frame, with the compute and render parts the status line reports, and the slowest views;
 *   - the bundle: dist/webview/explorer.js raw and gzip (the production build when `npm run bench` made it).
 * Medians over `runs` changes of each kind. Not a test: nothing fails on a slow machine.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

const NONCE = 'benchNonce0123456789';

/** The settings every measurement starts from (the issue's T = 1000, width 1024). */
const SETTINGS = {
  primary: { preset: 'diffusers', params: { embedding_dim: 1024 }, transform: 'discrete', dtype: 'float32' },
  compare: null,
  numTimesteps: 1000,
  tStart: 0,
  tEnd: 999,
  schedule: null,
  dims: [0, 1, 511, 1023],
  framework: 'pytorch',
  form: 'function',
  backend: 'cpu',
};

/** The panel's CSP, from src/explorer/html.ts itself (bundled on the fly: it is TypeScript). */
async function loadCsp(root) {
  const out = await esbuild.build({ entryPoints: [resolve(root, 'src/explorer/html.ts')], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' });
  const module = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  return module.contentSecurityPolicy;
}

/** Plays the host: `init` with the settings after `ready`; nothing else is needed here. */
const STAND_IN = `(() => {
  const settings = JSON.parse(document.currentScript.dataset.settings);
  window.acquireVsCodeApi = () => ({
    postMessage(m) { if (m.type === 'ready') setTimeout(() => window.dispatchEvent(new MessageEvent('message', { data: { type: 'init', protocolVersion: m.protocolVersion, settings } })), 0); },
    getState() { return undefined; },
    setState() {},
  });
})();`;

function serve(root, csp) {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const port = server.address().port;
    if (path === '/') {
      const html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp(`http://127.0.0.1:${port}`, NONCE)}">
<link rel="stylesheet" href="/media/explorer.css"></head><body class="vscode-dark"><div id="root"></div>
<script nonce="${NONCE}" src="/standin.js" data-settings='${JSON.stringify(SETTINGS)}'></script>
<script nonce="${NONCE}" src="/dist/webview/explorer.js"></script></body></html>`;
      return res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
    if (path === '/standin.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(STAND_IN);
    if (!/^\/(dist|media)\/[\w./-]+$/.test(path) || path.includes('..')) return res.writeHead(404).end();
    try {
      res.writeHead(200, { 'content-type': extname(path) === '.css' ? 'text/css' : 'text/javascript' }).end(readFileSync(resolve(root, `.${path}`)));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * One change in the page, by name (a toggle of flip_sin_to_cos: same Gram, permuted columns; or max_period moved
 * between 10000 and 9000: every value changes); resolves to wall ms (change → settled → next frame) and the status
 * line's compute and render parts.
 */
async function timeChange(page, change) {
  return page.evaluate(async (kind) => {
    const t0 = performance.now();
    if (kind === 'flip_sin_to_cos toggled') document.querySelector('section[data-side=primary] input[data-param=flip_sin_to_cos]').click();
    else {
      const box = document.querySelector('section[data-side=primary] input[data-param=max_period]');
      box.value = String(box.value === '10000' ? 9000 : 10000);
      box.dispatchEvent(new Event('input', { bubbles: true }));
    }
    await window.timestepLensExplorer.whenSettled();
    await new Promise(requestAnimationFrame);
    const total = performance.now() - t0;
    const status = document.getElementById('status');
    return { total, compute: Number(status.dataset.computeMs), render: Number(status.dataset.renderMs), views: JSON.parse(document.body.dataset.renderTimes ?? '{}') };
  }, change);
}

const CHANGES = ['flip_sin_to_cos toggled', 'max_period moved'];

/**
 * Runs the explorer measurements against the build under `root` (its dist/webview/explorer.js and media/).
 * Resolves to { bundle, firstPlotsMs, updates: { [change]: { total, compute, render, views } }, load }.
 */
export async function benchExplorer({ root, chromiumPath, args, runs = 7, log = console.log }) {
  const bundlePath = resolve(root, 'dist/webview/explorer.js');
  const code = readFileSync(bundlePath);
  const bundle = { raw: statSync(bundlePath).size, gzip: gzipSync(code, { level: 9 }).length };
  const csp = await loadCsp(root);
  const { server, url } = await serve(root, csp);
  const browser = await chromium.launch({ executablePath: chromiumPath, args, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('compute'), undefined, { timeout: 120_000 });
    await page.evaluate(() => window.timestepLensExplorer.whenSettled());
    const firstPlotsMs = Date.now() - t0;
    const updates = {};
    for (const name of CHANGES) {
      await timeChange(page, name); // warm-up: JIT, worker start, plotly's first react of each view
      const samples = [];
      for (let k = 0; k < runs; k++) samples.push(await timeChange(page, name));
      const views = {};
      for (const id of Object.keys(samples[0].views)) views[id] = median(samples.map((s) => s.views[id] ?? NaN));
      updates[name] = { total: median(samples.map((s) => s.total)), compute: median(samples.map((s) => s.compute)), render: median(samples.map((s) => s.render)), views, samples: samples.map((s) => Math.round(s.total)) };
      log(`  [explorer] ${name}: total ${updates[name].total.toFixed(0)} ms (compute ${updates[name].compute.toFixed(0)}, render ${updates[name].render.toFixed(0)}) over ${runs} changes`);
    }
    const status = await page.textContent('#status');
    if (errors.length > 0) log(`  [explorer] page errors: ${errors.join('; ')}`);
    return { bundle, firstPlotsMs, updates, status, errors, load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') };
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
}

/** The section as printed lines. */
export function formatExplorer(result) {
  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
  const lines = [
    `Explorer (dist/webview/explorer.js ${kb(result.bundle.raw)} raw, ${kb(result.bundle.gzip)} gzip), T = 1000 × 1024, CPU backend; load average ${result.load}`,
    `first plots after page load: ${result.firstPlotsMs} ms`,
    '| change | total ms | compute ms | render ms | slowest views (ms) |',
    '|---|---|---|---|---|',
  ];
  for (const [name, u] of Object.entries(result.updates)) {
    const slow = Object.entries(u.views).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([id, ms]) => `${id.replace('plot-', '')} ${ms.toFixed(0)}`).join(', ');
    lines.push(`| ${name} | ${u.total.toFixed(0)} | ${u.compute.toFixed(0)} | ${u.render.toFixed(0)} | ${slow} |`);
  }
  return lines.join('\n');
}
