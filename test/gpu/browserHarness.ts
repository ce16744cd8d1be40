/**
 * A headless Chromium with WebGPU (Debian's /usr/bin/chromium through playwright-core) and a local 127.0.0.1 HTTP
 * server for the page and its scripts. Shared by the Chromium test and bench/run.mjs's browser half.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Chromium's path; override with CHROMIUM_PATH. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** WebGPU on (SwiftShader here), no sandbox in containers, no network chatter. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Serves `routes` (URL path → file on disk, or inline text) on 127.0.0.1 at a free port. */
export async function serve(routes: Record<string, { file?: string; text?: string }>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes[path];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const body = route.text ?? readFileSync(route.file!);
    res.writeHead(200, { 'content-type': TYPES[extname(path) || '.html'] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Stops the server, dropping Chromium's keep-alive connections (close() alone waits for them). */
export function stopServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Launches Chromium and opens `url`; console errors are forwarded to the test output. */
export async function openPage(url: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') console.error(`[chromium] ${msg.text()}`);
  });
  try {
    await page.goto(url);
  } catch (error) {
    await browser.close();
    throw error;
  }
  return { browser, page };
}
