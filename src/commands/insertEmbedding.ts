/**
 * "Insert Timestep Embedding…" and "Insert Timestep Embedding (Last Settings)": a quick-pick flow (preset, framework,
 * form, width, key parameters) that inserts the core's generated code as one snippet edit at the cursor, or over the
 * selection when there is one. Works in Python files and in notebook cells (a cell is a TextEditor too).
 * Everything that can be decided without VS Code lives in insertFlow.ts; this file shows pickers and edits.
 *
 * `timestepLens.insertEmbedding` takes one optional argument that skips the pickers: the picks themselves
 * (`InsertChoices`: `{ preset, framework, form, injection?, params }`) or a whole `SavedInsert`. It is validated like a
 * saved value; anything else (a URI from a menu, a malformed object) is ignored or refused with a message. Used by the
 * extension-host suite (test/suite) and usable from keybindings and other extensions:
 *   vscode.commands.executeCommand('timestepLens.insertEmbedding', { preset: 'adm', framework: 'jax', form: 'function', params: { dim: 64 } })
 */
import * as vscode from 'vscode';
import {
  detectFramework,
  fitToDocument,
  generateCode,
  getPreset,
  type Framework,
  type ParamSpec,
  type ParamValue,
  type Params,
  type Preset,
  type PresetId,
} from '../core';
import {
  COMMAND_IDS,
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
  presetEntries,
  requestProblems,
  stepTitle,
  totalSteps,
  widthSpec,
  type InsertChoices,
  type PickEntry,
  type SavedInsert,
} from './insertFlow';

/** globalState key of the last inserted request, framework and options. */
const LAST_INSERT_KEY = 'timestepLens.lastInsert';
/** globalState key of the last framework picked (the fallback when imports say nothing). */
const LAST_FRAMEWORK_KEY = 'timestepLens.lastFramework';

const NO_EDITOR_MESSAGE =
  'Timestep Lens: there is no active editor to insert into. Open a Python file or notebook cell, put the cursor where the code should go, then run "Insert Timestep Embedding…" again.';

/** Registers both commands; the returned disposables belong in context.subscriptions. */
export function registerInsertCommands(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const run = (replayLast: boolean) => async (arg?: unknown): Promise<void> => {
    try {
      await insertEmbedding(context, log, replayLast, replayLast ? undefined : arg);
    } catch (error) {
      // A bug, not a user mistake: keep the details in the log and say where they are.
      log.error('Insert Timestep Embedding failed', error);
      void showErrorWithLog(log, `Timestep Lens: inserting the embedding failed (${errorText(error)}).`);
    }
  };
  return [
    vscode.commands.registerCommand(COMMAND_IDS.insertEmbedding, run(false)),
    vscode.commands.registerCommand(COMMAND_IDS.insertEmbeddingLastSettings, run(true)),
  ];
}

async function insertEmbedding(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  replayLast: boolean,
  arg: unknown,
): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showErrorMessage(NO_EDITOR_MESSAGE);
    return;
  }
  let saved: SavedInsert | undefined;
  if (isPrefilled(arg)) {
    saved = prefilledInsert(arg);
    if (!saved) {
      log.warn('Insert Timestep Embedding: refused a malformed pre-filled argument', arg);
      void vscode.window.showErrorMessage(
        'Timestep Lens: the settings passed to "Insert Timestep Embedding…" are not valid (expected { preset, framework, form, params }); nothing was inserted.',
      );
      return;
    }
  }
  if (replayLast) {
    saved = parseSavedInsert(context.globalState.get(LAST_INSERT_KEY));
    if (!saved)
      void vscode.window.showInformationMessage(
        'Timestep Lens: no previous settings to reuse yet. Choose them once; later runs of "Insert Timestep Embedding (Last Settings)" insert without asking.',
      );
  }
  saved ??= await askForInsert(context, editor);
  if (!saved) return; // Escape: nothing was changed, nothing is remembered.
  if (editor.document.isClosed) {
    void vscode.window.showErrorMessage(NO_EDITOR_MESSAGE);
    return;
  }
  const problems = requestProblems(saved);
  if (problems.length > 0) {
    void vscode.window.showErrorMessage(`Timestep Lens: ${problems.join(' ')}`);
    return;
  }
  let code: string;
  try {
    code = generateCode(saved.request, saved.framework, saved.options);
  } catch (error) {
    log.error(`generateCode failed for ${describeInsert(saved)}`, error);
    void showErrorWithLog(log, `Timestep Lens could not generate the code: ${errorText(error)}`);
    return;
  }
  // One snippet edit is one undo step. An empty selection is just the cursor, so this inserts there; a selection the
  // user made is replaced.
  const inserted = await editor.insertSnippet(new vscode.SnippetString(fitAtSelection(editor, code)), editor.selection);
  if (!inserted) {
    log.warn(`insertSnippet refused the edit in ${editor.document.uri.toString()}`);
    void vscode.window.showErrorMessage(
      'Timestep Lens: the editor did not accept the insertion (it may be read-only or was closed). Click into a writable Python file or notebook cell and run the command again.',
    );
    return;
  }
  log.info(`inserted ${describeInsert(saved)} into ${editor.document.uri.toString()}`);
  await context.globalState.update(LAST_INSERT_KEY, saved);
  await context.globalState.update(LAST_FRAMEWORK_KEY, saved.framework);
}

/** The code fitted to the text around the selection it replaces (see fitToDocument). */
export function fitAtSelection(editor: vscode.TextEditor, code: string): string {
  const document = editor.document;
  const end = document.lineAt(document.lineCount - 1).range.end;
  const before = document.getText(new vscode.Range(new vscode.Position(0, 0), editor.selection.start));
  const after = document.getText(new vscode.Range(editor.selection.end, end));
  return fitToDocument(code, document.getText(), before, after);
}

/** True for an argument meant as pre-filled settings: an object, but not the URI a menu passes. */
function isPrefilled(arg: unknown): arg is object {
  return typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri);
}

/** The pre-filled argument as a SavedInsert, checked like a saved value (never trusted); undefined when invalid. */
function prefilledInsert(arg: object): SavedInsert | undefined {
  if ('version' in arg) return parseSavedInsert(arg);
  const choices = arg as Partial<Record<keyof InsertChoices, unknown>>;
  if (typeof choices.preset !== 'string' || typeof choices.params !== 'object' || choices.params === null) return undefined;
  // buildInsert only assembles; parseSavedInsert then checks the framework, form, injection and the whole request.
  return parseSavedInsert(buildInsert(choices as unknown as InsertChoices));
}

/** The full flow; undefined as soon as any step is escaped. */
async function askForInsert(context: vscode.ExtensionContext, editor: vscode.TextEditor): Promise<SavedInsert | undefined> {
  const settings = vscode.workspace.getConfiguration('timestepLens', editor.document);

  const presetId = await pickOne<PresetId>(presetEntries(defaultPresetId(settings.get('defaultPreset'))), {
    title: stepTitle(1, undefined, 'preset'),
    placeholder: 'Which convention? Type to filter by name, id or the models that use it',
  });
  if (!presetId) return undefined;
  const preset = getPreset(presetId);

  const preselected = defaultFramework(
    settings.get('defaultFramework'),
    detectFramework(detectionText(editor.document)),
    context.globalState.get(LAST_FRAMEWORK_KEY),
  );
  const framework = await pickOne<Framework>(frameworkEntries(preselected), {
    title: stepTitle(2, totalSteps(preset, undefined), 'framework'),
    placeholder: 'Which framework should the code use?',
  });
  if (!framework) return undefined;

  const form = await pickOne(formEntries(), {
    title: stepTitle(3, totalSteps(preset, undefined), 'form'),
    placeholder: 'What should be inserted?',
  });
  if (!form) return undefined;
  const total = totalSteps(preset, form);
  let step = 4;

  const injection = form === 'injection' ? await pickOne(injectionEntries(), {
    title: stepTitle(step++, total, 'injection style'),
    placeholder: 'How does the time embedding condition the block?',
  }) : undefined;
  if (form === 'injection' && !injection) return undefined;

  // The width first, then the other parameters; each box validates against the values chosen before it.
  const chosen: Record<string, ParamValue> = {};
  for (const spec of [widthSpec(preset), ...keyParams(preset)]) {
    const start: ParamValue = spec.isWidth ? initialWidth(preset, settings.get('defaultWidth')) : spec.default;
    const answer = await askParam(preset, chosen, spec, start, stepTitle(step++, total, spec.name));
    if (!answer) return undefined;
    chosen[spec.name] = answer.value;
  }

  return buildInsert({ preset: presetId, framework, form, ...(injection ? { injection } : {}), params: chosen });
}

/**
 * The text detectFramework reads. A notebook cell rarely holds the imports itself, so for a cell every code cell of
 * its notebook is read.
 */
function detectionText(document: vscode.TextDocument): string {
  if (document.uri.scheme !== 'vscode-notebook-cell') return document.getText();
  const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((cell) => cell.document === document));
  if (!notebook) return document.getText();
  return notebook
    .getCells()
    .filter((cell) => cell.kind === vscode.NotebookCellKind.Code)
    .map((cell) => cell.document.getText())
    .join('\n');
}

type Item<T> = vscode.QuickPickItem & { value?: T };

/**
 * A quick pick that starts on the default entry (showQuickPick cannot). Settles exactly once: with the accepted value,
 * or undefined when hidden (Escape, focus lost).
 */
function pickOne<T>(entries: readonly PickEntry<T>[], options: { title: string; placeholder: string }): Promise<T | undefined> {
  return new Promise((resolve) => {
    const quickPick = vscode.window.createQuickPick<Item<T>>();
    const items = entries.map(
      (entry): Item<T> =>
        entry.kind === 'separator'
          ? { label: entry.label, kind: vscode.QuickPickItemKind.Separator }
          : { label: entry.label, description: entry.description, detail: entry.detail, value: entry.value },
    );
    quickPick.title = options.title;
    quickPick.placeholder = options.placeholder;
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    quickPick.items = items;
    const active = entries.findIndex((entry) => entry.kind === 'item' && entry.isDefault);
    if (active >= 0) quickPick.activeItems = [items[active]!];
    let settled = false;
    const settle = (value: T | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(value);
      quickPick.dispose();
    };
    quickPick.onDidAccept(() => {
      const [selected] = quickPick.selectedItems;
      if (selected && 'value' in selected) settle(selected.value);
    });
    quickPick.onDidHide(() => settle(undefined));
    quickPick.show();
  });
}

/** One parameter: True/False as a pick, anything else in an input box validated by the core as it is typed. */
async function askParam(
  preset: Preset,
  chosen: Params,
  spec: ParamSpec,
  start: ParamValue,
  title: string,
): Promise<{ value: ParamValue } | undefined> {
  if (spec.kind === 'bool') {
    const entries = [true, false].map(
      (b): PickEntry<boolean> => ({
        kind: 'item',
        value: b,
        label: formatValue(b),
        description: b === spec.default ? 'default' : undefined,
        isDefault: b === start,
      }),
    );
    const value = await pickOne(entries, { title, placeholder: `${spec.name}: ${spec.doc}` });
    return value === undefined ? undefined : { value };
  }
  const text = await vscode.window.showInputBox({
    title,
    prompt: `${spec.name}: ${spec.doc}`,
    value: initialText(start),
    validateInput: (typed) => paramInputMessage(preset, chosen, spec, typed),
  });
  if (text === undefined) return undefined;
  // validateInput keeps Enter from accepting bad text, so this parse succeeds; checked anyway rather than asserted.
  const parsed = parseParamText(spec, text);
  return parsed.ok ? { value: parsed.value } : undefined;
}

async function showErrorWithLog(log: vscode.LogOutputChannel, message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(`${message} Details are in the "Timestep Lens" output.`, 'Show Output');
  if (choice) log.show(true);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
