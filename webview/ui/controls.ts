/**
 * The control column: one side's convention (model, preset grouped by family with its used-by line, every parameter
 * under its upstream name, input transform, input precision), the shared axis (T, t range, schedule overlay, curve
 * dims), compare, backend, and the action buttons. Controls report a new draft of the settings; main.ts validates it
 * and shows problems back here through `showProblems`, next to the control they name.
 */
import {
  CODE_FORMS,
  FRAMEWORKS,
  FRAMEWORK_LABELS,
  INPUT_TRANSFORMS,
  PRESETS,
  getPreset,
  type InputTransformId,
  type ParamSpec,
  type ParamValue,
  type PresetFamily,
  type PresetId,
  type Problem,
  type TimestepDtype,
} from '../../src/core/index';
import {
  BACKEND_PREFERENCES,
  SCHEDULE_SPACINGS,
  type EmbeddingSettings,
  type ExplorerSettings,
  type ScheduleSpacing,
} from '../../src/protocol/explorerProtocol';
import { NAMED_MODELS, defaultRange, findModel, sideForModel, sideForPreset, withNumTimesteps } from './settings';

/** Which side a control belongs to. */
export type SideKey = 'primary' | 'compare';

/** The actions the buttons trigger. */
export type ActionId = 'insert' | 'png' | 'svg' | 'npy' | 'csv' | 'copyJson';

/** What the controls call. */
export interface ControlHandlers {
  /** A new draft; `rebuild` when the set of controls changes (preset, compare on/off). */
  change(draft: ExplorerSettings, rebuild: boolean): void;
  action(id: ActionId, plotId: string): void;
  /** "Load .npy…" next to a checkpoint buffer: the host asks for a file; `draft` is the settings at the click. */
  loadBuffer(draft: ExplorerSettings, side: SideKey, param: string): void;
}

const FAMILY_LABELS: Readonly<Record<PresetFamily, string>> = {
  sinusoidal: 'Sinusoidal (diffusion timesteps)',
  positional: 'Positional (sequence positions)',
  'random-fourier': 'Random Fourier features',
  concat: 'Concatenated (SDXL micro-conditioning)',
};

const DTYPE_LABELS: Readonly<Record<TimestepDtype, string>> = {
  float32: 'float32',
  float16: 'float16 (t rounded to half)',
  bfloat16: 'bfloat16 (t rounded, as Flux/SD3 pipelines do)',
};

/** Plots the export buttons can target, with their labels. */
export const PLOT_LABELS: Readonly<Record<string, string>> = {
  'plot-heatmap': 'Embedding heatmap',
  'plot-curves': 'Curves',
  'plot-similarity': 'Cosine similarity',
  'plot-distances': 'Distances',
  'plot-spectrum': 'Period & range',
  'plot-pca': 'PCA',
  'plot-difference': 'Compare difference',
};

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes and children. */
export function h(tag: string, attrs: Attrs = {}, ...children: (Node | string | null | undefined)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') node.className = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const node = h('option', { value }, label) as HTMLOptionElement;
  node.selected = selected;
  return node;
}

/**
 * A convention's name short enough for the control column: the label up to a ` / ` alias, without a trailing
 * parenthetical (any parenthetical when still long), and without a trailing `.method` when still long
 * (`fairseq SinusoidalPositionalEmbedding`). The longest is 42 characters; the column fits ~46 at 12 px.
 */
export function shortLabel(label: string): string {
  let text = label.split(' / ')[0]!.replace(/\s*\([^)]*\)$/, '');
  if (text.length > 36) text = text.replace(/\s*\([^)]*\)/g, '');
  if (text.length > 36 && /\.\w+$/.test(text)) text = text.replace(/\.\w+$/, '');
  return text;
}

/** Text of a parameter value in an input box (Python spelling for None). */
function valueText(value: ParamValue | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/** The value typed for a parameter, or a problem message. Empty means None for optional ints. */
function parseValue(spec: ParamSpec, text: string): { value: ParamValue } | { message: string } {
  const trimmed = text.trim();
  if (spec.kind === 'optional-int' && (trimmed === '' || trimmed === 'None')) return { value: null };
  if (trimmed === '') return { message: `${spec.name} needs a value` };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { message: `${spec.name} must be a number (got '${trimmed}')` };
  return { value };
}

/** The control column. */
export class Controls {
  /** The draft the controls show (may be invalid). */
  private draft: ExplorerSettings;
  /** Problems typed into fields that never reached the settings (unparsable text), by field key. */
  private readonly parseProblems = new Map<string, string>();

  constructor(
    private readonly root: HTMLElement,
    settings: ExplorerSettings,
    private readonly handlers: ControlHandlers,
  ) {
    this.draft = settings;
    this.render();
  }

  /** Shows new settings (init, restore, a model pick), rebuilding every control. */
  set(settings: ExplorerSettings): void {
    this.draft = settings;
    this.parseProblems.clear();
    this.render();
  }

  /** Parse problems of fields whose text is not a number; main.ts adds them to the core's. */
  pendingParseProblems(): Problem[] {
    return [...this.parseProblems].map(([key, message]) => ({ param: key, message }));
  }

  /** Shows each problem under its control (`primary:embedding_dim`, `global:numTimesteps`); clears the others. */
  showProblems(problems: readonly Problem[]): void {
    const boxes = this.root.querySelectorAll<HTMLElement>('[data-problem]');
    const byKey = new Map<string, string[]>();
    for (const p of problems) {
      const key = this.root.querySelector(`[data-problem="${CSS.escape(p.param)}"]`) ? p.param : p.param.split(':')[0] + ':*';
      byKey.set(key, [...(byKey.get(key) ?? []), p.message]);
    }
    boxes.forEach((box) => {
      const messages = byKey.get(box.dataset['problem']!) ?? [];
      box.textContent = messages.join(' ');
      box.hidden = messages.length === 0;
      box.closest('.field')?.classList.toggle('invalid', messages.length > 0);
    });
  }

  private emit(draft: ExplorerSettings, rebuild = false): void {
    this.draft = draft;
    if (rebuild) this.render();
    else this.syncModels();
    this.handlers.change(draft, rebuild);
  }

  /**
   * A parameter edited by hand makes a side no longer a named model's convention (its `model` is dropped): the Model
   * dropdown says "— custom —" at once rather than naming a model whose settings it no longer shows.
   */
  private syncModels(): void {
    for (const side of ['primary', 'compare'] as const) {
      const select = this.root.querySelector<HTMLSelectElement>(`section[data-side=${side}] select[data-field=model]`);
      const model = this.draft[side]?.model ?? '';
      if (select && select.value !== model) select.value = model;
    }
  }

  private updateSide(side: SideKey, next: EmbeddingSettings, rebuild = false): void {
    this.emit({ ...this.draft, [side]: next }, rebuild);
  }

  private render(): void {
    const s = this.draft;
    this.root.replaceChildren(
      this.sideSection('primary', s.primary, 'Embedding'),
      this.axisSection(),
      this.compareSection(),
      this.actionSection(),
    );
  }

  private field(key: string, label: string, control: HTMLElement, ...hints: string[]): HTMLElement {
    const id = `f-${key.replace(/[^\w-]/g, '_')}`;
    control.id = id;
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      control,
      ...hints.map((hint) => h('div', { class: 'hint' }, hint)),
      h('div', { class: 'problem', 'data-problem': key, role: 'alert', hidden: true }),
    );
  }

  private sideSection(side: SideKey, settings: EmbeddingSettings, title: string): HTMLElement {
    const preset = getPreset(settings.preset);
    const model = h('select', { 'data-field': 'model' }) as HTMLSelectElement;
    model.append(option('', '— custom —', settings.model === undefined));
    for (const m of NAMED_MODELS) model.append(option(m.id, m.name, m.id === settings.model));
    model.addEventListener('change', () => {
      const picked = findModel(model.value);
      if (picked) this.pickModel(side, sideForModel(picked));
    });

    const presetSelect = h('select', { 'data-field': 'preset' }) as HTMLSelectElement;
    for (const family of [...new Set(PRESETS.map((p) => p.family))]) {
      const group = h('optgroup', { label: FAMILY_LABELS[family] });
      for (const p of PRESETS.filter((q) => q.family === family)) {
        // The closed select shows a name that fits the column; the full label is the option's tooltip and the line
        // under the select.
        const node = option(p.id, shortLabel(p.label), p.id === settings.preset);
        node.title = p.label;
        group.append(node);
      }
      presetSelect.append(group);
    }
    presetSelect.addEventListener('change', () => {
      const next = sideForPreset(presetSelect.value as PresetId);
      this.pickModel(side, next);
    });

    const params = preset.params.map((spec) => this.paramField(side, settings, spec));

    const transform = h('select', { 'data-field': 'transform' }) as HTMLSelectElement;
    const own = h('optgroup', { label: `Fed to ${preset.upstreamName} in real models` });
    const other = h('optgroup', { label: 'Other inputs' });
    for (const id of Object.keys(INPUT_TRANSFORMS) as InputTransformId[]) {
      const t = INPUT_TRANSFORMS[id];
      (preset.inputTransforms.includes(id) ? own : other).append(option(id, `${t.label} — ${t.formula}`, id === settings.transform));
    }
    transform.append(own, other);
    transform.addEventListener('change', () => {
      const id = transform.value as InputTransformId;
      const next = { ...settings, transform: id, model: undefined };
      if (side === 'primary' && INPUT_TRANSFORMS[id].axis !== INPUT_TRANSFORMS[this.draft.primary.transform].axis)
        // A new axis (t → σ) needs a range in its own units.
        this.emit({ ...this.draft, primary: next, ...defaultRange(id, this.draft.numTimesteps) }, true);
      else this.updateSide(side, next);
    });

    const dtype = h('select', { 'data-field': 'dtype' }) as HTMLSelectElement;
    for (const d of Object.keys(DTYPE_LABELS) as TimestepDtype[]) dtype.append(option(d, DTYPE_LABELS[d], d === settings.dtype));
    dtype.addEventListener('change', () => this.updateSide(side, { ...this.currentSide(side), dtype: dtype.value as TimestepDtype, model: undefined }));

    return h(
      'section',
      { class: 'side', 'data-side': side },
      h('h2', {}, title),
      this.field(`${side}:model`, 'Model', model),
      this.field(`${side}:preset`, 'Convention', presetSelect, preset.label, `Used by: ${preset.usedBy}`),
      h('div', { class: 'params' }, ...params),
      this.field(`${side}:transform`, 'Input transform', transform),
      this.field(`${side}:dtype`, 'Input precision', dtype),
      h('div', { class: 'problem', 'data-problem': `${side}:*`, role: 'alert', hidden: true }),
    );
  }

  private currentSide(side: SideKey): EmbeddingSettings {
    return side === 'primary' ? this.draft.primary : this.draft.compare!;
  }

  private pickModel(side: SideKey, next: EmbeddingSettings): void {
    let draft: ExplorerSettings = { ...this.draft, [side]: next };
    const oldAxis = INPUT_TRANSFORMS[this.draft.primary.transform].axis;
    if (side === 'primary' && INPUT_TRANSFORMS[next.transform].axis !== oldAxis)
      draft = { ...draft, ...defaultRange(next.transform, draft.numTimesteps) };
    this.parseProblems.clear();
    this.emit(draft, true);
  }

  private paramField(side: SideKey, settings: EmbeddingSettings, spec: ParamSpec): HTMLElement {
    const key = `${side}:${spec.name}`;
    const current = settings.params[spec.name] ?? spec.default;
    const label = spec.isWidth ? `${spec.name} (width)` : spec.name;
    if (spec.kind === 'bool') {
      const box = h('input', { type: 'checkbox', 'data-param': spec.name }) as HTMLInputElement;
      box.checked = current === true;
      box.addEventListener('change', () => {
        const side0 = this.currentSide(side);
        this.updateSide(side, { ...side0, params: { ...side0.params, [spec.name]: box.checked }, model: undefined });
      });
      const row = h('div', { class: 'field checkbox' }, box, h('label', {}, spec.name), h('div', { class: 'hint' }, spec.doc));
      box.id = `f-${key.replace(/[^\w-]/g, '_')}`;
      row.querySelector('label')!.setAttribute('for', box.id);
      row.append(h('div', { class: 'problem', 'data-problem': key, role: 'alert', hidden: true }));
      return row;
    }
    if (spec.kind === 'buffer') {
      const given = Array.isArray(current);
      const note = h('output', { 'data-param': spec.name }, given ? `${current.length} values (given)` : 'seeded N(0, 1) · std');
      // A checkpoint's own buffer from a .npy file (the host reads it), or back to the seeded stand-in.
      const load = h('button', { class: 'secondary', type: 'button', 'data-load-buffer': spec.name }, 'Load .npy…');
      load.addEventListener('click', () => this.handlers.loadBuffer(this.draft, side, spec.name));
      const buttons = [load];
      if (given) {
        const seeded = h('button', { class: 'secondary', type: 'button', 'data-seeded-buffer': spec.name }, 'Use seeded');
        seeded.addEventListener('click', () => {
          const side0 = this.currentSide(side);
          const params = { ...side0.params };
          delete params[spec.name];
          this.updateSide(side, { ...side0, params, model: undefined }, true);
        });
        buttons.push(seeded);
      }
      return this.field(key, spec.name, h('div', { class: 'buffer' }, note, h('div', { class: 'row buttons' }, ...buttons)), spec.doc);
    }
    const input = h('input', {
      type: 'text',
      inputmode: spec.kind === 'float' ? 'decimal' : 'numeric',
      'data-param': spec.name,
      value: valueText(current),
      spellcheck: 'false',
      placeholder: spec.kind === 'optional-int' ? 'None' : undefined,
    }) as HTMLInputElement;
    input.addEventListener('input', () => {
      const parsed = parseValue(spec, input.value);
      if ('message' in parsed) {
        this.parseProblems.set(key, parsed.message);
        this.handlers.change(this.draft, false);
        return;
      }
      this.parseProblems.delete(key);
      const side0 = this.currentSide(side);
      this.updateSide(side, { ...side0, params: { ...side0.params, [spec.name]: parsed.value }, model: undefined });
    });
    return this.field(key, label, input, spec.doc);
  }

  private numberInput(key: string, value: number, onValue: (v: number) => void, step = 'any'): HTMLInputElement {
    const input = h('input', { type: 'number', step, value: String(value), 'data-field': key }) as HTMLInputElement;
    input.addEventListener('input', () => {
      const v = input.value.trim() === '' ? NaN : Number(input.value);
      if (!Number.isFinite(v)) {
        this.parseProblems.set(key, `${key.split(':')[1]} must be a number (got '${input.value}')`);
        this.handlers.change(this.draft, false);
        return;
      }
      this.parseProblems.delete(key);
      onValue(v);
    });
    return input;
  }

  private axisSection(): HTMLElement {
    const s = this.draft;
    const axis = INPUT_TRANSFORMS[s.primary.transform].axis;
    const T = this.numberInput('global:numTimesteps', s.numTimesteps, (v) => this.emit(withNumTimesteps(this.draft, v)), '1');
    const from = this.numberInput('global:tStart', s.tStart, (v) => this.emit({ ...this.draft, tStart: v }));
    const to = this.numberInput('global:tEnd', s.tEnd, (v) => this.emit({ ...this.draft, tEnd: v }));
    const overlay = h('input', { type: 'checkbox', 'data-field': 'global:schedule' }) as HTMLInputElement;
    overlay.checked = s.schedule !== null;
    overlay.addEventListener('change', () =>
      this.emit({ ...this.draft, schedule: overlay.checked ? { steps: 50, spacing: 'leading' } : null }, true),
    );
    const scheduleFields: HTMLElement[] = [];
    if (s.schedule) {
      const steps = this.numberInput('global:scheduleSteps', s.schedule.steps, (v) =>
        this.emit({ ...this.draft, schedule: { ...this.draft.schedule!, steps: v } }), '1');
      const spacing = h('select', { 'data-field': 'global:spacing' }) as HTMLSelectElement;
      for (const sp of SCHEDULE_SPACINGS) spacing.append(option(sp, sp, sp === s.schedule.spacing));
      spacing.addEventListener('change', () =>
        this.emit({ ...this.draft, schedule: { ...this.draft.schedule!, spacing: spacing.value as ScheduleSpacing } }));
      scheduleFields.push(
        this.field('global:scheduleSteps', 'Sampling steps N', steps),
        this.field('global:spacing', 'timestep_spacing', spacing, 'How diffusers schedulers pick N of the T steps'),
      );
    }
    const dims = h('input', { type: 'text', value: s.dims.join(', '), 'data-field': 'global:dims', spellcheck: 'false' }) as HTMLInputElement;
    dims.addEventListener('input', () => {
      const parts = dims.value.split(/[\s,]+/).filter(Boolean);
      const values = parts.map(Number);
      if (parts.length === 0 || parts.length > 16 || values.some((v) => !Number.isInteger(v) || v < 0)) {
        this.parseProblems.set('global:dims', 'dims must be 1 to 16 column numbers ≥ 0, separated by commas');
        this.handlers.change(this.draft, false);
        return;
      }
      this.parseProblems.delete('global:dims');
      this.emit({ ...this.draft, dims: values });
    });
    const axisLabel = axis === 't' ? 't' : axis;
    return h(
      'section',
      { class: 'axis' },
      h('h2', {}, 'Timesteps'),
      this.field('global:numTimesteps', axis === 't' ? 'Training timesteps T' : 'Samples of the axis', T),
      h('div', { class: 'row' }, this.field('global:tStart', `${axisLabel} from`, from), this.field('global:tEnd', 'to', to)),
      h('div', { class: 'problem', 'data-problem': 'global:tRange', role: 'alert', hidden: true }),
      h('div', { class: 'field checkbox' }, overlay, h('label', {}, 'Inference-schedule overlay')),
      ...scheduleFields,
      this.field('global:dims', 'Curves: dims', dims),
      h('div', { class: 'problem', 'data-problem': 'global:*', role: 'alert', hidden: true }),
    );
  }

  private compareSection(): HTMLElement {
    const s = this.draft;
    const on = h('input', { type: 'checkbox', 'data-field': 'compare:on' }) as HTMLInputElement;
    on.checked = s.compare !== null;
    on.addEventListener('change', () => this.emit({ ...this.draft, compare: on.checked ? sideForModel(findModel('sd15-ldm')!) : null }, true));
    const same = (dtype: TimestepDtype): HTMLElement => {
      const button = h('button', { type: 'button', class: 'secondary', 'data-action': `compare-${dtype}` }, `same at ${dtype}`);
      button.addEventListener('click', () => this.emit({ ...this.draft, compare: { ...this.draft.primary, dtype, model: undefined } }, true));
      return button;
    };
    return h(
      'section',
      { class: 'compare' },
      h('h2', {}, 'Compare'),
      h('div', { class: 'field checkbox' }, on, h('label', {}, 'Compare with a second convention')),
      h('div', { class: 'row buttons' }, same('float16'), same('bfloat16')),
      s.compare ? this.sideSection('compare', s.compare, 'Second convention') : null,
    );
  }

  private actionSection(): HTMLElement {
    const s = this.draft;
    const framework = h('select', { 'data-field': 'framework' }) as HTMLSelectElement;
    for (const f of FRAMEWORKS) framework.append(option(f, FRAMEWORK_LABELS[f], f === s.framework));
    framework.addEventListener('change', () => this.emit({ ...this.draft, framework: framework.value as ExplorerSettings['framework'] }));
    const form = h('select', { 'data-field': 'form' }) as HTMLSelectElement;
    for (const f of CODE_FORMS) form.append(option(f, f, f === s.form));
    form.addEventListener('change', () => this.emit({ ...this.draft, form: form.value as ExplorerSettings['form'] }));
    const plot = h('select', { 'data-field': 'exportPlot' }) as HTMLSelectElement;
    for (const [id, label] of Object.entries(PLOT_LABELS)) plot.append(option(id, label, id === 'plot-heatmap'));
    const backend = h('select', { 'data-field': 'backend' }) as HTMLSelectElement;
    for (const b of BACKEND_PREFERENCES) backend.append(option(b, b === 'auto' ? 'auto (WebGPU first)' : b === 'webgpu' ? 'WebGPU' : 'CPU', b === s.backend));
    backend.addEventListener('change', () => this.emit({ ...this.draft, backend: backend.value as ExplorerSettings['backend'] }));
    const button = (id: ActionId, label: string, primary = false): HTMLElement => {
      const b = h('button', { type: 'button', class: primary ? '' : 'secondary', 'data-action': id }, label);
      b.addEventListener('click', () => this.handlers.action(id, plot.value));
      return b;
    };
    return h(
      'section',
      { class: 'actions' },
      h('h2', {}, 'Actions'),
      h('div', { class: 'row' }, this.field('global:framework', 'Framework', framework), this.field('global:form', 'Form', form)),
      button('insert', 'Insert code for these settings', true),
      this.field('global:exportPlot', 'Export plot', plot),
      h('div', { class: 'row buttons' }, button('png', 'PNG'), button('svg', 'SVG')),
      h('div', { class: 'label' }, 'Export data (primary E)'),
      h('div', { class: 'row buttons' }, button('npy', '.npy float32'), button('csv', 'CSV')),
      button('copyJson', 'Copy settings as JSON'),
      this.field('global:backend', 'Backend', backend),
    );
  }
}
