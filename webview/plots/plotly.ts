/**
 * The plotly.js build the explorer ships: core plus the two trace types it draws (heatmap, scatter), from the installed
 * `plotly.js` package. The full bundle is 4.8 MB minified; this one is about 1.1 MB, and it contains no `eval` or
 * `new Function` (checked by test/webview), so the panel's CSP needs no 'unsafe-eval'.
 */
import Plotly from 'plotly.js/lib/core';
import heatmap from 'plotly.js/lib/heatmap';
import scatter from 'plotly.js/lib/scatter';

Plotly.register([heatmap, scatter]);

/** A trace or layout as plain data: the views build them from typed arrays, and plotly's own types are too narrow for that. */
export type PlotSpec = Record<string, unknown>;

/** The registered plotly API. */
export default Plotly;
