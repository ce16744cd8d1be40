/**
 * The `browser` entry (package.json "browser": "./dist/web/extension.js") in VS Code's web worker extension host, as in
 * VS Code for the Web: the private code-server of test/vscode (Code 1.139.1, offline) opened in Chromium with the URL
 * payload `extensionDevelopmentPath` = this checkout and `extensionDevelopmentKind` = `web` (the workbench reads the
 * payload only with enable-smoke-test-driver, which codeServer.mjs turns on; BrowserWorkbenchEnvironmentService maps
 * the key to `[value]`, and the extension service then puts an extension under development in the kind given, here
 * the web worker host, instead of the kind its manifest implies).
 *
 *   node esbuild.mjs && node test/e2e/web.mjs      options: --timeout SECONDS (default 240), --headed
 *
 * Checks:
 *   1. the workbench opens on a workspace with model.py.
 *   2. "Insert Timestep Embedding (Last Settings)" with model.py open: no saved settings, so the preset quick pick
 *      "Insert Timestep Embedding (1): preset" appears (then Escape).
 *   3. it ran in the web worker host: the browser fetched dist/web/extension.js (the Node host reads dist/extension.js
 *      from disk and never asks the browser for anything), and "Developer: Show Running Extensions" lists the extension
 *      with the host label "web worker" (installed/Node-host extensions show the server's address there).
 *   4. "Open Embedding Explorer": the panel opens and its plots are drawn inside the webview.
 *   5. after the server stopped: the Node (remote) extension host's log never activated timestep-lens.
 * Screenshots go to test-results/e2e/web-*.png. Prints `e2e-web: N passed, M failed` and exits non-zero on a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { LOGS_DIR, REPO_ROOT, assertInstalled, printLogs, startCodeServer } from '../vscode/codeServer.mjs';
import { Workbench } from './workbench.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const RESULTS = resolve(REPO_ROOT, 'test-results/e2e');
const STEP_TIMEOUT_MS = 30_000;
const EXTENSION_ID = 'timestep-lens.timestep-lens';

const { values: options } = parseArgs({ options: { timeout: { type: 'string' }, headed: { type: 'boolean' } } });
const timeoutMs = 1000 * Number(options.timeout ?? 240);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (message) => console.log(`[e2e-web ${elapsed()}] ${message}`);

async function main() {
  assertInstalled();
  if (!existsSync(resolve(REPO_ROOT, 'dist/web/extension.js'))) throw new Error('dist/web/extension.js is missing: run node esbuild.mjs first');
  mkdirSync(RESULTS, { recursive: true });
  for (const name of readdirSync(RESULTS)) if (name.startsWith('web-')) rmSync(join(RESULTS, name), { recursive: true, force: true });
  const workspace = join(RESULTS, 'web-workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'model.py'), 'import torch\n\n');

  // Earlier runs (the suite, the e2e) leave their servers' logs beside ours; only this server's logs are checked below.
  const earlierServerLogs = new Set(listFiles(join(LOGS_DIR, 'server')));
  const server = await startCodeServer({ logName: 'e2e-web-code-server' });
  say(`code-server ${server.url} (pid ${server.pid})`);
  // What actually puts the extension in the web worker host in Code 1.139: the user setting remote.extensionKind
  // (ExtensionManifestPropertiesService takes a user-configured kind as given, "web" included; the picker then chooses
  // the web worker host for a "web" extension installed remotely). The payload key extensionDevelopmentKind, passed
  // below as well, is parsed by BrowserWorkbenchEnvironmentService into `extensionDevelopmentLocationKind`, but the
  // running-location tracker reads `environmentService.extensionDevelopmentKind`, which the browser service does not
  // have, so in the browser workbench it changes nothing (without the setting the Node host runs dist/extension.js).
  const settingsFile = join(server.userDataDir, 'User/settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
  settings['remote.extensionKind'] = { [EXTENSION_ID]: ['web'] };
  writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  let browser;
  const outcomes = [];
  const record = async (title, fn, page) => {
    const t0 = Date.now();
    try {
      await fn();
      outcomes.push({ title, ok: true });
      console.log(`  ✔ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      return true;
    } catch (error) {
      outcomes.push({ title, ok: false, error });
      console.log(`  ✘ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n    ${String(error?.stack ?? error).split('\n').join('\n    ')}`);
      await page?.screenshot({ path: join(RESULTS, `web-failure-${outcomes.length}.png`) }).catch(() => {});
      return false;
    }
  };
  const webEntryRequests = [];
  const nodeEntryRequests = [];
  const consoleLines = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: !options.headed, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    // Every request of the page, its frames and workers (the web worker host runs in a Worker inside an iframe).
    context.on('request', (request) => {
      const url = decodeURIComponent(request.url());
      if (url.includes('/dist/web/extension.js')) webEntryRequests.push(request.url());
      else if (/\/dist\/extension\.js(\W|$)/.test(url)) nodeEntryRequests.push(request.url());
    });
    const page = await context.newPage();
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.stack ?? e.message}`));
    page.on('worker', (w) => consoleLines.push(`[worker] ${w.url()}`));
    const url = server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: REPO_ROOT, payload: [['extensionDevelopmentKind', 'web']] });
    say(`open ${url}`);
    const ui = new Workbench(page, { resultsDir: RESULTS, stepTimeoutMs: STEP_TIMEOUT_MS });

    const ok =
      (await record('opens the workbench on the workspace', async () => {
        await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 0 });
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'model.py' }).waitFor({ timeout: 60_000 });
        await ui.dismissNotifications();
      }, page)) &&
      (await record('"Insert Timestep Embedding (Last Settings)" shows the preset quick pick', async () => {
        await ui.openFile('model.py');
        await ui.runCommand('Insert Timestep Embedding (Last Settings)');
        await ui.waitForTitle('Insert Timestep Embedding (1): preset');
        await page.screenshot({ path: join(RESULTS, 'web-last-settings-preset.png') });
        await page.keyboard.press('Escape');
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
      }, page));
    if (ok) {
      await record('it runs in the web worker host: dist/web/extension.js fetched by the browser, listed under "web worker" in Running Extensions', async () => {
        assert.ok(webEntryRequests.length > 0, 'the browser never fetched dist/web/extension.js');
        assert.equal(nodeEntryRequests.length, 0, `the browser fetched the Node entry: ${nodeEntryRequests.join(', ')}`);
        say(`web entry fetched: ${webEntryRequests[0]}`);
        await ui.runCommand('Developer: Show Running Extensions');
        // 1.139 shows it as a modal editor; our row names the extension by id (or display name) and its host, which
        // is "$(globe) web worker" for the web worker host and the server's address for the Node one.
        const row = page.locator('.monaco-list-row', { hasText: /Activation/ }).filter({ hasText: /timestep-lens\.timestep-lens|Timestep Lens/ });
        await row.first().waitFor({ timeout: STEP_TIMEOUT_MS });
        await row.first().scrollIntoViewIfNeeded();
        const text = (await row.first().innerText()).replace(/\s+/g, ' ').trim();
        say(`Running Extensions row: ${text}`);
        await page.screenshot({ path: join(RESULTS, 'web-running-extensions.png') });
        assert.match(text, /web worker/i, 'the Running Extensions row does not name the web worker host');
        await page.keyboard.press('Escape');
        await row.first().waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
      }, page);
      await record('"Open Embedding Explorer" opens the panel and draws the plots in the webview', async () => {
        await ui.runCommand('Open Embedding Explorer');
        const frame = await ui.webviewFrame(60_000);
        await frame
          .waitForFunction(() => document.getElementById('plot-heatmap')?.classList.contains('js-plotly-plot') && (document.getElementById('plot-heatmap')?.data?.length ?? 0) > 0, null, { timeout: 60_000 })
          .catch(async () => {
            throw new Error(`no heatmap was drawn; status: ${await frame.locator('#status').textContent().catch(() => '?')}`);
          });
        const plots = await frame.evaluate(() => [...document.querySelectorAll('.js-plotly-plot')].map((el) => el.id));
        say(`plots drawn: ${plots.join(', ')}; status: ${await frame.locator('#status').textContent()}`);
        await page.screenshot({ path: join(RESULTS, 'web-explorer.png') });
      }, page);
    }
    writeFileSync(join(LOGS_DIR, 'e2e-web-browser-console.log'), `${consoleLines.join('\n')}\n`);
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
  // The server's logs are copied on stop(): the Node extension host (remoteexthost.log) must not have activated us.
  await record('the Node extension host did not load the extension', async () => {
    const logs = listFiles(join(LOGS_DIR, 'server')).filter((f) => /exthost/i.test(f) && !earlierServerLogs.has(f));
    assert.ok(logs.length > 0, 'no extension host log was copied from the server');
    // The Node host lists every installed extension when it starts; activating one logs `_doActivateExtension <id>`.
    const activated = new RegExp(`_doActivateExtension ${EXTENSION_ID.replace(/\./g, '\\.')}\\b`);
    for (const file of logs) {
      const hits = readFileSync(file, 'utf8').split('\n').filter((line) => activated.test(line));
      assert.equal(hits.length, 0, `${relative(REPO_ROOT, file)} activated ${EXTENSION_ID}:\n${hits.slice(0, 5).join('\n')}`);
    }
    say(`checked ${logs.map((f) => relative(REPO_ROOT, f)).join(', ')}`);
  });
  const passed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - passed;
  console.log(`\ne2e-web: ${passed} passed, ${failed} failed (screenshots in ${relative(REPO_ROOT, RESULTS)}/web-*.png) in ${elapsed()}`);
  if (failed > 0 || passed < 5) {
    printLogs(60, 'e2e-web-code-server');
    return 1;
  }
  return 0;
}


function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((file) => statSync(file).isFile())
    .sort();
}

const watchdog = setTimeout(() => {
  console.error(`[e2e-web] no result within ${timeoutMs / 1000} s (--timeout); ending the run`);
  process.exit(1);
}, timeoutMs);
watchdog.unref();

process.exitCode = await main().catch((error) => {
  console.error(`\n[e2e-web] ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  return 1;
});
clearTimeout(watchdog);
