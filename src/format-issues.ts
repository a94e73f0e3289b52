import type { Issue } from './issues.js';

export interface FormatOptions {
  /** Source texts by file name, for the excerpt with a caret. */
  sources?: Record<string, string>;
  /** ANSI colours. Default false. */
  color?: boolean;
}

/**
 * Prints issues like a compiler: `file:line:col error[code]: message`, the
 * path, what was expected and found, then the source line with a caret.
 */
export function formatIssues(issues: readonly Issue[], options: FormatOptions = {}): string {
  const red = (s: string) => (options.color ? `\u001b[31m${s}\u001b[39m` : s);
  const dim = (s: string) => (options.color ? `\u001b[2m${s}\u001b[22m` : s);
  const blocks = issues.map((i) => {
    const where = i.file ? `${i.file}${i.line ? `:${i.line}:${i.column ?? 1}` : ''}: ` : '';
    const lines = [`${where}${red(`error[${i.code}]`)}: ${i.message}`];
    if (i.path.length) lines.push(dim(`  at ${formatPath(i.path)}`));
    const ef = [i.expected ? `expected ${i.expected}` : '', i.found ? `found ${i.found}` : ''].filter(Boolean).join('; ');
    if (ef) lines.push(dim(`  ${ef}`));
    const text = i.file ? options.sources?.[i.file] : undefined;
    if (text !== undefined && i.line) {
      const src = text.split(/\r?\n/)[i.line - 1];
      if (src !== undefined) {
        const col = Math.max(1, i.column ?? 1);
        const token = /^"[^"]*"|^'[^']*'|^[^\s,:{}[\]]+/.exec(src.slice(col - 1))?.[0] ?? ' ';
        const width = i.endColumn && i.endColumn > col ? i.endColumn - col : token.length;
        const gutter = String(i.line).length;
        lines.push(`  ${String(i.line)} | ${src}`);
        lines.push(`  ${' '.repeat(gutter)} | ${' '.repeat(col - 1)}${red('^'.repeat(Math.max(1, Math.min(width, 80))))}`);
      }
    }
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

/** A path as people read it: sections[0].items[2].points */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
