/**
 * `npm run test:vscode`: the extension-host suite in VS Code desktop through @vscode/test-electron, for machines that
 * can have VS Code desktop (CI, which is offline, runs the same suite in code-server: test/vscode/runSuite.mjs).
 *   node test/suite/runElectron.mjs
 * VS Code comes from $VSCODE_EXECUTABLE when set (an installed `code` binary, e.g. /usr/share/code/code), else it is
 * downloaded once into .vscode-test/: version $VSCODE_VERSION, default the Code release code-server bundles, so both
 * runners test the same VS Code. On Linux without a display the run is wrapped in `xvfb-run -a` when it exists.
 * Needs `npm run build` first (dist/extension.js); the suite bundle is rebuilt here. Exit code 0 only when every test
 * passed and at least one ran.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSuite, mapSuiteStacks, SUITE_OUTFILE } from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Code 1.139.1 is what code-server 4.139.1 bundles (test/vscode/package.json); engines.vscode is ^1.139.0. */
const DEFAULT_VERSION = '1.139.1';
const RESULTS_DIR = resolve(root, 'test-results/vscode-electron');

process.exitCode = await main().catch((error) => {
  console.error(`[vscode desktop] ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  return 1;
});

async function main() {
  // Electron needs an X display; in a headless shell, run this same script again under a virtual one.
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.env.TIMESTEP_LENS_XVFB) {
    const xvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).stdout.trim();
    if (xvfb) {
      const wrapped = spawnSync(xvfb, ['-a', process.execPath, ...process.argv.slice(1)], {
        stdio: 'inherit',
        env: { ...process.env, TIMESTEP_LENS_XVFB: '1' },
      });
      return wrapped.status ?? 1;
    }
    console.warn('[vscode desktop] no DISPLAY and no xvfb-run (apt-get install xvfb): VS Code may fail to open a window');
  }

  let testElectron;
  try {
    testElectron = await import('@vscode/test-electron');
  } catch {
    throw new Error('@vscode/test-electron is not installed: it is a dev dependency of the root package (npm ci)');
  }
  if (!existsSync(resolve(root, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');

  const files = await buildSuite();
  console.log(`[vscode desktop] bundled ${relative(root, SUITE_OUTFILE)} (${files.join(', ')})`);
  const suiteResults = join(RESULTS_DIR, 'suite');
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  const workspace = join(RESULTS_DIR, 'workspace');
  mkdirSync(workspace, { recursive: true });

  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE || undefined;
  if (vscodeExecutablePath && !existsSync(vscodeExecutablePath)) throw new Error(`VSCODE_EXECUTABLE=${vscodeExecutablePath} does not exist`);
  const version = process.env.VSCODE_VERSION || DEFAULT_VERSION;
  console.log(`[vscode desktop] VS Code ${vscodeExecutablePath ?? `${version} (downloaded into .vscode-test/ unless cached)`}`);

  let exitCode;
  try {
    exitCode = await testElectron.runTests({
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version, cachePath: resolve(root, '.vscode-test') }),
      extensionDevelopmentPath: root,
      extensionTestsPath: SUITE_OUTFILE,
      extensionTestsEnv: {
        TIMESTEP_LENS_SUITE_RESULTS: suiteResults,
        ...(process.env.TIMESTEP_LENS_SUITE_GREP ? { TIMESTEP_LENS_SUITE_GREP: process.env.TIMESTEP_LENS_SUITE_GREP } : {}),
      },
      // The folder to open, then a profile of its own, so the machine's VS Code settings and extensions stay out (not
      // --disable-extensions: that would also drop built-ins the tests need, such as the ipynb notebook support).
      // runTests already adds --no-sandbox, --skip-welcome, --skip-release-notes and --disable-workspace-trust.
      launchArgs: [
        workspace,
        `--user-data-dir=${join(RESULTS_DIR, 'user-data')}`,
        `--extensions-dir=${join(RESULTS_DIR, 'extensions')}`,
      ],
    });
  } catch (error) {
    // runTests rejects with TestRunFailedError when VS Code exits non-zero, which includes failed tests.
    console.error(`[vscode desktop] ${error instanceof Error ? error.message : error}`);
    exitCode = 1;
  }

  // The extension host's stdout reached ours already; print the mapped report only when something failed.
  const resultFile = join(suiteResults, 'result.json');
  const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
  if (!result) {
    console.error('[vscode desktop] the suite wrote no result.json: it did not run to the end');
    return 1;
  }
  if (exitCode !== 0 || result.failures > 0) {
    const report = join(suiteResults, 'report.txt');
    if (existsSync(report)) console.error(`\n----- ${relative(root, report)}\n${mapSuiteStacks(readFileSync(report, 'utf8'))}`);
  }
  console.log(`\nvscode-desktop: ${result.passes} passed, ${result.failures} failed, ${result.pending} skipped`);
  return exitCode === 0 && result.failures === 0 && result.passes > 0 ? 0 : 1;
}
