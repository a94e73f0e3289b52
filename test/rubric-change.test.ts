import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEvidenceSet, runFixtureFile, runFixtures } from '../src/node.js';
import { repoRoot } from './support/bundled.js';
import { runCli } from './support/cli.js';
import { tempDir } from './support/temp.js';

/**
 * A rubric author edits a copy of a bundled rubric and tests the change
 * before it is adopted: the fixtures run against the copy (test --rubric),
 * say what the edit moved, and diff lists which fixture cases change grade.
 */
const temp = tempDir('shequ-rubric-change-');
const db36 = readFileSync(join(repoRoot, 'rubrics/jiangxi-db36-t-1609-2022.yaml'), 'utf8');
// 1.3 from 1.5 to 2.5 points, with its section I-1.3, indicator 1 and the rubric maximum raised to match.
const raised = db36
  .replace(/(id: "1\.3"[\s\S]*?points: )1\.5/, '$12.5')
  .replace(/(id: I-1\.3\n(?:.*\n)*?\s+max: )1\.5/, '$12.5')
  .replace(/(- id: "1"\n(?:.*\n)*?\s+max: )7/, '$18')
  .replace(/^max: 100$/m, 'max: 101');
let edited = '';
let unchanged = '';
beforeAll(() => {
  edited = temp.write('db36-edited.yaml', raised);
  unchanged = temp.write('db36-copy.yaml', db36);
});
const fixtures = (p: string) => join(repoRoot, 'test/fixtures', p);

describe('test --rubric: the fixtures against an edited copy', () => {
  it('the copy is a valid rubric that differs from the bundled one', () => {
    expect(raised).not.toBe(db36);
    const r = runCli(['validate', edited]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('maximum 101');
  });

  it('an unchanged copy passes every DB36 fixture; fixture files of other rubrics are skipped, by id', async () => {
    const runs = await runFixtures([fixtures('jiangxi'), fixtures('zhoushan')], { rubric: unchanged });
    const db36Runs = runs.filter((r) => r.file.includes('/jiangxi/'));
    expect(db36Runs.length).toBeGreaterThan(0);
    expect(db36Runs.every((r) => r.skipped === undefined && r.error === undefined && r.rubric === unchanged && r.cases.every((c) => c.passed))).toBe(true);
    const others = runs.filter((r) => r.file.includes('/zhoushan/'));
    expect(others.length).toBeGreaterThan(0);
    expect(others.map((r) => [r.skipped, r.cases.length])).toEqual(others.map(() => ['zhoushan-2017', 0]));
  });

  it('a failing case names the items the edit moved; the CLI prints them and counts skipped files', () => {
    const r = runCli(['test', '--rubric', edited, fixtures('jiangxi/stars.yaml'), fixtures('zhoushan/gate.yaml'), '--lang', 'en']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('total: expected 100.5, got 101.5');
    expect(r.stdout).toContain('items whose points the edit moved:\n      1.3: 1.5 → 2.5');
    expect(r.stdout).toContain(`- ${fixtures('zhoushan/gate.yaml')}: skipped (its cases are for the rubric "zhoushan-2017")`);
    expect(r.stdout).toMatch(/fixtures: \d+ passed, \d+ failed, 1 file skipped/);
  });

  it("a failing case is explained by the items the edit moved, listed once, not by every item below its maximum", () => {
    const r = runCli(['test', '--rubric', edited, fixtures('jiangxi/stars.yaml'), '--lang', 'en']);
    const strong = r.stdout.split('\n✗ ')[0] as string;
    expect(strong).toBe(
      [
        `✗ ${fixtures('jiangxi/stars.yaml')} › strong example as given — five stars with a bonus`,
        '    total: expected 100.5, got 101.5',
        '      1.3 2.5/2.5: met: 2.5',
        '    base: expected 97.5, got 98.5',
        '      (the same items as above)',
        '    section 1: expected 7, got 8',
        '      (the same items as above)',
        '    items whose points the edit moved:',
        '      1.3: 1.5 → 2.5',
      ].join('\n'),
    );
  });

  it('a --rubric no fixture file is for fails (nothing tested); one that cannot be read is reported once', () => {
    const none = runCli(['test', '--rubric', join(repoRoot, 'rubrics/six-type.yaml'), fixtures('jiangxi')]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no fixture file here is for the rubric "six-type"');
    const missing = runCli(['test', '--rubric', join(repoRoot, 'no-such-rubric.yaml'), fixtures('jiangxi')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.match(/error\[file-not-found\]/g)).toHaveLength(1);
  });

  it('a rubric option that is not a path is reported at options.rubric', async () => {
    const r = await runFixtureFile(fixtures('jiangxi/stars.yaml'), { rubric: 5 } as never);
    expect(r.error?.issues.map((i) => [i.code, i.path.join('.')])).toEqual([['invalid-type', 'options.rubric']]);
  });
});

describe('diff --evidence with fixture files', () => {
  it('reads each fixture case as a community named file › case, its evidence merged from evidenceFrom', async () => {
    const cases = await loadEvidenceSet([fixtures('jiangxi/stars.yaml')]);
    expect(cases.length).toBeGreaterThan(2);
    expect(cases.every((c) => c.source.startsWith(`${fixtures('jiangxi/stars.yaml')} › `) && c.issues === undefined)).toBe(true);
    const strong = cases.find((c) => c.source.endsWith('› strong example as given — five stars with a bonus'));
    expect((strong?.evidence as Record<string, unknown>)['1.3']).toBe(true);
  });

  it('lists which fixture cases change grade under the edit', () => {
    const r = runCli(['diff', join(repoRoot, 'rubrics/jiangxi-db36-t-1609-2022.yaml'), edited, '--evidence', fixtures('jiangxi'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const impact = (JSON.parse(r.stdout) as { impact: { summary: { scored: number; failed: { old: number; new: number }; up: number; down: number }; communities: { source: string; grade: string }[] } }).impact;
    expect(impact.summary.failed).toEqual({ old: 0, new: 0 });
    // 79.5 no star → 80.5 three stars, 85.5 three stars → 86.5 four stars: the two stars.yaml cases at a band's edge.
    expect([impact.summary.up, impact.summary.down]).toEqual([2, 0]);
    expect(impact.communities.filter((c) => c.grade !== 'same').map((c) => c.source.split(' › ')[1])).toEqual(['79.5 — no star', '85.5 — three stars, just below four']);
  });
});
