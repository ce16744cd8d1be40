/**
 * The pure half of the "Insert Timestep Embedding" commands: which items each step offers, which parameters are
 * asked for, how typed text becomes a parameter value, and how the picks become one request for the core's
 * generateCode. No `vscode` import, so every decision here is unit-tested in plain Node (test/unit/insertFlow.test.ts);
 * insertEmbedding.ts only shows these items and reads the answers back.
 */
import {
  CODE_FORMS,
  FRAMEWORKS,
  FRAMEWORK_LABELS,
  PRESETS,
  findPreset,
  validate,
  widthParamName,
  type CodeForm,
  type CodegenOptions,
  type EmbedRequest,
  type Framework,
  type InjectionStyle,
  type ParamSpec,
  type ParamValue,
  type Params,
  type Preset,
  type PresetFamily,
  type PresetId,
} from '../core';

/** Command ids, shared by the registration and the manifest test so package.json cannot name a missing command. */
export const COMMAND_IDS = {
  insertEmbedding: 'timestepLens.insertEmbedding',
  insertEmbeddingLastSettings: 'timestepLens.insertEmbeddingLastSettings',
} as const;

/** The `timestepLens.defaultFramework` value that means "detect from the document's imports". */
export const AUTO_FRAMEWORK = 'auto';

/** Preset used when the `timestepLens.defaultPreset` setting is missing or names no preset. */
export const FALLBACK_PRESET: PresetId = 'diffusers';

/** Separator titles of the preset picker, one per family. */
export const FAMILY_LABELS: Readonly<Record<PresetFamily, string>> = {
  sinusoidal: 'Sinusoidal (diffusion timesteps)',
  positional: 'Positional (sequence positions)',
  'random-fourier': 'Random Fourier features',
  concat: 'Concatenated (SDXL micro-conditioning)',
};

/** One row of a picker: a separator title or a choice carrying its value. */
export type PickEntry<T> =
  | { readonly kind: 'separator'; readonly label: string }
  | {
      readonly kind: 'item';
      readonly value: T;
      readonly label: string;
      readonly description?: string;
      readonly detail?: string;
      /** The item the picker starts on (Enter accepts it). */
      readonly isDefault?: boolean;
    };

/** Presets grouped by family (families in order of first appearance), the default one marked. */
export function presetEntries(defaultId: string): PickEntry<PresetId>[] {
  const families = [...new Set(PRESETS.map((preset) => preset.family))];
  return families.flatMap((family): PickEntry<PresetId>[] => [
    { kind: 'separator', label: FAMILY_LABELS[family] },
    ...PRESETS.filter((preset) => preset.family === family).map(
      (preset): PickEntry<PresetId> => ({
        kind: 'item',
        value: preset.id,
        label: preset.label,
        description: preset.id === defaultId ? `${preset.id} · default` : preset.id,
        detail: preset.usedBy,
        isDefault: preset.id === defaultId,
      }),
    ),
  ]);
}

/** The preset the picker starts on: the setting when it names a preset, else diffusers. */
export function defaultPresetId(setting: unknown): PresetId {
  return (typeof setting === 'string' && findPreset(setting)?.id) || FALLBACK_PRESET;
}

/** Why a framework was preselected; shown next to it in the picker. */
export type FrameworkReason = 'setting' | 'imports' | 'last used' | 'fallback';

/**
 * The framework to preselect. An explicit setting wins; with `auto`, the document's imports decide, then the last
 * framework chosen, then PyTorch (the framework of nearly every upstream convention).
 */
export function defaultFramework(
  setting: unknown,
  detected: Framework | undefined,
  remembered: unknown,
): { framework: Framework; reason: FrameworkReason } {
  if (isFramework(setting)) return { framework: setting, reason: 'setting' };
  if (detected) return { framework: detected, reason: 'imports' };
  if (isFramework(remembered)) return { framework: remembered, reason: 'last used' };
  return { framework: 'pytorch', reason: 'fallback' };
}

const FRAMEWORK_REASON_TEXT: Readonly<Record<FrameworkReason, string>> = {
  setting: 'from settings',
  imports: "detected from the document's imports",
  'last used': 'last used',
  fallback: '',
};

/** Frameworks in picker order, the preselected one described by why it was chosen. */
export function frameworkEntries(preselected: { framework: Framework; reason: FrameworkReason }): PickEntry<Framework>[] {
  return FRAMEWORKS.map((framework) => ({
    kind: 'item',
    value: framework,
    label: FRAMEWORK_LABELS[framework],
    description: framework === preselected.framework ? FRAMEWORK_REASON_TEXT[preselected.reason] || undefined : undefined,
    isDefault: framework === preselected.framework,
  }));
}

/** Picker text for each code form. */
const FORM_TEXT: Readonly<Record<CodeForm, { label: string; detail: string }>> = {
  function: { label: 'Function', detail: 'A function from timesteps [N] to the embedding [N, D], like the upstream one' },
  module: { label: 'Module', detail: 'A module (nn.Module, Flax, Keras layer, ...) wrapping the embedding' },
  'module+mlp': { label: 'Module + MLP', detail: 'Embedding, then Linear, activation, Linear: the time_embed of most UNets' },
  injection: { label: 'Injection into a block', detail: 'The time embedding conditioning a residual block (next: how)' },
};

/** The code forms, function first (the default). */
export function formEntries(): PickEntry<CodeForm>[] {
  return CODE_FORMS.map((form, index) => ({ kind: 'item', value: form, ...FORM_TEXT[form], isDefault: index === 0 }));
}

/** The injection styles of the `injection` form, add (the simplest) first. */
export function injectionEntries(): PickEntry<InjectionStyle>[] {
  const entries: [InjectionStyle, string, string][] = [
    ['add', 'Add', 'h + Linear(act(emb)), broadcast over space (DDPM, ADM without scale-shift)'],
    ['adagn', 'AdaGN scale-shift', 'GroupNorm(h) · (1 + scale) + shift (ADM use_scale_shift_norm)'],
    ['film', 'FiLM', 'γ(emb) · h + β(emb)'],
    ['adaln-zero', 'adaLN-Zero', 'shift, scale and a zero-initialised gate from emb (DiT)'],
  ];
  return entries.map(([value, label, detail], index) => ({ kind: 'item', value, label, detail, isDefault: index === 0 }));
}

/** The width parameter's spec. */
export function widthSpec(preset: Preset): ParamSpec {
  const name = widthParamName(preset);
  return preset.params.find((spec) => spec.name === name)!;
}

/** The width the input box starts with: the `timestepLens.defaultWidth` setting when positive, else the preset's. */
export function initialWidth(preset: Preset, setting: unknown): number {
  if (typeof setting === 'number' && Number.isInteger(setting) && setting > 0) return setting;
  return widthSpec(preset).default as number;
}

/**
 * The parameters asked after the width, in upstream signature order. Buffers are left out: their values come from a
 * checkpoint, not from a person typing numbers, and generated code creates them the way upstream does.
 */
export function keyParams(preset: Preset): ParamSpec[] {
  return preset.params.filter((spec) => !spec.isWidth && spec.kind !== 'buffer');
}

/** A value the way Python writes it: True/False, None, numbers as typed. */
export function formatValue(value: ParamValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return `[${value.length} values]`;
}

/** The text an input box starts with for a parameter (empty for an absent optional). */
export function initialText(value: ParamValue): string {
  return value === null ? '' : formatValue(value);
}

/** A parsed input: the value, or why the text is not one. */
export type ParseResult = { readonly ok: true; readonly value: ParamValue } | { readonly ok: false; readonly message: string };

/** Reads typed text as the parameter's kind; Python spellings (True, None, 10_000) are accepted. */
export function parseParamText(spec: ParamSpec, text: string): ParseResult {
  const trimmed = text.trim();
  if (spec.kind === 'bool') {
    if (/^true$/i.test(trimmed)) return { ok: true, value: true };
    if (/^false$/i.test(trimmed)) return { ok: true, value: false };
    return { ok: false, message: `${spec.name} must be True or False` };
  }
  if (spec.kind === 'buffer') return { ok: false, message: `${spec.name} is a checkpoint buffer and cannot be typed in` };
  if (spec.kind === 'optional-int' && (trimmed === '' || /^none$/i.test(trimmed))) return { ok: true, value: null };
  // Python allows underscores between digits; Number() does not.
  const value = trimmed === '' ? NaN : Number(trimmed.replace(/(\d)_(?=\d)/g, '$1'));
  if (!Number.isFinite(value)) {
    const expected = spec.kind === 'float' ? 'a number' : 'an integer';
    const orNone = spec.kind === 'optional-int' ? ' (or empty for None)' : '';
    return { ok: false, message: `${spec.name} must be ${expected}${orNone}; '${trimmed}' is not` };
  }
  return { ok: true, value };
}

/**
 * Timesteps for requests that only generate code: the core validates whole requests, and generated code does not
 * depend on the timesteps. Multi-input k-diffusion needs rows as wide as in_features.
 */
export function placeholderTimesteps(params: Params | undefined, presetId: PresetId): EmbedRequest['timesteps'] {
  const columns = params?.['in_features'];
  if (presetId === 'k-diffusion' && typeof columns === 'number' && Number.isInteger(columns) && columns > 1 && columns <= 4096)
    return [new Array<number>(columns).fill(0)];
  return [0];
}

/** The request generateCode receives for these parameter values. */
export function codegenRequest(presetId: PresetId, params: Params): EmbedRequest {
  return { preset: presetId, timesteps: placeholderTimesteps(params, presetId), params };
}

/**
 * What the input box shows while `text` is typed for `spec`, given the values chosen so far: undefined when the value
 * is acceptable, else the core's message for this parameter (or the parse error). Problems the core attributes to other
 * parameters are shown when those are asked, or before inserting.
 */
export function paramInputMessage(preset: Preset, chosen: Params, spec: ParamSpec, text: string): string | undefined {
  const parsed = parseParamText(spec, text);
  if (!parsed.ok) return parsed.message;
  const params = { ...chosen, [spec.name]: parsed.value };
  return validate(codegenRequest(preset.id, params)).find((problem) => problem.param === spec.name)?.message;
}

/** Everything the picks decided. */
export interface InsertChoices {
  readonly preset: PresetId;
  readonly framework: Framework;
  readonly form: CodeForm;
  /** Only for the `injection` form. */
  readonly injection?: InjectionStyle;
  /** Width and key parameters, by upstream name. */
  readonly params: Params;
}

/** What `insertEmbeddingLastSettings` replays; stored in globalState. */
export interface SavedInsert {
  /** Bumped when the shape changes, so an older saved value is ignored instead of misread. */
  readonly version: 1;
  readonly request: EmbedRequest;
  readonly framework: Framework;
  readonly options: CodegenOptions;
}

/** The request, framework and codegen options for the picks; tab stops on, since the result becomes a SnippetString. */
export function buildInsert(choices: InsertChoices): SavedInsert {
  const options: CodegenOptions =
    choices.form === 'injection'
      ? { form: choices.form, injection: choices.injection ?? 'add', tabStops: true }
      : { form: choices.form, tabStops: true };
  return { version: 1, request: codegenRequest(choices.preset, choices.params), framework: choices.framework, options };
}

/** Every problem with the whole request, as one sentence each (empty when generateCode may run). */
export function requestProblems(saved: SavedInsert): string[] {
  return validate(saved.request).map((problem) => problem.message);
}

function isInjection(value: unknown): value is InjectionStyle {
  return value === 'add' || value === 'adagn' || value === 'film' || value === 'adaln-zero';
}

/** True for one of the core's framework ids. */
export function isFramework(value: unknown): value is Framework {
  return typeof value === 'string' && (FRAMEWORKS as readonly string[]).includes(value);
}

/**
 * A saved insert read back from globalState, or undefined when it is missing, has another shape, or no longer
 * validates (a preset or parameter renamed since it was saved). Never trusts the stored value's type.
 */
export function parseSavedInsert(value: unknown): SavedInsert | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const saved = value as Partial<Record<keyof SavedInsert, unknown>>;
  if (saved.version !== 1 || !isFramework(saved.framework)) return undefined;
  const options = saved.options as Partial<Record<keyof CodegenOptions, unknown>> | undefined;
  if (typeof options !== 'object' || options === null) return undefined;
  const form = options.form;
  if (typeof form !== 'string' || !(CODE_FORMS as readonly string[]).includes(form)) return undefined;
  if (options.injection !== undefined && !isInjection(options.injection)) return undefined;
  if (validate(saved.request).length > 0) return undefined;
  const request = saved.request as EmbedRequest;
  return buildInsert({
    preset: request.preset,
    framework: saved.framework,
    form: form as CodeForm,
    ...(isInjection(options.injection) ? { injection: options.injection } : {}),
    params: request.params ?? {},
  });
}

/** One line naming a saved insert, for the log and messages: `adm · PyTorch · function · dim=320`. */
export function describeInsert(saved: SavedInsert): string {
  const params = Object.entries(saved.request.params ?? {})
    .map(([name, value]) => `${name}=${formatValue(value)}`)
    .join(', ');
  const form = saved.options.form === 'injection' ? `injection (${saved.options.injection})` : saved.options.form;
  return [saved.request.preset, FRAMEWORK_LABELS[saved.framework], form, params].filter(Boolean).join(' · ');
}

/** The picker title, with the step count once the number of steps is known. */
export function stepTitle(step: number, total: number | undefined, what: string): string {
  return `Insert Timestep Embedding (${total === undefined ? step : `${step}/${total}`}): ${what}`;
}

/** Steps for this preset and form: preset, framework, form, [injection style], width, then one per key parameter. */
export function totalSteps(preset: Preset, form: CodeForm | undefined): number {
  return 4 + (form === 'injection' ? 1 : 0) + keyParams(preset).length;
}

