/**
 * test/fixtures/reference.json must be exactly what scripts/generate_fixtures.py writes: this runs the generator with
 * --check. It needs Debian's /usr/bin/python3 with torch and numpy; without them it is skipped locally and fails on CI.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';
const ROOT = join(__dirname, '..', '..');

/** Why the generator cannot run here, or undefined when it can. */
function missingTorch(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot be run (${probe.error.message})`;
  if (probe.status !== 0) {
    const last = probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`;
    return `${PYTHON} has no torch/numpy (${last})`;
  }
  return undefined;
}

describe('PyTorch fixtures are fresh', function () {
  this.timeout(120_000);

  it('scripts/generate_fixtures.py --check reproduces test/fixtures/reference.json', function () {
    const why = missingTorch();
    if (why) {
      if (process.env.CI === 'true') assert.fail(`${why}; CI must be able to regenerate the fixtures`);
      this.test!.title += ` (skipped: ${why})`;
      this.skip();
    }
    const run = spawnSync(PYTHON, ['scripts/generate_fixtures.py', '--check'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, `generate_fixtures.py --check failed:\n${run.stderr}${run.stdout}`);
  });
});
