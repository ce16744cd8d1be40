/** The pure half of the insert commands: picker items, parameter prompts, input checks, saved settings. */
import assert from 'node:assert/strict';
import { CODE_FORMS, FRAMEWORKS, PRESETS, fitToDocument, generateCode, getPreset, validate, type PresetId } from '../../src/core';
import {
  FAMILY_LABELS,
  buildInsert,
  defaultFramework,
  defaultPresetId,
  describeInsert,
  formEntries,
  formatValue,
  frameworkEntries,
  initialText,
  initialWidth,
  injectionEntries,
  keyParams,
  paramInputMessage,
  parseParamText,
  parseSavedInsert,
  placeholderTimesteps,
  presetEntries,
  requestProblems,
  stepTitle,
  totalSteps,
  widthSpec,
  type PickEntry,
  type SavedInsert,
} from '../../src/commands/insertFlow';

const items = <T>(entries: PickEntry<T>[]) => entries.filter((e) => e.kind === 'item');

describe('insertFlow', () => {
  describe('preset picker', () => {
    it('lists every preset exactly once, under its family separator', () => {
      const entries = presetEntries('adm');
      assert.deepEqual(items(entries).map((e) => e.value).sort(), PRESETS.map((p) => p.id).sort());
      let family: string | undefined;
      for (const entry of entries) {
        if (entry.kind === 'separator') family = entry.label;
        else assert.equal(family, FAMILY_LABELS[getPreset(entry.value).family], entry.value);
      }
    });

    it('shows each family once, the sinusoidal one first', () => {
      const separators = presetEntries('adm').filter((e) => e.kind === 'separator').map((e) => e.label);
      assert.equal(new Set(separators).size, separators.length);
      assert.equal(separators.length, new Set(PRESETS.map((p) => p.family)).size);
      assert.equal(separators[0], FAMILY_LABELS.sinusoidal);
    });

    it('puts the used-by text in the detail and marks only the default', () => {
      const entries = items(presetEntries('flux'));
      for (const entry of entries) assert.equal(entry.detail, getPreset(entry.value).usedBy);
      assert.deepEqual(entries.filter((e) => e.isDefault).map((e) => e.value), ['flux']);
      assert.match(entries.find((e) => e.value === 'flux')!.description!, /default/);
    });

    it('defaults to the setting when it names a preset, diffusers otherwise', () => {
      assert.equal(defaultPresetId('edm-positional'), 'edm-positional');
      assert.equal(defaultPresetId('no-such-preset'), 'diffusers');
      assert.equal(defaultPresetId(undefined), 'diffusers');
      assert.equal(defaultPresetId(42), 'diffusers');
    });
  });

  describe('framework picker', () => {
    const table: [unknown, 'jax' | undefined, unknown, string, string][] = [
      ['numpy', 'jax', 'mlx', 'numpy', 'setting'],
      ['auto', 'jax', 'mlx', 'jax', 'imports'],
      ['auto', undefined, 'mlx', 'mlx', 'last used'],
      ['auto', undefined, 'cobol', 'pytorch', 'fallback'],
      [undefined, undefined, undefined, 'pytorch', 'fallback'],
      ['not-a-framework', 'jax', undefined, 'jax', 'imports'],
    ];
    for (const [setting, detected, remembered, framework, reason] of table)
      it(`setting ${String(setting)}, imports ${String(detected)}, last ${String(remembered)} → ${framework} (${reason})`, () => {
        assert.deepEqual(defaultFramework(setting, detected, remembered), { framework, reason });
      });

    it('lists every framework and says why the preselected one is preselected', () => {
      const entries = items(frameworkEntries({ framework: 'jax', reason: 'imports' }));
      assert.deepEqual(entries.map((e) => e.value), [...FRAMEWORKS]);
      const jax = entries.find((e) => e.isDefault)!;
      assert.equal(jax.value, 'jax');
      assert.match(jax.description!, /imports/);
      assert.equal(items(frameworkEntries({ framework: 'pytorch', reason: 'fallback' }))[0]!.description, undefined);
    });
  });

  describe('form and injection pickers', () => {
    it('offers every code form, function first and preselected', () => {
      const entries = items(formEntries());
      assert.deepEqual(entries.map((e) => e.value), [...CODE_FORMS]);
      assert.deepEqual(entries.filter((e) => e.isDefault).map((e) => e.value), ['function']);
    });

    it('offers the four injection styles, add preselected', () => {
      const entries = items(injectionEntries());
      assert.deepEqual(entries.map((e) => e.value), ['add', 'adagn', 'film', 'adaln-zero']);
      assert.equal(entries.find((e) => e.isDefault)!.value, 'add');
    });
  });

  describe('parameters asked', () => {
    it('asks diffusers for everything but the width, in signature order', () => {
      assert.deepEqual(keyParams(getPreset('diffusers')).map((s) => s.name), [
        'flip_sin_to_cos',
        'downscale_freq_shift',
        'scale',
        'max_period',
      ]);
    });

    it('never asks for a buffer or for the width twice', () => {
      for (const preset of PRESETS)
        for (const spec of keyParams(preset)) {
          assert.notEqual(spec.kind, 'buffer', `${preset.id}.${spec.name}`);
          assert.notEqual(spec.isWidth, true, `${preset.id}.${spec.name}`);
        }
      assert.deepEqual(keyParams(getPreset('gaussian-fourier')).map((s) => s.name), ['scale', 'log', 'flip_sin_to_cos']);
      assert.deepEqual(keyParams(getPreset('sgm-concat')), []);
    });

    it('finds the width parameter of every preset', () => {
      assert.equal(widthSpec(getPreset('adm')).name, 'dim');
      assert.equal(widthSpec(getPreset('k-diffusion')).name, 'out_features');
      for (const preset of PRESETS) assert.equal(widthSpec(preset).isWidth, true, preset.id);
    });

    it('prefills the width from a positive integer setting, else the preset default', () => {
      const flux = getPreset('flux');
      assert.equal(initialWidth(flux, 0), 256);
      assert.equal(initialWidth(flux, 512), 512);
      for (const bad of [-4, 1.5, '512', undefined, null]) assert.equal(initialWidth(flux, bad), 256, String(bad));
    });

    it('counts the steps: 4 fixed, injection style, one per key parameter', () => {
      assert.equal(totalSteps(getPreset('diffusers'), 'function'), 8);
      assert.equal(totalSteps(getPreset('diffusers'), 'injection'), 9);
      assert.equal(totalSteps(getPreset('sgm-concat'), undefined), 4);
      assert.equal(stepTitle(2, 8, 'framework'), 'Insert Timestep Embedding (2/8): framework');
      assert.equal(stepTitle(1, undefined, 'preset'), 'Insert Timestep Embedding (1): preset');
    });
  });

  describe('typed values', () => {
    const diffusers = getPreset('diffusers');
    const spec = (presetId: PresetId, name: string) => getPreset(presetId).params.find((s) => s.name === name)!;

    it('reads Python spellings', () => {
      assert.deepEqual(parseParamText(spec('diffusers', 'flip_sin_to_cos'), 'True'), { ok: true, value: true });
      assert.deepEqual(parseParamText(spec('diffusers', 'flip_sin_to_cos'), ' false '), { ok: true, value: false });
      assert.deepEqual(parseParamText(spec('diffusers', 'max_period'), '10_000'), { ok: true, value: 10000 });
      assert.deepEqual(parseParamText(spec('diffusers', 'max_period'), '1e4'), { ok: true, value: 10000 });
      assert.deepEqual(parseParamText(spec('fairseq', 'padding_idx'), 'None'), { ok: true, value: null });
      assert.deepEqual(parseParamText(spec('fairseq', 'padding_idx'), ''), { ok: true, value: null });
      assert.deepEqual(parseParamText(spec('fairseq', 'padding_idx'), '1'), { ok: true, value: 1 });
    });

    it('explains text that is not a number', () => {
      for (const text of ['', 'abc', '1_', 'NaN', 'Infinity']) {
        const result = parseParamText(spec('diffusers', 'embedding_dim'), text);
        assert.equal(result.ok, false, text);
        assert.match((result as { message: string }).message, /embedding_dim must be an integer/);
      }
      assert.equal(parseParamText(spec('diffusers', 'flip_sin_to_cos'), 'yes').ok, false);
    });

    it("shows the core's message for the parameter being typed", () => {
      const width = widthSpec(diffusers);
      assert.equal(paramInputMessage(diffusers, {}, width, '320'), undefined);
      assert.match(paramInputMessage(diffusers, {}, width, '0')!, /embedding_dim/);
      assert.match(paramInputMessage(diffusers, {}, width, '32.5')!, /integer/);
      assert.match(paramInputMessage(diffusers, {}, width, 'wide')!, /embedding_dim must be an integer/);
      const transformer = getPreset('transformer');
      assert.match(paramInputMessage(transformer, {}, widthSpec(transformer), '511')!, /even/);
      const ddpm = getPreset('ddpm-tf');
      assert.match(paramInputMessage(ddpm, {}, widthSpec(ddpm), '3')!, /embedding_dim/);
    });

    it('checks a parameter against the values chosen before it', () => {
      const flax = getPreset('diffusers-flax');
      const shift = flax.params.find((s) => s.name === 'freq_shift')!;
      assert.match(paramInputMessage(flax, { embedding_dim: 2 }, shift, '1')!, /freq_shift/);
      assert.equal(paramInputMessage(flax, { embedding_dim: 2 }, shift, '0'), undefined);
      assert.equal(paramInputMessage(flax, { embedding_dim: 320 }, shift, '1'), undefined);
    });

    it('ignores problems that belong to other parameters', () => {
      const flax = getPreset('diffusers-flax');
      const flip = flax.params.find((s) => s.name === 'flip_sin_to_cos')!;
      assert.equal(paramInputMessage(flax, { embedding_dim: 2, freq_shift: 1 }, flip, 'True'), undefined);
    });

    it('formats values as Python writes them', () => {
      assert.equal(formatValue(true), 'True');
      assert.equal(formatValue(false), 'False');
      assert.equal(formatValue(null), 'None');
      assert.equal(formatValue(0.5), '0.5');
      assert.equal(formatValue([1, 2, 3]), '[3 values]');
      assert.equal(initialText(null), '');
      assert.equal(initialText(10000), '10000');
    });
  });

  describe('the request', () => {
    it('turns picks into a valid request with tab stops on', () => {
      const saved = buildInsert({
        preset: 'diffusers',
        framework: 'pytorch',
        form: 'function',
        params: { embedding_dim: 320, flip_sin_to_cos: true, downscale_freq_shift: 0 },
      });
      assert.deepEqual(saved.options, { form: 'function', tabStops: true });
      assert.deepEqual(saved.request.params, { embedding_dim: 320, flip_sin_to_cos: true, downscale_freq_shift: 0 });
      assert.deepEqual(validate(saved.request), []);
      assert.deepEqual(requestProblems(saved), []);
    });

    it('keeps the injection style only for the injection form', () => {
      const base = { preset: 'adm', framework: 'pytorch', params: { dim: 256 } } as const;
      assert.deepEqual(buildInsert({ ...base, form: 'injection', injection: 'adaln-zero' }).options, {
        form: 'injection',
        injection: 'adaln-zero',
        tabStops: true,
      });
      assert.equal(buildInsert({ ...base, form: 'injection' }).options.injection, 'add');
      assert.equal(buildInsert({ ...base, form: 'module', injection: 'film' }).options.injection, undefined);
    });

    it('gives multi-input k-diffusion timesteps rows as wide as in_features', () => {
      assert.deepEqual(placeholderTimesteps({ in_features: 3 }, 'k-diffusion'), [[0, 0, 0]]);
      assert.deepEqual(placeholderTimesteps({ in_features: 1 }, 'k-diffusion'), [0]);
      assert.deepEqual(placeholderTimesteps({ in_features: 3 }, 'adm'), [0]);
      const saved = buildInsert({ preset: 'k-diffusion', framework: 'pytorch', form: 'function', params: { in_features: 3 } });
      assert.deepEqual(validate(saved.request), []);
    });

    it('reports every problem of a request that no longer validates', () => {
      const saved = buildInsert({ preset: 'transformer', framework: 'numpy', form: 'function', params: { embed_dim: 7 } });
      assert.equal(requestProblems(saved).length, 1);
      assert.match(requestProblems(saved)[0]!, /even/);
    });

    it('describes an insert in one line', () => {
      const saved = buildInsert({ preset: 'adm', framework: 'jax', form: 'injection', injection: 'film', params: { dim: 320 } });
      assert.equal(describeInsert(saved), 'adm · JAX / Flax · injection (film) · dim=320');
    });

    it('generates PyTorch code with tab stops from every preset with its default picks', () => {
      for (const preset of PRESETS) {
        const params = Object.fromEntries([widthSpec(preset), ...keyParams(preset)].map((s) => [s.name, s.default]));
        const saved = buildInsert({ preset: preset.id, framework: 'pytorch', form: 'function', params });
        assert.deepEqual(requestProblems(saved), [], preset.id);
        const code = generateCode(saved.request, saved.framework, saved.options);
        assert.match(code, /\$\{1:/, `${preset.id} has no tab stop`);
      }
    });
  });

  describe('saved settings', () => {
    const saved: SavedInsert = buildInsert({
      preset: 'edm-positional',
      framework: 'numpy',
      form: 'injection',
      injection: 'adagn',
      params: { num_channels: 128, endpoint: true, swap_halves: true },
    });
    // globalState stores JSON, so what comes back is a JSON copy.
    const roundTrip = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

    it('reads back what was saved', () => {
      assert.deepEqual(parseSavedInsert(roundTrip(saved)), saved);
    });

    it('ignores anything that is not a valid saved insert', () => {
      const bad: [string, unknown][] = [
        ['nothing', undefined],
        ['null', null],
        ['a string', 'diffusers'],
        ['another version', { ...saved, version: 2 }],
        ['an unknown framework', { ...saved, framework: 'cobol' }],
        ['no options', { ...saved, options: undefined }],
        ['an unknown form', { ...saved, options: { form: 'macro' } }],
        ['an unknown injection', { ...saved, options: { form: 'injection', injection: 'cross-attention' } }],
        ['an unknown preset', { ...saved, request: { ...saved.request, preset: 'gone' } }],
        ['a renamed parameter', { ...saved, request: { ...saved.request, params: { channels: 128 } } }],
        ['an invalid value', { ...saved, request: { ...saved.request, params: { num_channels: -1 } } }],
      ];
      for (const [what, value] of bad) assert.equal(parseSavedInsert(roundTrip(value)), undefined, what);
    });

    it('turns tab stops back on whatever was stored', () => {
      const stored = roundTrip({ ...saved, options: { ...saved.options, tabStops: false } });
      assert.equal(parseSavedInsert(stored)!.options.tabStops, true);
    });
  });
});

describe('fitToDocument', () => {
  const code = 'import math\n\nimport torch\n\n\ndef timestep_embedding(t):\n    return t\n';
  it('leaves code for an empty document as generated', () => {
    assert.equal(fitToDocument(code, '', '', ''), code);
  });
  it('drops imports the document already has and keeps the rest', () => {
    const doc = 'import torch\n\nx = 1\n';
    assert.equal(
      fitToDocument(code, doc, doc, ''),
      '\n\nimport math\n\n\ndef timestep_embedding(t):\n    return t\n',
    );
  });
  it('drops the whole import header when everything is imported, and sets the code apart by two blank lines', () => {
    const before = 'import math\nimport torch\n\nx = 1\n\n';
    const after = 'y = 2\n';
    assert.equal(fitToDocument(code, before + after, before, after), '\ndef timestep_embedding(t):\n    return t\n\n\n');
  });
  it('does not pad when inserting in the middle of a line', () => {
    assert.equal(fitToDocument('f(t)', 'x = ', 'x = ', ''), 'f(t)');
  });
});
