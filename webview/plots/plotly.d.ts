/** The per-trace entry points of plotly.js 4 have no declarations of their own; they share the package's API type. */
declare module 'plotly.js/lib/core' {
  import Plotly from 'plotly.js';
  export default Plotly;
}
declare module 'plotly.js/lib/scatter' {
  import type { PlotlyModule } from 'plotly.js';
  const scatter: PlotlyModule;
  export default scatter;
}
