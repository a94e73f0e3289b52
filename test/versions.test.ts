import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applicableVersion,
  appliesOn,
  compile,
  describePeriod,
  effectivePeriod,
  isCalendarDate,
  parseRubric,
  RubricCollection,
  VersionError,
  RubricError,
  versionProblems,
  type Rubric,
} from '../src/index.js';
import { rubricsDir } from './support/bundled.js';

/** A minimal valid rubric with an id, a version and an optional effective period. */
function rubric(id: string, version: string, effective?: { from: string; until?: string }): Rubric {
  const lines = [
    `id: ${id}`,
    `version: "${version}"`,
    'title: { zh: 示例, en: Demo }',
    'source: { name: 示例来源 }',
    ...(effective ? [`effective: { from: "${effective.from}"${effective.until ? `, until: "${effective.until}"` : ''} }`] : []),
    'max: 1',
    'sections:',
    '  - id: s1',
    '    title: { zh: 一, en: One }',
    '    max: 1',
    '    items:',
    '      - { id: a, title: { zh: 甲, en: A }, points: 1, kind: check }',
  ];
  return parseRubric(lines.join('\n'));
}

function versionError(f: () => unknown): VersionError {
  try {
    f();
  } catch (e) {
    if (e instanceof VersionError) return e;
    throw e;
  }
  throw new Error('expected a VersionError');
}

const v2017 = rubric('demo', '2017', { from: '2017-06-18', until: '2022-06-23' });
const v2022 = rubric('demo', '2022', { from: '2022-06-23' });
const draft = rubric('demo', '2023-draft');
const other = rubric('other', '1', { from: '2020-01-01', until: '2021-01-01' });

describe('effective periods', () => {
  it('reads the period, or undefined for an undated rubric', () => {
    expect(effectivePeriod(v2017)).toEqual({ from: '2017-06-18', until: '2022-06-23' });
    expect(effectivePeriod(v2022)).toEqual({ from: '2022-06-23' });
    expect(effectivePeriod(draft)).toBeUndefined();
    expect(describePeriod(effectivePeriod(v2017))).toBe('2017-06-18 until 2022-06-23');
    expect(describePeriod(effectivePeriod(v2022))).toBe('from 2022-06-23');
    expect(describePeriod(undefined)).toBe('undated');
  });

  it('from is the first day it applies, until the first day it no longer does', () => {
    expect(appliesOn(v2017, '2017-06-17')).toBe(false);
    expect(appliesOn(v2017, '2017-06-18')).toBe(true);
    expect(appliesOn(v2017, '2022-06-22')).toBe(true);
    expect(appliesOn(v2017, '2022-06-23')).toBe(false);
    expect(appliesOn(v2022, '2022-06-23')).toBe(true);
    expect(appliesOn(v2022, '2999-12-31')).toBe(true);
    expect(appliesOn(draft, '2024-01-01')).toBe(false);
  });

  it('works on compiled rubrics too', () => {
    expect(appliesOn(compile(v2022), '2023-01-01')).toBe(true);
    expect(effectivePeriod(compile(v2017))?.until).toBe('2022-06-23');
  });

  it('the bundled DB36 rubric applies from 2022-06-23', () => {
    const db36 = parseRubric(readFileSync(`${rubricsDir}jiangxi-db36-t-1609-2022.yaml`, 'utf8'));
    expect(appliesOn(db36, '2022-06-22')).toBe(false);
    expect(appliesOn(db36, '2022-06-23')).toBe(true);
  });

  it('dates must be real calendar dates written YYYY-MM-DD', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2024-04-31')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
    expect(isCalendarDate('2024-1-01')).toBe(false);
    expect(versionError(() => appliesOn(v2022, '2024/01/01')).code).toBe('invalid-date');
    expect(versionError(() => applicableVersion([v2022], 'demo', '2023-02-30')).code).toBe('invalid-date');
  });
});

describe('applicableVersion', () => {
  const all = [v2022, draft, v2017, other];

  it('picks the version whose period holds the date', () => {
    expect(applicableVersion(all, 'demo', '2020-01-01')).toBe(v2017);
    expect(applicableVersion(all, 'demo', '2022-06-22')).toBe(v2017);
    expect(applicableVersion(all, 'demo', '2022-06-23')).toBe(v2022);
    expect(applicableVersion(all, 'demo', '2030-01-01')).toBe(v2022);
    expect(applicableVersion(all, 'other', '2020-06-01')).toBe(other);
  });

  it('returns what it was given: compiled rubrics in, a compiled rubric out', () => {
    const compiled = [compile(v2017), compile(v2022)];
    expect(applicableVersion(compiled, 'demo', '2023-05-01')).toBe(compiled[1]);
  });

  it('the bundled rubrics: DB36 and Zhoushan are dated; no date chooses the undated others (as the README says)', () => {
    const bundled = ['jiangxi-db36-t-1609-2022', 'zhoushan-2017', 'binjiang-2023-draft', 'six-type', 'service-quality-kpis'].map((f) => parseRubric(readFileSync(`${rubricsDir}${f}.yaml`, 'utf8')));
    expect(bundled.filter((r) => effectivePeriod(r) !== undefined).map((r) => r.id)).toEqual(['jiangxi-db36-t-1609-2022', 'zhoushan-2017']);
    for (const r of bundled.slice(2)) expect(versionError(() => applicableVersion(bundled, r.id, '2024-05-01')).code).toBe('no-applicable-version');
  });

  it('no version on the date: an error naming the versions and their periods', () => {
    const e = versionError(() => applicableVersion(all, 'demo', '2010-01-01'));
    expect(e.code).toBe('no-applicable-version');
    expect(e.message).toBe('no version of "demo" applies on 2010-01-01; its versions: 2022 (from 2022-06-23), 2023-draft (undated), 2017 (2017-06-18 until 2022-06-23)');
    expect(e.versions).toEqual(['2022', '2023-draft', '2017']);
    expect(versionError(() => applicableVersion(all, 'other', '2021-01-01')).code).toBe('no-applicable-version');
  });

  it('is a RubricError, with the one issue carrying its code', () => {
    const e = versionError(() => applicableVersion(all, 'demo', '2010-01-01'));
    expect(e).toBeInstanceOf(RubricError);
    expect(e.issues).toEqual([{ code: 'no-applicable-version', path: [], message: e.message }]);
  });

  it('an unknown id is its own error', () => {
    const e = versionError(() => applicableVersion(all, 'nope', '2020-01-01'));
    expect(e.code).toBe('unknown-rubric');
    expect(e.message).toBe('no rubric has the id "nope"');
  });

  it('overlapping versions: an error naming both', () => {
    const overlapping = rubric('demo', '2022-bis', { from: '2022-01-01', until: '2023-01-01' });
    const e = versionError(() => applicableVersion([...all, overlapping], 'demo', '2022-07-01'));
    expect(e.code).toBe('overlapping-versions');
    expect(e.versions.sort()).toEqual(['2022', '2022-bis']);
    expect(e.message).toContain('more than one version of "demo" applies on 2022-07-01');
    // Outside the overlap the answer is still unique.
    expect(applicableVersion([...all, overlapping], 'demo', '2021-12-31')).toBe(v2017);
  });
});

describe('versionProblems', () => {
  it('consecutive versions (until = next from) do not overlap', () => {
    expect(versionProblems([v2017, v2022, draft, other])).toEqual([]);
  });

  it('reports overlaps, empty periods and duplicate versions', () => {
    const overlapping = rubric('demo', '2019', { from: '2019-01-01' });
    const empty = rubric('demo', 'empty', { from: '2020-01-01', until: '2020-01-01' });
    const dup = rubric('other', '1', { from: '2020-01-01', until: '2021-01-01' });
    const problems = versionProblems([v2017, v2022, overlapping, empty, other, dup]);
    expect(problems.map((p) => [p.code, p.id, p.versions.join('+')])).toEqual([
      ['empty-period', 'demo', 'empty'],
      ['overlapping-versions', 'demo', '2017+2019'],
      ['overlapping-versions', 'demo', '2022+2019'],
      ['duplicate-version', 'other', '1'],
    ]);
    expect(problems[1]?.message).toBe('versions "2017" (2017-06-18 until 2022-06-23) and "2019" (from 2019-01-01) of "demo" both apply from 2019-01-01');
    expect(problems[3]?.message).toBe('"other" has the version "1" twice (the same content)');
  });
});

describe('RubricCollection', () => {
  it('holds several ids, lists versions by start date, answers by date', () => {
    const c = new RubricCollection([v2022, draft, other, v2017]);
    expect(c.ids()).toEqual(['demo', 'other']);
    expect(c.versions('demo').map((r) => r.version)).toEqual(['2017', '2022', '2023-draft']);
    expect(c.get('demo', '2023-draft')).toBe(draft);
    expect(c.get('demo', '1999')).toBeUndefined();
    expect(c.applicable('demo', '2018-03-01')).toBe(v2017);
    expect(c.applicable('demo', '2024-03-01')).toBe(v2022);
    expect(c.find('demo', '2000-01-01')).toBeUndefined();
    expect(c.find('nope', '2000-01-01')).toBeUndefined();
    expect(c.applicableOn('2020-06-01')).toEqual([v2017, other]);
    expect(c.applicableOn('2023-06-01')).toEqual([v2022]);
    expect(c.problems()).toEqual([]);
  });

  it('refuses the same id and version twice', () => {
    const c = new RubricCollection([v2017]);
    const e = versionError(() => c.add(rubric('demo', '2017', { from: '2017-01-01' })));
    expect(e.code).toBe('duplicate-version');
    expect(c.versions('demo')).toHaveLength(1);
  });

  it('reports overlaps when asked and when a date falls in one', () => {
    const c = new RubricCollection([v2017, v2022]).add(rubric('demo', 'late', { from: '2024-01-01' }));
    expect(c.problems().map((p) => p.code)).toEqual(['overlapping-versions']);
    expect(c.applicable('demo', '2023-12-31')).toBe(v2022);
    expect(versionError(() => c.applicable('demo', '2024-01-01')).code).toBe('overlapping-versions');
    expect(versionError(() => c.find('demo', '2024-01-01')).code).toBe('overlapping-versions');
  });
});
