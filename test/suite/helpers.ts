/**
 * Shared helpers of the extension-host suite (not a test file: build.mjs bundles only `*.test.ts` as entries, and
 * this is reached through their imports). Everything here runs inside VS Code's extension host.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** `${publisher}.${name}` from package.json. */
export const EXTENSION_ID = 'timestep-lens.timestep-lens';

/** The extension, activated; fails with the likely cause when it is not loaded at all. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded: was extensionDevelopmentPath the repository root, and is it built?`);
  await extension.activate();
  return extension;
}

/** Polls `condition` until it holds; workbench state (active editor, ...) follows commands by an event or two. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(50);
  }
}

/** Rejects with `what` if `promise` has not settled within `timeoutMs`, so a missing reply fails instead of hanging. */
export async function within<T>(promise: PromiseLike<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A fresh folder for files a test creates: inside the opened workspace folder when there is one (both runners open
 * one), so the files are ordinary workspace files; else under the OS temp dir.
 */
export function scratchDir(name: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = folder?.scheme === 'file' ? folder.fsPath : tmpdir();
  const dir = join(base, `${name}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Closes every editor without a save prompt (a modal dialog would block the whole run): clean tabs are closed at
 * once, each dirty one is made active and reverted-and-closed.
 */
export async function closeAllWithoutSaving(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    if (tabs.length === 0) return;
    const clean = tabs.filter((tab) => !tab.isDirty);
    if (clean.length > 0) {
      await vscode.window.tabGroups.close(clean);
      continue;
    }
    const tab = tabs[0]!;
    const options = { viewColumn: tab.group.viewColumn, preserveFocus: false };
    if (tab.input instanceof vscode.TabInputText) await vscode.window.showTextDocument(tab.input.uri, options);
    else if (tab.input instanceof vscode.TabInputNotebook)
      await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(tab.input.uri), options);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  assert.fail(`could not close: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)).join(', ')}`);
}
