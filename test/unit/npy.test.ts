/**
 * parseNpy against files real numpy writes (/usr/bin/python3, Debian's python3-numpy): every float dtype, both byte
 * orders, C and Fortran order, format versions 1 and 2, and the files it must refuse with a message. Under CI=true a
 * missing numpy fails the run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NpyError, parseNpy } from '../../src/core/npy';

const PYTHON = '/usr/bin/python3';

/** Writes the arrays with numpy, returns each file's bytes and the values numpy reads back (C order, as float64). */
const WRITER = `
import json, sys, numpy as np
from numpy.lib import format as npformat
out = sys.argv[1]
rng = np.random.default_rng(3)
base = rng.standard_normal((3, 5)) * 7
arrays = {
  'f4_1d': rng.standard_normal(256).astype(np.float32) * 16,
  'f8_2d': base,
  'f4_fortran': np.asfortranarray(base.astype(np.float32)),
  'f4_big': rng.standard_normal(33).astype('>f4'),
  'f2_1d': np.array([0, 1, -2.5, 65504, 6e-8, 1e-5], dtype=np.float16),
  'f8_3d_fortran': np.asfortranarray(rng.standard_normal((2, 3, 4))),
  'i8': np.arange(10),
  'c8': np.zeros(4, dtype=np.complex64),
}
expected = {}
for name, a in arrays.items():
  np.save(f'{out}/{name}.npy', a)
  if a.dtype.kind == 'f':
    expected[name] = {'shape': list(a.shape), 'values': np.ascontiguousarray(a).astype(np.float64).ravel().tolist()}
with open(f'{out}/v2.npy', 'wb') as f:
  npformat.write_array(f, arrays['f4_1d'], version=(2, 0))
expected['v2'] = expected['f4_1d']
print(json.dumps(expected))
`;

describe('parseNpy (files written by numpy)', () => {
  let dir: string;
  let expected: Record<string, { shape: number[]; values: number[] }>;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'npy-'));
    try {
      expected = JSON.parse(execFileSync(PYTHON, ['-c', WRITER, dir], { encoding: 'utf8' }));
    } catch (error) {
      if (process.env['CI'] === 'true') throw new Error(`CI=true and ${PYTHON} could not write .npy files with numpy: ${String(error)}`);
      console.warn(`skipping: ${PYTHON} with numpy is needed (${String(error).slice(0, 200)})`);
      this.skip();
    }
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));
  const read = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, `${name}.npy`)));

  for (const name of ['f4_1d', 'f8_2d', 'f4_fortran', 'f4_big', 'f2_1d', 'f8_3d_fortran', 'v2'])
    it(`reads ${name} with numpy's shape and values (C order)`, () => {
      const parsed = parseNpy(read(name));
      assert.deepEqual(parsed.shape, expected[name]!.shape);
      assert.deepEqual(Array.from(parsed.values), expected[name]!.values);
    });

  it('refuses integer and complex arrays, naming the dtype and what to save instead', () => {
    assert.throws(() => parseNpy(read('i8')), (e: unknown) => e instanceof NpyError && /signed integer \(<i8\).*save a float array/.test(e.message));
    assert.throws(() => parseNpy(read('c8')), /complex \(<c8\)/);
  });

  it('refuses a truncated file and a file that is not .npy', () => {
    const whole = read('f4_1d');
    assert.throws(() => parseNpy(whole.subarray(0, whole.length - 3)), /truncated/);
    assert.throws(() => parseNpy(whole.subarray(0, 40)), /truncated/);
    assert.throws(() => parseNpy(new TextEncoder().encode('weight,0.1,0.2\n')), /not a \.npy file/);
  });
});
