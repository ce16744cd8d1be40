/**
 * File formats the explorer exports: .npy (float32, little-endian, with its shape, NumPy format 1.0) and CSV, plus the
 * base64 the save message carries. Pure functions, tested by parsing the bytes back.
 */

/** NumPy .npy v1.0 bytes of a row-major float32 matrix: `np.load` gives dtype float32 and this shape. */
export function encodeNpy(data: Float32Array, shape: readonly [number, number]): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape[0]}, ${shape[1]}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces so the data starts on a 64-byte boundary.
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY, version 1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let k = 0; k < data.length; k++) view.setFloat32(k * 4, data[k]!, true);
  return out;
}

/** The shortest decimal that reads back as the same float32 (at most 9 significant digits). */
export function float32Text(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  for (let digits = 6; digits < 9; digits++) {
    const text = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(text)) === v) return text;
  }
  return String(Number(v.toPrecision(9)));
}

/** CSV with a header `t,dim_0,dim_1,…` and one row per step, the first column the user's axis value. */
export function encodeCsv(data: Float32Array, shape: readonly [number, number], axis: ArrayLike<number>, axisName: string): string {
  const [rows, width] = shape;
  const lines: string[] = [[axisName, ...Array.from({ length: width }, (_, c) => `dim_${c}`)].join(',')];
  for (let r = 0; r < rows; r++) {
    const cells = new Array<string>(width + 1);
    cells[0] = String(axis[r]);
    for (let c = 0; c < width; c++) cells[c + 1] = float32Text(data[r * width + c]!);
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Base64 of bytes, in chunks (String.fromCharCode on a whole 4 MB array overflows the call stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let k = 0; k < bytes.length; k += 0x8000) binary += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  return btoa(binary);
}

/** UTF-8 bytes of text. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Bytes of a `data:` URL as plotly's toImage returns it (base64 PNG, or URL-encoded SVG). */
export function dataUrlBytes(url: string): Uint8Array {
  const comma = url.indexOf(',');
  const meta = url.slice(0, comma);
  const payload = url.slice(comma + 1);
  if (meta.endsWith(';base64')) return Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  return utf8(decodeURIComponent(payload));
}
