/**
 * Plot colours from the VS Code theme: the CSS variables VS Code sets on the webview's <html>/<body>
 * (`--vscode-editor-foreground`, `--vscode-charts-*`, ...) and the body class (`vscode-light`, `vscode-dark`,
 * `vscode-high-contrast`, `vscode-high-contrast-light`). Read again whenever the body class changes.
 */
import type { PlotSpec } from './plotly';

/** Everything the trace builders need to match the theme. */
export interface Theme {
  readonly kind: 'light' | 'dark' | 'hc-dark' | 'hc-light';
  readonly foreground: string;
  readonly muted: string;
  readonly background: string;
  readonly grid: string;
  readonly fontFamily: string;
  readonly fontSize: number;
  /** Line colours in order: VS Code's chart palette. */
  readonly palette: readonly string[];
  /** Accent for overlays (schedule markers). */
  readonly accent: string;
  /** Diverging colour scale for signed values (E, differences): light middle on light themes, dark on dark ones. */
  readonly diverging: readonly (readonly [number, string])[];
  /** Sequential scale for similarity and t. */
  readonly sequential: readonly (readonly [number, string])[];
  /** Line width: thicker in high contrast. */
  readonly lineWidth: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value || fallback;
}

/** The theme the document shows now. */
export function readTheme(doc: Document = document): Theme {
  const body = doc.body;
  const classes = body.classList;
  const kind: Theme['kind'] = classes.contains('vscode-high-contrast-light')
    ? 'hc-light'
    : classes.contains('vscode-high-contrast')
      ? 'hc-dark'
      : classes.contains('vscode-dark')
        ? 'dark'
        : 'light';
  const dark = kind === 'dark' || kind === 'hc-dark';
  const style = getComputedStyle(body);
  const foreground = cssVar(style, '--vscode-editor-foreground', cssVar(style, '--vscode-foreground', dark ? '#cccccc' : '#333333'));
  const palette = [
    cssVar(style, '--vscode-charts-blue', dark ? '#3794ff' : '#1a85ff'),
    cssVar(style, '--vscode-charts-orange', '#d18616'),
    cssVar(style, '--vscode-charts-green', dark ? '#89d185' : '#388a34'),
    cssVar(style, '--vscode-charts-purple', dark ? '#b180d7' : '#652d90'),
    cssVar(style, '--vscode-charts-red', dark ? '#f14c4c' : '#e51400'),
    cssVar(style, '--vscode-charts-yellow', dark ? '#cca700' : '#bf8803'),
  ];
  const highContrast = kind === 'hc-dark' || kind === 'hc-light';
  return {
    kind,
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    background: cssVar(style, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    grid: highContrast
      ? cssVar(style, '--vscode-contrastBorder', foreground)
      : cssVar(style, '--vscode-editorIndentGuide-background1', dark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.10)'),
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(cssVar(style, '--vscode-font-size', '13px')) || 13,
    palette,
    accent: cssVar(style, '--vscode-charts-red', dark ? '#f14c4c' : '#e51400'),
    // Diverging scales after ColorBrewer RdBu (light) and a dark-middle blue/orange (dark), so 0 blends with the page
    // and the sign reads from the hue on either theme.
    diverging: dark
      ? [
          [0, '#4aa8ff'],
          [0.25, '#1f5f99'],
          [0.5, '#1b1b1f'],
          [0.75, '#a3501c'],
          [1, '#ffa24a'],
        ]
      : [
          [0, '#2166ac'],
          [0.25, '#92c5de'],
          [0.5, '#f7f7f7'],
          [0.75, '#f4a582'],
          [1, '#b2182b'],
        ],
    // Viridis: perceptually even and readable on both backgrounds.
    sequential: [
      [0, '#440154'],
      [0.25, '#3b528b'],
      [0.5, '#21918c'],
      [0.75, '#5ec962'],
      [1, '#fde725'],
    ],
    lineWidth: highContrast ? 2.5 : 1.5,
  };
}

/** A layout with the theme's fonts, transparent paper (the page colour shows through) and themed axes. */
export function baseLayout(theme: Theme, size: { width: number; height: number }, extra: PlotSpec = {}): PlotSpec {
  const axis = {
    color: theme.foreground,
    gridcolor: theme.grid,
    zerolinecolor: theme.grid,
    linecolor: theme.grid,
    automargin: true,
    // Plotly's default hides tick labels that overflow the plot div, measuring every label to find them: ~150 ms on
    // the first draw of the panel. The margins leave room for the labels, so none is hidden here anyway.
    ticklabeloverflow: 'allow',
    title: { font: { size: theme.fontSize } },
  };
  return {
    width: size.width,
    height: size.height,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: theme.fontFamily, size: theme.fontSize - 1, color: theme.foreground },
    margin: { l: 56, r: 16, t: 8, b: 44 },
    xaxis: { ...axis },
    yaxis: { ...axis },
    legend: { bgcolor: 'rgba(0,0,0,0)', font: { color: theme.foreground }, orientation: 'h', y: -0.25 },
    hoverlabel: { font: { family: theme.fontFamily } },
    ...extra,
  };
}

/** A colour bar styled for the theme. */
export function colorbar(theme: Theme, title: string): PlotSpec {
  return {
    title: { text: title, side: 'right', font: { color: theme.foreground, size: theme.fontSize - 1 } },
    tickfont: { color: theme.foreground },
    outlinewidth: 0,
    thickness: 12,
    len: 1,
  };
}
