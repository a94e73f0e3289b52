import { z } from 'zod';
import { formatPath } from '../format-issues.js';
import { describe, issue, type Issue, type PathSegment } from '../issues.js';
import { isRecord } from '../is-record.js';
import type { AnyRuleKind } from './define.js';
import { describeSchema, isZod4Schema } from './zod-schema.js';

/** The functions every rule kind gives, and those it may give. */
const REQUIRED_FUNCTIONS = ['params', 'maxPoints', 'evidence', 'score'] as const;
const OPTIONAL_FUNCTIONS = ['check', 'measure', 'fast', 'fastTrace'] as const;

/**
 * The problems with one entry of a list of rule kinds, placed at `path`
 * (["kinds", 0]). A plain JavaScript caller, or one whose zod is not the
 * library's, may pass anything: each problem names the kind and the field,
 * where the crash it would cause later names neither. Empty for a kind the
 * library can register.
 */
export function kindProblems(value: unknown, path: PathSegment[]): Issue[] {
  const at = formatPath(path);
  if (!isRecord(value)) {
    const found = describe(value);
    return [issue('invalid-type', path, `${at} must be a rule kind made with defineRuleKind, found ${found}`, { expected: 'a rule kind', found })];
  }
  const kind = value as Record<string, unknown>;
  const named = typeof kind.name === 'string';
  const who = named ? `the rule kind "${kind.name as string}" (${at})` : `the rule kind at ${at}`;
  const problems: Issue[] = [];
  const wrong = (field: string, expected: string, found: unknown) => {
    const text = describe(found);
    problems.push(issue('invalid-type', [...path, field], `${who}: ${field} must be ${expected}, found ${text}`, { expected, found: text }));
  };
  if (!named) wrong('name', 'a string', kind.name);
  if (!isDoc(kind.doc)) wrong('doc', 'a mapping of summary { zh, en }, example and evidenceExample (strings)', kind.doc);
  if (kind.judgesCriteria !== undefined && typeof kind.judgesCriteria !== 'boolean') wrong('judgesCriteria', 'true, false or nothing', kind.judgesCriteria);
  for (const field of REQUIRED_FUNCTIONS) if (typeof kind[field] !== 'function') wrong(field, 'a function', kind[field]);
  for (const field of OPTIONAL_FUNCTIONS) if (kind[field] !== undefined && typeof kind[field] !== 'function') wrong(field, 'a function or nothing', kind[field]);
  if (problems.length === 0) problems.push(...paramsProblems(value as unknown as AnyRuleKind, path, who));
  return problems;
}

/** params() must give a mapping of zod 4 schemas: they are joined into the library's item schema. */
function paramsProblems(kind: AnyRuleKind, path: PathSegment[], who: string): Issue[] {
  // The item schema is not built yet; a kind with parts refers to it lazily (z.lazy), as sum does.
  const shape: unknown = kind.params({ item: z.never() });
  // z.object({ … }) for { … }: named as such, not as the schema's own keys ("def", "type") that are not schemas.
  if (isZod4Schema(shape)) {
    const expected = 'a mapping from key to zod schema ({ per: z.number() }), not one schema';
    return [issue('kind-contract', [...path, 'params'], `${who}: params() gave a zod schema, expected its keys: ${expected}; give z.object({ … }).shape`, { expected, found: 'a zod schema' })];
  }
  if (!isRecord(shape)) {
    const found = describe(shape);
    return [issue('kind-contract', [...path, 'params'], `${who}: params() gave ${found}, expected a mapping from key to zod schema`, { expected: 'a mapping from key to zod schema', found })];
  }
  return Object.entries(shape).flatMap(([key, schema]) => {
    if (isZod4Schema(schema)) return [];
    const found = describeSchema(schema);
    return [
      issue('kind-contract', [...path, 'params', key], `${who}: params() gave the key "${key}" ${found}, expected a zod 4 schema (make it with the z that shequ-rubric exports)`, {
        expected: 'a zod 4 schema',
        found,
      }),
    ];
  });
}

function isDoc(doc: unknown): boolean {
  if (!isRecord(doc) || !isRecord(doc.summary)) return false;
  return typeof doc.summary.zh === 'string' && typeof doc.summary.en === 'string' && typeof doc.example === 'string' && typeof doc.evidenceExample === 'string';
}
