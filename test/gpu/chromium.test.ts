/**
 * The same engine bundle in headless Chromium through navigator.gpu (SwiftShader here): served from a local
 * 127.0.0.1 server, compared in Node with the CPU core. Under CI=true a page without a WebGPU adapter fails.
 */
import { strict as assert } from 'node:assert';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { embed } from '../../src/core/reference';
import type { EmbedRequest } from '../../src/core/types';
import { openPage, serve, stopServer } from './browserHarness';
import { buildBrowserEngine } from './bundle';
import { assertClose, similarity64 } from './helpers';

describe('engine bundle in headless Chromium (navigator.gpu)', function () {
  this.timeout(120_000);
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    const bundle = buildBrowserEngine();
    const served = await serve({
      '/': { text: '<!doctype html><meta charset="utf-8"><title>engine</title><script src="/engine.js"></script>' },
      '/engine.js': { file: bundle },
      '/favicon.ico': { text: '' },
    });
    server = served.server;
    try {
      ({ browser, page } = await openPage(served.url));
    } catch (error) {
      if (process.env['CI'] === 'true') throw error;
      console.warn(`skipping the Chromium test: ${String(error)}`);
      this.skip();
    }
    const hasAdapter = await page.evaluate(async () => !!(navigator.gpu && (await navigator.gpu.requestAdapter())));
    if (!hasAdapter) {
      if (process.env['CI'] === 'true') throw new Error('CI=true and Chromium exposes no WebGPU adapter');
      console.warn('skipping the Chromium test: no WebGPU adapter in the page');
      this.skip();
    }
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  /** Runs compute in the page with the given backend; typed arrays come back as plain arrays. */
  async function computeInPage(request: EmbedRequest, backend: 'webgpu' | 'cpu') {
    return page.evaluate(
      async ({ request, backend }) => {
        const api = (globalThis as unknown as { TimestepEngine: typeof import('../../webview/engine/index') }).TimestepEngine;
        const engine = await api.createEngine(backend === 'cpu' ? { backend: 'cpu' } : { gpu: navigator.gpu, force: 'webgpu' });
        const result = await engine.compute(request, { similarity: true });
        engine.dispose();
        return { backend: result.backend, reason: engine.reason, data: Array.from(result.data), similarity: Array.from(result.similarity!), shape: result.shape };
      },
      { request, backend },
    );
  }

  for (const backend of ['webgpu', 'cpu'] as const)
    it(`${backend}: embedding and similarity match the core`, async () => {
      const request: EmbedRequest = { preset: 'diffusers', timesteps: Array.from({ length: 64 }, (_, i) => i * 15), params: { embedding_dim: 321, flip_sin_to_cos: true } };
      const result = await computeInPage(request, backend);
      assert.equal(result.backend, backend, result.reason);
      const expected = embed(request);
      assertClose(`chromium ${backend} embedding`, result.data, expected.data, 2e-7, 321);
      assertClose(`chromium ${backend} similarity`, result.similarity, similarity64(Float32Array.from(result.data), 64, 321), 1e-5, 64);
    });
});
