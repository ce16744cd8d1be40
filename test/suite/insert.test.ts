/**
 * "Insert Timestep Embedding…" in a real editor: the text that lands is exactly the core's generateCode output (fitted
 * by fitToDocument: imports the document has are not repeated, blank lines set it apart) for the
 * same request (tab stops expanded to their defaults), in a Python file and in a Jupyter notebook cell, as ONE undo
 * step, replacing only the selection the user made. The pickers are driven two ways: through the command's pre-filled
 * argument (src/commands/insertEmbedding.ts documents it), and through the real quick-pick flow, accepting each
 * step's preselected entry with the workbench's own accept command, its defaults set through the settings.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { fitToDocument, generateCode, getPreset, type CodeForm, type Framework, type Params, type PresetId } from '../../src/core';
import { buildInsert, keyParams, widthSpec, type InsertChoices } from '../../src/commands/insertFlow';
import { activeExtension, closeAllWithoutSaving, scratchDir, sleep, waitFor, within } from './helpers';

const INSERT = 'timestepLens.insertEmbedding';

/** What the editor must hold after inserting `choices`: generateCode's plain text (no tab-stop syntax). */
function expectedCode(choices: InsertChoices): string {
  const saved = buildInsert(choices);
  return generateCode(saved.request, saved.framework, { ...saved.options, tabStops: false });
}

/** A Python file on disk in the workspace, opened in an editor with `text`. */
async function openPythonFile(text: string): Promise<vscode.TextEditor> {
  const file = join(scratchDir('insert'), 'model.py');
  writeFileSync(file, text);
  const document = await vscode.workspace.openTextDocument(file);
  assert.equal(document.languageId, 'python');
  return vscode.window.showTextDocument(document);
}

/** Runs `undo` once in the focused editor. */
async function undoOnce(): Promise<void> {
  await vscode.commands.executeCommand('undo');
}

describe('Insert Timestep Embedding in a real editor', function () {
  this.timeout(60_000);

  before(async () => {
    await activeExtension();
  });
  afterEach(async () => {
    await closeAllWithoutSaving();
  });

  const cases: { title: string; choices: InsertChoices }[] = [
    { title: 'diffusers · PyTorch · function', choices: { preset: 'diffusers', framework: 'pytorch', form: 'function', params: { embedding_dim: 320 } } },
    { title: 'ADM · JAX · module + MLP', choices: { preset: 'adm', framework: 'jax', form: 'module+mlp', params: { dim: 64 } } },
    { title: 'EDM Fourier · NumPy · function (a random buffer)', choices: { preset: 'edm-fourier', framework: 'numpy', form: 'function', params: { num_channels: 16 } } },
    { title: 'Flux · PyTorch · injection (adaLN-Zero)', choices: { preset: 'flux', framework: 'pytorch', form: 'injection', injection: 'adaln-zero', params: { dim: 256 } } },
  ];
  for (const { title, choices } of cases) {
    it(`inserts exactly generateCode's text at the cursor, as one undo step: ${title}`, async () => {
      const editor = await openPythonFile('');
      const expected = expectedCode(choices);
      await vscode.commands.executeCommand(INSERT, choices);
      assert.equal(editor.document.getText(), expected);
      await undoOnce();
      assert.equal(editor.document.getText(), '', 'one undo did not restore the empty file');
    });
  }

  it('replaces only the selection the user made; text before and after it is untouched', async () => {
    const before = 'import torch\n\n# keep me\nPLACEHOLDER = "replace this"  # and this\n\n# keep me too\nx = 1\n';
    const editor = await openPythonFile(before);
    // From the start of the PLACEHOLDER line to the end of its comment, leaving the newline and everything around it.
    const line = editor.document.lineAt(3);
    editor.selection = new vscode.Selection(line.range.start, line.range.end);
    const choices: InsertChoices = { preset: 'adm', framework: 'pytorch', form: 'module', params: { dim: 128 } };
    await vscode.commands.executeCommand(INSERT, choices);
    const head = before.slice(0, before.indexOf('PLACEHOLDER'));
    const tail = before.slice(before.indexOf('\n\n# keep me too'));
    // The file already imports torch, so the inserted code does not repeat it; two blank lines set it apart.
    const fitted = fitToDocument(expectedCode(choices), before, head, tail);
    assert.ok(!fitted.includes('import torch'), 'import torch was repeated');
    const expected = head + fitted + tail;
    assert.equal(editor.document.getText(), expected);
    await undoOnce();
    assert.equal(editor.document.getText(), before, 'one undo did not restore the file');
  });

  it('inserts into a Jupyter notebook cell (the built-in ipynb serializer), as one undo step', async () => {
    const file = join(scratchDir('notebook'), 'embed.ipynb');
    const cells = [
      { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['import jax\n', 'import jax.numpy as jnp'] },
      { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['t = jnp.arange(10)\n', 'CURSOR'] },
    ];
    writeFileSync(file, JSON.stringify({ cells, metadata: { language_info: { name: 'python' } }, nbformat: 4, nbformat_minor: 5 }));
    const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
    assert.equal(notebook.notebookType, 'jupyter-notebook');
    const notebookEditor = await vscode.window.showNotebookDocument(notebook);
    // Focus the second cell's text editor, as a click into it would.
    notebookEditor.selections = [new vscode.NotebookRange(1, 2)];
    await vscode.commands.executeCommand('notebook.cell.edit');
    const cell = notebook.cellAt(1).document;
    await waitFor(() => vscode.window.activeTextEditor?.document === cell, 'the second cell has a focused text editor');
    const editor = vscode.window.activeTextEditor!;
    const before = cell.getText();
    assert.equal(before, 't = jnp.arange(10)\nCURSOR');
    const word = editor.document.lineAt(1).range;
    editor.selection = new vscode.Selection(word.start, word.end);

    const choices: InsertChoices = { preset: 'diffusers-flax', framework: 'jax', form: 'module', params: { embedding_dim: 32 } };
    await vscode.commands.executeCommand(INSERT, choices);
    assert.equal(cell.getText(), `t = jnp.arange(10)\n${fitToDocument(expectedCode(choices), before, 't = jnp.arange(10)\n', '')}`);
    assert.equal(notebook.cellAt(0).document.getText(), 'import jax\nimport jax.numpy as jnp', 'the other cell changed');
    await undoOnce();
    assert.equal(cell.getText(), before, 'one undo did not restore the cell');
  });

  it('drives the real quick-pick flow: every step preselected from the settings and accepted with Enter', async () => {
    const config = vscode.workspace.getConfiguration('timestepLens');
    const settings: [string, unknown][] = [
      ['defaultPreset', 'adm'],
      ['defaultFramework', 'numpy'],
      ['defaultWidth', 48],
    ];
    for (const [key, value] of settings) await config.update(key, value, vscode.ConfigurationTarget.Global);
    try {
      const editor = await openPythonFile('');
      const inserting = Promise.resolve(vscode.commands.executeCommand(INSERT));
      let settled = false;
      void inserting.finally(() => (settled = true));
      // Each step shows its picker or input box once the previous one was accepted; accepting when none is open yet
      // does nothing, so accept until the command returns (preset, framework, form, width, then each key parameter).
      let accepts = 0;
      while (!settled && accepts < 60) {
        await sleep(150);
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        accepts++;
      }
      await within(inserting, 5_000, 'the insert command to finish after the last step');
      const preset = getPreset('adm' as PresetId);
      const params: Params = { [widthSpec(preset).name]: 48, ...Object.fromEntries(keyParams(preset).map((spec) => [spec.name, spec.default])) };
      const expected = expectedCode({ preset: 'adm', framework: 'numpy' as Framework, form: 'function' as CodeForm, params });
      assert.equal(editor.document.getText(), expected);
    } finally {
      for (const [key] of settings) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('"Last Settings" replays the previous insert without asking', async () => {
    const choices: InsertChoices = { preset: 'lucidrains', framework: 'pytorch', form: 'function', params: { dim: 16 } };
    const first = await openPythonFile('');
    await vscode.commands.executeCommand(INSERT, choices);
    assert.equal(first.document.getText(), expectedCode(choices));
    await closeAllWithoutSaving();
    const second = await openPythonFile('');
    await vscode.commands.executeCommand('timestepLens.insertEmbeddingLastSettings');
    assert.equal(second.document.getText(), expectedCode(choices));
  });

  it('refuses a malformed pre-filled argument without touching the document', async () => {
    const editor = await openPythonFile('x = 1\n');
    await vscode.commands.executeCommand(INSERT, { preset: 'adm', framework: 'cobol', form: 'function', params: { dim: 64 } });
    await vscode.commands.executeCommand(INSERT, { preset: 'adm', framework: 'pytorch', form: 'function', params: { dim: -3 } });
    assert.equal(editor.document.getText(), 'x = 1\n');
    assert.equal(editor.document.isDirty, false);
  });
});
