import { RubricError, issue, type Issue, type PathSegment } from './issues.js';
import type { AnyRuleKind } from './kinds/define.js';
import { schemasFor } from './registry.js';
import type { Rubric } from './schema.js';
import { compose, placeComposed, type Resolver } from './extends.js';
import type { ReadOptions, SourceText } from './source.js';
import { validateMeaning } from './validate.js';
import { fromZod } from './zod-issues.js';

export interface LoadOptions extends ReadOptions {
  /** Rule kinds of the user's own, registered beside the built-in ones. */
  kinds?: readonly AnyRuleKind[];
  /** Finds the parent of a rubric that `extends:` another (loadRubricFile gives one that reads files). */
  resolve?: Resolver;
}

export type SafeResult<T> = { success: true; data: T } | { success: false; error: RubricError };

/** Validates a rubric already in memory (from JSON or code). */
export function safeParseRubricObject(value: unknown, options: LoadOptions = {}): SafeResult<Rubric> {
  const deep = tooDeep(value, MAX_DEPTH);
  if (deep) return { success: false, error: new RubricError([deep]) };
  const { schemas, issues: kindIssues } = schemasFor(options.kinds);
  if (kindIssues.length) return { success: false, error: new RubricError(kindIssues) };
  const parsed = schemas.rubric.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const issues = fromZod(parsed.error.issues, [], {
      vocabulary: schemas.vocabulary,
      kinds: [...schemas.kinds.keys()],
      at: (path) => valueAt(value, path),
    });
    return { success: false, error: new RubricError(dedupe(issues)) };
  }
  const meaning = validateMeaning(parsed.data, schemas.kinds);
  if (meaning.length) return { success: false, error: new RubricError(meaning) };
  return { success: true, data: parsed.data };
}

/**
 * Reads and validates a rubric written in YAML, following `extends:`; every
 * problem is reported with the file, line and column that caused it.
 */
export function safeParseRubric(text: string, options: LoadOptions = {}): SafeResult<Rubric> & { source: SourceText } {
  const composed = compose(text, options);
  const sources = Object.fromEntries(composed.sources.map((s) => [s.file, s.text]));
  const source = composed.sources[composed.sources.length - 1] as SourceText;
  if (composed.issues.length) return { success: false, error: new RubricError(composed.issues, sources), source };
  const result = safeParseRubricObject(composed.value, options);
  if (result.success) return { ...result, source };
  return { success: false, error: new RubricError(placeComposed(result.error.issues, composed), sources), source };
}

/** Like safeParseRubric, but throws the RubricError. */
export function parseRubric(text: string, options: LoadOptions = {}): Rubric {
  const result = safeParseRubric(text, options);
  if (!result.success) throw result.error;
  return result.data;
}

/** The deepest nesting a rubric or evidence value may have (YAML text has the same limit). */
export const MAX_DEPTH = 200;

/** The most entries (counted as written out, shared references again each time) a value may hold. */
export const MAX_ENTRIES = 1_000_000;

/**
 * An issue when a value nests deeper than `max` levels or holds more than
 * MAX_ENTRIES entries: validators recurse, and results copy the community
 * record, so both are bounded before any of that runs.
 */
export function tooDeep(value: unknown, max: number): Issue | undefined {
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
      path.push(Array.isArray(v) ? Number(key) : key);
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

