/**
 * Bundles the extension-host suite into out/suite/index.js, the `extensionTestsPath` both runners hand to VS Code:
 *   node test/suite/build.mjs
 * One CommonJS file for Node (the extension host), `vscode` left external (the host provides it), mocha bundled in, and
 * the test files found by glob here, at build time: every test/suite/**\/*.test.ts becomes an entry of the generated
 * module `virtual:suite-tests` (declared in suiteTests.d.ts), so no hand-kept list exists. WGSL imports use the same
 * text loader as the app bundle (STYLE.md "GPU kernels"), for tests that reach webview code later.
 * runSuite.mjs and runElectron.mjs call buildSuite() themselves, so the bundle is never stale.
 */
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const suiteDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(suiteDir, '../..');
/** The bundle VS Code loads as extensionTestsPath. */
export const SUITE_OUTFILE = resolve(root, 'out/suite/index.js');

/** Every `*.test.ts` under test/suite, relative to it, sorted so the run order is stable. */
export function findSuiteTests() {
  return readdirSync(suiteDir, { recursive: true })
    .map((name) => String(name).split('\\').join('/'))
    .filter((name) => name.endsWith('.test.ts') && !name.split('/').includes('node_modules'))
    .sort();
}

/** Generates `virtual:suite-tests`: each file behind a `require` in a closure, evaluated only when index.ts loads it. */
const suiteTestsPlugin = {
  name: 'suite-tests',
  setup(build) {
    build.onResolve({ filter: /^virtual:suite-tests$/ }, () => ({ path: 'suite-tests', namespace: 'virtual' }));
    build.onLoad({ filter: /.*/, namespace: 'virtual' }, () => {
      const files = findSuiteTests();
      if (files.length === 0) return { errors: [{ text: `no *.test.ts file under ${relative(root, suiteDir)}` }] };
      const entries = files.map((file) => `  { path: ${JSON.stringify(file)}, load: () => require(${JSON.stringify(`./${file}`)}) },`);
      return {
        contents: `export const suiteTests = [\n${entries.join('\n')}\n];\n`,
        resolveDir: suiteDir,
        loader: 'js',
        // A new test file changes this module: --watch (if it is ever used) must notice.
        watchDirs: [suiteDir],
      };
    });
  },
};

/** The esbuild options, exported so esbuild.mjs could add the suite as one more context instead. */
export const suiteBuildOptions = {
  absWorkingDir: root,
  entryPoints: [resolve(suiteDir, 'index.ts')],
  outfile: SUITE_OUTFILE,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: true,
  sourcesContent: false,
  loader: { '.wgsl': 'text' },
  logLevel: 'warning',
  // mocha's parallel mode require.resolve()s its worker files; the suite never runs in parallel, so those paths are
  // never taken and the warnings about them are noise.
  logOverride: { 'require-resolve-not-external': 'silent' },
  plugins: [suiteTestsPlugin],
};

/** Builds out/suite/index.js; resolves with the test files it bundled, rejects on a build error. */
export async function buildSuite() {
  await esbuild.build(suiteBuildOptions);
  return findSuiteTests();
}

/**
 * Rewrites `out/suite/index.js:LINE:COL` in a failure report to the test source position, through the bundle's source
 * map. Needed because the extension host installs its own Error.prepareStackTrace, so Node's --enable-source-maps never
 * applies there; the runners print reports through this instead.
 */
export function mapSuiteStacks(text) {
  const mapFile = `${SUITE_OUTFILE}.map`;
  if (!existsSync(mapFile)) return text;
  const map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
  const bundle = SUITE_OUTFILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${bundle}:(\\d+):(\\d+)`, 'g'), (whole, line, column) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !entry.originalSource) return whole;
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(SUITE_OUTFILE), entry.originalSource);
    return `${relative(root, source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const files = await buildSuite();
    console.log(`built ${relative(root, SUITE_OUTFILE)} with ${files.length} test file(s): ${files.join(', ')}`);
  } catch {
    // esbuild has already printed the errors (logLevel 'warning').
    process.exit(1);
  }
}
