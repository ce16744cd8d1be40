/**
 * The extension-host test suite's entry point: VS Code loads the bundle of this file (out/suite/index.js, built by
 * test/suite/build.mjs) as `extensionTestsPath` and awaits run(). The same bundle runs under both runners:
 * test/suite/runElectron.mjs (@vscode/test-electron, VS Code desktop) and test/vscode/runSuite.mjs (code-server, CI).
 *
 * The extension host's stdout is not the runner's (in code-server it belongs to a process the server forked), so the
 * spec report is also written to a file, with a JSON summary beside it, which both runners print and check:
 *   $TIMESTEP_LENS_SUITE_RESULTS/report.txt and result.json (default test-results/vscode/suite/ in this repository).
 * TIMESTEP_LENS_SUITE_GREP, when set, runs only the tests whose full title matches it.
 */
import Mocha from 'mocha';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { suiteTests } from 'virtual:suite-tests';

/** Environment variable naming the folder that receives report.txt and result.json. */
export const SUITE_RESULTS_ENV = 'TIMESTEP_LENS_SUITE_RESULTS';

/** What result.json holds: mocha's counts plus the files that were loaded. */
export interface SuiteResult {
  passes: number;
  failures: number;
  pending: number;
  tests: number;
  durationMs: number;
  files: string[];
}

/** Per-test limit: a cold extension activation in code-server on 2 cores takes a few seconds, not thirty. */
const TEST_TIMEOUT_MS = 30_000;

/** Runs every suite test file; rejects when a test failed or none ran, which VS Code turns into a non-zero exit. */
export async function run(): Promise<void> {
  const outDir = process.env[SUITE_RESULTS_ENV] ?? resolve(__dirname, '../../test-results/vscode/suite');
  mkdirSync(outDir, { recursive: true });
  const reportFile = join(outDir, 'report.txt');
  writeFileSync(reportFile, '');

  const grep = process.env.TIMESTEP_LENS_SUITE_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: TEST_TIMEOUT_MS, reporter: 'spec', ...(grep ? { grep } : {}) });

  // Every reporter prints through Base.consoleLog: tee it into the report file, appended line by line so a run that
  // hangs or is killed still leaves what it had printed.
  const consoleLog = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = (...data: unknown[]) => {
    appendFileSync(reportFile, `${format(...data)}\n`);
    consoleLog(...data);
  };

  try {
    // What mocha.loadFiles() does for files on disk, for files that are already in this bundle.
    for (const file of suiteTests) {
      mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, file.path, mocha);
      mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_REQUIRE, file.load(), file.path, mocha);
      mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_POST_REQUIRE, globalThis, file.path, mocha);
    }
    const started = Date.now();
    const stats = await new Promise<Mocha.Stats>((resolveRun) => {
      const runner = mocha.run(() => resolveRun(runner.stats ?? ({} as Mocha.Stats)));
    });
    const result: SuiteResult = {
      passes: stats.passes ?? 0,
      failures: stats.failures ?? 0,
      pending: stats.pending ?? 0,
      tests: stats.tests ?? 0,
      durationMs: Date.now() - started,
      files: suiteTests.map((file) => file.path),
    };
    writeFileSync(join(outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    if (result.failures > 0) throw new Error(`${result.failures} of ${result.tests} extension-host tests failed`);
    if (result.passes === 0) throw new Error('no extension-host test ran (is TIMESTEP_LENS_SUITE_GREP too narrow?)');
  } finally {
    Mocha.reporters.Base.consoleLog = consoleLog;
  }
}
