/**
 * Reads NumPy's .npy format (format versions 1–3) into flat float values in C order, for checkpoint buffers a model
 * author saved with `np.save` (a Gaussian Fourier `W`, EDM's `freqs`, k-diffusion's `weight`). Float arrays only
 * (float16, float32, float64, either byte order, C or Fortran order); anything else is refused with a message that
 * says what to save instead. Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

/** A parsed array: its shape and its values flattened in C (row-major) order. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly values: Float64Array;
  /** numpy's dtype string as stored, e.g. `<f4`. */
  readonly descr: string;
}

/** Why a file could not be read as a float array; the message names the file's problem and what to do. */
export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Bytes per value and reader for each float dtype numpy writes. */
const FLOAT_TYPES: Readonly<Record<string, { size: number; read: (view: DataView, at: number, little: boolean) => number }>> = {
  f2: { size: 2, read: (view, at, little) => halfToNumber(view.getUint16(at, little)) },
  f4: { size: 4, read: (view, at, little) => view.getFloat32(at, little) },
  f8: { size: 8, read: (view, at, little) => view.getFloat64(at, little) },
};

/** Parses the bytes of a .npy file. Throws NpyError when they are not a float array numpy wrote. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b))
    throw new NpyError('this is not a .npy file (it does not start with \\x93NUMPY); save the array with numpy.save');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new NpyError(`.npy format version ${major} is not known; save it again with numpy.save`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyError('the file ends inside its header: it is truncated');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new NpyError('the .npy header has no descr, fortran_order or shape; save the array with numpy.save');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`the .npy shape (${shapeText}) is not a shape`);
  const order = descr[0];
  const type = FLOAT_TYPES[descr.slice(1)];
  if (!type || !'<>|='.includes(order ?? ''))
    throw new NpyError(`the array holds ${describeDtype(descr)} values; save a float array (for example weight.astype(numpy.float32))`);
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = dataStart + count * type.size;
  if (bytes.length < needed) throw new NpyError(`the file holds ${bytes.length - dataStart} bytes of data, its shape needs ${count * type.size}: it is truncated`);
  const little = order !== '>';
  const values = new Float64Array(count);
  if (fortran === 'True' && shape.length > 1) {
    // Fortran order: the first index varies fastest. Visit the values in that order and place each at its C index.
    const strides = cStrides(shape);
    const index = new Array<number>(shape.length).fill(0);
    for (let k = 0; k < count; k++) {
      let c = 0;
      for (let d = 0; d < shape.length; d++) c += index[d]! * strides[d]!;
      values[c] = type.read(view, dataStart + k * type.size, little);
      for (let d = 0; d < shape.length; d++) {
        if (++index[d]! < shape[d]!) break;
        index[d] = 0;
      }
    }
  } else for (let k = 0; k < count; k++) values[k] = type.read(view, dataStart + k * type.size, little);
  return { shape, values, descr };
}

function cStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  return strides;
}

/** numpy's dtype string in words, for the refusal message. */
function describeDtype(descr: string): string {
  const kind = { i: 'signed integer', u: 'unsigned integer', b: 'boolean', c: 'complex', O: 'Python object', U: 'string', S: 'bytes', V: 'structured' }[descr[1] ?? ''];
  return kind ? `${kind} (${descr})` : `'${descr}'`;
}

/** An IEEE half-precision bit pattern as a number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
