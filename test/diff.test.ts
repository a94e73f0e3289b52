import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, diffImpact, diffRubrics, formatDiff, formatImpact, parseRubric, type CompiledRubric, type EvidenceCase, type FailedSide, type ScoredSide } from '../src/index.js';
import { loadEvidenceSet, loadRubricFile } from '../src/node.js';
import { repoRoot } from './support/bundled.js';
import { tempDir } from './support/temp.js';
import { runCli } from './support/cli.js';

/* ------------------------------------------------------------------ helpers */

const run = (...args: string[]) => runCli(args);

const DB36 = 'rubrics/jiangxi-db36-t-1609-2022.yaml';
const RAISED = 'test/data/jiangxi-raised-satisfaction.yaml';
const COMMUNITIES = 'test/data/jiangxi-communities';

const temp = tempDir('shequ-diff-');
const write = temp.write;

/** A small rubric with one item of several kinds, a gate and grade bands. Max 20. */
const BASE = `id: demo
version: "1"
title: { zh: 示例, en: Demo }
source: { name: 示例来源 }
max: 20
sections:
  - id: s1
    title: { zh: 一, en: One }
    max: 10
    items:
      - { id: a, title: { zh: 甲, en: A }, points: 2, kind: check }
      - id: sat
        title: { zh: 满意度, en: Satisfaction }
        points: 4
        kind: rate
        mode: bands
        bands:
          - { range: "[0.9, 1]", points: 4 }
          - { range: "[0.8, 0.9)", points: 2 }
      - id: st
        title: { zh: 状态, en: State }
        points: 4
        kind: states
        states:
          - { id: A, fraction: 1 }
          - { id: B, fraction: 0.5 }
          - { id: C, fraction: 0 }
  - id: s2
    title: { zh: 二, en: Two }
    max: 10
    items:
      - id: area
        title: { zh: 面积, en: Area }
        points: 3
        kind: tiers
        measures: { area: { zh: 面积, en: Area, unit: m² } }
        tiers:
          - { points: 1, when: { area: ">= 100" } }
          - { points: 3, when: { area: ">= 300" } }
      - id: ded
        title: { zh: 扣分, en: Deductions }
        points: 3
        kind: deduct
        deductions:
          - { id: defects, zh: 问题, en: Defects, unit: 处, per: 0.5 }
      - id: lv
        title: { zh: 荣誉, en: Honours }
        points: 4
        kind: levels
        levels:
          - { id: city, zh: 市级, en: City, points: 1 }
          - { id: provincial, zh: 省级, en: Provincial, points: 2 }
          - { id: national, zh: 国家级, en: National, points: 4 }
gates:
  - { id: s1-min, title: { zh: 一不少于4, en: One at least 4 }, subject: "section:s1", range: ">= 4", effect: report }
grades:
  subject: total
  bands:
    - { id: good, label: { zh: 好, en: Good }, range: ">= 15" }
    - { id: fair, label: { zh: 中, en: Fair }, range: "[10, 15)" }
    - { id: poor, label: { zh: 差, en: Poor }, range: "< 10", passing: false }
`;

/** Replaces each `from` exactly once (fails loudly when a test's edit no longer applies). */
function edited(text: string, ...edits: [string, string][]): string {
  let out = text;
  for (const [from, to] of edits) {
    if (out.split(from).length !== 2) throw new Error(`the edit "${from}" does not occur exactly once`);
    out = out.replace(from, to);
  }
  return out;
}

const c = (text: string): CompiledRubric => compile(parseRubric(text));

/* -------------------------------------------------- the issue's demonstration */

describe('diff DB36 against a copy with raised satisfaction bands (the issue’s demonstration)', () => {
  it('lists the band change of item 4.5 and nothing else in the rule', async () => {
    const d = diffRubrics(compile(await loadRubricFile(DB36)), compile(await loadRubricFile(RAISED)));
    expect(d.identical).toBe(false);
    expect(d.rubric).toEqual([{ path: 'version', old: '2022', new: '2022-raised-satisfaction' }]);
    expect(d.counts).toEqual({ added: 0, removed: 0, changed: 1, renamed: 0 });
    expect(d.items).toHaveLength(1);
    const item = d.items[0]!;
    expect(item).toMatchObject({ status: 'changed', id: '4.5', kind: 'rate', points: { old: '10', new: '10' }, parent: 'I-4.5' });
    expect(item.changes.filter((x) => x.path.startsWith('bands'))).toEqual([
      { path: 'bands[points=10].range', old: '[0.96, 1]', new: '[0.97, 1]' },
      { path: 'bands[points=8].range', old: '[0.9, 0.96)', new: '[0.92, 0.97)' },
      { path: 'bands[points=6].range', old: '[0.8, 0.9)', new: '[0.85, 0.92)' },
    ]);
    // The rule changes come before the documentation (note, criteria).
    expect(item.changes.slice(0, 3).every((x) => x.path.startsWith('bands'))).toBe(true);
    expect(item.changes.slice(3).map((x) => x.path.split(/[.[]/)[0])).toEqual(['note', 'criteria', 'criteria', 'criteria', 'criteria', 'criteria', 'criteria']);
    expect(d.sections).toEqual([]);
    expect(d.gates).toEqual([]);
    expect(d.grades).toEqual([]);
    expect(d.maxima.filter((m) => m.depth === 0).map((m) => [m.id, m.old, m.new])).toEqual([
      ['1', '7', '7'],
      ['2', '11', '11'],
      ['3', '19', '19'],
      ['4', '33', '33'],
      ['5', '16', '16'],
      ['6', '14', '14'],
      ['bonus', '5', '5'],
    ]);
  });

  it('over the six communities: three lose a star, none gains one (worked by hand in each file)', async () => {
    const oldC = compile(await loadRubricFile(DB36));
    const newC = compile(await loadRubricFile(RAISED));
    const impact = diffImpact(oldC, newC, await loadEvidenceSet([COMMUNITIES]));
    const rows = impact.communities.map((x) => [x.name, 'total' in x.old ? x.old.total : '', 'total' in x.new ? x.new.total : '', x.grade, x.delta]);
    expect(rows).toEqual([
      ['JX-T-A 甲社区', '100.5', '98.5', 'same', '-2'],
      ['JX-T-B 乙社区', '81.5', '81.5', 'same', '0'],
      ['JX-T-C 丙社区', '93', '91', 'down', '-2'],
      ['JX-T-D 丁社区', '87', '85', 'down', '-2'],
      ['JX-T-E 戊社区', '81.5', '75.5', 'down', '-6'],
      ['JX-T-F 己社区', '83.5', '83.5', 'same', '0'],
    ]);
    const grades = impact.communities.map((x) => ['grade' in x.old ? x.old.grade : null, 'grade' in x.new ? x.new.grade : null]);
    expect(grades).toEqual([
      ['five-star', 'five-star'],
      ['three-star', 'three-star'],
      ['five-star', 'four-star'],
      ['four-star', 'three-star'],
      ['three-star', 'no-star'],
      ['three-star', 'three-star'],
    ]);
    const s = impact.summary;
    expect([s.communities, s.scored, s.failed.old, s.failed.new]).toEqual([6, 6, 0, 0]);
    expect([s.gradeChanged, s.up, s.down, s.sideways, s.unchanged]).toEqual([3, 0, 3, 0, 3]);
    expect([s.totalUp, s.totalDown]).toEqual([0, 4]);
    expect(s.largest.map((m) => [m.name, m.delta])).toEqual([
      ['JX-T-E 戊社区', '-6'],
      ['JX-T-A 甲社区', '-2'],
      ['JX-T-C 丙社区', '-2'],
      ['JX-T-D 丁社区', '-2'],
    ]);
    expect(s.causes).toEqual([
      { id: '4.5', title: newC.items.get('4.5')!.title, communities: 4, gradeChanges: 3, total: '-12', min: '-6', max: '-2' },
    ]);
    expect(impact.communities[4]!.items).toEqual([{ id: '4.5', title: newC.items.get('4.5')!.title, old: '6', new: '0', delta: '-6' }]);
  });

  it('the CLI prints the band change lines and the counts, and exits 0', () => {
    const r = run('diff', DB36, RAISED, '--evidence', COMMUNITIES);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('diff jiangxi-db36-t-1609-2022 2022 → jiangxi-db36-t-1609-2022 2022-raised-satisfaction');
    expect(lines).toContain('Items: 0 added, 0 removed, 1 changed');
    expect(lines).toContain('  ~ 4.5 社区服务群众满意度80%~89%;90%~95%;96%~100%  (rate, 10 points)');
    const at = lines.indexOf('  ~ 4.5 社区服务群众满意度80%~89%;90%~95%;96%~100%  (rate, 10 points)');
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '      bands[points=10].range: [0.96, 1] → [0.97, 1]',
      '      bands[points=8].range: [0.9, 0.96) → [0.92, 0.97)',
      '      bands[points=6].range: [0.8, 0.9) → [0.85, 0.92)',
    ]);
    expect(lines).toContain('Section maxima (unchanged)');
    expect(lines).toContain('  maximum: 100, bonus 5');
    expect(lines).toContain('  ↓ JX-T-C 丙社区: 93 五星 → 91 四星 (-2)  [4.5 10 → 8]');
    expect(lines).toContain('  ↓ JX-T-E 戊社区: 81.5 三星 → 75.5 不定星级 (-6)  [4.5 6 → 0]');
    expect(lines).toContain('  = JX-T-B 乙社区: 81.5 三星 → 81.5 三星 (0)');
    expect(lines).toContain('Summary: 6 of 6 scored under both rubrics; 3 change grade: 0 up, 3 down; 3 keep their grade.');
    expect(lines).toContain('Totals: 0 up, 4 down, 2 unchanged.');
    expect(lines).toContain('  -6  JX-T-E 戊社区: 81.5 → 75.5 (三星 → 不定星级)');
    expect(lines).toContain('  4.5 社区服务群众满意度80%~89%;90%~95%;96%~100%: 4 communities, 3 with a grade change; -6 … -2 each, -12 in all');
  });

  it('--lang en prints English titles and grade labels', () => {
    const r = run('diff', DB36, RAISED, '--evidence', COMMUNITIES, '--lang', 'en');
    expect(r.status).toBe(0);
    // Long titles are shortened to 80 characters.
    expect(r.stdout).toContain("  ~ 4.5 Residents' satisfaction with community services: 80 %–89 %; 90 %–95 %; 96 %–100…  (rate, 10 points)");
    expect(r.stdout).toContain('  ↓ JX-T-D 丁社区: 87 Four stars → 85 Three stars (-2)  [4.5 8 → 6]');
  });

  it('--json gives the structure and the impact', () => {
    const r = run('diff', DB36, RAISED, '--evidence', COMMUNITIES, '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.old.file).toBe(DB36);
    expect(j.diff.items[0].changes[0]).toEqual({ path: 'bands[points=10].range', old: '[0.96, 1]', new: '[0.97, 1]' });
    expect(j.diff.old.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(j.diff.old.digest).not.toBe(j.diff.new.digest);
    expect(j.impact.summary.down).toBe(3);
    expect(j.impact.summary.up).toBe(0);
    expect(j.impact.communities).toHaveLength(6);
  });

  it('without --evidence only the structure is printed', () => {
    const r = run('diff', DB36, RAISED);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('bands[points=8].range: [0.9, 0.96) → [0.92, 0.97)');
    expect(r.stdout).not.toContain('Impact');
  });
});

/* ------------------------------------------------------------- structure */

describe('diffRubrics: structure in the rubric’s terms', () => {
  const NEW = edited(
    BASE,
    ['version: "1"', 'version: "2"'],
    ['max: 20\n', 'max: 19\n'],
    ["    title: { zh: 一, en: One }\n    max: 10\n", "    title: { zh: 一, en: One }\n    max: 9\n    cap: 9\n"],
    ['{ id: a, title: { zh: 甲, en: A }, points: 2', '{ id: a, title: { zh: 甲甲, en: A2 }, points: 2'],
    ['{ range: "[0.9, 1]", points: 4 }', '{ range: "[0.92, 1]", points: 4 }'],
    ['{ range: "[0.8, 0.9)", points: 2 }', '{ range: "[0.85, 0.92)", points: 2 }'],
    ['{ id: B, fraction: 0.5 }', '{ id: B, fraction: 0.6 }'],
    ['      - id: area\n', '      - id: floor-area\n'],
    ['unit: 处, per: 0.5 }', 'unit: 处, per: 1 }'],
    [
      `      - id: lv
        title: { zh: 荣誉, en: Honours }
        points: 4
        kind: levels
        levels:
          - { id: city, zh: 市级, en: City, points: 1 }
          - { id: provincial, zh: 省级, en: Provincial, points: 2 }
          - { id: national, zh: 国家级, en: National, points: 4 }
`,
      '      - { id: vol, title: { zh: 志愿服务, en: Volunteering }, points: 4, kind: check }\n',
    ],
    ['range: ">= 4", effect: report', 'range: ">= 5", effect: report'],
    ['range: ">= 15" }', 'range: ">= 16" }'],
    ['range: "[10, 15)" }', 'range: "[10, 16)" }'],
  );
  const d = diffRubrics(c(BASE), c(NEW));

  it('top-level fields: version and maximum', () => {
    expect(d.rubric).toEqual([
      { path: 'version', old: '1', new: '2' },
      { path: 'max', old: '20', new: '19' },
    ]);
    expect(d.old.max).toBe('20');
    expect(d.new.max).toBe('19');
  });

  it('items: retitled, bands, states, renamed id, deductions, added, removed', () => {
    expect(d.counts).toEqual({ added: 1, removed: 1, changed: 5, renamed: 2 });
    expect(d.items.map((i) => [i.status, i.oldId ?? i.id, i.id, i.retitled ?? false, i.changes])).toEqual([
      ['changed', 'a', 'a', true, [
        { path: 'title.zh', old: '甲', new: '甲甲' },
        { path: 'title.en', old: 'A', new: 'A2' },
      ]],
      ['changed', 'sat', 'sat', false, [
        { path: 'bands[points=4].range', old: '[0.9, 1]', new: '[0.92, 1]' },
        { path: 'bands[points=2].range', old: '[0.8, 0.9)', new: '[0.85, 0.92)' },
      ]],
      ['changed', 'st', 'st', false, [{ path: 'states[B].fraction', old: '0.5', new: '0.6' }]],
      ['changed', 'area', 'floor-area', false, [{ path: 'id', old: 'area', new: 'floor-area' }]],
      ['changed', 'ded', 'ded', false, [{ path: 'deductions[defects].per', old: '0.5', new: '1' }]],
      ['added', 'vol', 'vol', false, []],
      ['removed', 'lv', 'lv', false, []],
    ]);
    expect(d.items.find((i) => i.id === 'vol')?.points).toEqual({ old: null, new: '4' });
    expect(d.items.find((i) => i.id === 'lv')?.points).toEqual({ old: '4', new: null });
  });

  it('sections: the cap and the maximum, and every maximum before and after', () => {
    expect(d.sections).toEqual([
      { status: 'changed', id: 's1', title: { zh: '一', en: 'One' }, changes: [
        { path: 'max', old: '10', new: '9' },
        { path: 'cap', old: null, new: '9' },
      ] },
    ]);
    expect(d.maxima.map((m) => [m.id, m.old, m.new])).toEqual([
      ['s1', '10', '9'],
      ['s2', '10', '10'],
    ]);
  });

  it('gates and grade bands', () => {
    expect(d.gates).toEqual([{ status: 'changed', id: 's1-min', changes: [{ path: 'range', old: '>= 4', new: '>= 5' }] }]);
    expect(d.grades).toEqual([
      { status: 'changed', id: 'good', changes: [{ path: 'range', old: '>= 15', new: '>= 16' }] },
      { status: 'changed', id: 'fair', changes: [{ path: 'range', old: '[10, 15)', new: '[10, 16)' }] },
    ]);
  });

  it('as text', () => {
    const text = formatDiff(d, { lang: 'en' }).split('\n');
    expect(text).toContain('Items: 1 added, 1 removed, 5 changed (2 renamed)');
    expect(text).toContain('  ~ area → floor-area Area  (tiers, 3 points)');
    expect(text).toContain('  ~ st State  (states, 4 points)');
    expect(text).toContain('      states[B].fraction: 0.5 → 0.6');
    expect(text).toContain('  + vol Volunteering  (check, 4 points)');
    expect(text).toContain('  - lv Honours  (levels, 4 points)');
    expect(text).toContain('      deductions[defects].per: 0.5 → 1');
    expect(text).toContain('  ~ s1 One');
    expect(text).toContain('      cap: — → 9');
    expect(text).toContain('  s1 One: 10 → 9');
    expect(text).toContain('  s2 Two: 10');
    expect(text).toContain('  maximum: 20 → 19');
    expect(text.slice(text.indexOf('Grades'), text.indexOf('Grades') + 5)).toEqual(['Grades', '  ~ good', '      range: >= 15 → >= 16', '  ~ fair', '      range: [10, 15) → [10, 16)']);
  });

  it('identical content (comments, key order, how numbers and ranges are written) is no difference', () => {
    const same = `# a comment\n${edited(BASE, ['max: 20\n', 'max: 20.0\n'], ['range: ">= 15" }', 'range: "[15, inf)" }'])}`;
    const e = diffRubrics(c(BASE), c(same));
    expect(e.identical).toBe(true);
    expect([e.rubric, e.items, e.sections, e.gates, e.grades]).toEqual([[], [], [], [], []]);
    expect(formatDiff(e).split('\n').at(-1)).toBe('The rubrics have the same content.');
  });

  it('a new id with the same title and kind is a rename, with its other changes', () => {
    const renamed = edited(BASE, ['      - id: ded\n', '      - id: deductions\n'], ['unit: 处, per: 0.5 }', 'unit: 处, per: 0.75 }']);
    const e = diffRubrics(c(BASE), c(renamed));
    expect(e.items).toEqual([
      expect.objectContaining({ status: 'changed', id: 'deductions', oldId: 'ded', changes: [
        { path: 'id', old: 'ded', new: 'deductions' },
        { path: 'deductions[defects].per', old: '0.5', new: '0.75' },
      ] }),
    ]);
  });

  it('a new id with another title and another rule is an addition and a removal, not a rename', () => {
    const other = edited(BASE, ['{ id: a, title: { zh: 甲, en: A }, points: 2, kind: check }', '{ id: b, title: { zh: 乙, en: B }, points: 2, kind: checklist }']);
    const e = diffRubrics(c(BASE), c(other));
    expect(e.items.map((i) => [i.status, i.id])).toEqual([
      ['added', 'b'],
      ['removed', 'a'],
    ]);
  });

  it('kind changes; tiers keyed by their points (unique here); measures by name', () => {
    const changed = edited(
      BASE,
      ['{ points: 3, when: { area: ">= 300" } }', '{ points: 3, when: { area: ">= 320" } }'],
      ['measures: { area: { zh: 面积, en: Area, unit: m² } }', 'measures: { area: { zh: 面积, en: Area, unit: 平方米 } }'],
      ['{ id: a, title: { zh: 甲, en: A }, points: 2, kind: check }', '{ id: a, title: { zh: 甲, en: A }, points: 2, kind: checklist }'],
    );
    const e = diffRubrics(c(BASE), c(changed));
    expect(e.items.map((i) => [i.id, i.changes])).toEqual([
      ['a', [{ path: 'kind', old: 'check', new: 'checklist' }]],
      ['area', [
        { path: 'measures.area.unit', old: 'm²', new: '平方米' },
        { path: 'tiers[points=3].when.area', old: '>= 300', new: '>= 320' },
      ]],
    ]);
  });

  it('a band or tier with new points where it was is one entry changed, named by its range or conditions', () => {
    const changed = edited(
      BASE,
      ['points: 4\n        kind: rate', 'points: 3\n        kind: rate'],
      ['{ range: "[0.9, 1]", points: 4 }', '{ range: "[0.9, 1]", points: 3 }'],
      ['{ points: 1, when: { area: ">= 100" } }', '{ points: 2, when: { area: ">= 100" } }'],
      ['    title: { zh: 一, en: One }\n    max: 10\n', '    title: { zh: 一, en: One }\n    max: 9\n'],
      ['max: 20\n', 'max: 19\n'],
    );
    const e = diffRubrics(c(BASE), c(changed));
    expect(e.items.map((i) => [i.id, i.changes.filter((x) => x.path !== 'points')])).toEqual([
      ['sat', [{ path: 'bands[range=[0.9, 1]].points', old: '4', new: '3' }]],
      ['area', [{ path: 'tiers[when=area >= 100].points', old: '1', new: '2' }]],
    ]);
  });

  it('states added and reordered, levels changed, a section retitled and one renamed', () => {
    const changed = edited(
      BASE,
      ['          - { id: C, fraction: 0 }\n', '          - { id: C, fraction: 0.25 }\n          - { id: D, fraction: 0 }\n'],
      ['- { id: national, zh: 国家级, en: National, points: 4 }', '- { id: national, zh: 国家级, en: National, points: 4 }\n          - { id: district, zh: 区级, en: District, points: 0.5 }'],
      ['  - id: s2\n', '  - id: s2b\n'],
      ['title: { zh: 一, en: One }', 'title: { zh: 一组, en: Group one }'],
    );
    const e = diffRubrics(c(BASE), c(changed));
    expect(e.items.map((i) => [i.id, i.parent, i.changes])).toEqual([
      ['st', 's1', [
        { path: 'states[C].fraction', old: '0', new: '0.25' },
        { path: 'states[D]', old: null, new: '{ id: D, fraction: 0 }' },
      ]],
      ['area', 's2b', [{ path: 'section', old: 's2', new: 's2b' }]],
      ['ded', 's2b', [{ path: 'section', old: 's2', new: 's2b' }]],
      ['lv', 's2b', [
        { path: 'section', old: 's2', new: 's2b' },
        { path: 'levels[district]', old: null, new: '{ id: district, zh: 区级, en: District, points: 0.5 }' },
      ]],
    ]);
    expect(e.sections).toEqual([
      { status: 'changed', id: 's1', retitled: true, title: { zh: '一组', en: 'Group one' }, changes: [
        { path: 'title.zh', old: '一', new: '一组' },
        { path: 'title.en', old: 'One', new: 'Group one' },
      ] },
      { status: 'changed', id: 's2b', oldId: 's2', title: { zh: '二', en: 'Two' }, changes: [{ path: 'id', old: 's2', new: 's2b' }] },
    ]);
    // States listed in another order (not a valid rubric: states are listed best first), compared as data.
    const before = c(BASE);
    const after = withStates(before, ['B', 'A', 'C']);
    expect(diffRubrics(before, after).items.map((i) => [i.id, i.changes])).toEqual([['st', [{ path: 'states (order)', old: 'A, B, C', new: 'B, A, C' }]]]);
  });

  it('parts of a sum are compared as items of their own, marked as parts', () => {
    const sum = (cap: string, part: string) =>
      edited(BASE, [
        '      - { id: a, title: { zh: 甲, en: A }, points: 2, kind: check }\n',
        `      - id: a\n        title: { zh: 甲, en: A }\n        points: 2\n        kind: sum\n        cap: ${cap}\n        parts:\n          - { id: a1, title: { zh: 甲一, en: A1 }, points: ${part}, kind: check }\n          - { id: a2, title: { zh: 甲二, en: A2 }, points: 1, kind: check }\n`,
      ]);
    const e = diffRubrics(c(sum('2', '1')), c(sum('2', '1.5')));
    expect(e.items).toEqual([
      { status: 'changed', id: 'a1', title: { zh: '甲一', en: 'A1' }, kind: 'check', parent: 'a', part: true, points: { old: '1', new: '1.5' }, changes: [{ path: 'points', old: '1', new: '1.5' }] },
    ]);
    expect(formatDiff(e, { lang: 'en' })).toContain('  ~ a1 A1  (check, 1 → 1.5 points, part of a)');
    // One point in the singular: it read "(check, 1 points, part of a)".
    const retitled = diffRubrics(c(sum('2', '1')), c(sum('2', '1').replace('en: A1 }', 'en: A one }')));
    expect(formatDiff(retitled, { lang: 'en' })).toContain('  ~ a1 A one  (check, 1 point, part of a)');
  });
});

/** The compiled rubric with the states of item `st` in another order (values shared, not validated). */
function withStates(compiled: CompiledRubric, order: string[]): CompiledRubric {
  type St = { id: string; states: { id: string }[] };
  const [s1, ...rest] = compiled.rubric.sections;
  const items = s1!.items!.map((i) => (i.id === 'st' ? { ...i, states: order.map((id) => (i as unknown as St).states.find((x) => x.id === id)!) } : i));
  return { ...compiled, rubric: { ...compiled.rubric, sections: [{ ...s1!, items }, ...rest] } } as CompiledRubric;
}

/* ---------------------------------------------------------------- impact */

/** The issue codes of a side that failed (undefined for a scored side). */
const codes = (side: ScoredSide | FailedSide): string[] | undefined => ('issues' in side ? side.issues.map((i) => i.code) : undefined);

describe('diffImpact: scoring communities under both rubrics', () => {
  // New: satisfaction bands raised, section s1 capped at 9, an item `extra` added to s2.
  const NEW = edited(
    BASE,
    ['version: "1"', 'version: "2"'],
    ["    title: { zh: 一, en: One }\n    max: 10\n", "    title: { zh: 一, en: One }\n    max: 9\n    cap: 9\n"],
    ["    title: { zh: 二, en: Two }\n    max: 10\n", "    title: { zh: 二, en: Two }\n    max: 11\n"],
    ['{ range: "[0.9, 1]", points: 4 }', '{ range: "[0.92, 1]", points: 4 }'],
    ['{ range: "[0.8, 0.9)", points: 2 }', '{ range: "[0.85, 0.92)", points: 2 }'],
    ['          - { id: national, zh: 国家级, en: National, points: 4 }\n', '          - { id: national, zh: 国家级, en: National, points: 4 }\n      - { id: extra, title: { zh: 附加, en: Extra }, points: 1, kind: check }\n'],
  );
  const full = { a: true, sat: 0.95, st: 'A', area: 320, ded: 0, lv: ['national'] };
  // Worked by hand (old → new):
  // C1 full marks: old 10 + 10 = 20 good; new s1 capped 10 → 9, s2 10 + extra 0 → 19 good (caps −1).
  // C2 sat 0.9, st B, area 100, 2 defects, city: old 2+4+2 + 1+2+1 = 12 fair; new sat 2 → 10 fair.
  // C3 a false, sat 0.8, st C, area 50, no defect, none: old 0+2+0 + 0+3+0 = 5 poor; new sat 0 → 3 poor.
  // C4 sat 0.9, st A, area 100, 2 defects, provincial: old 2+4+4 + 1+2+2 = 15 good; new sat 2 → 13 fair.
  const lines = [
    { community: { id: 'C1' }, evidence: full },
    { community: { id: 'C2' }, evidence: { a: true, sat: 0.9, st: 'B', area: 100, ded: 2, lv: ['city'] } },
    { community: { id: 'C3' }, evidence: { a: false, sat: 0.8, st: 'C', area: 50, ded: 0, lv: [] } },
    { community: { id: 'C4' }, evidence: { a: true, sat: 0.9, st: 'A', area: 100, ded: 2, lv: ['provincial'] } },
    'this line is not JSON',
    { rubric: 'somewhere-else', community: { id: 'C6' }, evidence: full },
    { community: { id: 'C7' }, evidence: { ...full, st: 'D' } },
    { community: { id: 'C8' }, evidence: { ...full, extra: true } },
  ];
  const jsonl = () => write('communities.jsonl', `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n\n`);

  it('reads JSONL, one case per line, a bad line kept as a failing case', async () => {
    const cases = await loadEvidenceSet([jsonl()]);
    expect(cases.map((x) => x.source.replace(/^.*\//, ''))).toEqual(['communities.jsonl:1', 'communities.jsonl:2', 'communities.jsonl:3', 'communities.jsonl:4', 'communities.jsonl:5', 'communities.jsonl:6', 'communities.jsonl:7', 'communities.jsonl:8']);
    expect(cases[4]?.issues?.[0]).toMatchObject({ code: 'yaml-syntax', line: 5 });
    expect(cases[0]?.evidence).toEqual(full);
  });

  it('totals, grades, item movements, caps, failures under one rubric or both', async () => {
    const impact = diffImpact(c(BASE), c(NEW), await loadEvidenceSet([jsonl()]), { missing: 'zero' });
    const by = (id: string) => impact.communities.find((x) => x.name === id)!;
    expect(['C1', 'C2', 'C3', 'C4'].map((id) => [id, (by(id).old as { total: string }).total, (by(id).new as { total: string }).total, by(id).delta, by(id).grade])).toEqual([
      ['C1', '20', '19', '-1', 'same'],
      ['C2', '12', '10', '-2', 'same'],
      ['C3', '5', '3', '-2', 'same'],
      ['C4', '15', '13', '-2', 'down'],
    ]);
    expect(by('C1').items).toEqual([]);
    expect(by('C1').caps).toBe('-1');
    expect(by('C4').items).toEqual([{ id: 'sat', title: { zh: '满意度', en: 'Satisfaction' }, old: '4', new: '2', delta: '-2' }]);
    expect(by('C4').caps).toBeUndefined();
    // Failing cases are reported with their issues, not thrown.
    const line5 = impact.communities[4]!;
    expect(codes(line5.old)).toEqual(['yaml-syntax']);
    expect(codes(line5.new)).toEqual(['yaml-syntax']);
    expect(codes(by('C6').old)).toEqual(['rubric-mismatch']);
    expect(codes(by('C7').new)).toEqual(['invalid-value']);
    // C8 gives evidence for the new item: unknown under the old rubric, scored under the new.
    expect(codes(by('C8').old)).toEqual(['unknown-item']);
    expect(by('C8').new).toMatchObject({ total: '20', grade: 'good' });
    const s = impact.summary;
    expect([s.communities, s.scored, s.failed.old, s.failed.new]).toEqual([8, 4, 4, 3]);
    expect([s.gradeChanged, s.up, s.down, s.unchanged, s.totalUp, s.totalDown]).toEqual([1, 0, 1, 3, 0, 4]);
    expect(s.largest.map((m) => [m.name, m.delta])).toEqual([
      ['C2', '-2'],
      ['C3', '-2'],
      ['C4', '-2'],
      ['C1', '-1'],
    ]);
    expect(s.causes).toEqual([{ id: 'sat', title: { zh: '满意度', en: 'Satisfaction' }, communities: 3, gradeChanges: 1, total: '-6', min: '-2', max: '-2' }]);

    const text = formatImpact(impact, { lang: 'en' }).split('\n');
    expect(text).toContain('  = C1: 20 Good → 19 Good (-1)  [section caps -1]');
    expect(text).toContain('  ↓ C4: 15 Good → 13 Fair (-2)  [sat 4 → 2]');
    expect(text).toContain('Summary: 4 of 8 scored under both rubrics (4 failed: 4 under the old, 3 under the new); 1 change grade: 0 up, 1 down; 3 keep their grade.');
    expect(text).toContain('  sat Satisfaction: 3 communities, 1 with a grade change; -2 each, -6 in all');
    expect(text.some((l) => l.startsWith('      old: error — unknown-item at evidence.extra'))).toBe(true);
  });

  it('with missing evidence an error (the default), every case without the new item fails under the new rubric only', async () => {
    const impact = diffImpact(c(BASE), c(NEW), await loadEvidenceSet([jsonl()]));
    expect(impact.summary.scored).toBe(0);
    expect(impact.summary.failed).toEqual({ old: 4, new: 7 });
    const c1 = impact.communities[0]!;
    expect(c1.old).toMatchObject({ total: '20' });
    expect(codes(c1.new)).toEqual(['missing-evidence']);
  });

  it('a rubric that adds points moves grades up, and the largest movements are capped by --top', () => {
    const generous = edited(BASE, ['{ range: "[0.8, 0.9)", points: 2 }', '{ range: "[0.8, 0.9)", points: 3 }'], ['range: ">= 15" }', 'range: ">= 12" }'], ['range: "[10, 15)" }', 'range: "[10, 12)" }']);
    const cases: EvidenceCase[] = [
      { source: 'x', community: { id: 'X' }, evidence: { a: true, sat: 0.85, st: 'A', area: 100, ded: 2, lv: ['city'] } },
      { source: 'y', community: { id: 'Y' }, evidence: { a: true, sat: 0.95, st: 'A', area: 100, ded: 2, lv: ['city'] } },
    ];
    // X: old 2+2+4 + 1+2+1 = 12 fair; new sat 3 → 13, good (≥ 12): up. Y: 14 fair → 14 good: up (band moved).
    const impact = diffImpact(c(BASE), c(generous), cases, { top: 1 });
    expect(impact.communities.map((x) => [x.name, x.delta, x.grade])).toEqual([
      ['X', '+1', 'up'],
      ['Y', '0', 'up'],
    ]);
    expect(impact.summary.up).toBe(2);
    expect(impact.summary.largest.map((m) => m.name)).toEqual(['X']);
    expect(impact.summary.causes.map((x) => [x.id, x.total])).toEqual([['sat', '+1']]);
  });
});

describe('diffImpact: a gate that moves a grade when no point moves', () => {
  it('names the gate passed before and failed now, per community and in the summary', () => {
    const blocking = edited(BASE, ['subject: "section:s1", range: ">= 4", effect: report }', 'subject: "section:s1", range: ">= 4", effect: block, otherwise: { id: no, label: { zh: 否, en: Not rated } } }']);
    const raised = edited(blocking, ['range: ">= 4", effect: block', 'range: ">= 8", effect: block']);
    // X: s1 = 2 + 2 + 4 = 8, passes both; Y: s1 = 2 + 0 + 4 = 6, passes ">= 4" only: fair → not rated, total unchanged.
    const cases: EvidenceCase[] = [
      { source: 'x', community: { id: 'X' }, evidence: { a: true, sat: 0.85, st: 'A', area: 100, ded: 2, lv: ['city'] } },
      { source: 'y', community: { id: 'Y' }, evidence: { a: true, sat: 0.5, st: 'A', area: 300, ded: 0, lv: ['city'] } },
    ];
    const impact = diffImpact(c(blocking), c(raised), cases);
    expect(impact.communities.map((x) => [x.name, x.delta, x.grade, x.gates])).toEqual([
      ['X', '0', 'same', undefined],
      ['Y', '0', 'down', [{ id: 's1-min', title: { zh: '一不少于4', en: 'One at least 4' }, old: true, new: false }]],
    ]);
    expect(impact.summary.gates).toEqual([{ id: 's1-min', title: { zh: '一不少于4', en: 'One at least 4' }, nowFailed: 1, nowPassed: 0, gradeChanges: 1 }]);
    const text = formatImpact(impact, { lang: 'en' }).split('\n');
    expect(text).toContain('  ↓ Y: 13 Fair → 13 Not rated (0)  [gate s1-min passed → failed]');
    expect(text).toContain('  s1-min One at least 4: 1 now fail it, 0 now pass it; 1 with a grade change');
  });
});

describe('formatImpact: many communities', () => {
  it('past 20 communities, lists those an edit moved and counts the rest', () => {
    const generous = edited(BASE, ['{ range: "[0.8, 0.9)", points: 2 }', '{ range: "[0.8, 0.9)", points: 3 }']);
    // 24 communities at sat 0.95, which the edit leaves alone, and one at 0.85, which it raises by 1.
    const still = (i: number): EvidenceCase => ({ source: `s${i}`, community: { id: `S${i}` }, evidence: { a: true, sat: 0.95, st: 'A', area: 100, ded: 2, lv: ['city'] } });
    const moved: EvidenceCase = { source: 'x', community: { id: 'X' }, evidence: { a: true, sat: 0.85, st: 'A', area: 100, ded: 2, lv: ['city'] } };
    const many = [...Array.from({ length: 24 }, (_, i) => still(i)), moved];
    const text = formatImpact(diffImpact(c(BASE), c(generous), many), { lang: 'en' }).split('\n');
    expect(text.filter((l) => /^ {2}[=↑↓↔✗] /.test(l)).map((l) => l.slice(4, 5))).toEqual(['X']);
    expect(text).toContain('  … and 24 communities with the same total and grade under both (--json lists every one)');
    // Twenty or fewer: every one is listed.
    const few = formatImpact(diffImpact(c(BASE), c(generous), [...many.slice(0, 19), moved]), { lang: 'en' }).split('\n');
    expect(few.filter((l) => /^ {2}[=↑↓↔✗] /.test(l))).toHaveLength(20);
  });
});

/* ------------------------------------------------------------------- CLI */

describe('shequ-rubric diff (CLI)', () => {
  it('exit 1 when a rubric is invalid, with every problem of both files printed', () => {
    const bad = write('bad.yaml', edited(BASE, ['max: 20\n', 'max: 21\n']));
    const worse = write('worse.yaml', edited(BASE, ['kind: levels', 'kind: level']));
    const r = run('diff', bad, worse);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`✗ ${bad}: 1 problem`);
    expect(r.stderr).toContain(`✗ ${worse}:`);
  });

  it('exit 2 on usage mistakes', () => {
    expect(run('diff', DB36).status).toBe(2);
    expect(run('diff', DB36, RAISED, 'third.yaml').status).toBe(2);
    expect(run('diff', DB36, RAISED, '--top', 'many').status).toBe(2);
    expect(run('diff', DB36, RAISED, '--lang', 'fr').status).toBe(2);
    expect(run('diff', DB36, RAISED, '--colour').status).toBe(2);
  });

  it('an evidence path that does not exist is reported (exit 1)', () => {
    const r = run('diff', DB36, RAISED, '--evidence', 'no/such/dir');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no such file or directory: no/such/dir');
  });

  it('evidence from several paths, one of them a single YAML file; a broken file is reported, not fatal', () => {
    const broken = write('broken.yaml', 'community: { id: BROKEN }\nevidence: { "4.5": 1.5 }\n');
    const r = run('diff', DB36, RAISED, '--evidence', `${COMMUNITIES}/c-five-star-edge.yaml`, '--evidence', broken, '--missing', 'zero');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  ↓ JX-T-C 丙社区: 93 五星 → 91 四星 (-2)  [4.5 10 → 8]');
    expect(r.stdout).toContain(`  ✗ BROKEN  [${broken}]`);
    expect(r.stdout).toContain('Summary: 1 of 2 scored under both rubrics (1 failed: 1 under the old, 1 under the new); 1 change grade: 0 up, 1 down; 0 keep their grade.');
  });

  it('diffing a rubric with itself says so', () => {
    const r = run('diff', DB36, DB36);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('The rubrics have the same content.');
  });

  it('is listed in the help', () => {
    const r = run('--help');
    expect(r.stdout).toContain('shequ-rubric diff <old.yaml> <new.yaml>');
    expect(r.stdout).toContain('shequ-rubric schema');
  });
});

it('the raised-satisfaction copy differs from DB36 only where the test says (version, 4.5, comments)', () => {
  const a = readFileSync(join(repoRoot, DB36), 'utf8').split('\n');
  const b = readFileSync(join(repoRoot, RAISED), 'utf8').split('\n');
  const onlyB = b.filter((l) => !a.includes(l) && !l.startsWith('#'));
  expect(onlyB.length).toBeLessThanOrEqual(12);
  expect(onlyB).toContain('version: "2022-raised-satisfaction"');
  expect(onlyB).toContain('              - { range: "[0.92, 0.97)", points: 8, category: 加强项 }');
});
