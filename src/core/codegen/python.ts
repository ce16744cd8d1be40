/**
 * Python source building shared by every framework: literals, a small subset of black's line splitting (enough for
 * the statements the generator emits), blocks with indentation, and VS Code tab stops.
 *
 * Generated code must come out black-formatted without running black (the extension cannot), so statements are
 * written short and only the shapes black would split here are split: a trailing bracket pair (calls, signatures,
 * collections), hugged on one indented line when it fits, else one item per line with a trailing comma.
 */

/** Black's default line length. */
export const LINE_LENGTH = 88;

/** Private-use characters marking tab stops in the text; they occupy no columns and are replaced at the end. */
const STOP_OPEN = ['\uE000', '\uE002'] as const;
const STOP_CLOSE = ['\uE001', '\uE003'] as const;
const MARKERS = /[\uE000-\uE003]/g;

/** Wrap `text` as tab stop 1 (the name) or 2 (the width default); markers are resolved by `finishSource`. */
export function stop(index: 1 | 2, text: string): string {
  return `${STOP_OPEN[index - 1]}${text}${STOP_CLOSE[index - 1]}`;
}

/** Columns a line occupies once markers are gone. */
function width(line: string): number {
  return line.replace(MARKERS, '').length;
}

/** Escape text for a VS Code SnippetString (`$`, `}` and `\` are special there). */
function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

/** Resolve tab-stop markers: `${1:name}` in snippet mode (everything else escaped), plain text otherwise. */
export function finishSource(source: string, tabStops: boolean): string {
  if (!tabStops) return source.replace(MARKERS, '');
  let out = '';
  let rest = escapeSnippet(source);
  const marker = /[\uE000\uE002]([^\uE001\uE003]*)[\uE001\uE003]/;
  for (let m = marker.exec(rest); m; m = marker.exec(rest)) {
    const index = m[0]![0] === STOP_OPEN[0] ? 1 : 2;
    out += rest.slice(0, m.index) + `\${${index}:${m[1]}}`;
    rest = rest.slice(m.index + m[0].length);
  }
  return out + rest;
}

/** Python literal for a double: shortest round-trip digits, always with a '.' or an exponent, no '+' in exponents. */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'float("nan")';
  if (!Number.isFinite(value)) return value > 0 ? 'float("inf")' : '-float("inf")';
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value).replace('e+', 'e');
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** Python literal for a float32 value: the shortest decimal that rounds back to exactly this float32. */
export function pyFloat32(value: number): string {
  const x = Math.fround(value);
  if (!Number.isFinite(x) || x === 0) return pyFloat(x);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return pyFloat(candidate);
  }
  return pyFloat(x); // unreachable: 9 significant digits always round-trip a float32
}

/** `x`, or `(x)` when a method call on it would otherwise bind to its last operand. */
export function atom(x: string): string {
  let stripped = x;
  for (let prev = ''; prev !== stripped; ) {
    prev = stripped;
    stripped = stripped.replace(/\([^()]*\)|\[[^[\]]*\]/g, '');
  }
  return /[\s+\-*/@%<>=!~|&^]/.test(stripped) ? `(${x})` : x;
}

/** Python literal for an int or a float parameter value. */
export function pyNumber(value: number, kind: 'int' | 'float'): string {
  return kind === 'int' ? String(value) : pyFloat(value);
}

/** Split `text` at top-level commas (outside brackets and strings). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last) parts.push(last);
  return parts;
}

/** Index of the bracket opening the last top-level bracket pair, and of its closer; undefined if none. */
function lastBracketPair(line: string): { open: number; close: number } | undefined {
  let close = -1;
  let quote: string | undefined;
  for (let i = line.length - 1; i >= 0; i--) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (')]}'.includes(c)) {
      close = i;
      break;
    }
  }
  if (close < 0) return undefined;
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const c = line[i]!;
    if (')]}'.includes(c)) depth++;
    else if ('([{'.includes(c) && --depth === 0) return { open: i, close };
  }
  return undefined;
}

/**
 * Lines for one logical statement at `indent`, split the way black splits a trailing bracket pair. `atom` marks a
 * collection literal (tuple/list), which black always explodes one item per line once it has to split it.
 */
export function formatStatement(statement: string, indent: string): string[] {
  const line = indent + statement;
  if (width(line) <= LINE_LENGTH) return [line];
  const pair = lastBracketPair(statement);
  if (!pair) return [line];
  const head = statement.slice(0, pair.open + 1);
  const body = statement.slice(pair.open + 1, pair.close);
  const tail = statement.slice(pair.close);
  const inner = indent + '    ';
  // An opening bracket that starts an expression (after '=', '(' or at the start) is a collection literal.
  const before = head.slice(0, -1).trimEnd();
  const isCollection = before === '' || /[=(,[]$/.test(before) || /\breturn$/.test(before);
  const items = splitTopLevel(body);
  const isDef = /^(async\s+)?def\s/.test(statement);
  if (!(isCollection && items.length > 1) && width(inner + body) <= LINE_LENGTH) {
    // A def with a single parameter gets a trailing comma when split (black's rule for defs without commas).
    const hugged = isDef && items.length === 1 ? `${body},` : body;
    return [indent + head, inner + hugged, indent + tail];
  }
  if (items.length > 1 || isDef || isCollection) {
    const lines = [indent + head];
    for (const item of items) lines.push(...formatStatement(`${item},`, inner));
    lines.push(indent + tail);
    return lines;
  }
  return [indent + head, ...formatStatement(body, inner), indent + tail];
}

/** A block of Python statements; nested blocks come from `if`/`else`/`def`/`class` headers. */
export type Stmt = string | { readonly head: string; readonly body: readonly Stmt[] } | { readonly blank: true };

/** A header line with its indented body, e.g. `block('if flip_sin_to_cos:', [...])`. */
export function block(head: string, body: readonly Stmt[]): Stmt {
  return { head, body };
}

/** One blank line inside a block (between methods). */
export const BLANK: Stmt = { blank: true };

/** Render statements at `indent`; comments (lines starting with '#') and docstrings pass through untouched. */
export function renderBlock(stmts: readonly Stmt[], indent = ''): string[] {
  const lines: string[] = [];
  for (const s of stmts) {
    if (typeof s === 'string') {
      if (s.startsWith('#') || s.startsWith('"""')) lines.push(...s.split('\n').map((l) => (l ? indent + l : '')));
      else lines.push(...formatStatement(s, indent));
    } else if ('blank' in s) lines.push('');
    else {
      lines.push(...formatStatement(s.head, indent));
      lines.push(...renderBlock(s.body, indent + '    '));
    }
  }
  return lines;
}

/** A docstring statement: one line, or a summary line, a blank line and the rest, closed on its own line. */
export function docstring(summary: string, rest: readonly string[] = []): string {
  if (rest.length === 0) return `"""${summary}"""`;
  return ['"""' + summary, '', ...rest, '"""'].join('\n');
}

/** A module-level tuple constant of float32 values (nested for 2-D), formatted as black formats it. */
export function floatTuple(name: string, values: readonly number[], columns?: number): string[] {
  const items: string[] = [];
  if (columns === undefined) for (const v of values) items.push(pyFloat32(v));
  else
    for (let r = 0; r < values.length / columns; r++) {
      const row = values.slice(r * columns, (r + 1) * columns).map(pyFloat32);
      items.push(row.length === 1 ? `(${row[0]},)` : `(${row.join(', ')})`);
    }
  const oneLine = items.length === 1 ? `${name} = (${items[0]},)` : `${name} = (${items.join(', ')})`;
  if (width(oneLine) <= LINE_LENGTH) return [oneLine];
  return [`${name} = (`, ...items.flatMap((item) => formatStatement(`${item},`, '    ')), ')'];
}

/** Join top-level chunks (imports, constants, defs, classes) with black's two blank lines. */
export function joinTopLevel(chunks: readonly (readonly string[])[]): string {
  return chunks.filter((c) => c.length > 0).map((c) => c.join('\n')).join('\n\n\n') + '\n';
}
