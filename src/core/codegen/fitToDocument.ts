/** Fitting generated Python into the document it lands in. Pure string logic, shared by the commands, the Explorer and the tests. */

/** A Python import statement on one line (`import x`, `import x as y`, `from x import y`). */
const IMPORT_LINE = /^(?:import|from)\s+\S/;

/**
 * Generated code fitted to where it lands: the import lines at its top that the document already has are dropped (a
 * second `import torch` is noise pyflakes flags), and the code is set apart by two blank lines, as PEP 8 asks for
 * top-level definitions, when it lands at the start of a line next to other code. Works on plain text and on snippet
 * text alike (import lines never hold tab stops).
 */
export function fitToDocument(code: string, documentText: string, textBefore: string, textAfter: string): string {
  const present = new Set(documentText.split(/\r?\n/).map((line) => line.trim()).filter((line) => IMPORT_LINE.test(line)));
  const lines = code.split('\n');
  let headerEnd = 0;
  while (headerEnd < lines.length && (lines[headerEnd] === '' || IMPORT_LINE.test(lines[headerEnd]!))) headerEnd++;
  // Keep the generated grouping (stdlib, blank line, third party) minus what is already imported.
  const header = lines
    .slice(0, headerEnd)
    .filter((line) => line === '' || !present.has(line.trim()))
    .join('\n')
    .replace(/\n{2,}/g, '\n\n')
    .trim();
  const body = lines.slice(headerEnd).join('\n');
  let fitted = header === '' ? body : `${header}\n\n\n${body}`;
  const atLineStart = textBefore === '' || textBefore.endsWith('\n');
  if (atLineStart && textBefore.trim() !== '') {
    const trailingNewlines = /\n*$/.exec(textBefore)![0].length;
    fitted = '\n'.repeat(Math.max(0, 3 - trailingNewlines)) + fitted;
  }
  if (fitted.endsWith('\n') && textAfter !== '' && !textAfter.startsWith('\n')) fitted += '\n\n';
  return fitted;
}
