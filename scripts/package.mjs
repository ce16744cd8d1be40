/**
 * `npm run package`: the production build, then the .vsix, offline, then a check of what it ships.
 *   node scripts/package.mjs [--out FILE]      default timestep-lens.vsix in the repository root
 *
 * 1. `node esbuild.mjs --production` (minified, no sourcemaps; a one-shot build empties dist/ first).
 * 2. `vsce package --no-dependencies`: everything is bundled into dist/, so no node_modules ship, and vsce never
 *    runs npm (offline). `.vscodeignore` decides the files.
 * 3. The archive's own listing (read from the zip's central directory, the same list `unzip -l` prints) must hold only
 *    what STYLE.md allows: dist/ without sourcemaps, media/, README.md, LICENSE, CHANGELOG.md, package.json (plus the
 *    manifest files vsce adds), must contain the files package.json points at, and must be at most 2 MB.
 * Prints the listing and the size; exits non-zero on any violation.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The size goal of the issue; the Explorer's plotly bundle is most of it. */
const MAX_BYTES = 2 * 1024 * 1024;
const { values: options } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(root, options.out ?? 'timestep-lens.vsix');

function run(what, args) {
  console.log(`\n── ${what}`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm run package: ${what} failed (${result.error ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}

run('node esbuild.mjs --production', [resolve(root, 'esbuild.mjs'), '--production']);
run(`vsce package --no-dependencies -o ${relative(root, out)}`, [
  resolve(root, 'node_modules/@vscode/vsce/vsce'),
  'package',
  '--no-dependencies',
  '--out',
  out,
]);

const entries = zipEntries(readFileSync(out));
console.log(`\n── ${relative(root, out)}: ${entries.length} files`);
for (const { name, size } of entries) console.log(`${String(size).padStart(10)}  ${name}`);

/** Where each shipped file may come from (vsce puts the extension under extension/ and adds two manifest files). */
const allowed = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  // vsce stores README.md and CHANGELOG.md as readme.md and changelog.md, and LICENSE as LICENSE.txt.
  /^extension\/(readme\.md|changelog\.md|LICENSE\.txt)$/,
  /^extension\/media\/[^/]+$/,
  /^extension\/dist\/.+\.(js|json)$/,
];
const problems = [];
for (const { name } of entries) {
  if (name.endsWith('.map')) problems.push(`${name}: sourcemaps must not ship`);
  else if (!allowed.some((pattern) => pattern.test(name))) problems.push(`${name}: not in the list of shipped files (fix .vscodeignore)`);
}
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const needed = [pkg.main, pkg.browser, pkg.icon, 'LICENSE', 'CHANGELOG.md', ...pkg.contributes.snippets.map((s) => s.path), 'dist/webview/explorer.js', 'media/explorer.css'];
if (existsSync(resolve(root, 'README.md'))) needed.push('README.md');
const names = new Set(entries.map((e) => e.name));
const VSCE_NAMES = { 'README.md': 'readme.md', 'CHANGELOG.md': 'changelog.md', LICENSE: 'LICENSE.txt' };
for (const file of needed) {
  const path = file.replace(/^\.\//, '');
  const inside = `extension/${VSCE_NAMES[path] ?? path}`;
  if (!names.has(inside)) problems.push(`${inside} (${path}) is missing`);
}
const bytes = statSync(out).size;
const size = `${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes)`;
if (bytes > MAX_BYTES) problems.push(`the .vsix is ${size}, over the 2 MB goal`);
if (problems.length > 0) {
  console.error(`\nnpm run package: ${relative(root, out)} is not right:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`\n${relative(root, out)}: ${size}, ${entries.length} files, only dist/ (no maps), media/, README, LICENSE, CHANGELOG, package.json`);

/**
 * The file names and uncompressed sizes in a zip, from its central directory (what `unzip -l` lists), so the check
 * needs neither unzip nor a zip library. Supports what vsce writes: one disk, no zip64.
 */
function zipEntries(zip) {
  const EOCD = 0x06054b50;
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== EOCD) end--;
  if (end < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const list = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (!name.endsWith('/')) list.push({ name, size });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return list.sort((a, b) => a.name.localeCompare(b.name));
}
