import { Dec } from './decimal.js';
import { describe, issue, RubricError, suggest, type Issue } from './issues.js';
import type { CompiledRubric } from './compile.js';
import type { Rubric, Section } from './schema.js';
import type { Range } from './range.js';
import { isRecord } from './is-record.js';

/**
 * Checks on the values callers hand to the API. TypeScript callers get them
 * right by their types; plain JavaScript callers (or values read as JSON and
 * typed `any`) may not, and they get a RubricError saying what was expected,
 * never a TypeError from deep inside.
 */

/**
 * What compile() returns carries this mark: a registered symbol, so a copy
 * of the library (the CommonJS build beside the ESM one) knows it too, and
 * an enumerable property, so an object spread of a compiled rubric keeps it.
 */
const COMPILED = Symbol.for('shequ-rubric.CompiledRubric');

export function markCompiled(compiled: CompiledRubric): CompiledRubric {
  Object.defineProperty(compiled, COMPILED, { value: true, enumerable: true });
  return compiled;
}

/** An issue when `value` is not what compile() returned (or a copy of it). */
export function notCompiled(value: unknown): Issue | undefined {
  if (value !== null && typeof value === 'object' && (value as { [COMPILED]?: unknown })[COMPILED] === true) return undefined;
  const found = describe(value);
  return issue('invalid-type', [], `expected a compiled rubric (what compile() returns), found ${found}`, { expected: 'a compiled rubric', found });
}

/** Throws the RubricError for a value that is not a compiled rubric. */
export function assertCompiled(value: unknown): asserts value is CompiledRubric {
  const problem = notCompiled(value);
  if (problem) throw new RubricError([problem]);
}

/**
 * An issue when `value` is not a validated rubric: a raw object (numbers
 * where the validator gives exact decimals) has not been through
 * parseRubric, parseRubricJson or safeParseRubricObject.
 */
export function notParsedRubric(value: unknown): Issue | undefined {
  const v = value as Partial<Rubric> | null;
  const parsed =
    v !== null &&
    typeof v === 'object' &&
    isDec(v.max) &&
    Array.isArray(v.sections) &&
    v.sections.every((s: Section) => s !== null && typeof s === 'object' && isDec(s.max)) &&
    v.rounding !== null &&
    typeof v.rounding === 'object';
  if (parsed) return undefined;
  const found = describe(value);
  return issue('invalid-type', [], `expected a validated rubric (from parseRubric, parseRubricJson or safeParseRubricObject), found ${found}`, {
    expected: 'a validated rubric',
    found,
  });
}

/** A Dec, from this copy of the library or another (its fields are what the arithmetic reads). */
export function isDec(v: unknown): v is Dec {
  return v instanceof Dec || (v !== null && typeof v === 'object' && typeof (v as Dec).n === 'bigint' && typeof (v as Dec).d === 'bigint');
}

/**
 * A Dec of this copy of the library, or of another made this copy's own
 * (the rest of the library calls its methods); undefined for anything else.
 */
export function ownDec(v: unknown): Dec | undefined {
  if (v instanceof Dec) return v;
  return isDec(v) && v.d > 0n ? Dec.of(v.n, v.d) : undefined;
}

/**
 * The problem with scoring options, if any (undefined and null are no
 * options). Allocates nothing for good options: the totals path asks per record.
 */
export function optionsProblem(options: unknown): Issue | undefined {
  if (options === undefined || options === null) return undefined;
  const notMapping = optionsIssue(options);
  if (notMapping) return notMapping;
  const missing = (options as { missing?: unknown }).missing;
  if (missing === undefined || missing === 'error' || missing === 'zero') return undefined;
  const found = describe(missing);
  return issue('invalid-value', ['options', 'missing'], `expected "error" or "zero", found ${found}`, { expected: '"error" or "zero"', found });
}

/** The keys of ScoreOptions. */
const SCORE_OPTION_KEYS = ['missing', 'community'];

/**
 * Options of score and scoreTotals: those of optionsProblem, and no key
 * they do not read (a misspelt `mising: 'zero'` would score with missing
 * evidence an error, silently).
 */
export function scoreOptionsProblem(options: unknown): Issue | undefined {
  const problem = optionsProblem(options);
  if (problem || options === undefined || options === null) return problem;
  for (const key in options as Record<string, unknown>) {
    if (SCORE_OPTION_KEYS.includes(key) || !Object.prototype.hasOwnProperty.call(options, key)) continue;
    const hint = suggest(key, SCORE_OPTION_KEYS);
    return issue('unknown-key', ['options', key], `unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, { expected: SCORE_OPTION_KEYS.join(' or '), found: key });
  }
  return undefined;
}

/**
 * An issue when an argument is not what a function takes (undefined when it
 * is), placed at the argument's name: "expected a string, found a mapping".
 */
export function argumentIssue(name: string, value: unknown, expected: string, ok: boolean): Issue | undefined {
  if (ok) return undefined;
  const found = describe(value);
  return issue('invalid-type', [name], `expected ${expected}, found ${found}`, { expected, found });
}

/** A count or limit: a whole number ≥ 0, or Infinity for none. */
export function isCount(v: unknown): boolean {
  return typeof v === 'number' && v >= 0 && (Number.isInteger(v) || v === Infinity);
}

/** Like argumentIssue, for one option: placed at options.<name>. */
export function optionIssue(name: string, value: unknown, expected: string, ok: boolean): Issue | undefined {
  if (ok) return undefined;
  const found = describe(value);
  return issue('invalid-type', ['options', name], `expected ${expected}, found ${found}`, { expected, found });
}

/** Throws one RubricError carrying every problem given; returns when there is none. */
export function throwProblems(...problems: (Issue | undefined)[]): void {
  const issues = problems.filter((p): p is Issue => p !== undefined);
  if (issues.length) throw new RubricError(issues);
}

/** Throws unless `value` is a string (the common case, without allocating when it is one). */
export function assertString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throwProblems(argumentIssue(name, value, 'a string', false));
}

/** Options as every entry point reads them: undefined and null are none; anything else must be a mapping. */
export function optionsIssue(options: unknown): Issue | undefined {
  if (options === undefined || options === null || isRecord(options)) return undefined;
  const found = describe(options);
  return issue('invalid-type', ['options'], `expected options as a mapping, found ${found}`, { expected: 'a mapping', found });
}

export function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** A range as parseRange gives it (bounds are Decs, of any copy of the library). */
export function isRange(v: unknown): v is Range {
  if (!isRecord(v)) return false;
  return (
    (v.min === undefined || isDec(v.min)) &&
    (v.max === undefined || isDec(v.max)) &&
    typeof v.minInclusive === 'boolean' &&
    typeof v.maxInclusive === 'boolean' &&
    typeof v.text === 'string'
  );
}
