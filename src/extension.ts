/**
 * Entry point of the Timestep Lens extension (desktop, code-server and the web worker host share this file).
 * activate() only wires things up; the commands live in src/commands/.
 */
import * as vscode from 'vscode';
import { registerInsertCommands } from './commands/insertEmbedding';
import { registerExplorer } from './explorer/registerExplorer';

/** Called by VS Code on the first use of a contributed command. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Timestep Lens', { log: true });
  context.subscriptions.push(log, ...registerInsertCommands(context, log), ...registerExplorer(context, log));
}

/** Nothing to release beyond context.subscriptions, which VS Code disposes. */
export function deactivate(): void {}
