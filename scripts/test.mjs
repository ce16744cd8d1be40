/**
 * `npm test`: every check CI runs, in order, stopping at the first failure.
 *   1. tsc (three projects)  2. eslint .  3. node esbuild.mjs  4. test/unit  5. smoke checks on dist/  6. test/gpu  7. test/webview
 *   8. real VS Code (code-server, offline): setup.sh, `npm run package` (the .vsix), the extension-host suite on the
 *      installed .vsix, the e2e UI scenarios on the installed .vsix. TIMESTEP_LENS_SKIP_VSCODE=1 skips stage 8 on a
 *      developer machine (refused when CI is set); the summary line then says so.
 * Ends with one summary line, e.g. `npm test: 123 tests passed (unit 118, smoke 5) in 14.2 s`, or the stage that failed.
 * Tools run from node_modules through the current Node binary, so no shell and no PATH lookup is involved.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const started = Date.now();
const counts = { unit: 0, smoke: 0, gpu: 0, webview: 0 };

/** Runs `node <script> ...args`, echoing its output; resolves with the exit code and the captured stdout. */
function runNode(script, args, env = process.env) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [resolve(root, script), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (data) => {
      stdout += data;
      process.stdout.write(data);
    });
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 1 : 0), stdout }));
    child.on('error', (error) => {
      console.error(error);
      resolvePromise({ code: 1, stdout });
    });
  });
}

function fail(stage, detail) {
  console.error(`\nnpm test: FAILED at ${stage}${detail ? ` (${detail})` : ''}`);
  process.exit(1);
}

async function stage(name, script, args, onFailure = () => '', env = process.env) {
  console.log(`\n── ${name}`);
  const result = await runNode(script, args, env);
  if (result.code !== 0) fail(name, onFailure(result.stdout) || `exit code ${result.code}`);
  return result.stdout;
}

/** The spec reporter's own "N passing" / "N failing" lines; colours stripped in case the terminal kept them. */
function mochaCount(stdout, what) {
  const match = new RegExp(`(\\d+) ${what}`).exec(stdout.replace(/\x1b\[[0-9;]*m/g, ''));
  return match ? Number(match[1]) : undefined;
}

/** The smoke checks on the built output: what a user of dist/ relies on without the sources. */
function smoke() {
  console.log('\n── smoke checks on dist/');
  const checks = [
    [
      "require('./dist/core.js') exposes embed, validate, generateCode and presets",
      () => {
        const core = require(resolve(root, 'dist/core.js'));
        for (const name of ['embed', 'validate', 'generateCode'])
          if (typeof core[name] !== 'function') throw new Error(`${name} is ${typeof core[name]}, not a function`);
        if (!Array.isArray(core.presets) || core.presets.length === 0) throw new Error('presets is not a non-empty array');
        const result = core.embed({ preset: 'adm', timesteps: [0, 999], params: { dim: 8 } });
        if (result.shape[0] !== 2 || result.shape[1] !== 8) throw new Error(`embed gave shape ${result.shape}`);
      },
    ],
    [
      'dist/core.js loads in a plain `node -e` process',
      () => {
        // A separate process catches bundles that only load because this script already set something up.
        return new Promise((ok, bad) => {
          const child = spawn(
            process.execPath,
            ['-e', "const c = require('./dist/core.js'); if (typeof c.generateCode !== 'function') process.exit(2)"],
            { cwd: root, stdio: 'inherit' },
          );
          child.on('close', (code) => (code === 0 ? ok() : bad(new Error(`node -e exited with ${code}`))));
        });
      },
    ],
    [
      'dist/extension.js and dist/web/extension.js require nothing but vscode',
      () => {
        for (const file of ['dist/extension.js', 'dist/web/extension.js']) {
          const text = readFileSync(resolve(root, file), 'utf8');
          const required = [...text.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
          const others = [...new Set(required.filter((name) => name !== 'vscode'))];
          if (others.length > 0) throw new Error(`${file} requires ${others.join(', ')}`);
        }
      },
    ],
    [
      'dist/snippets/python.json has every tsemb- prefix with tab stops and a description',
      () => {
        const snippets = Object.values(JSON.parse(readFileSync(resolve(root, 'dist/snippets/python.json'), 'utf8')));
        const prefixes = snippets.map((s) => s.prefix).sort();
        const expected = ['adm', 'ddpm', 'diffusers', 'edm', 'flux', 'fourier', 'sdxl'].map((p) => `tsemb-${p}`);
        if (prefixes.join() !== expected.join()) throw new Error(`prefixes are ${prefixes.join(', ')}`);
        for (const s of snippets) {
          if (!Array.isArray(s.body) || !s.body.join('\n').includes('${1:')) throw new Error(`${s.prefix} has no tab stops`);
          if (typeof s.description !== 'string' || !s.description.includes('Used by')) throw new Error(`${s.prefix} description`);
        }
      },
    ],
    [
      'package.json points at files the build produced',
      () => {
        const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
        const paths = [pkg.main, pkg.browser, pkg.icon, ...pkg.contributes.snippets.map((s) => s.path)];
        const missing = paths.filter((p) => !existsSync(resolve(root, p)));
        if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`);
      },
    ],
  ];
  return checks.reduce(
    (previous, [name, check]) =>
      previous.then(async () => {
        try {
          await check();
        } catch (error) {
          console.error(`  ✘ ${name}\n    ${error instanceof Error ? error.message : error}`);
          fail('smoke checks', name);
        }
        counts.smoke++;
        console.log(`  ✔ ${name}`);
      }),
    Promise.resolve(),
  );
}

/** Runs one mocha suite (files by glob) and returns how many tests passed; a failure stops everything. */
async function mochaStage(name, glob, env = process.env) {
  const out = await stage(
    `mocha (${name})`,
    'node_modules/mocha/bin/mocha.js',
    ['--import=tsx', '--reporter', 'spec', glob],
    (stdout) => {
      const failing = mochaCount(stdout, 'failing');
      return failing === undefined ? '' : `${failing} failing, ${mochaCount(stdout, 'passing') ?? 0} passing`;
    },
    env,
  );
  const passed = mochaCount(out, 'passing');
  if (passed === undefined) fail(`mocha (${name})`, 'no "N passing" line: did any test file match?');
  return passed;
}

/** Debian's chromium ships SwiftShader's Vulkan ICD; the `webgpu` package (Dawn) finds the software GPU through it. */
const gpuEnv = { ...process.env, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json' };

for (const project of ['tsconfig.json', 'webview/tsconfig.json', 'test/gpu/tsconfig.json'])
  await stage(`tsc --noEmit -p ${project}`, 'node_modules/typescript/bin/tsc', ['--noEmit', '-p', project]);
await stage('eslint .', 'node_modules/eslint/bin/eslint.js', ['.']);
await stage('node esbuild.mjs', 'esbuild.mjs', []);
counts.unit = await mochaStage('test/unit', 'test/unit/**/*.test.ts');
await smoke();
counts.gpu = await mochaStage('test/gpu, WebGPU on SwiftShader', 'test/gpu/**/*.test.ts', gpuEnv);
counts.webview = await mochaStage('test/webview, headless Chromium', 'test/webview/**/*.test.ts', gpuEnv);

// ── Real VS Code: what ships (the .vsix) is what is tested, in the suite and in the UI scenarios (test/vscode, test/e2e).
let vscodeNote = '';
if (process.env.TIMESTEP_LENS_SKIP_VSCODE === '1' && !process.env.CI) {
  vscodeNote = '; real VS Code stages SKIPPED (TIMESTEP_LENS_SKIP_VSCODE=1)';
} else {
  const vsix = 'timestep-lens.vsix';
  /** The `<label>: N passed, N failed` line a VS Code runner prints last. */
  const passedCount = (stdout, label) => {
    const match = new RegExp(`${label}: (\\d+) passed, (\\d+) failed`).exec(stdout);
    return match && match[2] === '0' ? Number(match[1]) : undefined;
  };
  const timed = async (name, run) => {
    const t0 = Date.now();
    const out = await run();
    console.log(`(${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return out;
  };
  await timed('setup', async () => {
    console.log('\n── bash test/vscode/setup.sh (code-server 4.139.1 + Node 24; returns at once when installed)');
    const code = await new Promise((ok) => spawn('bash', [resolve(root, 'test/vscode/setup.sh')], { cwd: root, stdio: 'inherit' }).on('close', (c) => ok(c ?? 1)));
    if (code !== 0) fail('bash test/vscode/setup.sh', `exit code ${code}`);
  });
  await timed('package', () => stage('npm run package (production build, vsce, contents check)', 'scripts/package.mjs', ['--out', vsix]));
  const suiteOut = await timed('suite', () => stage('extension-host suite in code-server, on the installed .vsix', 'test/vscode/runSuite.mjs', ['--vsix', vsix]));
  counts.vscode = passedCount(suiteOut, 'code-server') ?? fail('extension-host suite', 'no "code-server: N passed, 0 failed" line');
  const e2eOut = await timed('e2e', () => stage('e2e UI scenarios in code-server, on the installed .vsix', 'test/e2e/run.mjs', ['--vsix', vsix]));
  counts.e2e = passedCount(e2eOut, 'e2e') ?? fail('e2e UI scenarios', 'no "e2e: N passed, 0 failed" line');
  // The `browser` entry in VS Code's web worker extension host, as VS Code for the Web runs it (test/e2e/web.mjs).
  const webOut = await timed('e2e-web', () => stage('browser entry in the web worker extension host (code-server)', 'test/e2e/web.mjs', []));
  counts.web = passedCount(webOut, 'e2e-web') ?? fail('web worker extension host', 'no "e2e-web: N passed, 0 failed" line');
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
const parts = Object.entries(counts).map(([name, n]) => `${name} ${n}`).join(', ');
console.log(`\nnpm test: ${total} tests passed (${parts}); tsc, eslint and build clean${vscodeNote}, in ${seconds} s`);
