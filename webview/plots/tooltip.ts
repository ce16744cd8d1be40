/**
 * The hover tooltip of the views that draw their own pixels (rasterView.ts, layerView.ts), styled like plotly's
 * (media/explorer.css `.raster-tip`). Each view finds what is under the pointer; this file shows it beside the pointer,
 * flipped to the pointer's left near the right edge, and hides it when the pointer leaves.
 */

/** What the pointer is over: tooltip lines and data attributes (tests read the exact values from them). */
export interface Hovered {
  readonly lines: readonly string[];
  readonly data: Readonly<Record<string, string>>;
}

/**
 * Installs a tooltip on a plot element. `find(x, y)` gets the pointer in CSS pixels from the plot area's top-left
 * corner (plotly's `_fullLayout._size`) and returns what to show, or undefined for nothing.
 */
export function installTooltip(
  gd: HTMLElement & { _fullLayout?: { _size: { l: number; t: number } } },
  find: (x: number, y: number) => Hovered | undefined,
): void {
  const tip = document.createElement('div');
  tip.className = 'raster-tip';
  tip.hidden = true;
  tip.setAttribute('role', 'tooltip');
  const host = gd.parentElement ?? gd;
  host.append(tip);
  gd.addEventListener('mousemove', (event) => {
    const size = gd._fullLayout?._size;
    const box = gd.getBoundingClientRect();
    const hovered = size ? find(event.clientX - box.left - size.l, event.clientY - box.top - size.t) : undefined;
    if (!hovered) {
      tip.hidden = true;
      return;
    }
    tip.replaceChildren(...hovered.lines.map((line) => Object.assign(document.createElement('div'), { textContent: line })));
    for (const key of Object.keys(tip.dataset)) delete tip.dataset[key];
    Object.assign(tip.dataset, hovered.data);
    tip.hidden = false;
    const frame = host.getBoundingClientRect();
    const left = event.clientX - frame.left + 14;
    const flip = left + tip.offsetWidth > frame.width;
    tip.style.left = `${flip ? event.clientX - frame.left - 14 - tip.offsetWidth : left}px`;
    tip.style.top = `${event.clientY - frame.top + 12}px`;
  });
  gd.addEventListener('mouseleave', () => (tip.hidden = true));
}
