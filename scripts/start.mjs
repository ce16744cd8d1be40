/**
 * `npm start`: builds the extension, then opens it in a VS Code.
 *   - `code` on PATH: VS Code desktop with this folder as the extension under development
 *     (`code --extensionDevelopmentPath=<repo> <repo>`); it returns once the window is open.
 *   - otherwise: the local, offline code-server of test/vscode (installed by `bash test/vscode/setup.sh`, run here;
 *     idempotent), started on 127.0.0.1 with the extension loaded from this checkout; prints the URL to open and runs
 *     until Ctrl-C.
 *   options: --server (use code-server even when `code` exists), --folder DIR (the folder to open; default the repo)
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({ options: { server: { type: 'boolean' }, folder: { type: 'string' } } });
const folder = resolve(options.folder ?? root);

function step(what, command, args) {
  console.log(`── ${what}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm start: ${what} failed (${result.error ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}

step('node esbuild.mjs', process.execPath, [resolve(root, 'esbuild.mjs')]);

const code = options.server ? '' : spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
if (code) {
  console.log(`── ${code} --extensionDevelopmentPath=${root} ${folder}`);
  const result = spawnSync(code, [`--extensionDevelopmentPath=${root}`, folder], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

console.log('`code` is not on PATH: starting the local code-server instead.');
step('bash test/vscode/setup.sh', 'bash', [resolve(root, 'test/vscode/setup.sh')]);
// codeServer.mjs's CLI prints the loopback URL and keeps the server up until Ctrl-C (it ends the server's group then).
const server = spawn(process.execPath, [resolve(root, 'test/vscode/codeServer.mjs'), folder], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (status, signal) => process.exit(status ?? (signal ? 0 : 1)));
