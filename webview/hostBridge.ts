/**
 * The webview's only door to the extension host and the only user of `acquireVsCodeApi` (STYLE.md "Layout"): typed
 * posting, guarded receiving, requests that always settle (a reply, an error, or a timeout), and getState/setState.
 */
import {
  PROTOCOL_VERSION,
  isExplorerSettings,
  isHostToWebview,
  type DoneMessage,
  type ExplorerSettings,
  type HostToWebview,
  type WebviewToHost,
} from '../src/protocol/explorerProtocol';

/** The API VS Code injects into webviews (declared here because it is a global of the webview only). */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What the webview persists with setState: the settings, versioned so an older shape is ignored. */
interface PersistedState {
  readonly protocolVersion: number;
  readonly settings: ExplorerSettings;
}

/** Requests the user waits on (save dialog, insert): long enough for a person to pick a file. */
const REQUEST_TIMEOUT_MS = 5 * 60 * 1000;

/** A message that expects a reply, without the request id the bridge assigns. */
type RequestBody = WebviewToHost extends infer M ? (M extends { requestId: number } ? Omit<M, 'requestId'> : never) : never;

/** Messages from the host other than replies: `init` and `applySettings`. */
export type HostEvent = Exclude<HostToWebview, { type: 'done' } | { inReplyTo: number }>;

/** Talks to the host. One per webview. */
export class HostBridge {
  private readonly api: VsCodeApi;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: DoneMessage) => void; reject: (error: Error) => void; timer: number }>();

  constructor(private readonly onEvent: (event: HostEvent) => void) {
    this.api = acquireVsCodeApi();
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
  }

  /** Says `ready` (call once the app can take `init`): the host sends nothing before it. */
  ready(): void {
    this.post({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  }

  /** Posts a message that needs no reply. */
  post(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  /** Posts a request; resolves with the host's `done` message text, rejects with its `error` or after a timeout. */
  async request(body: RequestBody): Promise<string> {
    return (await this.requestReply(body)).message;
  }

  /** Posts a request; resolves with the host's whole `done` reply (`openBuffer` answers carry `values`). */
  requestReply(body: RequestBody): Promise<DoneMessage> {
    const requestId = this.nextId++;
    return new Promise<DoneMessage>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error('the extension did not answer in time; try again'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
      this.post({ ...body, requestId } as WebviewToHost);
    });
  }

  /** The settings saved by setState in this panel, if any and of this protocol version. */
  savedSettings(): ExplorerSettings | undefined {
    const state = this.api.getState() as Partial<PersistedState> | undefined;
    if (!state || state.protocolVersion !== PROTOCOL_VERSION || !isExplorerSettings(state.settings)) return undefined;
    return state.settings;
  }

  /** Persists the settings, so the panel comes back with them when hidden and shown, or after a reload. */
  saveSettings(settings: ExplorerSettings): void {
    const state: PersistedState = { protocolVersion: PROTOCOL_VERSION, settings };
    this.api.setState(state);
  }

  private receive(data: unknown): void {
    if (!isHostToWebview(data)) {
      console.warn('Timestep Lens: dropped a malformed message from the host', data);
      return;
    }
    switch (data.type) {
      case 'done':
      case 'error': {
        if (data.inReplyTo === null) {
          this.onEvent({ type: 'error', inReplyTo: null, message: data.message });
          return;
        }
        const waiting = this.pending.get(data.inReplyTo);
        if (!waiting) return; // timed out already
        this.pending.delete(data.inReplyTo);
        window.clearTimeout(waiting.timer);
        if (data.type === 'done') waiting.resolve(data);
        else waiting.reject(new Error(data.message));
        return;
      }
      case 'init':
      case 'applySettings':
        this.onEvent(data);
        return;
      default:
        assertNeverMessage(data);
    }
  }
}

function assertNeverMessage(value: never): never {
  throw new Error(`unhandled host message ${JSON.stringify(value)}`);
}
