import { RubricError, type Issue, type PathSegment } from './issues.js';
import type { AnyRuleKind } from './kinds/define.js';
import { schemasFor } from './registry.js';
import type { Rubric } from './schema.js';
import { placeIssues, readYaml, type ReadOptions, type SourceText } from './source.js';
import { validateMeaning } from './validate.js';
import { fromZod } from './zod-issues.js';

export interface LoadOptions extends ReadOptions {
  /** Rule kinds of the user's own, registered beside the built-in ones. */
  kinds?: readonly AnyRuleKind[];
}

export type SafeResult<T> = { success: true; data: T } | { success: false; error: RubricError };

/** Validates a rubric already in memory (from JSON or code). */
export function safeParseRubricObject(value: unknown, options: LoadOptions = {}): SafeResult<Rubric> {
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

/** Reads and validates a rubric written in YAML; every problem is reported with its line and column. */
export function safeParseRubric(text: string, options: LoadOptions = {}): SafeResult<Rubric> & { source: SourceText } {
  const read = readYaml(text, options);
  const sources = { [read.source.file]: read.source.text };
  if (read.issues.length) {
    return { success: false, error: new RubricError(placeIssues(read.issues, read.source), sources), source: read.source };
  }
  const result = safeParseRubricObject(read.value, options);
  if (result.success) return { ...result, source: read.source };
  return { success: false, error: new RubricError(placeIssues(result.error.issues, read.source), sources), source: read.source };
}

/** Like safeParseRubric, but throws the RubricError. */
export function parseRubric(text: string, options: LoadOptions = {}): Rubric {
  const result = safeParseRubric(text, options);
  if (!result.success) throw result.error;
  return result.data;
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

