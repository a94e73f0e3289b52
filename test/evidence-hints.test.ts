import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, RubricError, compile, evidenceHints, formatIssues, hintText, parseRubric, parseRubricJson, score, type Issue } from '../src/index.js';
import { placeIssues, readYaml } from '../src/source.js';
import { evidenceOf, load, read } from './support/bundled.js';
import { runCli } from './support/cli.js';
import { pos, rubricYaml } from './support/rubric-text.js';
import { tempDir } from './support/temp.js';

/**
 * percent-as-fraction: a "%" field takes numbers of percent (93.1), a rate
 * item a fraction (0.931). A value in (0, 1] in a "%" field is probably a
 * fraction: it gets a hint, and scoring is unchanged.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 100);
const KPIS = 'rubrics/service-quality-kpis.yaml';
const kpis = load(KPIS);
const example = evidenceOf('examples/service-quality-kpis.yaml').evidence as Record<string, Record<string, number>>;
const withValue = (item: string, field: string, value: unknown) => ({ ...example, [item]: { [field]: value } });
const codes = (hints: Issue[]) => hints.map((h) => `${h.code} ${h.path.join('.')}`);

describe('evidenceHints', () => {
  it('says nothing about the bundled examples, which give percentages as numbers of percent', () => {
    for (const [rubric, evidence] of [
      [KPIS, 'examples/service-quality-kpis.yaml'],
      ['rubrics/six-type.yaml', 'examples/six-type-community.yaml'],
      ['rubrics/jiangxi-db36-t-1609-2022.yaml', 'examples/jiangxi-strong.yaml'],
      ['rubrics/zhoushan-2017.yaml', 'examples/zhoushan-good.yaml'],
      ['rubrics/binjiang-2023-draft.yaml', 'examples/binjiang-demonstration.yaml'],
    ] as const) {
      expect(evidenceHints(load(rubric), evidenceOf(evidence).evidence), evidence).toEqual([]);
    }
  });

  it('hints at a "%" field given a fraction, with its path, what was found, and severity hint', () => {
    const hints = evidenceHints(kpis, withValue('coverage', 'coverage_rate', 0.931));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatchObject({ code: 'percent-as-fraction', severity: 'hint', path: ['evidence', 'coverage', 'coverage_rate'], found: '0.931' });
    expect(hints[0]?.message).toContain('93.1');
  });

  it('hints at every such field of a record, in rubric order whatever the record\'s order', () => {
    const evidence = { utilisation: { utilisation_rate: 0.764 }, satisfaction: { satisfaction_rate: '0.875' }, 'response-time': example['response-time'], completion: example.completion, coverage: { coverage_rate: 0.931 } };
    expect(Object.keys(evidence)[0]).toBe('utilisation');
    expect(codes(evidenceHints(kpis, evidence))).toEqual([
      'percent-as-fraction evidence.coverage.coverage_rate',
      'percent-as-fraction evidence.satisfaction.satisfaction_rate',
      'percent-as-fraction evidence.utilisation.utilisation_rate',
    ]);
  });

  it('hints at values in (0, 1] only: 0, 1.5 and 93 are percentages, 1 and 0.0001 probably fractions', () => {
    const hinted = (v: unknown) => evidenceHints(kpis, withValue('coverage', 'coverage_rate', v)).length > 0;
    expect([0, 1.5, 93, 100, '0', 'abc', -0.5, true].map(hinted)).toEqual([false, false, false, false, false, false, false, false]);
    expect([1, 0.0001, 0.5, '0.93', '1e-1'].map(hinted)).toEqual([true, true, true, true, true]);
  });

  it('leaves fields that are not "%" alone: hours, counts, and rate items, which take fractions', () => {
    expect(evidenceHints(kpis, withValue('response-time', 'response_hours', 0.5))).toEqual([]);
    // DB36 4.5 is a rate item: 0.93 is the fraction it asks for; 3.2a counts people.
    const db36 = load('rubrics/jiangxi-db36-t-1609-2022.yaml');
    const strong = evidenceOf('examples/jiangxi-strong.yaml').evidence as Record<string, unknown>;
    expect(evidenceHints(db36, { ...strong, '4.5': 0.93, '3.2a': { workers: 1, certified: 1 } })).toEqual([]);
  });

  it('hints in evidence that does not validate, and gives nothing for a record that is not a mapping', () => {
    const evidence = { coverage: { coverage_rate: 0.9, extra: 1 } };
    expect(codes(evidenceHints(kpis, evidence))).toEqual(['percent-as-fraction evidence.coverage.coverage_rate']);
    for (const v of [null, 3, 'text', [1], undefined]) expect(evidenceHints(kpis, v)).toEqual([]);
  });

  it('finds "%" fields in a sole measure given bare and inside a sum\'s part', () => {
    const compiled = compile(
      parseRubric(
        rubricYaml({
          max: '3',
          items: [
            '      - id: cover',
            '        title: { zh: 覆盖, en: Cover }',
            '        points: 1',
            '        kind: tiers',
            '        measures: { rate: { zh: 覆盖率, en: Coverage, unit: "%", max: 100 } }',
            '        tiers: [ { points: 1, when: { rate: ">= 90" } } ]',
            '      - id: both',
            '        title: { zh: 合计, en: Both }',
            '        points: 2',
            '        kind: sum',
            '        parts:',
            '          - id: lit',
            '            title: { zh: 亮灯, en: Lit }',
            '            points: 2',
            '            kind: checklist',
            '            conditions: [ { id: lit_rate, zh: 亮灯率, en: Lighting rate, unit: "%", range: ">= 90" }, { id: staffed, zh: 有人值守, en: Staffed, flag: true } ]',
          ],
        }),
      ),
    );
    expect(codes(evidenceHints(compiled, { cover: 0.95, both: { lit: { lit_rate: 0.9, staffed: true } } }))).toEqual([
      'percent-as-fraction evidence.cover',
      'percent-as-fraction evidence.both.lit.lit_rate',
    ]);
    expect(evidenceHints(compiled, { cover: { rate: 95 }, both: { lit: { lit_rate: 90, staffed: true } } })).toEqual([]);
  });

  it('leaves a field alone whose thresholds are all at most 1 %, where values under 1 are what it expects', () => {
    const compiled = compile(
      parseRubric(
        rubricYaml({
          max: '2',
          items: [
            '      - id: small',
            '        title: { zh: 事故率, en: Accident rate }',
            '        points: 1',
            '        kind: checklist',
            '        conditions: [ { id: accident_rate, zh: 事故率, en: Accident rate, unit: "%", range: "<= 0.5", max: 100 } ]',
            '      - id: tiered',
            '        title: { zh: 分档, en: Tiered }',
            '        points: 1',
            '        kind: tiers',
            '        measures: { loss: { zh: 损失率, en: Loss rate, unit: "%", max: 100 } }',
            '        tiers: [ { points: 1, when: { loss: "<= 0.2" } }, { points: 0.5, when: { loss: "(0.2, 1]" } } ]',
          ],
        }),
      ),
    );
    expect(evidenceHints(compiled, { small: 0.3, tiered: 0.1 })).toEqual([]);
  });

  it('follows parts to any depth, and only the keys that lead to a "%" field', () => {
    let item: object = { id: 'leaf', title: { zh: '叶', en: 'Leaf' }, points: 1, kind: 'checklist', conditions: [{ id: 'lit', zh: '亮灯率', en: 'Lit', unit: '%', range: '>= 90' }] };
    for (let d = 5; d >= 0; d--) item = { id: `p${d}`, title: { zh: `层${d}`, en: `Level ${d}` }, points: 1, kind: 'sum', parts: [item] };
    const rubric = { id: 'deep', version: '1', title: { zh: '深', en: 'Deep' }, source: { name: '示例' }, max: 1, sections: [{ id: 's1', title: { zh: '一', en: 'One' }, max: 1, items: [item] }] };
    const compiled = compile(parseRubricJson(JSON.stringify(rubric)));
    const evidence = { p0: { p1: { p2: { p3: { p4: { p5: { leaf: 0.93 } } } } } } };
    expect(codes(evidenceHints(compiled, evidence))).toEqual(['percent-as-fraction evidence.p0.p1.p2.p3.p4.p5.leaf']);
    // A huge value where no "%" field is looked into at all: no time spent on it.
    const started = performance.now();
    expect(evidenceHints(compiled, { p0: { p1: new Array(2 ** 32 - 1), other: new Array(2 ** 32 - 1) } })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('tells parts apart whose ids are prefixes of each other, and reads no flat dotted key', () => {
    const part = (id: string, range: string) => ({ id, title: { zh: id, en: id }, points: 1, kind: 'checklist', conditions: [{ id: 'r', zh: '率', en: 'Rate', unit: '%', range }, { id: 'f', zh: '有', en: 'Has', flag: true }] });
    const sum = { id: '3', title: { zh: '三', en: 'Three' }, points: 2, kind: 'sum', parts: [part('3.1', '<= 0.5'), part('3.1.1', '>= 90')] };
    const deduct = { id: 'd', title: { zh: '扣', en: 'Deduct' }, points: 1, kind: 'deduct', deductions: [{ id: 'loss', zh: '损失率', en: 'Loss rate', unit: '%', shortOf: 0.5, per: 1, integer: false }] };
    const rubric = { id: 'prefixes', version: '1', title: { zh: '前缀', en: 'Prefixes' }, source: { name: '示例' }, max: 3, sections: [{ id: 's1', title: { zh: '一', en: 'One' }, max: 3, items: [sum, deduct] }] };
    const compiled = compile(parseRubricJson(JSON.stringify(rubric)));
    // 3.1 expects values under 1 % (≤ 0.5), and so does the deduction short of 0.5 %: only 3.1.1 is hinted.
    expect(codes(evidenceHints(compiled, { '3': { '3.1': { r: 0.2, f: true }, '3.1.1': { r: 0.6, f: true } }, d: 0.3 }))).toEqual(['percent-as-fraction evidence.3.3.1.1.r']);
    expect(evidenceHints(compiled, { '3': { '3.1.1.r': 0.6 } })).toEqual([]);
  });

  it('does not read a long decimal text exactly only to find it is no fraction anyone writes', () => {
    const started = performance.now();
    expect(evidenceHints(kpis, withValue('coverage', 'coverage_rate', `0.${'0'.repeat(100_000)}1`))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('says nothing of a value no one writes as a fraction of a percentage (5e-324)', () => {
    expect(evidenceHints(kpis, withValue('coverage', 'coverage_rate', 5e-324))).toEqual([]);
    expect(evidenceHints(kpis, withValue('coverage', 'coverage_rate', 1e-6))).toHaveLength(1);
  });

  it('never changes a score, and does not depend on key order (property)', () => {
    const fields = Object.entries(example).map(([item, v]) => [item, Object.keys(v)[0] as string] as const);
    const value = fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 0, max: 100 }), fc.constantFrom(0, 1, 0.5, 1.0000001));
    fc.assert(
      fc.property(fc.array(value, { minLength: fields.length, maxLength: fields.length }), fc.boolean(), (values, reverse) => {
        const pairs = fields.map(([item, field], i) => [item, { [field]: values[i] }] as const);
        const evidence = Object.fromEntries(reverse ? [...pairs].reverse() : pairs);
        const hints = evidenceHints(kpis, evidence);
        const isPercentField = (item: string) => item !== 'response-time';
        // In (0, 1], and written in at most 24 characters (5e-324 is no one's fraction of a percentage).
        const hinted = (x: number) => x > 0 && x <= 1 && (Dec.fromNumber(x)?.toString().length ?? Infinity) <= 24;
        const expected = pairs.filter(([item, v]) => isPercentField(item) && hinted(Object.values(v)[0] as number)).map(([item]) => item);
        expect(hints.map((h) => h.path[1]).sort()).toEqual(expected.sort());
        expect(evidenceHints(kpis, Object.fromEntries(pairs))).toEqual(hints.length ? expect.arrayContaining(hints) : []);
        // Scoring reads the same evidence whether or not it has hints.
        expect(JSON.stringify(score(kpis, evidence, { missing: 'zero' }))).toBe(JSON.stringify(score(kpis, Object.fromEntries(pairs), { missing: 'zero' })));
      }),
      { numRuns: runs },
    );
  });

  it('refuses a rubric that was not compiled, with a RubricError', () => {
    expect(() => evidenceHints({} as never, {})).toThrow(RubricError);
  });

  it('is placed and printed like a problem, as hint[code] with a caret', () => {
    const text = 'evidence:\n  coverage: { coverage_rate: 0.931 }\n';
    const read = readYaml(text, { file: 'e.yaml' });
    const placed = placeIssues(evidenceHints(kpis, (read.value as { evidence: unknown }).evidence), read.source);
    expect(placed[0]).toMatchObject({ file: 'e.yaml', ...pos(text, 'coverage_rate', '0.931') });
    const printed = formatIssues(placed, { sources: { 'e.yaml': text } });
    expect(printed).toContain('e.yaml:2:30: hint[percent-as-fraction]');
    expect(printed).not.toContain('error[');
    expect(printed).toContain('^^^^^');
    // "… and N more" names what is left out, hints or problems.
    const problem: Issue = { code: 'out-of-range', path: ['evidence', 'x'], message: 'too big' };
    expect(formatIssues([placed[0] as Issue, problem, problem], { maxIssues: 1 })).toContain('… and 2 more problems');
    expect(formatIssues([problem, placed[0] as Issue, placed[0] as Issue], { maxIssues: 1 })).toContain('… and 2 more hints');
  });

  it('hintText words a hint in Chinese or English from its data, and refuses what is not a hint', () => {
    const [hint] = evidenceHints(kpis, withValue('coverage', 'coverage_rate', 0.931));
    expect(hintText(hint as Issue, 'zh')).toBe('coverage.coverage_rate：填写为 0.931，按 0.931% 计；若是比例（93.1%），应填 93.1');
    expect(hintText(hint as Issue, 'en')).toBe('coverage.coverage_rate: 0.931 is read as 0.931 %; if it is a fraction (93.1 %), enter 93.1');
    expect(() => hintText(null as never, 'zh')).toThrow(RubricError);
    expect(() => hintText(hint as Issue, 'fr' as never)).toThrow(RubricError);
  });
});

describe('command line', () => {
  const temp = tempDir('shequ-hints-');
  const exampleText = read('examples/service-quality-kpis.yaml');
  const fractions = (text: string) => text.replace('coverage_rate: 93.1', 'coverage_rate: 0.931');

  it('score prints the hint on stderr with its position, scores as given and exits 0', () => {
    const text = fractions(exampleText);
    expect(text).toContain('0.931');
    const file = temp.write('kpi.yaml', text);
    const r = runCli(['score', KPIS, file, '--json']);
    expect(r.status).toBe(0);
    const at = pos(text, 'coverage_rate', '0.931');
    expect(r.stderr).toContain(`${file}:${at.line}:${at.column}: hint[percent-as-fraction]`);
    expect(JSON.parse(r.stdout).criteria).toMatchObject({ met: 3, total: 5 });
    const clean = runCli(['score', KPIS, temp.write('kpi-ok.yaml', exampleText), '--json']);
    expect(clean.stderr).toBe('');
  });

  it('batch lists each row\'s hints and counts the rows in the summary', () => {
    const csv = runCli(['template', KPIS, 'examples/service-quality-kpis.yaml', '--format', 'csv']).stdout;
    const rows = csv.trimEnd().split(/\r?\n/);
    const data = rows[2] as string;
    const file = temp.write('kpis.csv', [...rows, data.replace(',93.1,', ',0.931,').replace('EX-KPI-001', 'EX-2')].join('\n'));
    const r = runCli(['batch', KPIS, file, '--lang', 'en']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${file} line 4 (EX-2`);
    expect(r.stderr).toMatch(/coverage: read as 0\.931 %.*\[percent-as-fraction\]/);
    expect(r.stderr).toContain('1 row with hints');
    expect(runCli(['batch', KPIS, file, '--quiet']).stderr).not.toContain('percent-as-fraction');
    // A cell written with its percent sign is a percentage, whatever its size: no hint.
    const signed = temp.write('signed.csv', [...rows, data.replace(',93.1,', ',0.931%,')].join('\n'));
    const quiet = runCli(['batch', KPIS, signed, '--lang', 'en']);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).not.toContain('hint');
  });
});
