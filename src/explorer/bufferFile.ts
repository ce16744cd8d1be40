/**
 * Loads a checkpoint buffer for the Explorer from a .npy file: the user picks the file, this reads it with
 * workspace.fs (local, remote and virtual workspaces alike), parses it (core/npy.ts) and checks it holds exactly the
 * values the convention's settings need. Every refusal says what is wrong with the file and how to make a fitting one.
 */
import * as vscode from 'vscode';
import { NpyError, parseNpy } from '../core/index';

/** The values and a line for the status bar, or the reason the file cannot be used. */
export type BufferOutcome = { message: string; values: number[] } | { error: string };

/** Asks for a .npy file and loads `param` (`length` values) from it; a cancelled dialog is a message, not an error. */
export async function pickBufferFile(param: string, length: number): Promise<BufferOutcome | { message: string }> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { 'NumPy array': ['npy'] },
    openLabel: `Load ${param}`,
    title: `Load ${param} (${length} values) from a .npy file`,
    ...(folder ? { defaultUri: folder } : {}),
  });
  if (!picked?.[0]) return { message: `Loading ${param} cancelled.` };
  return readBufferFile(picked[0], param, length);
}

/** Reads `uri` as the buffer `param` of `length` values. */
export async function readBufferFile(uri: vscode.Uri, param: string, length: number): Promise<BufferOutcome> {
  const name = uri.path.split('/').pop() ?? uri.toString();
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    return { error: `Could not read ${name}: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const array = parseNpy(bytes);
    const count = array.values.length;
    const shape = `[${array.shape.join(', ')}]`;
    if (count !== length)
      return { error: `${name} holds ${count} values (shape ${shape}); ${param} needs ${length} for these settings. Change the width to match, or save the right tensor (e.g. numpy.save('${param}.npy', state_dict['…${param}'].numpy())).` };
    if (array.values.some((v) => !Number.isFinite(v))) return { error: `${name} contains NaN or infinite values; ${param} must be finite.` };
    return { message: `Loaded ${param} from ${name} (${array.descr}, shape ${shape}).`, values: Array.from(array.values) };
  } catch (error) {
    if (error instanceof NpyError) return { error: `${name}: ${error.message}.` };
    throw error;
  }
}
