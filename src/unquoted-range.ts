import { issue, type Issue } from './issues.js';

/**
 * A range written without quotes after a key (`range: >= 90`): YAML reads
 * `>` as the start of a folded text block and reports a syntax error or two
 * that name neither the range nor the fix. The issue for the line says both.
 * Undefined where the line holds no such value.
 */
export function unquotedRangeIssue(text: string, lineStart: number, line: number): Issue | undefined {
  const end = text.indexOf('\n', lineStart);
  const content = text.slice(lineStart, end < 0 ? text.length : end);
  const m = /:\s+(>=?\s*[-+]?\d[\d.]*)(?=\s*(?:[,}\]#]|$))/.exec(content);
  if (!m) return undefined;
  const value = m[1] as string;
  const column = m.index + m[0].length - value.length + 1;
  return issue('yaml-syntax', [], `a range that starts with ">" must be quoted: YAML reads an unquoted ">" as the start of a block of text`, {
    expected: `"${value}"`,
    found: value,
    line,
    column,
    endColumn: column + value.length,
  });
}
