/**
 * The Embedding Explorer's message protocol, shared by the extension host (src/explorer/) and the webview (webview/).
 * Two closed unions discriminated by `type`, one runtime guard per direction, and the settings shape both sides
 * persist. No `vscode` and no DOM import: the host, the webview and plain-Node tests all load this file.
 *
 * Handshake (STYLE.md "Webview ↔ extension protocol", after hexeditor's ReadyRequest): the webview posts `ready` once
 * its listener is installed; only then does the host post `init`. Requests that expect an answer carry `requestId`;
 * the host always answers with `done` or `error` carrying `inReplyTo`, so every webview promise settles.
 */
import type { CodeForm, Framework, InputTransformId, ParamValue, PresetId, TimestepDtype } from '../core/index';
import { CODE_FORMS, FRAMEWORKS, INPUT_TRANSFORMS, MAX_WIDTH, findPreset } from '../core/index';

/** Bumped whenever a message or ExplorerSettings changes shape; `ready` carries it so a stale webview is detected. */
export const PROTOCOL_VERSION = 1;

/** Largest number of training timesteps T (and of plotted steps) the panel accepts. */
export const MAX_TIMESTEPS = 100_000;
/** Largest number of sampling steps in the inference-schedule overlay. */
export const MAX_SCHEDULE_STEPS = 10_000;
/** Largest file the webview may ask the host to save: 256 MiB (a float32 .npy at the core's value cap). */
export const MAX_SAVE_BYTES = 256 * 1024 * 1024;
/** Largest text (CSV, JSON, code) carried in one message: the base64 of MAX_SAVE_BYTES. */
export const MAX_TEXT_CHARS = Math.ceil(MAX_SAVE_BYTES / 3) * 4;
/** Longest free-form string (file names, error messages, reasons) accepted in a message. */
export const MAX_SHORT_TEXT = 4096;

/** How diffusers' schedulers pick N of the T training timesteps (`timestep_spacing`). */
export type ScheduleSpacing = 'linspace' | 'leading' | 'trailing';
/** Every spacing, in picker order. */
export const SCHEDULE_SPACINGS: readonly ScheduleSpacing[] = ['linspace', 'leading', 'trailing'];

/** Which compute backend the panel should use; `auto` lets the engine choose (WebGPU first). */
export type BackendPreference = 'auto' | 'webgpu' | 'cpu';
/** Every backend preference. */
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'webgpu', 'cpu'];

/** One side of the explorer: a convention, its parameters, the input transform and the timestep dtype. */
export interface EmbeddingSettings {
  /** The core's preset id. */
  readonly preset: PresetId;
  /** Upstream parameter names; missing ones take the preset's defaults. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** What the user's axis becomes before the embedding (discrete t, t∈[0,1]×1000, σ→c_noise, ...). */
  readonly transform: InputTransformId;
  /** Rounding of t before it reaches the embedding (float16/bfloat16, as the Flux and SD3 pipelines do). */
  readonly dtype: TimestepDtype;
  /** The named model this side was picked as (`sd15-diffusers`, `dit`, ...); cleared by any manual edit. */
  readonly model?: string;
}

/** Everything the panel shows; persisted with setState, restored by the serializer, sent in `init`. */
export interface ExplorerSettings {
  readonly primary: EmbeddingSettings;
  /** The second convention for compare mode, or null when compare is off. */
  readonly compare: EmbeddingSettings | null;
  /** Number of training timesteps T (discrete axes) or of samples (continuous axes). */
  readonly numTimesteps: number;
  /** First value of the user's axis shown (t, t∈[0,1] or σ). */
  readonly tStart: number;
  /** Last value of the user's axis shown. */
  readonly tEnd: number;
  /** Inference-schedule overlay: N sampling steps and their spacing, or null for none. */
  readonly schedule: { readonly steps: number; readonly spacing: ScheduleSpacing } | null;
  /** Embedding columns drawn in the curves view. */
  readonly dims: readonly number[];
  /** Framework and form of "Insert code for these settings". */
  readonly framework: Framework;
  readonly form: CodeForm;
  /** Backend preference (the status line says which one ran and why). */
  readonly backend: BackendPreference;
}

/** A request to generate code, as the core's generateCode takes it. */
export interface CodeRequest {
  readonly preset: PresetId;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly dtype: TimestepDtype;
  readonly framework: Framework;
  readonly form: CodeForm;
}

/** What a file export holds; picks the save dialog's filter and extension. */
export type SaveKind = 'png' | 'svg' | 'npy' | 'csv';
/** Every save kind. */
export const SAVE_KINDS: readonly SaveKind[] = ['png', 'svg', 'npy', 'csv'];

// ---------------------------------------------------------------------------------------------------------------
// Webview → host

/** Webview → host, once, after its message listener is installed; the host answers with `init`. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly protocolVersion: number;
}

/** Webview → host, after every accepted change, so the host knows the settings to restore and to generate code for. */
export interface ParamsChangedMessage {
  readonly type: 'paramsChanged';
  readonly settings: ExplorerSettings;
}

/** Webview → host, after every update: which backend ran, why, and how long compute and render took (for the log). */
export interface ComputeStatusMessage {
  readonly type: 'computeStatus';
  readonly backend: string;
  readonly reason: string;
  readonly computeMs: number;
  readonly renderMs: number;
}

/** Webview → host when the user asks to insert code; answered by `done` or `error`. */
export interface InsertCodeMessage {
  readonly type: 'insertCode';
  readonly requestId: number;
  readonly code: CodeRequest;
}

/** Webview → host to save bytes (base64) or text through the save dialog; answered by `done` or `error`. */
export interface SaveFileMessage {
  readonly type: 'saveFile';
  readonly requestId: number;
  readonly kind: SaveKind;
  /** File name offered in the dialog, without a folder. */
  readonly suggestedName: string;
  /** The file's bytes, base64-encoded (postMessage does not revive typed arrays on every VS Code version). */
  readonly base64: string;
}

/** Webview → host to put text (the settings as JSON) on the clipboard; answered by `done` or `error`. */
export interface CopyTextMessage {
  readonly type: 'copyText';
  readonly requestId: number;
  readonly text: string;
}

/**
 * Webview → host to load a checkpoint buffer (`param`, `length` values) from a .npy file the user picks; answered by
 * `done` carrying the values, or `error` saying why the file does not fit.
 */
export interface OpenBufferMessage {
  readonly type: 'openBuffer';
  readonly requestId: number;
  /** The buffer parameter's upstream name (`weight`, `freqs`, `weights`). */
  readonly param: string;
  /** How many values the convention's settings need. */
  readonly length: number;
}

/** Webview → host for an uncaught error or rejection in the webview, so it reaches the log. */
export interface WebviewErrorMessage {
  readonly type: 'error';
  readonly message: string;
  readonly stack?: string;
}

/** Every message the webview sends. */
export type WebviewToHost =
  | ReadyMessage
  | ParamsChangedMessage
  | ComputeStatusMessage
  | InsertCodeMessage
  | SaveFileMessage
  | CopyTextMessage
  | OpenBufferMessage
  | WebviewErrorMessage;

// ---------------------------------------------------------------------------------------------------------------
// Host → webview

/** Host → webview, in answer to `ready`: the settings to start from (restored or given by a command), or null. */
export interface InitMessage {
  readonly type: 'init';
  readonly protocolVersion: number;
  readonly settings: ExplorerSettings | null;
}

/** Host → webview when a command opens the explorer on settings while the panel is already showing. */
export interface ApplySettingsMessage {
  readonly type: 'applySettings';
  readonly settings: ExplorerSettings;
}

/** Host → webview: the request `inReplyTo` succeeded; `message` is shown in the status line. */
export interface DoneMessage {
  readonly type: 'done';
  readonly inReplyTo: number;
  readonly message: string;
  /** The loaded values, in answer to `openBuffer` only. */
  readonly values?: readonly number[];
}

/** Host → webview: the request `inReplyTo` failed (or a message was refused, inReplyTo null); shown to the user. */
export interface HostErrorMessage {
  readonly type: 'error';
  readonly inReplyTo: number | null;
  readonly message: string;
}

/** Every message the host sends. */
export type HostToWebview = InitMessage | ApplySettingsMessage | DoneMessage | HostErrorMessage;

// ---------------------------------------------------------------------------------------------------------------
// Runtime guards: both sides run every inbound `unknown` through these before switching on `type`.

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isShortString = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_SHORT_TEXT;
const isRequestId = (v: unknown): v is number => isInt(v, 0, Number.MAX_SAFE_INTEGER);
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);
const DTYPES: readonly TimestepDtype[] = ['float32', 'float16', 'bfloat16'];
/** Buffers (checkpoint weights) are at most one value per frequency of the widest embedding. */
const MAX_BUFFER_VALUES = MAX_WIDTH * 4;

function isParamValue(v: unknown): v is ParamValue {
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'number') return !Number.isNaN(v);
  return Array.isArray(v) && v.length <= MAX_BUFFER_VALUES && v.every(isFiniteNumber);
}

/**
 * Shape only: a known preset, parameter values of parameter types, a known transform and dtype. Whether the values
 * make a valid embedding is the core's validate(), which both sides run next and which gives the message to show.
 */
function isParams(v: unknown): v is Record<string, ParamValue> {
  if (!isObj(v)) return false;
  const entries = Object.entries(v);
  return entries.length <= 64 && entries.every(([name, value]) => name.length <= 64 && isParamValue(value));
}

/** True for a well-formed EmbeddingSettings (shape only; validate() judges the values). */
export function isEmbeddingSettings(v: unknown): v is EmbeddingSettings {
  if (!isObj(v)) return false;
  return (
    typeof v['preset'] === 'string' &&
    findPreset(v['preset']) !== undefined &&
    isParams(v['params']) &&
    typeof v['transform'] === 'string' &&
    Object.prototype.hasOwnProperty.call(INPUT_TRANSFORMS, v['transform']) &&
    oneOf(DTYPES, v['dtype']) &&
    (v['model'] === undefined || isShortString(v['model']))
  );
}

/** True for a well-formed ExplorerSettings with T, range, overlay and dims inside the panel's caps. */
export function isExplorerSettings(v: unknown): v is ExplorerSettings {
  if (!isObj(v)) return false;
  const schedule = v['schedule'];
  const dims = v['dims'];
  return (
    isEmbeddingSettings(v['primary']) &&
    (v['compare'] === null || isEmbeddingSettings(v['compare'])) &&
    isInt(v['numTimesteps'], 1, MAX_TIMESTEPS) &&
    isFiniteNumber(v['tStart']) &&
    isFiniteNumber(v['tEnd']) &&
    (schedule === null ||
      (isObj(schedule) && isInt(schedule['steps'], 1, MAX_SCHEDULE_STEPS) && oneOf(SCHEDULE_SPACINGS, schedule['spacing']))) &&
    Array.isArray(dims) &&
    dims.length <= 16 &&
    dims.every((d) => isInt(d, 0, MAX_WIDTH * 4)) &&
    oneOf(FRAMEWORKS, v['framework']) &&
    oneOf(CODE_FORMS, v['form']) &&
    oneOf(BACKEND_PREFERENCES, v['backend'])
  );
}

function isCodeRequest(v: unknown): v is CodeRequest {
  return (
    isObj(v) &&
    typeof v['preset'] === 'string' &&
    findPreset(v['preset']) !== undefined &&
    isParams(v['params']) &&
    oneOf(DTYPES, v['dtype']) &&
    oneOf(FRAMEWORKS, v['framework']) &&
    oneOf(CODE_FORMS, v['form'])
  );
}

/** A file name without folders, control characters or a leading dot. */
function isFileName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 200 && /^[\w][\w .,()+=-]*$/.test(v);
}

/** True when `value` is one of the messages the webview may send, well-formed and within the size caps. */
export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (!isObj(value)) return false;
  switch (value['type']) {
    case 'ready':
      return isInt(value['protocolVersion'], 0, 1_000_000);
    case 'paramsChanged':
      return isExplorerSettings(value['settings']);
    case 'computeStatus':
      return (
        isShortString(value['backend']) &&
        isShortString(value['reason']) &&
        isFiniteNumber(value['computeMs']) &&
        isFiniteNumber(value['renderMs'])
      );
    case 'insertCode':
      return isRequestId(value['requestId']) && isCodeRequest(value['code']);
    case 'saveFile':
      return (
        isRequestId(value['requestId']) &&
        oneOf(SAVE_KINDS, value['kind']) &&
        isFileName(value['suggestedName']) &&
        typeof value['base64'] === 'string' &&
        value['base64'].length <= MAX_TEXT_CHARS
      );
    case 'copyText':
      return isRequestId(value['requestId']) && typeof value['text'] === 'string' && value['text'].length <= MAX_TEXT_CHARS;
    case 'openBuffer':
      return isRequestId(value['requestId']) && isShortString(value['param']) && isInt(value['length'], 1, MAX_BUFFER_VALUES);
    case 'error':
      return isShortString(value['message']) && (value['stack'] === undefined || typeof value['stack'] === 'string');
    default:
      return false;
  }
}

/** True when `value` is one of the messages the host may send. */
export function isHostToWebview(value: unknown): value is HostToWebview {
  if (!isObj(value)) return false;
  switch (value['type']) {
    case 'init':
      return isInt(value['protocolVersion'], 0, 1_000_000) && (value['settings'] === null || isExplorerSettings(value['settings']));
    case 'applySettings':
      return isExplorerSettings(value['settings']);
    case 'done':
      return (
        isRequestId(value['inReplyTo']) &&
        isShortString(value['message']) &&
        (value['values'] === undefined || (Array.isArray(value['values']) && value['values'].length <= MAX_BUFFER_VALUES && value['values'].every(isFiniteNumber)))
      );
    case 'error':
      return (value['inReplyTo'] === null || isRequestId(value['inReplyTo'])) && isShortString(value['message']);
    default:
      return false;
  }
}

/**
 * Why a message that looks like a request was refused, so the host can still answer it: the request id when one can
 * be read (a malformed or oversized `insertCode`/`saveFile`/`copyText`), else null.
 */
export function requestIdOf(value: unknown): number | null {
  return isObj(value) && isRequestId(value['requestId']) ? value['requestId'] : null;
}

/** For exhaustive switches: adding a message type breaks the build until every switch handles it. */
export function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}

/**
 * Curve dims worth showing first for an embedding `width` wide: a quarter, three eighths, a half and three quarters
 * into the first half of the columns. In the usual geometric frequency ladder those cycle from many times to about
 * once over 1000 steps; dims 0 and 1 cycle every few steps, a solid band at T = 1000.
 */
export function curveDimsFor(width: number): number[] {
  const half = Math.floor(width / 2);
  if (half < 4) return Array.from({ length: Math.min(Math.max(width, 1), 4) }, (_, k) => k);
  return [...new Set([half / 4, (3 * half) / 8, half / 2, (3 * half) / 4].map((d) => Math.round(d)))];
}
