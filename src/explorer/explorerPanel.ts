/**
 * The Embedding Explorer panel: lifecycle (one panel, opened beside the editor, restored after a reload by the
 * serializer), the HTML shell, and routing of the webview's messages. Numeric arrays stay in the webview; the host sees
 * settings, status, code requests and finished files (STYLE.md "Webview ↔ extension protocol").
 */
import * as vscode from 'vscode';
import {
  PROTOCOL_VERSION,
  assertNever,
  isExplorerSettings,
  isWebviewToHost,
  requestIdOf,
  type CodeRequest,
  type ExplorerSettings,
  type HostToWebview,
  type SaveKind,
  type WebviewToHost,
} from '../protocol/explorerProtocol';
import { FRAMEWORK_LABELS, generateCode, validate, type EmbedRequest } from '../core/index';
import { pickBufferFile } from './bufferFile';
import { explorerHtml, makeNonce } from './html';
import { fitAtSelection } from '../commands/insertEmbedding';

/** Save-dialog filters per export kind. */
const SAVE_FILTERS: Readonly<Record<SaveKind, Record<string, string[]>>> = {
  png: { 'PNG image': ['png'] },
  svg: { 'SVG image': ['svg'] },
  npy: { 'NumPy array (float32)': ['npy'] },
  csv: { 'CSV table': ['csv'] },
};

/** What panels need from the extension: paths, the log, and the text editor the user was last in. */
export interface ExplorerHost {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  /** The last active text editor (a notebook cell's editor included); the webview takes focus from it. */
  lastEditor(): vscode.TextEditor | undefined;
}

/** One Embedding Explorer panel. At most one exists; `createOrShow` reveals it. */
export class ExplorerPanel {
  /** The webview panel type, also the serializer's key and the `onWebviewPanel:` activation event. */
  static readonly viewType = 'timestepLens.explorer';
  /** The command that opens the panel. */
  static readonly openCommand = 'timestepLens.openExplorer';

  private static current: ExplorerPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  /** Set once the webview said `ready`; nothing is posted before (messages sent earlier are lost). */
  private isReady = false;
  private readonly postEmitter = new vscode.EventEmitter<HostToWebview>();
  /** Every message this panel posts to its webview (`init`, replies, ...); the extension-host suite observes it. */
  readonly onDidPost: vscode.Event<HostToWebview> = this.postEmitter.event;
  private markReady!: () => void;
  /** Settles once the webview said `ready` and `init` was posted: the handshake is complete. */
  readonly ready: Promise<void> = new Promise((resolve) => (this.markReady = resolve));
  private disposed = false;
  /** Settings from a command that arrived before `ready`, or the restored ones; sent with `init`. */
  private pendingSettings: ExplorerSettings | null;

  /** Opens the panel beside the active editor, or reveals the existing one (applying `settings` when given). */
  static createOrShow(host: ExplorerHost, settings: ExplorerSettings | null = null): ExplorerPanel {
    const existing = ExplorerPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      if (settings) existing.apply(settings);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(ExplorerPanel.viewType, 'Embedding Explorer', vscode.ViewColumn.Beside, ExplorerPanel.options(host.extensionUri));
    ExplorerPanel.current = new ExplorerPanel(panel, host, settings);
    return ExplorerPanel.current;
  }

  /** Re-creates a panel VS Code restored after a reload; `state` is what the webview last passed to setState. */
  static revive(panel: vscode.WebviewPanel, host: ExplorerHost, state: unknown): ExplorerPanel {
    ExplorerPanel.current?.dispose();
    const saved = typeof state === 'object' && state !== null ? (state as { settings?: unknown }).settings : undefined;
    ExplorerPanel.current = new ExplorerPanel(panel, host, isExplorerSettings(saved) ? saved : null);
    return ExplorerPanel.current;
  }

  /**
   * Scripts on; local resources limited to the build output and media. No retainContextWhenHidden: the webview
   * persists its settings with setState and recomputes when shown again.
   */
  static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly host: ExplorerHost,
    settings: ExplorerSettings | null,
  ) {
    this.pendingSettings = settings;
    // Restored panels come with the options they were saved with; set them again so the roots are always ours.
    panel.webview.options = ExplorerPanel.options(host.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
    );
  }

  private html(): string {
    const { webview } = this.panel;
    const asset = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.host.extensionUri, ...path)).toString();
    return explorerHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asset('dist', 'webview', 'explorer.js'),
      styleUri: asset('media', 'explorer.css'),
    });
  }

  private apply(settings: ExplorerSettings): void {
    if (this.isReady) void this.post({ type: 'applySettings', settings });
    else this.pendingSettings = settings;
  }

  private post(message: HostToWebview): Thenable<boolean> {
    this.postEmitter.fire(message);
    return this.panel.webview.postMessage(message);
  }

  private reply(requestId: number, outcome: { message: string; values?: number[] } | { error: string }): void {
    if ('error' in outcome) void this.post({ type: 'error', inReplyTo: requestId, message: outcome.error });
    else void this.post({ type: 'done', inReplyTo: requestId, message: outcome.message, ...(outcome.values ? { values: outcome.values } : {}) });
  }

  /**
   * Every inbound message: guarded, then routed. A malformed request still gets an error reply. Public only so the
   * extension-host suite can deliver a message exactly as the webview would (a bad one included); nothing else calls it.
   */
  async receive(raw: unknown): Promise<void> {
    if (!isWebviewToHost(raw)) {
      const requestId = requestIdOf(raw);
      this.host.log.warn('Embedding Explorer: dropped a malformed or oversized message', describe(raw));
      if (requestId !== null)
        this.reply(requestId, { error: 'The extension refused this request: its parameters are malformed or too large.' });
      return;
    }
    const message: WebviewToHost = raw;
    switch (message.type) {
      case 'ready':
        if (message.protocolVersion !== PROTOCOL_VERSION)
          this.host.log.warn(`Embedding Explorer: webview protocol ${message.protocolVersion}, host ${PROTOCOL_VERSION}; reload the window if the panel misbehaves`);
        this.isReady = true;
        void this.post({ type: 'init', protocolVersion: PROTOCOL_VERSION, settings: this.pendingSettings });
        this.pendingSettings = null;
        this.markReady();
        return;
      case 'paramsChanged':
        this.panel.title = `Embedding Explorer: ${message.settings.primary.preset}`;
        return;
      case 'computeStatus':
        this.host.log.debug(`Embedding Explorer: ${message.backend} (${message.reason}); compute ${message.computeMs.toFixed(1)} ms, render ${message.renderMs.toFixed(1)} ms`);
        return;
      case 'insertCode':
        this.reply(message.requestId, await this.insertCode(message.code));
        return;
      case 'saveFile':
        this.reply(message.requestId, await this.saveFile(message.kind, message.suggestedName, message.base64));
        return;
      case 'openBuffer':
        this.reply(message.requestId, await pickBufferFile(message.param, message.length));
        return;
      case 'copyText':
        await vscode.env.clipboard.writeText(message.text);
        this.reply(message.requestId, { message: 'Settings copied to the clipboard as JSON.' });
        return;
      case 'error':
        this.host.log.error(`Embedding Explorer webview: ${message.message}${message.stack ? `\n${message.stack}` : ''}`);
        return;
      default:
        assertNever(message);
    }
  }

  /** Generates the code and inserts it into the last active editor as one edit (one undo step). */
  private async insertCode(code: CodeRequest): Promise<{ message: string } | { error: string }> {
    const request: EmbedRequest = { preset: code.preset, timesteps: placeholderTimesteps(code), params: code.params, dtype: code.dtype };
    const problems = validate(request);
    if (problems.length > 0) return { error: problems.map((p) => p.message).join(' ') };
    const editor = this.host.lastEditor();
    if (!editor || editor.document.isClosed)
      return { error: 'There is no editor to insert into: click into a Python file or notebook cell, then press Insert again.' };
    let text: string;
    try {
      text = generateCode(request, code.framework, { form: code.form });
    } catch (error) {
      this.host.log.error('Embedding Explorer: generateCode failed', error);
      return { error: `The code could not be generated: ${error instanceof Error ? error.message : String(error)}` };
    }
    const selection = editor.selection;
    text = fitAtSelection(editor, text);
    let inserted: boolean;
    if (vscode.window.visibleTextEditors.includes(editor)) {
      inserted = await editor.edit((builder) => builder.replace(selection, text));
    } else {
      // The editor is hidden behind another tab: a workspace edit still lands as one undo step in its document.
      const edit = new vscode.WorkspaceEdit();
      edit.replace(editor.document.uri, selection, text);
      inserted = await vscode.workspace.applyEdit(edit);
    }
    if (!inserted) return { error: `${vscode.workspace.asRelativePath(editor.document.uri)} did not accept the edit (read-only?).` };
    const where = vscode.workspace.asRelativePath(editor.document.uri);
    this.host.log.info(`Embedding Explorer: inserted ${code.preset} ${code.framework}/${code.form} into ${editor.document.uri.toString()}`);
    return { message: `Inserted ${FRAMEWORK_LABELS[code.framework]} code (${code.form}) into ${where}.` };
  }

  /** Asks where to save, then writes the bytes with workspace.fs (works for remote and virtual workspaces too). */
  private async saveFile(kind: SaveKind, suggestedName: string, base64: string): Promise<{ message: string } | { error: string }> {
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    } catch {
      return { error: 'The file data was not valid base64; nothing was saved.' };
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, suggestedName) : undefined,
      filters: SAVE_FILTERS[kind],
      saveLabel: `Save ${kind.toUpperCase()}`,
    });
    if (!uri) return { message: 'Save cancelled.' };
    try {
      await vscode.workspace.fs.writeFile(uri, bytes);
    } catch (error) {
      this.host.log.error(`Embedding Explorer: writing ${uri.toString()} failed`, error);
      return { error: `Could not write ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}` };
    }
    return { message: `Saved ${bytes.length} bytes to ${uri.fsPath}.` };
  }

  /** Closes the panel's listeners; VS Code disposes the panel itself. */
  dispose(): void {
    if (this.disposed) return; // panel.dispose() below fires onDidDispose, which calls this again
    this.disposed = true;
    if (ExplorerPanel.current === this) ExplorerPanel.current = undefined;
    this.panel.dispose();
    this.postEmitter.dispose();
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
  }
}

/** generateCode validates a whole request; the code does not depend on the timesteps (k-diffusion needs wide rows). */
function placeholderTimesteps(code: CodeRequest): EmbedRequest['timesteps'] {
  const columns = code.params['in_features'];
  if (code.preset === 'k-diffusion' && typeof columns === 'number' && Number.isInteger(columns) && columns > 1 && columns <= 4096)
    return [new Array<number>(columns).fill(0)];
  return [0];
}

/** A short description of a refused message for the log (never its whole, possibly huge, payload). */
function describe(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const type = (raw as { type?: unknown }).type;
  return `type=${typeof type === 'string' ? type.slice(0, 40) : typeof type}`;
}
