/**
 * The Embedding Explorer panel in a real VS Code: it opens, the webview (dist/webview/explorer.js, really loaded)
 * completes the ready → init handshake, bad messages get an error reply without harming the panel, and a panel
 * restored with a saved state starts from that state.
 *
 * Observation points (src/explorer/explorerPanel.ts documents them): `timestepLens.openExplorer` returns the panel;
 * the panel's `ready` promise settles after `init` was posted; `onDidPost` reports every host → webview message; and
 * `receive()` takes a message exactly as the webview would post it.
 *
 * Restore after a reload: a true window reload would restart this extension host and end the suite, so here the
 * registered serializer's work (ExplorerPanel.revive with the state the webview saved) is run on a fresh panel of the
 * same view type, and the manifest is checked for the activation event that makes VS Code call the serializer. The e2e
 * scenario (test/e2e) reloads the real workbench page and sees the panel come back with its plots.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { generateCode } from '../../src/core';
import { ExplorerPanel } from '../../src/explorer/explorerPanel';
import { settingsFromArgument } from '../../src/explorer/registerExplorer';
import type { DoneMessage, ExplorerSettings, HostErrorMessage, HostToWebview, InitMessage } from '../../src/protocol/explorerProtocol';
import { activeExtension, closeAllWithoutSaving, scratchDir, waitFor, within } from './helpers';

/** The webview loads a 1 MB bundle and plotly; on a loaded 2-core machine the first `ready` takes a few seconds. */
const READY_TIMEOUT_MS = 30_000;

/** The panel as the command returns it (the same object the extension holds, not this bundle's copy of the class). */
type Panel = Pick<ExplorerPanel, 'ready' | 'onDidPost' | 'receive'>;

/** Records every message `panel` posts, from now on. */
function recordPosts(panel: Panel): { posts: HostToWebview[]; dispose(): void } {
  const posts: HostToWebview[] = [];
  const subscription = panel.onDidPost((message) => posts.push(message));
  return { posts, dispose: () => subscription.dispose() };
}

/** The reply to request `id` among `posts`, once it arrives (receive() posts it before returning for most paths). */
async function replyTo(posts: HostToWebview[], id: number): Promise<DoneMessage | HostErrorMessage> {
  const find = () => posts.find((m): m is DoneMessage | HostErrorMessage => (m.type === 'done' || m.type === 'error') && m.inReplyTo === id);
  await waitFor(() => find() !== undefined, `a reply to request ${id}`);
  return find()!;
}

async function openExplorer(arg?: unknown): Promise<{ panel: Panel; posts: HostToWebview[] }> {
  const panel = await vscode.commands.executeCommand<Panel>('timestepLens.openExplorer', arg);
  assert.ok(panel && typeof panel.receive === 'function', 'timestepLens.openExplorer did not return the panel');
  const { posts } = recordPosts(panel);
  return { panel, posts };
}

describe('Embedding Explorer in a real VS Code', function () {
  this.timeout(90_000);

  before(async () => {
    await activeExtension();
  });
  afterEach(async () => {
    await closeAllWithoutSaving();
  });

  it('opens and completes the ready → init handshake with the real webview', async () => {
    const request = { preset: 'adm', timesteps: [0], params: { dim: 64 } };
    const { panel, posts } = await openExplorer(request);
    await within(panel.ready, READY_TIMEOUT_MS, 'the webview to say ready');
    const init = posts.find((m): m is InitMessage => m.type === 'init');
    assert.ok(init, `no init was posted (posted: ${posts.map((m) => m.type).join(', ') || 'nothing'})`);
    assert.equal(init.protocolVersion, 1);
    // The command's settings travel in init, not before it (messages posted before ready are lost).
    assert.deepEqual(init.settings, settingsFromArgument(request));
    assert.equal(posts[0]?.type, 'init', 'something was posted before init');
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview);
    assert.ok(tab && (tab.input as vscode.TabInputWebview).viewType.endsWith(ExplorerPanel.viewType), 'no Explorer tab is open');
  });

  it('answers bad messages with an error reply, and keeps working (inserts code) afterwards', async () => {
    // An editor to insert into, active before the panel takes focus.
    const file = join(scratchDir('explorer'), 'model.py');
    writeFileSync(file, '');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const { panel, posts } = await openExplorer();
    await within(panel.ready, READY_TIMEOUT_MS, 'the webview to say ready');
    const code = { preset: 'adm', params: { dim: 64 }, dtype: 'float32', framework: 'pytorch', form: 'function' };

    // Shape: a parameter that is not a parameter value (the guard refuses it, the request id still gets an answer).
    await panel.receive({ type: 'insertCode', requestId: 901, code: { ...code, params: { dim: 'wide' } } });
    // Values: well-formed, but validate() refuses a negative width; the reply carries the core's message.
    await panel.receive({ type: 'insertCode', requestId: 902, code: { ...code, params: { dim: -3 } } });
    // A message type the protocol does not have (no generic "run command" exists).
    await panel.receive({ type: 'runCommand', requestId: 903, command: 'workbench.action.closeWindow' });
    // Not even an object: dropped, nothing to answer.
    await panel.receive('garbage');

    const shape = await replyTo(posts, 901);
    assert.equal(shape.type, 'error');
    assert.match(shape.message, /malformed/);
    const values = await replyTo(posts, 902);
    assert.equal(values.type, 'error');
    assert.match(values.message, /dim/);
    assert.equal((await replyTo(posts, 903)).type, 'error');
    assert.equal(editor.document.getText(), '', 'a refused request changed the document');

    // Still alive: a good request is answered with done and lands in the editor as generateCode's text.
    await panel.receive({ type: 'insertCode', requestId: 904, code });
    const done = await replyTo(posts, 904);
    assert.equal(done.type, 'done', done.message);
    const expected = generateCode({ preset: 'adm', timesteps: [0], params: { dim: 64 }, dtype: 'float32' }, 'pytorch', { form: 'function' });
    assert.equal(editor.document.getText(), expected);
  });

  it('restores a panel from the state its webview saved (what the registered serializer does after a reload)', async () => {
    const extension = await activeExtension();
    const manifest = extension.packageJSON as { activationEvents?: string[] };
    assert.ok(
      manifest.activationEvents?.includes(`onWebviewPanel:${ExplorerPanel.viewType}`),
      'without the onWebviewPanel activation event VS Code cannot call the serializer before the extension is active',
    );
    const saved: ExplorerSettings = { ...settingsFromArgument({ preset: 'flux', timesteps: [0], params: { dim: 128 } })!, numTimesteps: 250, tEnd: 249 };
    const log = vscode.window.createOutputChannel('Timestep Lens (suite)', { log: true });
    try {
      const host = { extensionUri: extension.extensionUri, log, lastEditor: () => undefined };
      // What VS Code hands deserializeWebviewPanel: a panel of our view type, and the webview's last setState value.
      const restoredPanel = vscode.window.createWebviewPanel(ExplorerPanel.viewType, 'Embedding Explorer', vscode.ViewColumn.One, ExplorerPanel.options(extension.extensionUri));
      const panel = ExplorerPanel.revive(restoredPanel, host, { protocolVersion: 1, settings: saved });
      const { posts } = recordPosts(panel);
      await within(panel.ready, READY_TIMEOUT_MS, 'the restored webview to say ready');
      const init = posts.find((m): m is InitMessage => m.type === 'init');
      assert.deepEqual(init?.settings, saved);
      panel.dispose();

      // A state from an older or broken version is not trusted: the panel starts from its defaults instead.
      const second = ExplorerPanel.revive(
        vscode.window.createWebviewPanel(ExplorerPanel.viewType, 'Embedding Explorer', vscode.ViewColumn.One, ExplorerPanel.options(extension.extensionUri)),
        host,
        { settings: { primary: { preset: 'no-such-preset' } } },
      );
      const secondPosts = recordPosts(second).posts;
      await within(second.ready, READY_TIMEOUT_MS, 'the second restored webview to say ready');
      assert.equal(secondPosts.find((m): m is InitMessage => m.type === 'init')?.settings, null);
      second.dispose();
    } finally {
      log.dispose();
    }
  });
});
