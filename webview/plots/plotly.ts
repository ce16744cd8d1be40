/**
 * The plotly.js build the explorer ships: core plus the one trace type it uses (scatter: the stand-in traces that carry
 * legends and colour bars; the heatmaps and the points themselves are drawn on canvases, rasterView.ts and
 * layerView.ts), from the installed `plotly.js` package. The full bundle is 4.8 MB minified; it contains no `eval`
 * or `new Function` (checked by test/webview), so the panel's CSP needs no 'unsafe-eval'.
 */
import Plotly from 'plotly.js/lib/core';
import scatter from 'plotly.js/lib/scatter';

Plotly.register([scatter]);

/** A trace or layout as plain data: the views build them from typed arrays, and plotly's own types are too narrow for that. */
export type PlotSpec = Record<string, unknown>;

/** The registered plotly API. */
export default Plotly;
