/**
 * Registers the Embedding Explorer: the `timestepLens.openExplorer` command (palette, Python editor context menu,
 * and other commands with settings as the argument), the panel serializer that brings the panel back after a reload,
 * and the tracking of the last active text editor that "Insert code" writes into.
 */
import * as vscode from 'vscode';
import { getPreset, outputWidth, resolveRequest, type EmbedRequest } from '../core/index';
import { curveDimsFor, isEmbeddingSettings, isExplorerSettings, type EmbeddingSettings, type ExplorerSettings } from '../protocol/explorerProtocol';
import { ExplorerPanel, type ExplorerHost } from './explorerPanel';

/** Everything the explorer registers; the returned disposables belong in context.subscriptions. */
export function registerExplorer(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable[] {
  let lastEditor = vscode.window.activeTextEditor;
  const host: ExplorerHost = { extensionUri: context.extensionUri, log, lastEditor: () => lastEditor };
  return [
    // The webview takes focus, so "Insert code" needs the editor the user was in before.
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) lastEditor = editor;
    }),
    // Returns the panel: executeCommand hands it, unserialised, to callers in this extension host (the suite awaits
    // its `ready` handshake); a command from the palette ignores it.
    vscode.commands.registerCommand(ExplorerPanel.openCommand, (arg?: unknown) => ExplorerPanel.createOrShow(host, settingsFromArgument(arg))),
    vscode.window.registerWebviewPanelSerializer(ExplorerPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        ExplorerPanel.revive(panel, host, state);
      },
    }),
  ];
}

/** The width of E for a side's settings, or 2 when they are not valid (the panel then shows why). */
function widthOf(side: EmbeddingSettings): number {
  try {
    const resolved = resolveRequest({ preset: side.preset, timesteps: [0], params: side.params, dtype: side.dtype });
    return outputWidth(side.preset, resolved.params, resolved.columns);
  } catch {
    return 2;
  }
}

/**
 * Settings from a command argument: whole ExplorerSettings, one side's EmbeddingSettings, or an EmbedRequest (what the
 * insert command has after its last step). Anything else (the editor context menu passes the file's URI) gives null:
 * the panel starts from its saved or default settings.
 */
export function settingsFromArgument(arg: unknown): ExplorerSettings | null {
  if (isExplorerSettings(arg)) return arg;
  let side: EmbeddingSettings | undefined;
  if (isEmbeddingSettings(arg)) side = arg;
  else if (typeof arg === 'object' && arg !== null && typeof (arg as EmbedRequest).preset === 'string') {
    const request = arg as EmbedRequest;
    const candidate = { preset: request.preset, params: request.params ?? {}, dtype: request.dtype ?? 'float32', transform: 'discrete' };
    if (isEmbeddingSettings(candidate)) side = { ...candidate, transform: getPreset(candidate.preset).inputTransforms[0]! };
  }
  if (!side) return null;
  const numTimesteps = 1000;
  const axisRange = side.transform === 'discrete' || side.transform === 'rescale-to-1000' ? { tStart: 0, tEnd: 999 } : side.transform.startsWith('unit') ? { tStart: 0, tEnd: 1 } : { tStart: 0.002, tEnd: 80 };
  return {
    primary: side,
    compare: null,
    numTimesteps,
    ...axisRange,
    schedule: null,
    dims: curveDimsFor(widthOf(side)),
    framework: 'pytorch',
    form: 'function',
    backend: 'auto',
  };
}
