/**
 * Runs the extension-host suite (test/suite, bundled to out/suite/index.js) inside a real VS Code, offline: a private
 * code-server (codeServer.mjs) with the workbench opened in Debian's Chromium by playwright-core. This is what CI runs;
 * test/suite/runElectron.mjs runs the same suite in VS Code desktop.
 *
 *   bash test/vscode/setup.sh && npm run build     once: code-server + Node 24, and the extension's dist/
 *   node test/vscode/runSuite.mjs                   the extension from this checkout (extensionDevelopmentPath = root)
 *   node test/vscode/runSuite.mjs --vsix FILE       the packaged extension: installed with --install-extension, then
 *                                                   its installed folder is the development path, so what ships is
 *                                                   what is tested
 *   options: --grep PATTERN (only matching tests), --timeout SECONDS (whole run; default 300, or
 *            $TIMESTEP_LENS_VSCODE_TIMEOUT)
 *
 * How the suite reaches VS Code and comes back: the workbench URL's `payload` names extensionDevelopmentPath and
 * extensionTestsPath (honoured because the server runs with enable-smoke-test-driver); when the tests end, the
 * workbench calls window.codeAutomationExit(code, logs), which is exposed here before navigation. The extension host's
 * stdout is the server's, not ours, so the suite also writes its spec report to test-results/vscode/suite/report.txt
 * and a summary to result.json; they are printed here. Everything else (code-server output, VS Code server logs,
 * workbench logs, the browser console, a screenshot on failure) lands in test-results/vscode/.
 * Exit code: 0 only when VS Code reported success and at least one test passed.
 */
import { chromium } from 'playwright-core';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSuite, mapSuiteStacks, SUITE_OUTFILE } from '../suite/build.mjs';
import { LOGS_DIR, REPO_ROOT, RESULTS_DIR, assertInstalled, printLogs, startCodeServer } from './codeServer.mjs';

/** The id VS Code gives the extension (`${publisher}.${name}`), used to find it in the extensions dir. */
const EXTENSION_ID = 'timestep-lens.timestep-lens';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Chromium flags. --no-sandbox: CI runs as root, where Chromium's sandbox cannot start. --enable-unsafe-webgpu: the
 * Explorer's WebGPU path (SwiftShader without a GPU). The rest stop Chromium from calling home, which on this offline
 * machine means dozens of refused connections and slow starts.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const SUITE_RESULTS_DIR = join(RESULTS_DIR, 'suite');

const { values: options } = parseArgs({
  options: {
    vsix: { type: 'string' },
    grep: { type: 'string' },
    timeout: { type: 'string' },
  },
});
const timeoutMs = 1000 * Number(options.timeout ?? process.env.TIMESTEP_LENS_VSCODE_TIMEOUT ?? 300);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (message) => console.log(`[vscode suite ${elapsed()}] ${message}`);

process.exitCode = await main().catch((error) => {
  console.error(`\n[vscode suite] ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  return 1;
});

async function main() {
  assertInstalled();
  const vsix = options.vsix ? resolve(options.vsix) : undefined;
  if (vsix && !existsSync(vsix)) throw new Error(`no such .vsix: ${vsix}`);
  if (!vsix && !existsSync(resolve(REPO_ROOT, 'dist/extension.js')))
    throw new Error('dist/extension.js is missing: build the extension first (npm run build)');

  const files = await buildSuite();
  say(`bundled ${relative(REPO_ROOT, SUITE_OUTFILE)} (${files.join(', ')})`);
  rmSync(SUITE_RESULTS_DIR, { recursive: true, force: true });
  mkdirSync(SUITE_RESULTS_DIR, { recursive: true });
  // The folder the window opens: empty and fresh, so tests that create files start from nothing.
  const workspace = join(RESULTS_DIR, 'workspace');
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });

  const server = await startCodeServer({
    installExtensions: vsix ? [vsix] : [],
    // Inherited by the extension host, where test/suite/index.ts reads them.
    env: {
      TIMESTEP_LENS_SUITE_RESULTS: SUITE_RESULTS_DIR,
      ...(options.grep ? { TIMESTEP_LENS_SUITE_GREP: options.grep } : {}),
    },
  });
  say(`code-server ${server.url} (pid ${server.pid})`);

  let browser;
  let exitCode = 1;
  let failed = true;
  try {
    const extensionDevelopmentPath = vsix ? installedExtensionPath(server.extensionsDir) : REPO_ROOT;
    if (vsix) say(`testing the installed ${relative(server.extensionsDir, extensionDevelopmentPath)} from ${relative(REPO_ROOT, vsix) || vsix}`);
    const url = server.workbenchUrl({ folder: workspace, extensionDevelopmentPath, extensionTestsPath: SUITE_OUTFILE });

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleLog = createWriteStream(join(LOGS_DIR, 'browser-console.log'));
    // The page keeps talking while it is closed; lines after the log was ended are dropped, not an error.
    const logLine = (line) => consoleLog.writableEnded || consoleLog.write(`${line}\n`);
    page.on('console', (message) => logLine(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => logLine(`[pageerror] ${error.stack ?? error.message}`));

    // Exposed (and awaited) before navigation: the workbench looks it up on window when the extension host exits
    // after the tests, passing the exit code and the window's logs.
    let resolveExit;
    const exited = new Promise((resolveExitPromise) => (resolveExit = resolveExitPromise));
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      saveWorkbenchLogs(logs);
      resolveExit(typeof code === 'number' ? code : 1);
    });
    const crashed = new Promise((_, reject) => {
      page.on('crash', () => reject(new Error('the workbench page crashed')));
      browser.on('disconnected', () => reject(new Error('Chromium went away')));
    });
    let timer;
    const timedOut = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result from VS Code within ${timeoutMs / 1000} s (--timeout)`)), timeoutMs - (Date.now() - started));
    });

    // One outcome for the whole run, with a handler from the start, so a timeout or crash while the page is still
    // loading is reported like any other failure.
    const outcome = Promise.race([exited, crashed, timedOut]);
    outcome.catch(() => {});

    say('opening the workbench; the suite runs in its extension host');
    try {
      // No navigation timeout of its own (the 30 s default is too short on a loaded 2-core machine): the run's covers it.
      await Promise.race([page.goto(url, { waitUntil: 'domcontentloaded', timeout: 0 }), outcome]);
      exitCode = await outcome;
    } catch (error) {
      await page.screenshot({ path: join(RESULTS_DIR, 'failure.png') }).catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
      await new Promise((r) => consoleLog.end(r));
    }
    say(`VS Code reported exit code ${exitCode}`);
    if (exitCode !== 0) await page.screenshot({ path: join(RESULTS_DIR, 'failure.png') }).catch(() => {});

    const result = readResult();
    printReport();
    if (!result) {
      console.error('[vscode suite] the suite wrote no result.json: it did not run to the end (see the logs below)');
      exitCode = 1;
    } else {
      console.log(`\ncode-server: ${result.passes} passed, ${result.failures} failed, ${result.pending} skipped`);
      if (result.passes === 0) exitCode = 1;
      if (result.failures > 0) exitCode = 1;
    }
    failed = exitCode !== 0;
    return exitCode;
  } catch (error) {
    // Said before the logs below, so the reason is not lost under them.
    console.error(`\n[vscode suite] ${error instanceof Error ? error.message : error}`);
    return 1;
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
    if (failed) {
      console.error(`\n[vscode suite] FAILED after ${elapsed()}; logs in ${relative(REPO_ROOT, RESULTS_DIR)}/:`);
      printLogs();
      printTail(join(LOGS_DIR, 'browser-console.log'), 60);
    } else {
      say(`done; logs in ${relative(REPO_ROOT, RESULTS_DIR)}/`);
    }
  }
}

/** The folder --install-extension unpacked the .vsix into (`<extensions-dir>/timestep-lens.timestep-lens-<version>`). */
function installedExtensionPath(extensionsDir) {
  const folders = readdirSync(extensionsDir).filter((name) => name.toLowerCase().startsWith(`${EXTENSION_ID}-`));
  if (folders.length !== 1) throw new Error(`expected one ${EXTENSION_ID}-* folder in ${extensionsDir}, found: ${folders.join(', ') || 'none'}`);
  return join(extensionsDir, folders[0]);
}

/** The window's own logs (renderer, web worker extension host, ...) that VS Code hands to codeAutomationExit. */
function saveWorkbenchLogs(logs) {
  if (!Array.isArray(logs)) return;
  const target = join(LOGS_DIR, 'workbench');
  rmSync(target, { recursive: true, force: true });
  for (const { relativePath, contents } of logs) {
    if (typeof relativePath !== 'string' || typeof contents !== 'string') continue;
    const file = resolve(target, relativePath);
    if (!file.startsWith(target)) continue; // Paths come from the page: never write outside the folder.
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, contents);
  }
}

function readResult() {
  const file = join(SUITE_RESULTS_DIR, 'result.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

function printReport() {
  const file = join(SUITE_RESULTS_DIR, 'report.txt');
  if (!existsSync(file)) {
    console.error('[vscode suite] no report.txt: the suite never started (see the logs below)');
    return;
  }
  console.log(`\n----- extension-host suite (${relative(REPO_ROOT, file)})`);
  // Stack frames in the bundle are mapped back to test/suite/*.ts lines.
  process.stdout.write(mapSuiteStacks(readFileSync(file, 'utf8')));
}

function printTail(file, lines) {
  if (!existsSync(file)) return;
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  console.error(`\n----- ${relative(REPO_ROOT, file)} (last ${Math.min(lines, all.length)} of ${all.length} lines)`);
  console.error(all.slice(-lines).join('\n'));
}
