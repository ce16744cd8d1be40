/**
 * Result arrays the caller has handed back (`engine.recycle(result)`), reused by later computes of the same size.
 *
 * Why: in a Chromium renderer a fresh multi-MiB Float32Array costs more than the GPU work that fills it. Measured on
 * this project's 2-core machine (SwiftShader): allocating and faulting in 4 MiB took 23 ms and 32 MiB 102 ms, while
 * copying a mapped 4 MiB GPU buffer into an existing array took 4 ms. A slider moving through one shape asks for the
 * same sizes again and again, so the previous result's memory is the right place for the next one.
 *
 * Only arrays the caller gave back are reused, so a result is never overwritten while the caller still reads it. The
 * pool holds at most `maxBytes`; beyond that the oldest arrays are dropped for the garbage collector.
 */

/** A zeroed Float32Array whose pages are already faulted in (one write per 4 KiB page), so filling it later is a copy. */
export function prefaulted(length: number): Float32Array {
  const array = new Float32Array(length);
  for (let k = 0; k < length; k += 1024) array[k] = 0;
  return array;
}

export class ArrayPool {
  /** Free arrays, oldest first. */
  private free: Float32Array[] = [];
  private readonly held = new WeakSet<ArrayBuffer | SharedArrayBuffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 512 * 2 ** 20) {}

  /**
   * An array of exactly `length` floats: a recycled one (its old contents still there; the caller overwrites every
   * element) or a fresh, zeroed, prefaulted one.
   */
  take(length: number): Float32Array {
    const at = this.free.findIndex((a) => a.length === length);
    if (at < 0) return prefaulted(length);
    const [array] = this.free.splice(at, 1);
    this.held.delete(array!.buffer);
    this.bytes -= array!.byteLength;
    return array!;
  }

  /** Hands `array` back. Views into a larger buffer, empty arrays and arrays already held are ignored. */
  give(array: Float32Array | undefined): void {
    if (!array || array.length === 0 || array.byteOffset !== 0 || array.byteLength !== array.buffer.byteLength) return;
    if (this.held.has(array.buffer) || array.byteLength > this.maxBytes) return;
    this.held.add(array.buffer);
    this.free.push(array);
    this.bytes += array.byteLength;
    while (this.bytes > this.maxBytes) {
      const oldest = this.free.shift()!;
      this.held.delete(oldest.buffer);
      this.bytes -= oldest.byteLength;
    }
  }

  /** Removes and returns every held array (to hand them to a worker, which fills them there). */
  drain(): Float32Array[] {
    const all = this.free;
    for (const array of all) this.held.delete(array.buffer);
    this.free = [];
    this.bytes = 0;
    return all;
  }

  /** Bytes held now (tests). */
  get heldBytes(): number {
    return this.bytes;
  }

  clear(): void {
    this.free = [];
    this.bytes = 0;
  }
}
