/**
 * What package.json contributes besides commands, as the running VS Code sees it: the Python snippets file exists in
 * the loaded extension (from source or from the installed .vsix) with every tsemb-* prefix, and VS Code offers them
 * as completions in a Python document.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, closeAllWithoutSaving } from './helpers';

/** The prefixes dist/snippets/python.json must define (one per convention family worth a snippet). */
const PREFIXES = ['tsemb-adm', 'tsemb-ddpm', 'tsemb-diffusers', 'tsemb-edm', 'tsemb-flux', 'tsemb-fourier', 'tsemb-sdxl'];

interface Manifest {
  contributes: { snippets?: { language: string; path: string }[] };
}

describe('Contributions', () => {
  after(async () => {
    await closeAllWithoutSaving();
  });

  it('contributes Python snippets whose file ships with the extension and has every tsemb-* prefix', async () => {
    const extension = await activeExtension();
    const snippets = (extension.packageJSON as Manifest).contributes.snippets ?? [];
    const python = snippets.find((s) => s.language === 'python');
    assert.ok(python, 'no snippets contribution for python');
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, python.path));
    const entries = Object.values(JSON.parse(new TextDecoder().decode(bytes)) as Record<string, { prefix: string; body: string[] }>);
    assert.deepEqual(entries.map((e) => e.prefix).sort(), PREFIXES);
  });

  it('offers the snippets as completions in a Python document', async function () {
    this.timeout(30_000);
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: 'tsemb' });
    await vscode.window.showTextDocument(document);
    // The workbench's snippet provider registers lazily; ask again until it has read the file.
    let labels: string[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(0, 5));
      labels = list.items.filter((item) => item.kind === vscode.CompletionItemKind.Snippet).map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
      if (PREFIXES.every((p) => labels.includes(p))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(PREFIXES.filter((p) => !labels.includes(p)), [], `snippet completions offered: ${labels.join(', ') || 'none'}`);
  });
});
