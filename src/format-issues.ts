import type { Issue } from './issues.js';
import { argumentIssue, isCount, optionIssue, optionsIssue, throwProblems } from './api-guards.js';
import { isRecord } from './is-record.js';

export interface FormatOptions {
  /** Source texts by file name, for the excerpt with a caret. */
  sources?: Record<string, string>;
  /** ANSI colours. Default false. */
  color?: boolean;
  /** At most this many issues are printed, then a count of the rest. Default 200. */
  maxIssues?: number;
}

/**
 * Prints issues like a compiler: `file:line:col error[code]: message`, the
 * path, what was expected and found, then the source line with a caret.
 * A hint (severity 'hint') says `hint[code]` instead of `error[code]`.
 */
export function formatIssues(issues: readonly Issue[], options: FormatOptions = {}): string {
  const given = Array.isArray(issues) && issues.every(isIssue);
  const o: unknown = options;
  const sources = isRecord(o) ? o.sources : undefined;
  const maxIssues = isRecord(o) ? o.maxIssues : undefined;
  throwProblems(
    argumentIssue('issues', issues, 'a list of issues (each with code, path and message)', given),
    optionsIssue(options),
    optionIssue('sources', sources, 'source texts by file name', sources === undefined || (isRecord(sources) && Object.values(sources).every((t) => typeof t === 'string'))),
    optionIssue('maxIssues', maxIssues, 'a whole number ≥ 0', maxIssues === undefined || isCount(maxIssues)),
  );
  options ??= {};
  const red = (s: string) => (options.color ? `\u001b[31m${s}\u001b[39m` : s);
  const yellow = (s: string) => (options.color ? `\u001b[33m${s}\u001b[39m` : s);
  const dim = (s: string) => (options.color ? `\u001b[2m${s}\u001b[22m` : s);
  // Each source is split once, however many issues point into it.
  const lineCache = new Map<string, string[]>();
  const linesOf = (file: string): string[] | undefined => {
    const text = options.sources?.[file];
    if (text === undefined) return undefined;
    let lines = lineCache.get(file);
    if (!lines) {
      lines = text.split(/\r?\n/);
      lineCache.set(file, lines);
    }
    return lines;
  };
  const max = options.maxIssues ?? 200;
  const shown = inReadingOrder(issues).slice(0, max);
  const blocks = shown.map((i) => {
    const where = i.file ? `${i.file}${i.line ? `:${i.line}:${i.column ?? 1}` : ''}: ` : '';
    const mark = i.severity === 'hint' ? yellow : red;
    const lines = [`${where}${mark(`${i.severity === 'hint' ? 'hint' : 'error'}[${i.code}]`)}: ${i.message}`];
    if (i.path.length) lines.push(dim(`  at ${formatPath(i.path)}`));
    const ef = [i.expected ? `expected ${i.expected}` : '', i.found ? `found ${i.found}` : ''].filter(Boolean).join('; ');
    if (ef) lines.push(dim(`  ${ef}`));
    const src = i.file && i.line ? linesOf(i.file)?.[i.line - 1] : undefined;
    if (src !== undefined && i.line) {
      const col = Math.max(1, i.column ?? 1);
      // A window of the line around the column: long lines stay readable.
      const from = Math.max(0, col - 1 - WINDOW);
      const to = Math.min(src.length, col - 1 + WINDOW);
      const excerpt = `${from > 0 ? '…' : ''}${src.slice(from, to)}${to < src.length ? '…' : ''}`;
      const offset = col - 1 - from + (from > 0 ? 1 : 0);
      const rest = src.slice(col - 1, to);
      const token = /^"[^"]*"|^'[^']*'|^[^\s,:{}[\]]+/.exec(rest)?.[0] ?? ' ';
      const width = i.endColumn && i.endColumn > col ? i.endColumn - col : token.length;
      const gutter = String(i.line).length;
      lines.push(`  ${String(i.line)} | ${excerpt}`);
      lines.push(`  ${' '.repeat(gutter)} | ${' '.repeat(offset)}${mark('^'.repeat(Math.max(1, Math.min(width, to - col + 1, 80))))}`);
    }
    return lines.join('\n');
  });
  if (issues.length > shown.length) blocks.push(`… and ${issues.length - shown.length} more ${issues.slice(shown.length).every((i) => i.severity === 'hint') ? 'hints' : 'problems'}`);
  return blocks.join('\n\n');
}

/** Characters shown either side of the column in an excerpt. */
const WINDOW = 100;

/** A path as people read it: sections[0].items[2].points */
export function formatPath(path: readonly (string | number)[]): string {
  if (!isPath(path)) throwProblems(argumentIssue('path', path, 'a list of keys and indices', false));
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function isPath(v: unknown): v is (string | number)[] {
  return Array.isArray(v) && v.every((seg) => typeof seg === 'string' || typeof seg === 'number');
}

/** An issue as the library makes them and formatIssues prints them: code, path and message; texts and whole positions where given. */
export function isIssue(v: unknown): v is Issue {
  if (!isRecord(v) || typeof v.code !== 'string' || typeof v.message !== 'string' || !isPath(v.path)) return false;
  // The optional fields printed: texts and whole positions when given.
  const text = (x: unknown) => x === undefined || typeof x === 'string';
  const position = (x: unknown) => x === undefined || (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0);
  return text(v.file) && text(v.expected) && text(v.found) && position(v.line) && position(v.column) && position(v.endColumn);
}

/**
 * Issues as a reader meets them: each file's by line and column, the files
 * in the order their first issue came. Checks find problems by stage (shape,
 * then meaning), which jumps about a file; the list itself keeps that order.
 */
function inReadingOrder(issues: readonly Issue[]): Issue[] {
  const fileAt = new Map<string | undefined, number>();
  for (const i of issues) if (!fileAt.has(i.file)) fileAt.set(i.file, fileAt.size);
  return issues
    .map((issue, at) => ({ issue, at }))
    .sort((a, b) => {
      const x = a.issue;
      const y = b.issue;
      if (x.file !== y.file) return (fileAt.get(x.file) as number) - (fileAt.get(y.file) as number);
      return (x.line ?? 0) - (y.line ?? 0) || (x.column ?? 0) - (y.column ?? 0) || a.at - b.at;
    })
    .map((e) => e.issue);
}
