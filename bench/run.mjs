/**
 * `npm run bench` (node bench/run.mjs): one run, one table. The engine's WebGPU and CPU backends, TF.js (WebGPU and
 * WASM backends) and plain JS in the same headless Chromium, plus numpy and torch (CPU) through /usr/bin/python3, on:
 * embedding T=1000×1024, similarity 1000×1000 from width 1024, MLP 1024→1280→1280 over 1000 rows, and the first two at
 * T=4000×2048. Prints medians (ms) and the ratios the issue sets goals for; writes bench/results/latest.json.
 * Then the Embedding Explorer's section (bench/explorer.mjs): update latency at T=1000 × 1024, compute and render
 * apart, first plots, and the production webview bundle raw and gzip; written to bench/results/explorer.json too.
 * Not a test: nothing here fails on a slow machine. Env: CHROMIUM_PATH, PYTHON (default /usr/bin/python3),
 * BENCH_QUICK=1 (only the T=1000 workloads), BENCH_EXPLORER_ONLY=1 (only the explorer section),
 * BENCH_EXPLORER_RUNS (changes per kind, default 7).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { benchExplorer, formatExplorer } from './explorer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, 'out/bench');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const ARGS = ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-gpu-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

const WORKLOADS = [
  { id: 'embedding 1000×1024', kind: 'embedding', rows: 1000, width: 1024, step: 1 },
  { id: 'similarity 1000² (w 1024)', kind: 'similarity', rows: 1000, width: 1024, step: 1 },
  { id: 'MLP 1024→1280→1280 ×1000', kind: 'mlp', rows: 1000, width: 1024, step: 1 },
  // estimateFrom × workRatio: the expected time, used to skip cells over the budget (see page.js estimateFor).
  { id: 'embedding 4000×2048', kind: 'embedding', rows: 4000, width: 2048, step: 0.25, estimateFrom: 'embedding 1000×1024', workRatio: 8 },
  { id: 'similarity 4000² (w 2048)', kind: 'similarity', rows: 4000, width: 2048, step: 0.25, estimateFrom: 'similarity 1000² (w 1024)', workRatio: 32 },
].filter((w) => !process.env.BENCH_QUICK || w.rows === 1000);
/** Largest estimated time of one cell that is still run (BENCH_CELL_BUDGET_S, default 90 s); keeps the bench ≲ 10 min on SwiftShader. */
const CELL_BUDGET_MS = Number(process.env.BENCH_CELL_BUDGET_S ?? 90) * 1000;
/**
 * engine-webgpu and engine-cpu recycle each result into the next (engine.recycle, as the Explorer does);
 * engine-webgpu-fresh allocates every result, as TF.js's data() must. The goals are stated on the recycling engine.
 */
const IMPLEMENTATIONS = ['engine-webgpu', 'engine-webgpu-fresh', 'engine-cpu', 'tfjs-webgpu', 'tfjs-wasm', 'naive-js'];
/**
 * Naive JS at 4000² × 2048 is 3.3e10 multiply-adds (minutes); it is left out and says so. The fresh-array engine
 * runs the same kernels as engine-webgpu, so only the cheap workloads repeat it.
 */
const SKIP = {
  'naive-js': ['similarity 4000² (w 2048)'],
  'engine-webgpu-fresh': ['MLP 1024→1280→1280 ×1000', 'similarity 4000² (w 2048)'],
  reason: { 'naive-js': 'not run (≈32× the 1000² case)', 'engine-webgpu-fresh': 'not run (same kernels as engine-webgpu; minutes on SwiftShader)' },
};

/** The ratios printed: the two the goals are on, and the fresh-array engine against TF.js-WebGPU. */
const RATIOS = [
  ['tfjs-webgpu / engine-webgpu', 'tfjs-webgpu', 'engine-webgpu'],
  ['tfjs-webgpu / engine-webgpu-fresh', 'tfjs-webgpu', 'engine-webgpu-fresh'],
  ['engine-cpu / tfjs-wasm', 'engine-cpu', 'tfjs-wasm'],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function build() {
  mkdirSync(outDir, { recursive: true });
  const common = { bundle: true, platform: 'browser', format: 'iife', logLevel: 'silent', minify: true };
  await esbuild.build({ ...common, entryPoints: [resolve(root, 'webview/engine/index.ts')], outfile: resolve(outDir, 'engine.js'), globalName: 'TimestepEngine', loader: { '.wgsl': 'text' } });
  await esbuild.build({ ...common, entryPoints: [resolve(root, 'bench/tfjsEntry.mjs')], outfile: resolve(outDir, 'tfjs.js'), define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' } });
}

function serve() {
  const wasmDir = resolve(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const files = {
    '/engine.js': resolve(outDir, 'engine.js'),
    '/tfjs.js': resolve(outDir, 'tfjs.js'),
    '/page.js': resolve(root, 'bench/page.js'),
    '/tfjs-backend-wasm.wasm': resolve(wasmDir, 'tfjs-backend-wasm.wasm'),
    '/tfjs-backend-wasm-simd.wasm': resolve(wasmDir, 'tfjs-backend-wasm-simd.wasm'),
    '/tfjs-backend-wasm-threaded-simd.wasm': resolve(wasmDir, 'tfjs-backend-wasm-threaded-simd.wasm'),
  };
  const html = '<!doctype html><meta charset="utf-8"><title>bench</title><script src="/tfjs.js"></script><script src="/engine.js"></script><script src="/page.js"></script>';
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    if (!files[path]) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(path)] }).end(readFileSync(files[path]));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

async function browserHalf() {
  const { server, url } = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => m.text().startsWith('[bench]') && console.log(`  ${m.text()}`));
    await page.goto(url);
    return { ...(await page.evaluate((config) => globalThis.runBench(config), { workloads: WORKLOADS, implementations: IMPLEMENTATIONS, skip: SKIP, cellBudgetMs: CELL_BUDGET_MS })), chromium: browser.version() };
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
}

function pythonHalf() {
  try {
    const out = execFileSync(PYTHON, [resolve(root, 'bench/pyBench.py'), JSON.stringify(WORKLOADS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    return JSON.parse(out);
  } catch (error) {
    console.warn(`python half failed: ${error.message}`);
    return {};
  }
}

const fmt = (v) => (v === undefined ? '—' : typeof v === 'string' ? v : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The explorer section: a production build of the extension (esbuild.mjs), then bench/explorer.mjs on it. */
async function explorerSection() {
  console.log('explorer (production build, headless Chromium)…');
  execFileSync(process.execPath, [resolve(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
  const result = await benchExplorer({ root, chromiumPath: CHROMIUM, args: ARGS, runs: Number(process.env.BENCH_EXPLORER_RUNS ?? 7) });
  console.log(`\n${formatExplorer(result)}`);
  mkdirSync(resolve(root, 'bench/results'), { recursive: true });
  writeFileSync(resolve(root, 'bench/results/explorer.json'), `${JSON.stringify({ date: new Date().toISOString(), machine: machineLine(), ...result }, null, 2)}\n`);
  console.log('wrote bench/results/explorer.json');
  return result;
}

function machineLine() {
  return `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
}

async function main() {
  if (process.env.BENCH_EXPLORER_ONLY) {
    await explorerSection();
    return;
  }
  await build();
  console.log('browser half (Chromium)…');
  const browser = await browserHalf();
  console.log('python half (numpy, torch)…');
  const python = pythonHalf();
  const columns = ['engine-webgpu', 'engine-webgpu-fresh', 'engine-cpu', 'tfjs-webgpu', 'tfjs-wasm', 'naive-js', 'numpy', 'torch'];
  const table = WORKLOADS.map(({ id }) => {
    const row = { workload: id };
    for (const c of columns) {
      const cell = c === 'numpy' || c === 'torch' ? python[id]?.[c] && { samples: python[id][c] } : browser.results[id]?.[c];
      row[c] = cell?.samples ? median(cell.samples) : (cell?.skipped ?? (cell?.error ? 'error' : undefined));
      if (cell?.samples) row[`${c} n`] = cell.samples.length;
      if (cell?.estimate) row[`${c} est`] = cell.estimate;
    }
    // A ratio with a cell that was estimated rather than run is printed with '≈' and 'est.'.
    const ratio = (a, b) => {
      const va = typeof row[a] === 'number' ? row[a] : row[`${a} est`];
      const vb = typeof row[b] === 'number' ? row[b] : row[`${b} est`];
      return { value: va / vb, estimated: typeof row[a] !== 'number' || typeof row[b] !== 'number' };
    };
    for (const [key, a, b] of RATIOS) {
      const r = ratio(a, b);
      row[key] = r.value;
      if (r.estimated && Number.isFinite(r.value)) row[`${key} estimated`] = true;
    }
    return row;
  });
  const header = ['workload', ...columns, ...RATIOS.map(([key]) => key)];
  const cellText = (row, h) => {
    const v = row[h];
    if (h.includes('/')) return Number.isFinite(v) ? (row[`${h} estimated`] ? `≈${v.toFixed(1)}× (est.)` : `${v.toFixed(2)}×`) : '—';
    if (typeof v === 'number') return `${fmt(v)} (${row[`${h} n`]})`;
    return fmt(v);
  };
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of table) lines.push(`| ${header.map((h) => cellText(row, h)).join(' | ')} |`);
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Chromium ${browser.chromium}; WebGPU adapter: ${browser.backendInfo}; numpy ${python._info?.numpy ?? '—'}, torch ${python._info?.torch ?? '—'} (${python._info?.torch_threads ?? '?'} threads)`;
  console.log(`\nmedian ms (samples after one warm-up in parentheses; a warm-up over 5 s is the only sample; lower is better); goals: tfjs-webgpu / engine-webgpu ≥ 3, engine-cpu / tfjs-wasm ≤ 1.5 (≤ 3 on the MLP)\n${machine}\n`);
  console.log(lines.join('\n'));
  mkdirSync(resolve(root, 'bench/results'), { recursive: true });
  const explorer = await explorerSection();
  writeFileSync(resolve(root, 'bench/results/latest.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, table, explorer, raw: { browser, python } }, null, 2)}\n`);
  console.log('\nwrote bench/results/latest.json');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
