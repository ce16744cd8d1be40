/**
 * Loading a checkpoint buffer for the Explorer (src/explorer/bufferFile.ts) in a real VS Code: the file is read with
 * workspace.fs from the workspace, parsed, and checked against the length the settings need. The .npy files were
 * written by numpy (test/fixtures/npy; python3 -c "import numpy as np; W = (np.sin(np.arange(32) * 1.7) * 3)
 * .astype(np.float32); np.save('weight32_f4.npy', W); np.save('weight16x2_f8.npy', W.astype(np.float64).reshape(16, 2));
 * np.save('steps_i8.npy', np.arange(32))"). The open dialog itself (pickBufferFile) needs a person and is not run here.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { readBufferFile } from '../../src/explorer/bufferFile';
import { scratchDir } from './helpers';

/** out/suite/index.js → the repository's fixtures. */
const FIXTURES = resolve(__dirname, '../../test/fixtures/npy');
const W = Array.from({ length: 32 }, (_, k) => Math.fround(Math.sin(k * 1.7) * 3));

describe('Checkpoint buffers from .npy (Explorer host)', () => {
  let dir: string;
  before(() => {
    dir = scratchDir('npy');
    for (const name of ['weight32_f4.npy', 'weight16x2_f8.npy', 'steps_i8.npy']) copyFileSync(join(FIXTURES, name), join(dir, name));
  });
  const uri = (name: string): vscode.Uri => vscode.Uri.file(join(dir, name));

  it('reads a float32 vector and a float64 matrix of the right size, in C order', async () => {
    const f4 = await readBufferFile(uri('weight32_f4.npy'), 'weight', 32);
    assert.ok('values' in f4, JSON.stringify(f4));
    assert.deepEqual(f4.values, W);
    assert.equal(f4.message, 'Loaded weight from weight32_f4.npy (<f4, shape [32]).');
    const f8 = await readBufferFile(uri('weight16x2_f8.npy'), 'weight', 32);
    assert.ok('values' in f8, JSON.stringify(f8));
    // float64 of the same float32 values: equal after rounding to float32, as the embedding uses them.
    assert.deepEqual(f8.values.map(Math.fround), W);
  });

  it('refuses a file of the wrong size, an integer array and a missing file, saying why', async () => {
    const short = await readBufferFile(uri('weight32_f4.npy'), 'weight', 48);
    assert.ok('error' in short);
    assert.match(short.error, /^weight32_f4\.npy holds 32 values \(shape \[32\]\); weight needs 48 for these settings\./);
    const ints = await readBufferFile(uri('steps_i8.npy'), 'weight', 32);
    assert.ok('error' in ints);
    assert.match(ints.error, /steps_i8\.npy: the array holds signed integer \(<i8\) values; save a float array/);
    const missing = await readBufferFile(uri('nothing-here.npy'), 'weight', 32);
    assert.ok('error' in missing);
    assert.match(missing.error, /^Could not read nothing-here\.npy/);
  });
});
