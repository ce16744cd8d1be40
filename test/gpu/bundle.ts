/**
 * Builds the engine the way esbuild.mjs does (same `.wgsl` text loader) and loads it: the GPU tests exercise the
 * bundle, not the sources, so a kernel that only works unbundled cannot pass. Also opens the `webgpu` package's GPU
 * (kept referenced for the whole run: webgpu 0.6.2 crashes or hangs once that object is collected).
 */
import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** Where the test bundles go (ignored by git through out/). */
export const OUT_DIR = resolve(root, 'out/test-gpu');

/** esbuild options shared by the Node and the browser engine bundles. */
export const ENGINE_BUILD = {
  entryPoints: [resolve(root, 'webview/engine/index.ts')],
  bundle: true,
  loader: { '.wgsl': 'text' as const },
  sourcemap: 'inline' as const,
  logLevel: 'silent' as const,
};

type EngineModule = typeof import('../../webview/engine/index');

let engineModule: EngineModule | undefined;

/** The engine, bundled for Node (CommonJS) and required. */
export function loadEngine(): EngineModule {
  if (engineModule) return engineModule;
  mkdirSync(OUT_DIR, { recursive: true });
  const outfile = resolve(OUT_DIR, 'engine.cjs');
  buildSync({ ...ENGINE_BUILD, outfile, platform: 'node', format: 'cjs' });
  engineModule = require(outfile) as EngineModule;
  return engineModule;
}

/** The engine bundled as a browser IIFE exposing `globalThis.TimestepEngine`; returns the file path. */
export function buildBrowserEngine(): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const outfile = resolve(OUT_DIR, 'engine.browser.js');
  buildSync({ ...ENGINE_BUILD, outfile, platform: 'browser', format: 'iife', globalName: 'TimestepEngine' });
  return outfile;
}

let gpuObject: GPU | null | undefined;

/** The `webgpu` package's GPU object, or null when it cannot load. Held in a module variable on purpose (see above). */
export function nodeGpu(): GPU | null {
  if (gpuObject !== undefined) return gpuObject;
  try {
    const webgpu = require('webgpu') as { create(flags: string[]): GPU; globals: object };
    Object.assign(globalThis, webgpu.globals);
    gpuObject = webgpu.create([]);
  } catch (error) {
    console.warn(`webgpu package unavailable: ${String(error)}`);
    gpuObject = null;
  }
  return gpuObject;
}
