/**
 * Writes media/icon.png (128×128 RGBA): a heatmap of a sinusoidal timestep embedding, timesteps down, frequencies
 * across, sin half then cos half, in a rounded square. Plain Node (zlib + a hand-rolled PNG encoder), no dependencies;
 * rerun with `npm run icon` after changing it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const MARGIN = 10;
const RADIUS = 18;
const out = resolve(dirname(fileURLToPath(import.meta.url)), '../media/icon.png');

/** CRC-32 as PNG chunks need it. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A blue–white–orange diverging map for values in [-1, 1]. */
function color(v) {
  const lerp = (a, b, s) => Math.round(a + (b - a) * s);
  const [lo, mid, hi] = [[33, 102, 172], [247, 247, 247], [230, 97, 1]];
  const [from, to, s] = v < 0 ? [mid, lo, -v] : [mid, hi, v];
  return from.map((c, i) => lerp(c, to[i], s));
}

/** Inside the rounded square? */
function inside(x, y) {
  const lo = MARGIN + RADIUS;
  const hi = SIZE - 1 - MARGIN - RADIUS;
  const cx = Math.min(Math.max(x, lo), hi);
  const cy = Math.min(Math.max(y, lo), hi);
  return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2 && x >= MARGIN && y >= MARGIN && x < SIZE - MARGIN && y < SIZE - MARGIN;
}

const inner = SIZE - 2 * MARGIN;
const half = inner / 2;
const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (None), then RGBA
  for (let x = 0; x < SIZE; x++) {
    if (!inside(x, y)) continue; // transparent
    const t = y - MARGIN; // one timestep per pixel row: the fastest column (f = 1) has a 6-pixel period
    const column = x - MARGIN;
    const i = column % half;
    // max_period 200 rather than 10000: at icon size the slow columns would otherwise all look flat.
    const arg = t * Math.exp((-Math.log(200) * i) / half);
    const [r, g, b] = color(column < half ? Math.sin(arg) : Math.cos(arg));
    row.set([r, g, b, 255], 1 + x * 4);
  }
  rows.push(row);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method extras, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
