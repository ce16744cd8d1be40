import { strict as assert } from 'node:assert';
import { embed, PRESETS, validate, ValidationError, type EmbedRequest } from '../../src/core/index';

/** Requests that must be rejected, with a fragment of the message a person should see. */
const REJECTED: readonly [string, unknown, string][] = [
  ['unknown preset', { preset: 'nope', timesteps: [1] }, "unknown preset 'nope'"],
  ['not an object', 42, 'must be an object'],
  ['empty timesteps', { preset: 'adm', timesteps: [] }, 'non-empty list'],
  ['NaN timestep', { preset: 'adm', timesteps: [1, NaN] }, 'finite numbers'],
  ['string timestep', { preset: 'adm', timesteps: ['1'] }, 'finite numbers'],
  ['unknown param', { preset: 'adm', timesteps: [1], params: { embedding_dim: 8 } }, "adm has no parameter 'embedding_dim'"],
  ['fractional width', { preset: 'diffusers', timesteps: [1], params: { embedding_dim: 3.5 } }, 'embedding_dim must be an integer'],
  ['zero width', { preset: 'adm', timesteps: [1], params: { dim: 1 } }, 'dim must be at least 2'],
  ['huge width', { preset: 'adm', timesteps: [1], params: { dim: 1e6 } }, 'at most 65536'],
  ['bool as number', { preset: 'diffusers', timesteps: [1], params: { flip_sin_to_cos: 1 } }, 'must be true or false'],
  ['odd transformer', { preset: 'transformer', timesteps: [1], params: { embed_dim: 7 } }, 'embed_dim must be even for the transformer convention: upstream raises a shape error'],
  ['transformer table', { preset: 'transformer', timesteps: [40] }, 'raise max_seq_length to at least 41'],
  ['ddpm-tf h-1 = 0', { preset: 'ddpm-tf', timesteps: [1], params: { embedding_dim: 3 } }, 'half_dim - 1'],
  ['flax odd', { preset: 'diffusers-flax', timesteps: [1], params: { embedding_dim: 9 } }, 'must be even'],
  ['flax zero division', { preset: 'diffusers-flax', timesteps: [1], params: { embedding_dim: 2, freq_shift: 1 } }, 'ZeroDivisionError'],
  ['buffer length', { preset: 'gaussian-fourier', timesteps: [1], params: { embedding_size: 4, weight: [1, 2] } }, 'weight must have 4 values'],
  ['buffer NaN', { preset: 'edm-fourier', timesteps: [1], params: { num_channels: 4, freqs: [1, NaN] } }, 'finite numbers'],
  ['fairseq fractional row', { preset: 'fairseq', timesteps: [1.5] }, 'integers ≥ 0'],
  ['rows for flat preset', { preset: 'adm', timesteps: [[1, 2]] }, 'flat list'],
  ['ragged rows', { preset: 'sgm-concat', timesteps: [[1, 2], [3]] }, 'same length'],
  ['k-diffusion columns', { preset: 'k-diffusion', timesteps: [[1, 2, 3]], params: { in_features: 2 } }, 'rows of 2 numbers'],
  ['bad dtype', { preset: 'adm', timesteps: [1], dtype: 'float64' }, 'dtype must be one of'],
  ['half dtype where upstream is float32', { preset: 'edm-positional', timesteps: [1], dtype: 'float16' }, 'takes float32 timesteps'],
  ['too many values', { preset: 'adm', timesteps: new Array(100000).fill(1), params: { dim: 4096 } }, 'over the limit'],
];

describe('validate', () => {
  for (const [name, request, fragment] of REJECTED) {
    it(`rejects ${name}`, () => {
      const problems = validate(request);
      assert.ok(problems.length > 0, 'expected a problem');
      assert.ok(
        problems.some((p) => p.message.includes(fragment)),
        `no message contains "${fragment}": ${JSON.stringify(problems)}`,
      );
    });
    it(`embed throws ValidationError (not a math error) for ${name}`, () => {
      assert.throws(() => embed(request as EmbedRequest), (error: unknown) => error instanceof ValidationError);
    });
  }

  it('accepts every preset with its defaults', () => {
    for (const preset of PRESETS) {
      const timesteps = preset.rowInput ? [[1024, 1024, 0, 0, 1024, 1024]] : [0, 1, 7];
      assert.deepEqual(validate({ preset: preset.id, timesteps }), [], preset.id);
      const result = embed({ preset: preset.id, timesteps });
      assert.equal(result.data.length, result.shape[0] * result.shape[1], preset.id);
    }
  });

  it('warns (not throws) where upstream yields NaN', () => {
    const result = embed({ preset: 'diffusers', timesteps: [3], params: { embedding_dim: 2 } });
    assert.ok(Number.isNaN(result.data[0]));
    assert.match(result.warnings.join(' '), /divides 0 by 0/);
  });
});
