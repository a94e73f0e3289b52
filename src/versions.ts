import type { CompiledRubric } from './compile.js';
import { rubricDigest } from './digest.js';
import type { Rubric } from './schema.js';
import { RubricError, issue, nameErrorClass, type Issue } from './issues.js';
import { argumentIssue, assertString, notCompiled, notParsedRubric, throwProblems } from './api-guards.js';
import { isRecord } from './is-record.js';

/**
 * Versions of a rubric and the dates they apply. A rubric carries `version`
 * and, optionally, `effective: { from, until? }`: it applies on every date D
 * with from ≤ D and, when `until` is given, D < until (`until` is the first
 * day it no longer applies — usually the `from` of the version that replaces
 * it, so consecutive versions meet without overlapping). Dates are calendar
 * dates written YYYY-MM-DD; no clock and no time zone is involved.
 *
 * A version without `effective` is undated: it is listed, but never chosen
 * for a date.
 */

export interface EffectivePeriod {
  /** First day the version applies (YYYY-MM-DD). */
  from: string;
  /** First day it no longer applies (YYYY-MM-DD); absent: open-ended. */
  until?: string | undefined;
}

/** A validated rubric, or a compiled one. */
export type RubricLike = Rubric | CompiledRubric;

export type VersionErrorCode = 'invalid-date' | 'unknown-rubric' | 'no-applicable-version' | 'overlapping-versions' | 'duplicate-version' | 'empty-period';

/**
 * Thrown when no version, or more than one, applies; `versions` names the
 * versions involved. A RubricError, with the one issue in `issues`.
 */
export class VersionError extends RubricError {
  override readonly name: string = 'VersionError';
  constructor(
    readonly code: VersionErrorCode,
    message: string,
    readonly versions: string[] = [],
  ) {
    super([issue(code, [], message)]);
  }
}

nameErrorClass(VersionError, 'VersionError');

export interface VersionProblem {
  code: 'overlapping-versions' | 'duplicate-version' | 'empty-period';
  id: string;
  /** The versions involved. */
  versions: string[];
  message: string;
}

const rubricOf = (r: RubricLike): Rubric => ('allItems' in r ? r.rubric : r);

/** An issue unless `v` is a validated or a compiled rubric. */
function rubricLikeIssue(name: string, v: unknown): Issue | undefined {
  const ok = notCompiled(v) === undefined || notParsedRubric(v) === undefined;
  return argumentIssue(name, v, 'a validated or a compiled rubric', ok);
}

/**
 * The rubrics given as a list, read once (a generator can be read only
 * once); throws naming each entry that is not a rubric, by its place.
 */
function rubricList<T>(rubrics: Iterable<T>): T[] {
  if (rubrics === null || typeof rubrics !== 'object' || !(Symbol.iterator in rubrics)) throwProblems(argumentIssue('rubrics', rubrics, 'a list of rubrics', false));
  const list = [...rubrics];
  throwProblems(...list.map((r, i) => {
    const problem = rubricLikeIssue('rubrics', r);
    return problem && { ...problem, path: ['rubrics', i] };
  }));
  return list;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(date: string): boolean {
  if (typeof date !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : (DAYS[month - 1] as number));
}

function checkDate(date: string): void {
  if (typeof date === 'string' && !isCalendarDate(date)) throw new VersionError('invalid-date', `"${date}" is not a date written YYYY-MM-DD`);
  assertString('date', date);
}

/** The period the rubric applies, or undefined when it is undated. */
export function effectivePeriod(rubric: RubricLike): EffectivePeriod | undefined {
  throwProblems(rubricLikeIssue('rubric', rubric));
  const e = rubricOf(rubric).effective;
  return e ? { from: e.from, ...(e.until !== undefined ? { until: e.until } : {}) } : undefined;
}

/** Whether the rubric applies on the date (YYYY-MM-DD); an undated rubric applies on no date. */
export function appliesOn(rubric: RubricLike, date: string): boolean {
  throwProblems(rubricLikeIssue('rubric', rubric));
  checkDate(date);
  const p = effectivePeriod(rubric);
  return p !== undefined && p.from <= date && (p.until === undefined || date < p.until);
}

/** The period in words: "from 2022-06-23", "2017-06-18 until 2022-06-23", "undated". */
export function describePeriod(p: EffectivePeriod | undefined): string {
  const period = p === undefined || (isRecord(p) && typeof p.from === 'string' && (p.until === undefined || typeof p.until === 'string'));
  throwProblems(argumentIssue('p', p, 'a period ({ from, until? }, dates as strings) or nothing', period));
  if (!p) return 'undated';
  return p.until === undefined ? `from ${p.from}` : `${p.from} until ${p.until}`;
}

function overlaps(a: EffectivePeriod, b: EffectivePeriod): boolean {
  // [a.from, a.until) and [b.from, b.until) share a day.
  return (a.until === undefined || b.from < a.until) && (b.until === undefined || a.from < b.until);
}

function label(r: Rubric): string {
  return `${r.version} (${describePeriod(effectivePeriod(r))})`;
}

/**
 * The version of rubric `id` that applies on `date` (YYYY-MM-DD). Throws a
 * VersionError when the date is not a date, no rubric has the id, no version
 * applies on that date, or more than one does.
 */
export function applicableVersion<T extends RubricLike>(rubrics: Iterable<T>, id: string, date: string): T {
  const given = rubricList(rubrics);
  assertString('id', id);
  checkDate(date);
  const versions = given.filter((r) => rubricOf(r).id === id);
  if (versions.length === 0) throw new VersionError('unknown-rubric', `no rubric has the id "${id}"`);
  const applying = versions.filter((r) => appliesOn(r, date));
  if (applying.length === 1) return applying[0] as T;
  if (applying.length === 0) {
    const list = versions.map((r) => label(rubricOf(r))).join(', ');
    throw new VersionError('no-applicable-version', `no version of "${id}" applies on ${date}; its versions: ${list}`, versions.map((r) => rubricOf(r).version));
  }
  const list = applying.map((r) => label(rubricOf(r))).join(', ');
  throw new VersionError('overlapping-versions', `more than one version of "${id}" applies on ${date}: ${list}`, applying.map((r) => rubricOf(r).version));
}

/** Problems in a set of versions: the same version twice, empty periods, and versions whose periods overlap. */
export function versionProblems(rubrics: Iterable<RubricLike>): VersionProblem[] {
  const problems: VersionProblem[] = [];
  const byId = new Map<string, Rubric[]>();
  for (const r of rubricList(rubrics)) {
    const rubric = rubricOf(r);
    const list = byId.get(rubric.id) ?? [];
    list.push(rubric);
    byId.set(rubric.id, list);
  }
  for (const [id, list] of byId) {
    const seen = new Map<string, Rubric>();
    for (const r of list) {
      const before = seen.get(r.version);
      if (before) {
        problems.push({ code: 'duplicate-version', id, versions: [r.version], message: `"${id}" has the version "${r.version}" twice${rubricDigest(before) === rubricDigest(r) ? ' (the same content)' : ' (with different content)'}` });
      } else seen.set(r.version, r);
      const p = effectivePeriod(r);
      if (p?.until !== undefined && p.until <= p.from) {
        problems.push({ code: 'empty-period', id, versions: [r.version], message: `version "${r.version}" of "${id}" ends (${p.until}) on or before it starts (${p.from})` });
      }
    }
    const dated = [...seen.values()].filter((r) => effectivePeriod(r) !== undefined);
    for (let i = 0; i < dated.length; i++) {
      for (let j = i + 1; j < dated.length; j++) {
        const a = dated[i] as Rubric;
        const b = dated[j] as Rubric;
        const pa = effectivePeriod(a) as EffectivePeriod;
        const pb = effectivePeriod(b) as EffectivePeriod;
        if ((pa.until === undefined || pa.from < pa.until) && (pb.until === undefined || pb.from < pb.until) && overlaps(pa, pb)) {
          const from = pa.from > pb.from ? pa.from : pb.from;
          problems.push({ code: 'overlapping-versions', id, versions: [a.version, b.version], message: `versions "${a.version}" (${describePeriod(pa)}) and "${b.version}" (${describePeriod(pb)}) of "${id}" both apply from ${from}` });
        }
      }
    }
  }
  return problems;
}

/**
 * A set of rubric versions, several ids at once, answering which version
 * applies on a date. Adding the same id and version twice is an error;
 * overlapping periods are reported by `problems()` and by `applicable()` for
 * a date in the overlap.
 */
export class RubricCollection<T extends RubricLike = Rubric> {
  readonly #byId = new Map<string, T[]>();

  constructor(rubrics: Iterable<T> = []) {
    for (const r of rubricList(rubrics ?? [])) this.add(r);
  }

  /** Adds a version; throws a VersionError when the id already has that version. */
  add(rubric: T): this {
    throwProblems(rubricLikeIssue('rubric', rubric));
    const r = rubricOf(rubric);
    const list = this.#byId.get(r.id) ?? [];
    if (list.some((x) => rubricOf(x).version === r.version)) {
      throw new VersionError('duplicate-version', `the collection already has version "${r.version}" of "${r.id}"`, [r.version]);
    }
    list.push(rubric);
    list.sort((a, b) => compareVersions(rubricOf(a), rubricOf(b)));
    this.#byId.set(r.id, list);
    return this;
  }

  /** The rubric ids, sorted. */
  ids(): string[] {
    return [...this.#byId.keys()].sort();
  }

  /** The versions of an id, dated ones by start date, then undated ones by version. */
  versions(id: string): T[] {
    return [...(this.#byId.get(id) ?? [])];
  }

  get(id: string, version: string): T | undefined {
    return this.#byId.get(id)?.find((r) => rubricOf(r).version === version);
  }

  /** The version of `id` that applies on `date` (YYYY-MM-DD); throws a VersionError when none or several do. */
  applicable(id: string, date: string): T {
    return applicableVersion(this.#byId.get(id) ?? [], id, date);
  }

  /** Like `applicable`, but undefined when no version applies (still throws on overlaps and bad dates). */
  find(id: string, date: string): T | undefined {
    try {
      return this.applicable(id, date);
    } catch (e) {
      if (e instanceof VersionError && (e.code === 'no-applicable-version' || e.code === 'unknown-rubric')) return undefined;
      throw e;
    }
  }

  /** Every version that applies on `date`, one per id (throws on overlaps). */
  applicableOn(date: string): T[] {
    checkDate(date);
    return this.ids()
      .map((id) => this.find(id, date))
      .filter((r): r is T => r !== undefined);
  }

  /** Overlapping or empty periods among the versions held. */
  problems(): VersionProblem[] {
    return versionProblems([...this.#byId.values()].flat());
  }
}

function compareVersions(a: Rubric, b: Rubric): number {
  const pa = effectivePeriod(a);
  const pb = effectivePeriod(b);
  if (pa && !pb) return -1;
  if (!pa && pb) return 1;
  if (pa && pb && pa.from !== pb.from) return pa.from < pb.from ? -1 : 1;
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}
