/**
 * Generated code, executed (STYLE.md "Tests": a snippet that was never executed is not done). For every preset ×
 * framework, the `function` form is generated for several requests, run by a Python interpreter and compared value by
 * value with `embed()`. PyTorch and NumPy are the real packages of /usr/bin/python3 (Debian's python3-torch and
 * python3-numpy); jax/Flax, TensorFlow/Keras and MLX cannot be installed there, so their snippets run against the
 * numpy-backed stand-ins in test/python/standins (float32 semantics, loud on anything unknown; see their docstrings
 * for what they do not check, and test/python/check_standins.py for what they are held to). The `module` and
 * `module+mlp` forms are instantiated and run in every framework (their embedding compared with the core, the PyTorch
 * state_dict keys checked against the generated comment), the PyTorch `injection` blocks run on a random feature map,
 * and every snippet of every form must pass `black --check` and `pyflakes3`.
 *
 * One Python process per framework runs all of that framework's cases (test/python/run_snippets.py); the processes,
 * black and pyflakes run side by side: ~10 s warm, ~30 s when black's cache is cold (CI). Missing tools fail in CI and
 * skip elsewhere, saying which Debian package to install.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CODE_FORMS,
  FRAMEWORKS,
  PRESETS,
  embed,
  generateCode,
  planEmbedding,
  resolveRequest,
  rowMaxAbsArgument,
  toBfloat16,
  validate,
  widthParamName,
  type Activation,
  type CodeForm,
  type CodegenOptions,
  type EmbedRequest,
  type Framework,
  type InjectionStyle,
  type Params,
  type PresetId,
  type TimestepDtype,
} from '../../src/core/index';

/** The system interpreter: Debian's python3-torch and python3-numpy live there, not in a pyenv/venv `python3`. */
const PYTHON = '/usr/bin/python3';
const PYTHON_DIR = resolve(__dirname, '..', 'python');
const STANDINS = join(PYTHON_DIR, 'standins');
const RUNNER = join(PYTHON_DIR, 'run_snippets.py');
const CHECK_STANDINS = join(PYTHON_DIR, 'check_standins.py');
/** Frameworks whose real package the test machine has; the others run against test/python/standins. */
const REAL: ReadonlySet<Framework> = new Set<Framework>(['pytorch', 'numpy']);
/** What to install when a tool is missing (Debian package names, as .ci/run installs them). */
const DEBIAN_PACKAGE: Readonly<Record<string, string>> = {
  python3: 'python3',
  numpy: 'python3-numpy',
  torch: 'python3-torch',
  black: 'black',
  pyflakes3: 'pyflakes3',
};
const INJECTIONS: readonly InjectionStyle[] = ['add', 'adagn', 'film', 'adaln-zero'];
/** MLP activations besides SiLU (the default of most presets). */
const OTHER_ACTIVATIONS: readonly Activation[] = ['gelu', 'mish', 'relu'];
/**
 * Width of the requests the MLP and injection forms run with. Their defaults scale with the width (hidden = 4 × width,
 * a DiT block of 12·hidden² weights), and at the presets' default widths torch spends most of a minute initialising
 * weights; the code paths are the same at width 32, and the default-width snippets are still generated and linted.
 */
const CLASS_FORM_WIDTH = 32;
/** FLUX's MLP is 3072 wide whatever the width (MLPEmbedder(256, 3072)); its DiT block would be 113 M weights. */
const CLASS_FORM_HIDDEN: Partial<Record<PresetId, number>> = { flux: 256 };

// ── The requests ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Discrete timesteps, a fractional one included (respaced and continuous samplers feed those). */
const DISCRETE = [0, 1, 17.5, 500, 999, 5000];
/** Table rows and positions are integers. */
const INTEGER = [0, 1, 17, 500, 999, 5000];
/** FLUX feeds t in [0, 1]; 0.75 is where bfloat16's time_factor product rounds (0.75·1000 → 752). */
const UNIT = [0, 0.25, 0.5, 0.75, 1];
/** σ-like inputs of the Fourier / EDM / k-diffusion conventions (EDM's σ_min 0.002 to σ_max 80). */
const SIGMA = [0.002, 0.1, 1, 14.6, 80];
/** SDXL micro-conditioning rows: original size, crop top-left, target size. */
const SDXL_ROWS = [
  [1024, 1024, 0, 0, 1024, 1024],
  [768, 512, 64, 32, 1024, 1024],
];

/** One request to generate and run. */
interface Variant {
  /** Short and unique within the preset; becomes part of the test title. */
  readonly label: string;
  readonly params?: Params;
  readonly timesteps?: EmbedRequest['timesteps'];
  /** The timesteps' dtype: torch receives a tensor of it; the other snippets take float32 and convert it themselves. */
  readonly dtype?: TimestepDtype;
}

/** Timesteps each preset is fed unless a variant says otherwise. */
const TIMESTEPS: Readonly<Record<PresetId, EmbedRequest['timesteps']>> = {
  diffusers: DISCRETE,
  'diffusers-flax': DISCRETE,
  adm: DISCRETE,
  flux: UNIT,
  'ddpm-tf': DISCRETE,
  'score-sde': DISCRETE,
  fairseq: INTEGER,
  lucidrains: DISCRETE,
  'lucidrains-random': DISCRETE,
  tensor2tensor: INTEGER,
  transformer: INTEGER,
  'gaussian-fourier': SIGMA,
  'edm-positional': SIGMA,
  'edm-fourier': SIGMA,
  'k-diffusion': SIGMA,
  'sgm-concat': SDXL_ROWS,
};

/**
 * Per preset: the defaults, an odd width where the preset allows one, every boolean flipped, the shift/endpoint/swap
 * variants real models use, and the half dtypes FLUX and ADM see in bf16/fp16 pipelines (and GaussianFourierProjection,
 * whose ln runs in t's dtype). The first variant is always the defaults (the module form and the function-form lint use it).
 */
const VARIANTS: Readonly<Record<PresetId, readonly Variant[]>> = {
  diffusers: [
    { label: 'defaults' },
    { label: 'embedding_dim=321 (odd: zero column after the flip)', params: { embedding_dim: 321, flip_sin_to_cos: true } },
    { label: 'SD/SDXL (flip_sin_to_cos, shift 0)', params: { flip_sin_to_cos: true, downscale_freq_shift: 0 } },
    { label: 'scale=1000, max_period=100', params: { scale: 1000, max_period: 100 } },
    { label: 'embedding_dim=2 (0/0: NaN, as upstream)', params: { embedding_dim: 2 } },
  ],
  'diffusers-flax': [
    { label: 'defaults' },
    { label: 'UNet config (flip_sin_to_cos, freq_shift 0)', params: { flip_sin_to_cos: true, freq_shift: 0 } },
    { label: 'scale=2, timescales 2..1000', params: { scale: 2, min_timescale: 2, max_timescale: 1000 } },
  ],
  adm: [
    { label: 'defaults' },
    { label: 'dim=321 (odd)', params: { dim: 321 } },
    { label: 'max_period=1000', params: { max_period: 1000 } },
    { label: 'repeat_only', params: { repeat_only: true } },
    { label: 'float16 timesteps', dtype: 'float16' },
    { label: 'bfloat16 timesteps', dtype: 'bfloat16' },
  ],
  flux: [
    { label: 'defaults' },
    { label: 'dim=257 (odd)', params: { dim: 257 } },
    { label: 'bfloat16 timesteps', dtype: 'bfloat16' },
    { label: 'float16 timesteps', dtype: 'float16' },
  ],
  'ddpm-tf': [{ label: 'defaults' }, { label: 'embedding_dim=129 (odd)', params: { embedding_dim: 129 } }],
  'score-sde': [
    { label: 'defaults' },
    { label: 'embedding_dim=129 (odd), max_positions=1000', params: { embedding_dim: 129, max_positions: 1000 } },
  ],
  fairseq: [
    { label: 'defaults' },
    { label: 'embedding_dim=513 (odd)', params: { embedding_dim: 513 } },
    { label: 'padding_idx=1 (row zeroed)', params: { padding_idx: 1 } },
  ],
  lucidrains: [
    { label: 'defaults' },
    { label: 'dim=65 (odd: 64 columns)', params: { dim: 65 } },
    { label: 'theta=1000', params: { theta: 1000 } },
  ],
  'lucidrains-random': [
    { label: 'defaults' },
    { label: 'is_random', params: { is_random: true } },
    { label: 'weights from a checkpoint', params: { dim: 4, weights: [0.5, -1.25] } },
  ],
  tensor2tensor: [
    { label: 'defaults' },
    { label: 'channels=513 (odd), start_index=3', params: { channels: 513, start_index: 3 } },
    { label: 'channels=3 (max(h-1, 1) guard)', params: { channels: 3 } },
  ],
  transformer: [
    { label: 'defaults (max_seq_length above the largest position)', params: { max_seq_length: 5001 } },
    { label: 'embed_dim=64', params: { embed_dim: 64, max_seq_length: 5001 } },
  ],
  'gaussian-fourier': [
    { label: 'defaults' },
    { label: 'embedding_size=127 (odd count), scale=16', params: { embedding_size: 127, scale: 16 } },
    { label: 'log=False, flip_sin_to_cos', params: { log: false, flip_sin_to_cos: true } },
    { label: 'bfloat16 timesteps (ln in bfloat16)', dtype: 'bfloat16' },
  ],
  'edm-positional': [
    { label: 'defaults' },
    { label: 'num_channels=129 (odd: 128 columns)', params: { num_channels: 129 } },
    { label: 'SongUNet (endpoint, swap_halves)', params: { endpoint: true, swap_halves: true } },
    { label: 'endpoint only', params: { endpoint: true } },
  ],
  'edm-fourier': [
    { label: 'defaults' },
    { label: 'num_channels=129 (odd: 128 columns)', params: { num_channels: 129 } },
    { label: 'swap_halves', params: { swap_halves: true } },
  ],
  'k-diffusion': [
    { label: 'defaults' },
    { label: 'std=16, out_features=64', params: { std: 16, out_features: 64 } },
    {
      label: 'in_features=2 (rows of two inputs)',
      params: { in_features: 2, out_features: 8 },
      timesteps: SIGMA.map((s, k) => [s, k - 2]),
    },
  ],
  'sgm-concat': [{ label: 'defaults' }, { label: 'outdim=257 (odd)', params: { outdim: 257 } }],
};

/** The defaults with the width lowered to CLASS_FORM_WIDTH (never raised), for the MLP and injection forms. */
function narrowRequest(presetId: PresetId): EmbedRequest {
  const preset = PRESETS.find((p) => p.id === presetId)!;
  const variant = VARIANTS[presetId][0]!;
  const width = widthParamName(preset);
  const current = (variant.params?.[width] as number | undefined) ?? (preset.params.find((p) => p.name === width)!.default as number);
  return requestFor(presetId, { ...variant, params: { ...variant.params, [width]: Math.min(current, CLASS_FORM_WIDTH) } });
}

function requestFor(presetId: PresetId, variant: Variant): EmbedRequest {
  return {
    preset: presetId,
    timesteps: variant.timesteps ?? TIMESTEPS[presetId],
    ...(variant.params ? { params: variant.params } : {}),
    ...(variant.dtype ? { dtype: variant.dtype } : {}),
  };
}

// ── Running Python ───────────────────────────────────────────────────────────────────────────────────────────────────

/** What a tool run gave: its output, or the package that is missing. */
interface ToolRun {
  readonly missing?: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a program to completion. ENOENT (the program is not installed) becomes `missing`, never a thrown error. */
function runTool(file: string, args: readonly string[], env: NodeJS.ProcessEnv, missingName: string): Promise<ToolRun> {
  return new Promise((done) => {
    execFile(file, [...args], { env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        done({ missing: missingName, code: -1, stdout: '', stderr: '' });
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Environment of the Python processes: no bytecode written into the tree, one thread each (they run side by side). */
function pythonEnv(framework: Framework | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' };
  delete env['PYTHONPATH'];
  delete env['PYTHONHOME'];
  if (framework && !REAL.has(framework)) env['PYTHONPATH'] = STANDINS;
  return env;
}

/** One snippet execution, as the runner reports it. */
interface RunResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly shape?: number[];
  readonly dtype?: string;
  readonly data?: string;
  readonly finite?: boolean;
  /** Class forms: checkpoint key → shape, in the framework's own naming. */
  readonly stateKeys?: Record<string, number[]>;
  /** module+mlp: the embedding class's own output. */
  readonly sinusoid?: { shape: number[]; dtype: string; data: string; finite: boolean };
}

/** Results of one framework's process, or why there are none. */
interface FrameworkRun {
  readonly missing?: string;
  readonly failure?: string;
  readonly results: Readonly<Record<string, RunResult>>;
}

/** A case handed to the runner. */
interface ManifestCase {
  readonly id: string;
  readonly file: string;
  readonly form: CodeForm;
  readonly timesteps: EmbedRequest['timesteps'];
  /** The request's dtype: torch gets a tensor of it, the other frameworks float32 (the snippets convert it). */
  readonly dtype: TimestepDtype;
  readonly className: string;
}

async function runFramework(dir: string, framework: Framework, cases: readonly ManifestCase[]): Promise<FrameworkRun> {
  const manifest = join(dir, `${framework}.manifest.json`);
  const output = join(dir, `${framework}.results.json`);
  writeFileSync(manifest, JSON.stringify({ framework, cases }));
  const run = await runTool(PYTHON, [RUNNER, manifest, output], pythonEnv(framework), 'python3');
  if (run.missing) return { missing: run.missing, results: {} };
  if (run.code !== 0) return { failure: `${RUNNER} exited with ${run.code}:\n${run.stderr}`, results: {} };
  const parsed = JSON.parse(readFileSync(output, 'utf8')) as { missing: string | null; results: Record<string, RunResult> };
  return parsed.missing ? { missing: parsed.missing, results: {} } : { results: parsed.results };
}

/** Skip with the reason outside CI; fail in CI (STYLE.md: never skip silently in CI). */
function requireTool(context: Mocha.Context, missing: string | undefined, what: string): void {
  if (!missing) return;
  const pkg = DEBIAN_PACKAGE[missing] ?? missing;
  const message = ['black', 'pyflakes3', 'python3'].includes(missing)
    ? `${what} needs ${missing}, which is not installed (Debian package ${pkg})`
    : `${what} needs ${PYTHON} to import ${missing}, which it cannot (Debian package ${pkg})`;
  if (process.env['CI'] === 'true') throw new Error(`${message}: CI must install it (.ci/run)`);
  console.warn(`      skipped: ${message}`);
  context.skip();
}

// ── Comparing ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Little-endian float32 bytes, base64-encoded, as the runner writes them. */
function decode(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let k = 0; k < out.length; k++) out[k] = view.getFloat32(4 * k, true);
  return out;
}

/** One ulp of a float16 / bfloat16 value of magnitude |v| (0 for float32). */
function reducedUlp(v: number, dtype: TimestepDtype): number {
  if (dtype === 'float32') return 0;
  const exponent = v === 0 ? -Infinity : Math.floor(Math.log2(Math.abs(v)));
  return dtype === 'bfloat16' ? 2 ** (Math.max(exponent, -126) - 7) : 2 ** (Math.max(exponent, -14) - 10);
}

/** The dtype name the runner reports for a core dtype (torch, numpy and the stand-ins spell them alike). */
const DTYPE_NAME: Readonly<Record<TimestepDtype, string>> = { float32: 'float32', float16: 'float16', bfloat16: 'bfloat16' };

/**
 * The generated code's output against embed(request), value by value. NaN must meet NaN; otherwise
 * |expected − actual| ≤ 4·|a|·2⁻²⁴ + 2⁻²³, |a| the largest argument of the value's computed row: the snippets compute
 * in float32 with the framework's exp/sin/cos (~1 ulp, not correctly rounded), and an ulp of a frequency becomes an
 * error of about |a|·2⁻²⁴ in the argument. FLUX casts its result to t's dtype, where one float32 ulp can flip one
 * float16/bfloat16 ulp, so that ulp is added there (as test/unit/fixtures.test.ts does).
 */
function assertMatchesCore(title: string, framework: Framework, request: EmbedRequest, result: RunResult): void {
  if (!result.ok) assert.fail(`${title}: the snippet raised\n${result.error}`);
  const expected = embed(request);
  const plan = planEmbedding(resolveRequest(request));
  const rowMax = rowMaxAbsArgument(plan);
  assert.deepEqual(result.shape, [...expected.shape], `${title}: shape`);
  const actual = decode(result.data!);
  if (framework === 'numpy' && plan.outputDtype === 'bfloat16') {
    // NumPy has no bfloat16: the snippet keeps bfloat16 values in float32 (its docstring says so); check they are.
    assert.equal(result.dtype, 'float32', `${title}: output dtype`);
    const k = actual.findIndex((v) => !Number.isNaN(v) && toBfloat16(v) !== v);
    assert.equal(k, -1, `${title}: value ${actual[k]} at index ${k} is not a bfloat16 value`);
  } else assert.equal(result.dtype, DTYPE_NAME[plan.outputDtype], `${title}: output dtype`);
  assert.equal(actual.length, expected.data.length, `${title}: number of values`);
  const columns = expected.shape[1];
  let maxError = 0;
  let failures = 0;
  let worst: { k: number; ratio: number; error: number; tol: number } | undefined;
  for (let k = 0; k < expected.data.length; k++) {
    const e = expected.data[k]!;
    const a = actual[k]!;
    // Computed rows can be narrower than output rows (sgm-concat regroups b·d rows of outdim into b rows).
    const tol = 4 * rowMax[Math.floor(k / plan.rowWidth)]! * 2 ** -24 + 2 ** -23 + reducedUlp(e, plan.outputDtype);
    let error: number;
    let ratio: number;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      error = Number.isNaN(e) && Number.isNaN(a) ? 0 : Infinity;
      ratio = error;
    } else {
      error = Math.abs(e - a);
      ratio = error / tol;
    }
    if (Number.isFinite(error)) maxError = Math.max(maxError, error);
    if (ratio > 1) {
      failures++;
      if (!worst || ratio > worst.ratio) worst = { k, ratio, error, tol };
    }
  }
  if (worst) {
    assert.fail(
      `${title}: ${failures} of ${expected.data.length} values out of tolerance; max abs error ` +
        `${maxError.toExponential(3)} (finite values); worst at (row ${Math.floor(worst.k / columns)}, column ` +
        `${worst.k % columns}): expected ${expected.data[worst.k]}, actual ${actual[worst.k]}, error ${worst.error}, ` +
        `tolerance ${worst.tol.toExponential(3)}`,
    );
  }
}

// ── The suite ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** A generated snippet: where it was written and its text, or why generateCode refused it. */
interface Snippet {
  readonly file?: string;
  readonly source?: string;
  readonly error?: string;
}

/** One snippet run by one framework's process. */
interface ExecCase {
  readonly id: string;
  readonly title: string;
  readonly framework: Framework;
  readonly form: CodeForm;
  readonly injection?: InjectionStyle;
  readonly request: EmbedRequest;
  readonly snippet: Snippet;
}

/** The main class of the class forms, named through the generator's `name` option so the runner can find it. */
const MAIN_CLASS = 'GeneratedMain';

/** `adm / jax / module+mlp` → `adm_jax_module_mlp`: a file-name-safe id. */
const slug = (...parts: string[]): string => parts.join('_').replace(/\W+/g, '_');

/** Write generateCode's output to `file`, or record why it threw. */
function writeSnippet(file: string, request: EmbedRequest, framework: Framework, options: CodegenOptions): Snippet {
  let source: string;
  try {
    source = generateCode(request, framework, options);
  } catch (error) {
    return { error: `generateCode threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` };
  }
  writeFileSync(file, source);
  return { file, source };
}

/**
 * Where the lint snippets live: a fixed folder, each file named by its content's hash and never rewritten, so black's
 * own cache (keyed by path, mtime and size) skips every snippet it already passed. A cold run (CI, or codegen changed
 * everywhere) checks ~50k lines in ~35 s on 2 cores; a warm one takes about 2 s.
 */
const LINT_DIR = join(tmpdir(), 'timestep-lens-codegen-lint');

/** Write one lint snippet under LINT_DIR (unless that exact text is already there). */
function lintSnippet(name: string, request: EmbedRequest, framework: Framework, options: CodegenOptions): Snippet {
  let source: string;
  try {
    source = generateCode(request, framework, options);
  } catch (error) {
    return { error: `generateCode threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` };
  }
  mkdirSync(LINT_DIR, { recursive: true });
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = join(LINT_DIR, `${slug(name)}_${hash}.py`);
  if (!existsSync(file)) {
    // Write then rename, so a run beside this one (same machine, same folder) never reads a half-written file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, source);
    renameSync(partial, file);
  }
  return { file, source };
}

/**
 * Remove lint snippets this run did not produce (older generator output), so the folder does not grow. Only files a
 * day old go: a run beside this one, on another version of the generator, may still be using younger ones.
 */
function pruneLintDir(keep: ReadonlySet<string>): void {
  if (!existsSync(LINT_DIR)) return;
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const entry of readdirSync(LINT_DIR)) {
    const file = join(LINT_DIR, entry);
    if (!entry.endsWith('.py') || keep.has(file)) continue;
    try {
      if (statSync(file).mtimeMs < dayAgo) rmSync(file, { force: true });
    } catch {
      // Another run removed it first.
    }
  }
}

/** `key [d0, d1]` lines of the generated docstrings (the checkpoint keys they list), as key → dims. */
function listedKeys(source: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const m of source.matchAll(/^\s+([\w.]+) \[([\w, ]*)\]\s*$/gm))
    keys.set(m[1]!, m[2]!.split(',').map((d) => d.trim()).filter((d) => d !== ''));
  return keys;
}

/** A listed shape matches when it has as many dims and every numeric one is equal (`max_seq_length` matches any). */
function shapeMatches(listed: readonly string[] | undefined, actual: readonly number[]): boolean {
  return listed !== undefined && listed.length === actual.length && listed.every((d, k) => !/^\d+$/.test(d) || Number(d) === actual[k]);
}

/** The class forms' extra checks: the embedding part against the core, and the checkpoint keys. */
function assertClassForm(c: ExecCase, result: RunResult): void {
  const where = `${c.title} (${c.snippet.file})`;
  if (!result.ok) assert.fail(`${where}: raised\n${result.error}`);
  if (c.form === 'module') assertMatchesCore(where, c.framework, c.request, result);
  else {
    assert.ok(result.finite, `${where}: the output has non-finite values`);
    assert.equal(result.shape?.[0], resolveRequest(c.request).rows.length, `${where}: output rows`);
  }
  if (c.form === 'module+mlp') {
    assert.ok(result.sinusoid, `${where}: the embedding class was not run`);
    assertMatchesCore(`${where}, its embedding class`, c.framework, c.request, { ok: true, ...result.sinusoid });
  }
  const keys = Object.entries(result.stateKeys ?? {});
  if (c.form === 'module+mlp' && c.framework !== 'numpy') assert.ok(keys.length > 0, `${where}: no parameters at all`);
  if (c.framework === 'pytorch' && c.form !== 'injection') {
    // Every state_dict key is listed in the generated docstring, with its shape: that list is how a person maps a
    // checkpoint onto the module, so a key missing there (or listed with the wrong shape) is a bug.
    const listed = listedKeys(c.snippet.source ?? '');
    const wrong = keys
      .filter(([key, shape]) => !shapeMatches(listed.get(key), shape))
      .map(([key, shape]) => `${key} [${shape.join(', ')}] (listed: ${listed.has(key) ? `[${listed.get(key)!.join(', ')}]` : 'no'})`);
    assert.deepEqual(wrong, [], `${where}: state_dict keys not listed in the generated comment with their shapes`);
  }
}

describe('generated code, executed and compared with the core', function () {
  // Hooks wait for the interpreters, black and pyflakes: ~30 s on 2 cores with black's cache cold, so allow 4×.
  this.timeout(120_000);

  const dir = mkdtempSync(join(tmpdir(), 'tsl-codegen-exec-'));
  const execDir = join(dir, 'exec');
  mkdirSync(execDir);

  const cases: ExecCase[] = [];
  for (const preset of PRESETS) {
    // Function form: every variant in every framework.
    VARIANTS[preset.id].forEach((variant, v) => {
      const request = requestFor(preset.id, variant);
      for (const framework of FRAMEWORKS) {
        const id = slug(preset.id, String(v), framework);
        const snippet = writeSnippet(join(execDir, `${id}.py`), request, framework, { form: 'function' });
        cases.push({ id, title: `${preset.id} / ${framework} / ${variant.label}`, framework, form: 'function', request, snippet });
      }
    });
    // Class forms: module (defaults) and module+mlp everywhere, the injection blocks in PyTorch (both narrowed).
    const classForms: { framework: Framework; form: CodeForm; injection?: InjectionStyle; activation?: Activation }[] = [
      ...FRAMEWORKS.flatMap((framework) => [
        { framework, form: 'module' as const },
        { framework, form: 'module+mlp' as const },
        // Every activation of the MLP once (ADM's default is SiLU, which every other preset also covers).
        ...(preset.id === 'adm' ? OTHER_ACTIVATIONS.map((activation) => ({ framework, form: 'module+mlp' as const, activation })) : []),
      ]),
      ...INJECTIONS.map((injection) => ({ framework: 'pytorch' as const, form: 'injection' as const, injection })),
    ];
    for (const { framework, form, injection, activation } of classForms) {
      const id = slug(preset.id, framework, form, injection ?? activation ?? '');
      const hidden = form === 'module' ? undefined : CLASS_FORM_HIDDEN[preset.id];
      const options: CodegenOptions = {
        form,
        name: MAIN_CLASS,
        ...(injection ? { injection } : {}),
        ...(activation ? { activation } : {}),
        ...(hidden ? { hiddenDim: hidden } : {}),
      };
      const request = form === 'module' ? requestFor(preset.id, VARIANTS[preset.id][0]!) : narrowRequest(preset.id);
      const snippet = writeSnippet(join(execDir, `${id}.py`), request, framework, options);
      const width =
        form === 'module'
          ? ''
          : `, ${widthParamName(preset)}=${resolveRequest(request).params[widthParamName(preset)]}${hidden ? `, hiddenDim=${hidden}` : ''}`;
      const title = `${preset.id} / ${framework} / ${form}${injection || activation ? ` (${injection ?? activation})` : ''}${width}`;
      cases.push({ id, title, framework, form, ...(injection ? { injection } : {}), request, snippet });
    }
  }

  // Lint: every preset × framework × form (and injection style) with the default names: the function form at the
  // default width, the class forms narrowed as above (they embed the function, so its default width is covered).
  const lint = new Map<string, Snippet>();
  for (const preset of PRESETS)
    for (const framework of FRAMEWORKS)
      for (const form of CODE_FORMS)
        for (const injection of form === 'injection' ? INJECTIONS : [undefined]) {
          const name = `${preset.id} / ${framework} / ${form}${injection ? ` (${injection})` : ''}`;
          const request = form === 'function' ? requestFor(preset.id, VARIANTS[preset.id][0]!) : narrowRequest(preset.id);
          lint.set(name, lintSnippet(name, request, framework, { form, ...(injection ? { injection } : {}) }));
        }
  for (const framework of FRAMEWORKS)
    for (const activation of OTHER_ACTIVATIONS) {
      const name = `adm / ${framework} / module+mlp (${activation})`;
      lint.set(name, lintSnippet(name, narrowRequest('adm'), framework, { form: 'module+mlp', activation }));
    }
  const lintFiles = [...lint.values()].flatMap((snippet) => (snippet.file ? [snippet.file] : []));
  pruneLintDir(new Set(lintFiles));

  /** The interpreters, black and pyflakes, all started by the first hook that needs any of them (a --grep run that
   * selects none of their tests starts nothing). */
  let started: { runs: Promise<Record<Framework, FrameworkRun>>; black: Promise<ToolRun>; pyflakes: Promise<ToolRun> } | undefined;
  const start = (): NonNullable<typeof started> => {
    if (started) return started;
    const runs = (async () => {
      const entries = await Promise.all(
        FRAMEWORKS.map(async (framework) => {
          const manifest: ManifestCase[] = cases
            .filter((c) => c.framework === framework && c.snippet.file)
            .map((c) => ({
              id: c.id,
              file: c.snippet.file!,
              form: c.form,
              timesteps: c.request.timesteps,
              dtype: c.request.dtype ?? 'float32',
              className: MAIN_CLASS,
            }));
          return [framework, await runFramework(dir, framework, manifest)] as const;
        }),
      );
      return Object.fromEntries(entries) as Record<Framework, FrameworkRun>;
    })();
    const lintEnv = pythonEnv(undefined);
    started = {
      runs,
      black: runTool('black', ['--check', ...lintFiles], lintEnv, 'black'),
      pyflakes: runTool('pyflakes3', lintFiles, lintEnv, 'pyflakes3'),
    };
    return started;
  };
  let anyFailed = false;

  afterEach(function () {
    if (this.currentTest?.state === 'failed') anyFailed = true;
  });

  after(async function () {
    if (started) await Promise.allSettled([started.runs, started.black, started.pyflakes]);
    // Keep the snippets when something failed, so the failing file can be run by hand.
    if (anyFailed) console.warn(`      generated snippets kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it('every preset has valid variants, and every boolean parameter is flipped in one', function () {
    for (const preset of PRESETS) {
      const variants = VARIANTS[preset.id];
      assert.ok(variants.length > 0, `${preset.id} has no variants`);
      for (const variant of variants)
        assert.deepEqual(validate(requestFor(preset.id, variant)), [], `${preset.id} / ${variant.label} is not a valid request`);
      for (const spec of preset.params.filter((s) => s.kind === 'bool'))
        assert.ok(
          variants.some((v) => v.params?.[spec.name] !== undefined && v.params[spec.name] !== spec.default),
          `${preset.id}: no variant flips ${spec.name}`,
        );
    }
  });

  it('the stand-ins model what they claim (float32 scalars, default dtypes, bfloat16, loud on unknown names)', async function () {
    const result = await runTool(PYTHON, [CHECK_STANDINS], pythonEnv('jax'), 'python3');
    requireTool(this, result.missing ?? (/No module named 'numpy'/.test(result.stderr) ? 'numpy' : undefined), 'checking the stand-ins');
    assert.equal(result.code, 0, `${CHECK_STANDINS}:\n${result.stderr}`);
    assert.equal(result.stdout.trim(), 'ok');
  });

  for (const framework of FRAMEWORKS) {
    const how = REAL.has(framework) ? `real ${framework === 'pytorch' ? 'torch' : 'numpy'}` : 'numpy-backed stand-in';
    describe(`${framework} (${how})`, function () {
      let run: FrameworkRun;
      before(async function () {
        run = (await start().runs)[framework];
        requireTool(this, run.missing, `running the ${framework} snippets`);
        if (run.failure) throw new Error(run.failure);
      });
      for (const c of cases.filter((fc) => fc.framework === framework)) {
        it(c.title, function () {
          if (c.snippet.error) assert.fail(`${c.title}: ${c.snippet.error}`);
          const result = run.results[c.id];
          assert.ok(result, `${c.title}: the runner returned nothing for ${c.id}`);
          if (c.form === 'function') assertMatchesCore(`${c.title} (${c.snippet.file})`, framework, c.request, result);
          else assertClassForm(c, result);
        });
      }
    });
  }

  describe('formatting and lint (every preset × framework × form)', function () {
    it('generateCode produced every snippet', function () {
      const refused = [...lint].filter(([, s]) => s.error).map(([name, s]) => `${name}: ${s.error}`);
      assert.deepEqual(refused, []);
    });

    it('black --check passes', async function () {
      const result = await start().black;
      requireTool(this, result.missing, 'the formatting check');
      if (result.code === 0) return;
      // `--check` uses black's cache (see LINT_DIR); `--diff` does not, so it runs on the failing files only.
      const failing = [...result.stderr.matchAll(/^would reformat (.+)$/gm)].map((m) => m[1]!.trim());
      const diff = await runTool('black', ['--diff', '--no-color', '--quiet', ...failing.slice(0, 3)], pythonEnv(undefined), 'black');
      const byFile = new Map([...lint].map(([name, snippet]) => [snippet.file, name]));
      assert.fail(
        `black --check would reformat ${failing.length} of ${lintFiles.length} snippets:\n  ` +
          `${failing.map((f) => byFile.get(f) ?? f).join('\n  ')}\n\nfirst diffs:\n${diff.stdout.split('\n').slice(0, 90).join('\n')}` +
          (failing.length === 0 ? `\n${result.stderr}` : ''),
      );
    });

    it('pyflakes3 reports nothing', async function () {
      const result = await start().pyflakes;
      requireTool(this, result.missing, 'the lint check');
      const byFile = new Map([...lint].map(([name, snippet]) => [snippet.file!, name]));
      // pyflakes prints `path:line:col: message`; name the snippet instead of the hashed file.
      const report = `${result.stdout}${result.stderr}`.replace(/^(\S+?\.py)(?=:)/gm, (f) => `${byFile.get(f) ?? f} (${f})`);
      assert.equal(result.code, 0, `pyflakes3 on ${lintFiles.length} snippets:\n${report}`);
    });
  });
});
