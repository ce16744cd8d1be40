/**
 * End-to-end UI scenarios in a real VS Code: the private code-server of test/vscode (Code 1.139.1, offline), driven
 * through its workbench UI by playwright-core in Debian's Chromium with --enable-unsafe-webgpu. Everything is done the
 * way a person does it: the command palette (F1), typing, waiting for the row, Enter; clicks inside the Explorer's
 * webview frames. Results are read back from what a person would see: the file on disk after saving, the webview DOM.
 *
 *   bash test/vscode/setup.sh && npm run build      once
 *   node test/e2e/run.mjs                            the extension from this checkout (extensionDevelopmentPath)
 *   node test/e2e/run.mjs --vsix timestep-lens.vsix  the packaged extension, installed with --install-extension and
 *                                                    loaded like any installed extension (no development path)
 *   options: --timeout SECONDS (whole run, default 300), --headed (show the browser; needs a display)
 *
 * Scenarios (run in order in one window; each later one starts where the previous one left the workbench):
 *   1. palette insert: open model.py, run "Insert Timestep Embedding…" through every quick pick, save, compare the
 *      file with the core's generateCode for the same picks.
 *   2. explorer: open it from the palette, wait for the plots inside the webview frames, force WebGPU and see the
 *      status line name it, change the width and see the heatmap change, press "Insert code for these settings",
 *      save, compare the file.
 *   3. reload: "Developer: Reload Window"; VS Code's serializer restores the Explorer with its last settings and plots.
 * Screenshots go to test-results/e2e/*.png (kept as artifacts; look at them); logs to test-results/vscode/logs/.
 * Prints `e2e: N passed, N failed` and exits non-zero unless every scenario passed.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { LOGS_DIR, REPO_ROOT, assertInstalled, printLogs, startCodeServer } from '../vscode/codeServer.mjs';
import { Workbench } from './workbench.mjs';

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** As in runSuite.mjs: root needs --no-sandbox; WebGPU on (SwiftShader without a GPU); no calls home. */
const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const RESULTS = resolve(REPO_ROOT, 'test-results/e2e');
/** One UI step (a row to appear, plots to draw) on a loaded 2-core machine; the first webview load is the slowest. */
const STEP_TIMEOUT_MS = 30_000;
const MODEL_PY = 'import torch\n\n';

const { values: options } = parseArgs({
  options: { vsix: { type: 'string' }, timeout: { type: 'string' }, headed: { type: 'boolean' } },
});
const timeoutMs = 1000 * Number(options.timeout ?? process.env.TIMESTEP_LENS_E2E_TIMEOUT ?? 300);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (message) => console.log(`[e2e ${elapsed()}] ${message}`);

/** The core as built (dist/core.js), the same generateCode the extension bundles. */
const core = require(resolve(REPO_ROOT, 'dist/core.js'));

async function main() {
  assertInstalled();
  const vsix = options.vsix ? resolve(options.vsix) : undefined;
  if (vsix && !existsSync(vsix)) throw new Error(`no such .vsix: ${vsix}`);
  if (!existsSync(resolve(REPO_ROOT, 'dist/extension.js'))) throw new Error('dist/ is missing: run npm run build first');
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  // The folder the window opens, with one Python file that imports torch (so the framework step preselects PyTorch).
  const workspace = join(RESULTS, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const modelFile = join(workspace, 'model.py');
  writeFileSync(modelFile, MODEL_PY);

  const server = await startCodeServer({ installExtensions: vsix ? [vsix] : [], logName: 'e2e-code-server' });
  say(`code-server ${server.url} (pid ${server.pid})${vsix ? `, ${relative(REPO_ROOT, vsix)} installed` : ''}`);
  let browser;
  const outcomes = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: !options.headed, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.stack ?? e.message}`));
    const url = server.workbenchUrl({ folder: workspace, ...(vsix ? {} : { extensionDevelopmentPath: REPO_ROOT }) });
    const ui = new Workbench(page, { resultsDir: RESULTS, stepTimeoutMs: STEP_TIMEOUT_MS });
    const context = { page, ui, modelFile, url };

    const scenarios = [
      ['opens the workbench on the workspace', openWorkbench],
      ['inserts code from the command palette through every quick pick', paletteInsert],
      ['explorer: plots in the webview, WebGPU forced, a parameter change redraws, "Insert code" writes the editor', explorerScenario],
      ['explorer: restored with its settings and plots after the window reloads', reloadScenario],
    ];
    for (const [title, scenario] of scenarios) {
      const t0 = Date.now();
      try {
        await scenario(context);
        outcomes.push({ title, ok: true });
        console.log(`  ✔ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (error) {
        outcomes.push({ title, ok: false, error });
        console.log(`  ✘ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n    ${String(error?.stack ?? error).split('\n').join('\n    ')}`);
        await page.screenshot({ path: join(RESULTS, `failure-${outcomes.length}.png`) }).catch(() => {});
        // Later scenarios build on earlier ones; running them after a failure only adds noise.
        break;
      }
    }
    writeFileSync(join(LOGS_DIR, 'e2e-browser-console.log'), `${consoleLines.join('\n')}\n`);
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
  const passed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - passed;
  const skipped = 4 - outcomes.length;
  console.log(`\ne2e: ${passed} passed, ${failed} failed, ${skipped} skipped (screenshots in ${relative(REPO_ROOT, RESULTS)}/) in ${elapsed()}`);
  if (failed > 0 || skipped > 0) {
    printLogs(60, 'e2e-code-server');
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

async function openWorkbench({ page, ui, url }) {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 0 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The explorer view lists the file once the remote file system answered: the workbench is usable.
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'model.py' }).waitFor({ timeout: 60_000 });
  await ui.dismissNotifications();
}

async function paletteInsert({ page, ui, modelFile }) {
  await ui.openFile('model.py');
  await page.keyboard.press('Control+End');

  await ui.runCommand('Insert Timestep Embedding…');
  // Step 1: the preset, filtered by typing part of its label.
  await ui.waitForTitle('(1): preset');
  await page.keyboard.type('FLUX timestep');
  await ui.acceptRow('FLUX timestep_embedding', { screenshot: 'palette-preset.png' });
  // Step 2: PyTorch is preselected because model.py imports torch; the row says why.
  await ui.waitForTitle('(2/6): framework');
  await ui.acceptRow('PyTorch', { description: "detected from the document's imports" });
  await ui.waitForTitle('(3/6): form');
  await page.keyboard.type('MLP');
  await ui.acceptRow('Module + MLP');
  // Step 4: the width in an input box, prefilled with the preset's 256.
  await ui.waitForTitle('(4/6): dim');
  await ui.replaceInput('64', { screenshot: 'palette-width.png' });
  await ui.waitForTitle('(5/6): max_period');
  await ui.acceptInput();
  await ui.waitForTitle('(6/6): time_factor');
  await ui.acceptInput();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

  await page.keyboard.press('Escape'); // leave snippet mode
  await ui.save(modelFile);
  await page.screenshot({ path: join(RESULTS, 'palette-inserted.png') });
  const expected =
    MODEL_PY +
    core.fitToDocument(
      core.generateCode({ preset: 'flux', timesteps: [0], params: { dim: 64, max_period: 10000, time_factor: 1000 } }, 'pytorch', { form: 'module+mlp' }),
      MODEL_PY,
      MODEL_PY,
      '',
    );
  assert.equal(readFileSync(modelFile, 'utf8'), expected);
}

async function explorerScenario({ page, ui, modelFile }) {
  const before = readFileSync(modelFile, 'utf8');
  // The cursor where the Explorer's code goes: the end of the file (the snippet left its first tab stop selected).
  await ui.focusEditor();
  await page.keyboard.press('Control+End');
  await ui.runCommand('Open Embedding Explorer');
  const frame = await ui.webviewFrame();
  await waitForPlots(frame);
  await page.screenshot({ path: join(RESULTS, 'explorer-auto.png') });
  const autoStatus = await frame.locator('#status').textContent();
  say(`status with backend auto: ${autoStatus}`);

  // Change the width: the heatmap must be redrawn with 64 rows (one per embedding column).
  const width = frame.locator('section[data-side=primary] input[data-param=embedding_dim]');
  assert.equal(await width.inputValue(), '320');
  assert.equal(await heatmapRows(frame), 320);
  await width.fill('64');
  await frame.waitForFunction(() => Math.max(...(document.getElementById('plot-heatmap')?.layout?.yaxis?.range ?? [0])) === 63.5, null, { timeout: STEP_TIMEOUT_MS }).catch(async () => {
    throw new Error(`the heatmap still has ${await heatmapRows(frame)} rows after the width became 64`);
  });

  // Force WebGPU: the status line must name it (Chromium runs it on SwiftShader here), not a CPU fallback. After the
  // width change on purpose: SwiftShader computes 1000 × 320 with every analysis in ~15 s on 2 cores, 1000 × 64 in ~2 s.
  await frame.locator('select[data-field=backend]').selectOption('webgpu');
  await frame.waitForFunction(() => /^WebGPU/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 60_000 }).catch(async () => {
    throw new Error(`the status line does not name WebGPU: ${await frame.locator('#status').textContent()}`);
  });
  const status = await frame.locator('#status').textContent();
  say(`status with WebGPU forced: ${status}`);
  assert.match(status, /^WebGPU \(.+\).* 64 dims/);
  assert.equal(await heatmapRows(frame), 64);
  await page.screenshot({ path: join(RESULTS, 'explorer-webgpu-width64.png') });

  // "Insert code for these settings": the host writes the code into model.py at the cursor and says so.
  const request = await codeRequestShown(frame);
  await frame.locator('button[data-action=insert]').click();
  await frame.waitForFunction(() => /^Inserted /.test(document.querySelector('#message')?.textContent ?? ''), null, { timeout: STEP_TIMEOUT_MS }).catch(async () => {
    throw new Error(`no "Inserted" message; the message line says: ${await frame.locator('#message').textContent()}`);
  });
  say(`message: ${await frame.locator('#message').textContent()}`);
  await ui.runCommand('File: Save All Files');
  // The cursor sits at the end of the file; imports model.py already has are not repeated (core.fitToDocument).
  const generated = core.generateCode({ preset: request.preset, timesteps: [0], params: request.params, dtype: request.dtype }, request.framework, { form: request.form });
  const expected = before + core.fitToDocument(generated, before, before, '');
  await waitForFile(modelFile, expected);
  assert.equal(request.params.embedding_dim, 64);
  await page.screenshot({ path: join(RESULTS, 'explorer-inserted.png') });
}

async function reloadScenario({ page, ui }) {
  // "Developer: Reload Window", as a person would: the workbench shuts down properly, flushing its state (open editors,
  // each webview's setState) to the browser's storage before reloading. A bare page.reload() can beat that flush:
  // code-server writes state to IndexedDB asynchronously, so a reload right after a change may come back without it.
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 60_000 });
  await ui.runCommand('Developer: Reload Window');
  await navigated;
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // No command is run: the restored editor layout brings the webview back and VS Code calls our serializer.
  const frame = await ui.webviewFrame(60_000);
  await waitForPlots(frame);
  assert.equal(await frame.locator('section[data-side=primary] input[data-param=embedding_dim]').inputValue(), '64');
  assert.equal(await heatmapRows(frame), 64);
  assert.equal(await frame.locator('select[data-field=backend]').inputValue(), 'webgpu');
  await frame.waitForFunction(() => /^WebGPU/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: STEP_TIMEOUT_MS });
  await page.screenshot({ path: join(RESULTS, 'explorer-after-reload.png') });
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** Waits until every plot of the first view is drawn by plotly (its container gets `js-plotly-plot` and an SVG). */
async function waitForPlots(frame) {
  await frame
    .waitForFunction(() => document.getElementById('plot-heatmap')?.classList.contains('js-plotly-plot') && (document.getElementById('plot-heatmap')?.data?.length ?? 0) > 0, null, {
      timeout: 60_000,
    })
    .catch(async () => {
      throw new Error(`no heatmap was drawn; status: ${await frame.locator('#status').textContent().catch(() => '?')}`);
    });
}

/**
 * Rows (embedding columns) the E heatmap shows. It is drawn as an image with an invisible colour-bar trace, so the
 * count comes from its reversed y range [cols - 0.5, -0.5] (webview/plots/traces.ts rasterFigure).
 */
async function heatmapRows(frame) {
  return frame.evaluate(() => {
    const range = document.getElementById('plot-heatmap')?.layout?.yaxis?.range;
    return Array.isArray(range) ? Math.round(Math.max(...range) + 0.5) : undefined;
  });
}

/** The code request the panel will send for its current settings, read from its controls as a person sees them. */
async function codeRequestShown(frame) {
  return frame.evaluate(() => {
    const side = document.querySelector('section[data-side=primary]');
    const params = {};
    for (const el of side.querySelectorAll('input[data-param]')) params[el.dataset.param] = el.type === 'checkbox' ? el.checked : Number(el.value);
    const value = (root, field) => root.querySelector(`select[data-field=${field}]`).value;
    return { preset: value(side, 'preset'), dtype: value(side, 'dtype'), params, framework: value(document, 'framework'), form: value(document, 'form') };
  });
}

async function waitForFile(file, expected) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (readFileSync(file, 'utf8') !== expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(readFileSync(file, 'utf8'), expected);
}

// Last, so the class and helpers above are initialised before the run starts.
const watchdog = setTimeout(() => {
  console.error(`[e2e] no result within ${timeoutMs / 1000} s (--timeout); ending the run`);
  process.exit(1); // codeServer.mjs's exit hook ends the server's process group
}, timeoutMs);
watchdog.unref();

process.exitCode = await main().catch((error) => {
  console.error(`\n[e2e] ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  return 1;
});
clearTimeout(watchdog);
