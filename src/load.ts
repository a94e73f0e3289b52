import { RubricError, issue, type Issue, type PathSegment } from './issues.js';
import { optionIssue, optionsIssue } from './api-guards.js';
import type { AnyRuleKind } from './kinds/define.js';
import { schemasFor } from './registry.js';
import type { Rubric } from './schema.js';
import { compose, placeComposed, type Resolver } from './extends.js';
import { bytesOver, readOptionsIssues, DEFAULT_MAX_BYTES, DEFAULT_MAX_NODES, MAX_NESTING, REFUSED_KEYS, sourceText, withoutBom, type ReadOptions, type SourceText } from './source.js';
import { scanJson } from './json-text.js';
import { salvage } from './salvage.js';
import { validateMeaning } from './validate.js';
import { fromZod, parseReporting } from './zod-issues.js';

export interface LoadOptions extends ReadOptions {
  /** Rule kinds of the user's own, registered beside the built-in ones. */
  kinds?: readonly AnyRuleKind[];
  /** Finds the parent of a rubric that `extends:` another (loadRubricFile gives one that reads files). */
  resolve?: Resolver;
}

export type SafeResult<T> = { success: true; data: T } | { success: false; error: RubricError };

/**
 * A RubricError thrown while a safe function worked (a user's rule kind
 * breaking its contract, see kinds/guard.ts) as its failed result; any
 * other error is not the library's to catch.
 */
export function thrownResult(e: unknown): { success: false; error: RubricError } {
  if (e instanceof RubricError) return { success: false, error: e };
  throw e;
}

/** Validates a rubric already in memory (from JSON or code). */
export function safeParseRubricObject(value: unknown, options: LoadOptions = {}): SafeResult<Rubric> {
  options ??= {};
  const notMapping = optionsIssue(options);
  if (notMapping) return { success: false, error: new RubricError([notMapping]) };
  const deep = tooDeep(value, MAX_DEPTH);
  if (deep) return { success: false, error: new RubricError([deep]) };
  const { schemas, issues: kindIssues } = schemasFor(options.kinds);
  if (kindIssues.length) return { success: false, error: new RubricError(kindIssues) };
  const parsed = parseReporting(schemas.rubric, value);
  if (!parsed.success) {
    const issues = fromZod(parsed.error.issues, [], {
      vocabulary: schemas.vocabulary,
      kinds: [...schemas.kinds.keys()],
      at: (path) => valueAt(value, path),
    });
    // The meaning of what did parse, in the same pass: one typo does not hide the rest.
    const meaning = validateMeaning(salvage(value, schemas), schemas.kinds);
    return { success: false, error: new RubricError(dedupe([...issues, ...meaning])) };
  }
  const meaning = validateMeaning(parsed.data, schemas.kinds);
  if (meaning.length) return { success: false, error: new RubricError(meaning) };
  return { success: true, data: parsed.data };
}

/** A YAML text composed (`extends:` followed) and validated: the rubric, and the plain value it was read from. */
function parseText(text: string, options: LoadOptions): (SafeResult<Rubric> & { source: SourceText; value?: unknown }) {
  // Options first: a wrong kinds list or resolver is the caller's, not a place in the text.
  const notMapping = optionsIssue(options);
  const resolve: unknown = options.resolve;
  const wrongResolve = optionIssue('resolve', resolve, 'a resolver function', resolve === undefined || typeof resolve === 'function');
  const optionIssues = notMapping ? [notMapping] : [...schemasFor(options.kinds).issues, ...(wrongResolve ? [wrongResolve] : [])];
  if (optionIssues.length) return { success: false, error: new RubricError(optionIssues), source: sourceText(typeof text === 'string' ? text : '', typeof options.file === 'string' ? options.file : '<input>') };
  const composed = compose(text, options);
  const sources = Object.fromEntries(composed.sources.map((s) => [s.file, s.text]));
  const source = composed.sources[composed.sources.length - 1] as SourceText;
  if (composed.issues.length && !composed.merged) return { success: false, error: new RubricError(composed.issues, sources), source };
  const result = safeParseRubricObject(composed.value, options);
  // Changes that could not be applied are reported with whatever else is wrong with the merged rubric.
  const problems = [...composed.issues, ...(result.success ? [] : placeComposed(result.error.issues, composed))];
  if (!problems.length && result.success) return { ...result, source, value: composed.value };
  return { success: false, error: new RubricError(problems, sources), source };
}

/**
 * Reads and validates a rubric written in YAML, following `extends:`; every
 * problem is reported with the file, line and column that caused it.
 */
export function safeParseRubric(text: string, options: LoadOptions = {}): SafeResult<Rubric> & { source: SourceText } {
  options ??= {};
  const { value: _value, ...result } = parseText(text, options);
  return result;
}

/** Like safeParseRubric, but throws the RubricError. */
export function parseRubric(text: string, options: LoadOptions = {}): Rubric {
  const result = safeParseRubric(text, options);
  if (!result.success) throw result.error;
  return result.data;
}

/**
 * A rubric written in YAML as the plain object it stands for, `extends:`
 * followed and everything validated: write it out with JSON.stringify, and
 * load it with safeParseRubricJson (JSON.parse, no YAML reader)
 * or safeParseRubricObject. It validates to the same rubric, with the same digest.
 */
export function safeExportRubric(text: string, options: LoadOptions = {}): SafeResult<Record<string, unknown>> & { source: SourceText } {
  options ??= {};
  const { value, ...result } = parseText(text, options);
  if (!result.success) return result;
  return { success: true, data: value as Record<string, unknown>, source: result.source };
}

/** Like safeExportRubric, but throws the RubricError. */
export function exportRubric(text: string, options: LoadOptions = {}): Record<string, unknown> {
  const result = safeExportRubric(text, options);
  if (!result.success) throw result.error;
  return result.data;
}

/**
 * Reads and validates a rubric written as JSON (as exportRubric gives it)
 * with JSON.parse instead of the YAML parser. A text this path cannot take as
 * it is (not JSON, a repeated or forbidden key, over the size or node limits,
 * `extends:`, any problem in the rubric) is read by safeParseRubric instead,
 * which reports every problem at line and column: JSON is YAML too.
 */
export function safeParseRubricJson(text: string, options: LoadOptions = {}): SafeResult<Rubric> & { source: SourceText } {
  options ??= {};
  return fastJsonRubric(text, options) ?? safeParseRubric(text, options);
}

/** Like safeParseRubricJson, but throws the RubricError. */
export function parseRubricJson(text: string, options: LoadOptions = {}): Rubric {
  const result = safeParseRubricJson(text, options);
  if (!result.success) throw result.error;
  return result.data;
}

function fastJsonRubric(rawText: string, options: LoadOptions): (SafeResult<Rubric> & { source: SourceText }) | undefined {
  // Anything but text, or wrong reading options, goes to the YAML path, which reports it.
  if (typeof rawText !== 'string' || readOptionsIssues(options).length) return undefined;
  const text = withoutBom(rawText);
  if (bytesOver(text, options.maxBytes ?? DEFAULT_MAX_BYTES) !== undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || 'extends' in value) return undefined;
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  const scan = scanJson(text, REFUSED_KEYS, maxNodes);
  if (scan.refusedKey || scan.nodes > maxNodes) return undefined;
  const result = safeParseRubricObject(value, options);
  if (!result.success) return undefined;
  // The lines, as the YAML reader would have counted them, for anything placed in this text later.
  const source = sourceText(text, options.file ?? '<input>');
  source.lineCounter.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) source.lineCounter.addNewLine(at + 1);
  return { ...result, source };
}

/** The deepest nesting a rubric or evidence value may have (YAML text has the same limit). */
export const MAX_DEPTH = MAX_NESTING;

/** The most entries (counted as written out, shared references again each time) a value may hold. */
export const MAX_ENTRIES = 1_000_000;

/**
 * An issue when a value nests deeper than `max` levels or holds more than
 * MAX_ENTRIES entries: validators recurse, and results copy the community
 * record, so both are bounded before any of that runs.
 */
export function tooDeep(value: unknown, max: number): Issue | undefined {
  // Most values fit: a pass that keeps no path says so; the walk below finds where one does not.
  const outer = entriesSeen; // a getter in the value may check a value of its own
  entriesSeen = 0;
  const fitsAll = fits(value, 0, max);
  entriesSeen = outer;
  if (fitsAll) return undefined;
  const path: PathSegment[] = [];
  let entries = 0;
  let found: 'deep' | 'large' | undefined;
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') return false;
    if (depth > max) {
      found = 'deep';
      return true;
    }
    for (const key of Object.keys(v)) {
      if (++entries > MAX_ENTRIES) {
        found = 'large';
        return true;
      }
      // A list's own non-index key (rare, but Object.keys lists it) stays a name.
      path.push(Array.isArray(v) && String(Number(key)) === key ? Number(key) : key);
      if (walk((v as Record<string, unknown>)[key], depth + 1)) return true;
      path.pop();
    }
    return false;
  };
  if (!walk(value, 0)) return undefined;
  return found === 'deep'
    ? issue('alias-limit', [...path], `the value nests deeper than ${max} levels`, { expected: `at most ${max} levels` })
    : issue('too-large', [...path], `the value holds more than ${MAX_ENTRIES} entries`, { expected: `at most ${MAX_ENTRIES} entries` });
}

let entriesSeen = 0;

/** Whether a value is within `max` levels and MAX_ENTRIES entries; counts as tooDeep's walk does (own enumerable keys). */
function fits(v: unknown, depth: number, max: number): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (depth > max) return false;
  // Object.values lists the values of what Object.keys lists, in its order. A for-in loop here,
  // called on records, small objects and lists alike, measured six times slower.
  const values = Object.values(v);
  entriesSeen += values.length;
  if (entriesSeen > MAX_ENTRIES) return false;
  for (let i = 0; i < values.length; i++) if (!fits(values[i], depth + 1, max)) return false;
  return true;
}

export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}|${JSON.stringify(i.path)}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

