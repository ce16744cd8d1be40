/**
 * The explorer's HTML shell and its Content Security Policy. Pure (no `vscode` import) so the policy is unit-testable.
 * Nothing is injected into the page but URIs and the nonce: the settings arrive through the `ready`/`init` handshake.
 */

/** What the shell needs from the panel. */
export interface ShellOptions {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  readonly cspSource: string;
  /** A fresh random nonce per page load. */
  readonly nonce: string;
  /** URI of dist/webview/explorer.js as the webview sees it. */
  readonly scriptUri: string;
  /** URI of media/explorer.css as the webview sees it. */
  readonly styleUri: string;
}

/**
 * The Content Security Policy:
 * - `default-src 'none'`: nothing loads unless listed below.
 * - scripts only with this page's nonce; no 'unsafe-eval' (the bundled plotly build has no eval or new Function).
 * - `style-src ${cspSource} 'unsafe-inline'`: the stylesheet, plus inline styles ONLY because plotly.js injects a
 *   <style> element and sets style attributes at runtime (plotly/plotly.js#2355); nothing else needs it.
 * - `img-src ${cspSource} data: blob:`: plotly draws heatmaps as data: images, and toImage (PNG/SVG export) loads the
 *   SVG it renders as an image.
 * - `font-src ${cspSource}`: the theme's fonts.
 * - `worker-src blob:`: the engine's CPU backend runs in a Web Worker so the panel stays responsive while it computes
 *   (issue 3). Its script is bundled into explorer.js as text and started from a blob: URL made by that nonce'd
 *   script: a worker loaded from the resource origin would be cross-origin to the webview. Nothing else can start one.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    'worker-src blob:',
  ].join('; ');
}

/** The page: a root element, the stylesheet and the one bundled script. */
export function explorerHtml(options: ShellOptions): string {
  const { nonce } = options;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${options.styleUri}">
<title>Embedding Explorer</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${options.scriptUri}"></script>
</body>
</html>`;
}

/** 32 random alphanumerics from the platform CSPRNG (available in Node 20 and in the web worker extension host). */
export function makeNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
