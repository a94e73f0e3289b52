import { formatPath } from './format-issues.js';

/**
 * Problems are data: a closed set of codes, each issue carrying its path,
 * what was expected and what was found. Wording with file positions and a
 * caret excerpt is added only at output (see format-issues.ts).
 */
export const ISSUE_CODES = [
  // reading YAML
  'yaml-syntax',
  'duplicate-key',
  'forbidden-tag',
  'alias-limit',
  'forbidden-key',
  'too-large',
  // shape
  'invalid-type',
  'unknown-key',
  'missing-key',
  'invalid-value',
  'invalid-range',
  'unknown-kind',
  // a user's rule kind giving what its contract forbids (see kinds/guard.ts)
  'kind-contract',
  // meaning
  'duplicate-id',
  'points-mismatch',
  'max-mismatch',
  'band-overlap',
  'band-gap',
  'band-order',
  'unknown-reference',
  // inheritance
  'extends-cycle',
  'extends-not-found',
  'override-unknown-id',
  // evidence
  'unknown-item',
  'missing-evidence',
  'out-of-range',
  'too-many-in-category',
  'rubric-mismatch',
  // evidence hints (severity 'hint': advice, never a problem; see evidence-hints.ts)
  'percent-as-fraction',
  // files
  'file-not-found',
  // versions
  'invalid-date',
  'unknown-rubric',
  'no-applicable-version',
  'overlapping-versions',
  'duplicate-version',
  'empty-period',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];
export type PathSegment = string | number;

export interface Issue {
  code: IssueCode;
  /** Where in the document: keys and list indices from its root. */
  path: PathSegment[];
  /** One sentence, in English, without the position. */
  message: string;
  /** 'hint' for advice that does not stop scoring (evidenceHints); absent for a problem. */
  severity?: 'hint';
  expected?: string;
  found?: string;
  /** Set when the issue was read from a file. */
  file?: string;
  line?: number;
  column?: number;
  /** Where the offending text ends on the same line, for the caret. */
  endColumn?: number;
}

/**
 * Marks a RubricError from any copy of the library (its ESM and CommonJS
 * builds are two copies, and an app may load both): `instanceof` reads the
 * mark, not the class identity.
 */
const RUBRIC_ERROR = Symbol.for('shequ-rubric.RubricError');

/** The one error class the library throws; it carries every problem found. */
export class RubricError extends Error {
  override readonly name: string = 'RubricError';
  readonly issues: Issue[];
  /** The texts the issues point into, by file name, for caret excerpts. */
  readonly sources: Record<string, string>;

  constructor(issues: Issue[], sources: Record<string, string> = {}) {
    // Built by the library; a caller's own wrong arguments still give an error, not a TypeError.
    const list = Array.isArray(issues) ? issues : [];
    super(summarize(list));
    this.issues = list;
    this.sources = sources !== null && typeof sources === 'object' ? sources : {};
    Object.defineProperty(this, RUBRIC_ERROR, { value: true });
  }

  /** Any copy's RubricError is a RubricError; a subclass keeps the usual check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== RubricError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [RUBRIC_ERROR]?: unknown })[RUBRIC_ERROR] === true;
  }
}

/**
 * Gives an error class its own name, whatever the bundler renamed it to
 * (esbuild writes RubricError as `_RubricError` for its static method):
 * stack traces and console.log show the class's name.
 */
export function nameErrorClass(errorClass: new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(errorClass, 'name', { value: name, configurable: true });
  Object.defineProperty(errorClass.prototype, 'name', { value: name, writable: true, configurable: true });
}

nameErrorClass(RubricError, 'RubricError');

function summarize(issues: Issue[]): string {
  const first = issues[0];
  if (first === null || typeof first !== 'object') return 'no issues';
  const path = Array.isArray(first.path) && first.path.every((s) => typeof s === 'string' || typeof s === 'number') ? first.path : [];
  const where = typeof first.file === 'string' && first.file ? `${first.file}${first.line ? `:${first.line}:${first.column}` : ''}: ` : path.length ? `${formatPath(path)}: ` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${where}${typeof first.message === 'string' ? first.message : describe(first.message)}${more}`;
}

export function issue(code: IssueCode, path: PathSegment[], message: string, extra: Partial<Issue> = {}): Issue {
  return { code, path, message, ...extra };
}

/** A value as it appears in a message: short, JSON-like, never throwing. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  // A file read as bytes (a Buffer, a Uint8Array) instead of text.
  if (ArrayBuffer.isView(value)) return `${value.byteLength} bytes`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** "did you mean" for unknown keys and ids: the closest candidate within a small edit distance. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? Infinity;
}
