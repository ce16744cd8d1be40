/**
 * The extension inside a real VS Code: it activates, registers every command it contributes, and a command run with
 * nothing to act on says so instead of throwing.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitFor } from './helpers';

/** The part of package.json these tests read. */
interface Manifest {
  contributes: { commands: { command: string; title: string }[] };
}

describe('Timestep Lens in VS Code', () => {
  let extension: vscode.Extension<unknown>;

  before(() => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not loaded: was extensionDevelopmentPath the repository root, and is it built?`);
    extension = found;
  });

  it('activates', async () => {
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command contributed in package.json', async () => {
    await extension.activate();
    const contributed = (extension.packageJSON as Manifest).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((id) => !registered.has(id)),
      [],
      'contributed in package.json but not registered by activate()',
    );
  });

  it('runs "Insert Timestep Embedding (Last Settings)" with no editor open without throwing', async () => {
    await extension.activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor(() => vscode.window.activeTextEditor === undefined, 'no editor is active');
    // It shows an error message (not awaited by the command, so nothing here waits for a click) and returns.
    await vscode.commands.executeCommand('timestepLens.insertEmbeddingLastSettings');
    assert.equal(vscode.window.activeTextEditor, undefined, 'the command opened an editor');
    assert.equal(vscode.window.visibleTextEditors.length, 0, 'the command opened an editor');
  });
});
