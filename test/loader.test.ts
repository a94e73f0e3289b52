import fc from 'fast-check';
import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ISSUE_CODES,
  RubricError,
  builtinKinds,
  compile,
  formatIssues,
  formatPath,
  parseRubric,
  readYaml,
  safeParseRubric,
  safeParseRubricObject,
  safeScore,
  score,
  type Issue,
  type IssueCode,
  type PathSegment,
} from '../src/index.js';
import { CHECK, THREE_MISTAKES, pos, rubricYaml } from './support/rubric-text.js';
import { perHouseholdKind } from './support/user-kind.js';
import { placeIssues } from '../src/source.js';
import { issue } from '../src/issues.js';

/* ------------------------------------------------------------------ helpers */

/** Parses and returns the RubricError; fails the test when the text is accepted or something else is thrown. */
function errorOf(text: string, options: Parameters<typeof parseRubric>[1] = {}): RubricError {
  let thrown: unknown;
  try {
    parseRubric(text, options);
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'the rubric should be refused').toBeInstanceOf(RubricError);
  return thrown as RubricError;
}

const codes = (e: RubricError): IssueCode[] => e.issues.map((i) => i.code);

function only(e: RubricError, code: IssueCode): Issue {
  const found = e.issues.filter((i) => i.code === code);
  expect(found, `exactly one ${code} in ${JSON.stringify(e.issues)}`).toHaveLength(1);
  return found[0] as Issue;
}

/* ------------------------------------------------------------------ sanity */

describe('the minimal rubric helper', () => {
  it('builds a rubric that loads and scores', () => {
    const rubric = parseRubric(rubricYaml(), { file: 'min.yaml' });
    expect(rubric.id).toBe('demo');
    expect(rubric.version).toBe('1');
    expect(rubric.title).toEqual({ zh: '示例', en: 'Demo' });
    expect(rubric.max.toString()).toBe('1');
    expect(rubric.rounding).toEqual({ places: 2, mode: 'half-up' });
    const result = score(compile(rubric), { a: true });
    expect(result.total).toBe('1');
  });

  it('pos() finds the n-th occurrence', () => {
    const text = 'a: x\nb: x\n';
    expect(pos(text, 'x')).toEqual({ line: 1, column: 4 });
    expect(pos(text, 'x', 'x', 2)).toEqual({ line: 2, column: 4 });
  });
});

/* ------------------------------------------------------------------ shape */

describe('shape problems are reported together, each placed in the text', () => {
  const text = THREE_MISTAKES;
  const error = errorOf(text, { file: 'three.yaml' });

  it('yields exactly three issues with their codes and paths', () => {
    expect(error.issues).toHaveLength(3);
    expect(new Set(codes(error))).toEqual(new Set(['unknown-key', 'invalid-type', 'invalid-range']));
    expect(only(error, 'unknown-key').path).toEqual(['sections', 0, 'items', 0, 'pionts']);
    expect(only(error, 'invalid-type').path).toEqual(['rounding', 'places']);
    expect(only(error, 'invalid-range').path).toEqual(['sections', 0, 'items', 1, 'tiers', 0, 'when', 'n']);
    for (const i of error.issues) expect(i.file).toBe('three.yaml');
  });

  it('suggests "points" for "pionts"', () => {
    const i = only(error, 'unknown-key');
    expect(i.message).toContain('did you mean "points"');
    expect(i.expected).toBe('points');
    expect(i.found).toBe('pionts');
  });

  it('places the wrong type and the bad range at their values', () => {
    expect(only(error, 'invalid-type')).toMatchObject(pos(text, 'places: "two"', '"two"'));
    expect(only(error, 'invalid-range')).toMatchObject(pos(text, '"at least 3"'));
  });

  it('places the unknown key at the key itself', () => {
    expect(only(error, 'unknown-key')).toMatchObject(pos(text, 'pionts'));
  });

  it('a misspelt required key is one mistake: the unknown key with its suggestion, not also the missing one', () => {
    const t = rubricYaml({ items: ['      - id: a', '        title: { zh: 甲, en: A }', '        pionts: 1', '        kind: check'] });
    const e = errorOf(t);
    expect(codes(e)).toEqual(['unknown-key']);
    expect(only(e, 'unknown-key').message).toContain('did you mean "points"');
    expect(only(e, 'unknown-key').path).toEqual(['sections', 0, 'items', 0, 'pionts']);
  });

  it('a key indented too little is unknown where it stands and missing where it belongs: each says so', () => {
    const t = rubricYaml({ items: ['      - id: a', '        title: { zh: 甲, en: A }', '        points: 1', '        kind: states', '    states: [ { id: A, fraction: 1 } ]'] });
    const e = errorOf(t);
    expect(e.issues.map((i) => [i.code, formatPath(i.path), i.expected, i.found])).toEqual([
      ['missing-key', 'sections[0].items[0].states', 'a list', '"states" at sections[0].states'],
      ['unknown-key', 'sections[0].states', '"states" at sections[0].items[0].states', 'states'],
    ]);
    expect(e.issues[1]?.message).toBe('the key "states" does not belong here (it is missing at sections[0].items[0].states: is it indented wrongly?)');
  });

  it('a key indented too far, into a mapping of names, is reported missing with where it was given', () => {
    const t = rubricYaml({ items: ['      - id: a', '        title: { zh: 甲, en: A }', '        points: 1', '        kind: tiers', '        measures:', '          n: { zh: 数, en: N }', '          tiers: [ { points: 1, when: { n: ">= 1" } } ]'] });
    const i = only(errorOf(t), 'missing-key');
    expect(i.message).toBe('"tiers" is required (one is given at sections[0].items[0].measures.tiers: is it indented too far?)');
  });

  it('a required key that is simply absent is still reported', () => {
    const t = rubricYaml({ items: ['      - id: a', '        title: { zh: 甲, en: A }', '        kind: check'] });
    expect(only(errorOf(t), 'missing-key').path).toEqual(['sections', 0, 'items', 0, 'points']);
  });

  it('grades take no label of their own for passing (each band says whether it passes): an unknown key', () => {
    const t = rubricYaml({ after: ['grades:', '  subject: total', '  passing: { zh: 达标, en: Passing }', '  bands:', '    - { id: all, label: { zh: 全, en: All }, range: ">= 0" }'] });
    expect(only(errorOf(t), 'unknown-key').path).toEqual(['grades', 'passing']);
  });

  it('an empty interval is an invalid range', () => {
    const t = rubricYaml({
      after: ['gates:', '  - { id: g, title: { zh: 门, en: Gate }, subject: total, range: "[90, 80]", effect: report }'],
    });
    const i = only(errorOf(t), 'invalid-range');
    expect(i.path).toEqual(['gates', 0, 'range']);
    expect(i).toMatchObject(pos(t, '"[90, 80]"'));
  });
});

describe('issue codes and words, whatever schema reported them', () => {
  it('a negative decimal is out-of-range and says what it found', () => {
    const i = only(errorOf(rubricYaml({ items: [CHECK('a', '-4')] })), 'out-of-range');
    expect(i).toMatchObject({ path: ['sections', 0, 'items', 0, 'points'], message: 'expected a number ≥ 0, found -4', expected: 'a number ≥ 0', found: '-4' });
  });

  it('text where a decimal goes is invalid-type, as in evidence', () => {
    const i = only(errorOf(rubricYaml({ items: [CHECK('a', 'lots')] })), 'invalid-type');
    expect(i).toMatchObject({ path: ['sections', 0, 'items', 0, 'points'], message: 'expected a number, found "lots"' });
  });

  it('a required choice left out is a missing key, with the choices', () => {
    const e = errorOf(rubricYaml({ items: ['      - { id: r, title: { zh: 率, en: Rate }, points: 1, kind: rate }'] }));
    expect(only(e, 'missing-key')).toMatchObject({ path: ['sections', 0, 'items', 0, 'mode'], message: '"mode" is required', expected: 'one of "linear", "bands"' });
  });

  it('no rubric at all is the wrong type, not a missing key', () => {
    const r = safeParseRubricObject(undefined);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues).toEqual([expect.objectContaining({ code: 'invalid-type', path: [], message: 'expected a mapping, found nothing' })]);
  });

  it("a user kind's zod bounds are worded as the built-in kinds word theirs", () => {
    const kind = perHouseholdKind(() => z.object({ households: z.number().nonnegative(), names: z.array(z.string()).max(2) }));
    const rubric = compile(parseRubric(rubricYaml({ items: ['      - { id: h, title: { zh: 户, en: H }, points: 1, kind: per-household }'] }), { kinds: [kind] }), { kinds: [kind] });
    const r = safeScore(rubric, { h: { households: -1, names: ['a', 'b', 'c'] } });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues).toEqual([
        expect.objectContaining({ code: 'out-of-range', path: ['evidence', 'h', 'households'], message: 'expected a number ≥ 0, found -1', expected: 'a number ≥ 0' }),
        expect.objectContaining({ code: 'invalid-value', path: ['evidence', 'h', 'names'], message: 'expected at most 2 entries, found a list of 3' }),
      ]);
    }
  });
});

describe('unknown rule kinds', () => {
  const text = rubricYaml({ items: ['      - { id: a, title: { zh: 甲, en: A }, points: 1, kind: chek }'] });
  const error = errorOf(text, { file: 'kind.yaml' });

  it("gets 'unknown-kind', a suggestion, and a message listing every known kind", () => {
    expect(codes(error)).toEqual(['unknown-kind']);
    const i = error.issues[0] as Issue;
    expect(i.message).toContain('did you mean "check"');
    for (const k of builtinKinds) expect(i.message).toContain(k.name);
    expect(i).toMatchObject({ file: 'kind.yaml', ...pos(text, 'chek') });
  });

  it('points its path at the kind key (once)', () => {
    expect(error.issues[0]?.path).toEqual(['sections', 0, 'items', 0, 'kind']);
  });

  it('a missing kind is a missing key at the kind path', () => {
    const e = errorOf(rubricYaml({ items: ['      - { id: a, title: { zh: 甲, en: A }, points: 1 }'] }));
    expect(codes(e)).toEqual(['missing-key']);
    expect(e.issues[0]?.path).toEqual(['sections', 0, 'items', 0, 'kind']);
  });
});

/* ------------------------------------------------------------------ meaning */

const TIERS_ITEM = (points: string) => [
  '      - id: t',
  '        title: { zh: 乙, en: B }',
  `        points: ${points}`,
  '        kind: tiers',
  '        measures: { n: { zh: 数, en: N } }',
  '        tiers:',
  '          - { points: 1, when: { n: ">= 1" } }',
  '          - { points: 1.5, when: { n: ">= 2" } }',
  '          - { points: 2, when: { n: ">= 3" } }',
];

const band = (id: string, range: string, passing = true) =>
  `    - { id: ${id}, label: { zh: ${id}, en: ${id} }, range: "${range}"${passing ? '' : ', passing: false'} }`;
const grades = (...bands: string[]) => ['grades:', '  subject: total', '  bands:', ...bands];

describe('meaning checks', () => {
  it('a tiers item counts only its highest tier toward the section maximum', () => {
    // check 1 + tiers max(1, 1.5, 2) = 3
    const ok = parseRubric(rubricYaml({ max: '3', items: [CHECK('a'), ...TIERS_ITEM('2')] }));
    expect(ok.sections[0]?.max.toString()).toBe('3');
  });

  it("a section declaring the sum of all tiers gets 'max-mismatch'", () => {
    const text = rubricYaml({ max: '3', sectionMax: '5.5', items: [CHECK('a'), ...TIERS_ITEM('2')] });
    const e = errorOf(text);
    expect(codes(e)).toEqual(['max-mismatch']);
    const i = e.issues[0] as Issue;
    expect(i.path).toEqual(['sections', 0, 'max']);
    expect(i.expected).toBe('3');
    expect(i.found).toBe('5.5');
    expect(i).toMatchObject(pos(text, '    max: 5.5', '5.5'));
  });

  it('an item whose points change shows at every level above it in one pass, not one level per run', () => {
    const db36 = readFileSync(new URL('../rubrics/jiangxi-db36-t-1609-2022.yaml', import.meta.url), 'utf8');
    // 1.3 from 1.5 to 2.5: its section I-1.3 (1.5), the indicator 1 (7) and the rubric (100) no longer hold.
    const text = db36.replace(/(id: "1\.3"[\s\S]*?points: )1\.5/, '$12.5');
    expect(text).not.toBe(db36);
    const e = errorOf(text);
    expect(e.issues.map((i) => [i.code, i.path.join('.'), i.expected, i.found])).toEqual([
      ['max-mismatch', 'sections.0.sections.2.max', '2.5', '1.5'],
      ['max-mismatch', 'sections.0.max', '8', '7'],
      ['max-mismatch', 'max', '101', '100'],
    ]);
  });

  it("a rubric maximum that differs from its sections gets 'max-mismatch' at max", () => {
    const text = rubricYaml({ max: '2', sectionMax: '1' });
    const i = only(errorOf(text), 'max-mismatch');
    expect(i.path).toEqual(['max']);
    expect(i).toMatchObject({ ...pos(text, 'max: 2', '2'), expected: '1', found: '2' });
  });

  it("duplicate ids get 'duplicate-id' at the second one", () => {
    const text = rubricYaml({ max: '2', items: [CHECK('dup'), CHECK('dup')] });
    const e = errorOf(text);
    expect(codes(e)).toEqual(['duplicate-id']);
    expect(e.issues[0]?.path).toEqual(['sections', 0, 'items', 1, 'id']);
    expect(e.issues[0]).toMatchObject(pos(text, 'dup', 'dup', 2));
  });

  it("a section id reused by an item is a 'duplicate-id' too", () => {
    const e = errorOf(rubricYaml({ items: [CHECK('s1')] }));
    expect(codes(e)).toEqual(['duplicate-id']);
  });

  it("an item whose points differ from its rule's maximum gets 'points-mismatch'", () => {
    const text = rubricYaml({ max: '2', items: TIERS_ITEM('3') });
    const e = errorOf(text);
    expect(codes(e)).toEqual(['points-mismatch']);
    const i = e.issues[0] as Issue;
    expect(i.path).toEqual(['sections', 0, 'items', 0, 'points']);
    expect(i).toMatchObject({ expected: '2', found: '3', ...pos(text, 'points: 3', '3') });
  });

  it('bands that cover [0, ∞) once are accepted, even touching at a half-open edge', () => {
    const r = parseRubric(rubricYaml({ after: grades(band('good', '>= 0.8'), band('ok', '[0.5, 0.8)'), band('bad', '< 0.5', false)) }));
    expect(r.grades?.bands.map((b) => b.id)).toEqual(['good', 'ok', 'bad']);
  });

  it("overlapping bands get 'band-overlap' and nothing else", () => {
    const e = errorOf(rubricYaml({ after: grades(band('good', '>= 0.8'), band('ok', '[0.5, 0.9)'), band('bad', '< 0.5')) }));
    expect(codes(e)).toEqual(['band-overlap']);
    expect(e.issues[0]?.message).toMatch(/good/);
    expect(e.issues[0]?.message).toMatch(/ok/);
    expect(e.issues[0]?.path.slice(0, 2)).toEqual(['grades', 'bands']);
  });

  it('a band holding two others overlaps each, and leaves no gap between them', () => {
    // [0.2, 0.9) holds [0.3, 0.4) and [0.6, 0.7): nothing is left uncovered between 0.4 and 0.6, nor above 0.7.
    const e = errorOf(rubricYaml({ after: grades(band('top', '>= 0.9'), band('wide', '[0.2, 0.9)'), band('x', '[0.3, 0.4)'), band('y', '[0.6, 0.7)'), band('low', '< 0.2')) }));
    expect(e.issues.map((i) => i.code).filter((c) => c !== 'band-order')).toEqual(['band-overlap', 'band-overlap']);
  });

  it("bands sharing an included edge overlap ('band-overlap')", () => {
    const e = errorOf(rubricYaml({ after: grades(band('hi', '>= 0.5'), band('lo', '<= 0.5')) }));
    expect(codes(e)).toEqual(['band-overlap']);
  });

  it("bands leaving a gap get 'band-gap' and nothing else", () => {
    const e = errorOf(rubricYaml({ after: grades(band('good', '>= 0.9'), band('ok', '[0.5, 0.8)'), band('bad', '< 0.5')) }));
    expect(codes(e)).toEqual(['band-gap']);
    expect(e.issues[0]?.message).toContain('0.8');
    expect(e.issues[0]?.message).toContain('0.9');
  });

  it("bands both excluding the same edge leave a gap of one point ('band-gap')", () => {
    const e = errorOf(rubricYaml({ after: grades(band('hi', '> 0.5'), band('lo', '< 0.5')) }));
    expect(codes(e)).toEqual(['band-gap']);
  });

  it("bands that do not start at 0 leave a gap below ('band-gap')", () => {
    const e = errorOf(rubricYaml({ after: grades(band('hi', '>= 0.5'), band('lo', '[0.2, 0.5)')) }));
    expect(codes(e)).toEqual(['band-gap']);
  });

  it("a gate naming a section that does not exist gets 'unknown-reference' with a suggestion", () => {
    const text = rubricYaml({
      after: ['gates:', '  - { id: g, title: { zh: 门, en: Gate }, subject: "section:s2", range: ">= 1", effect: report }'],
    });
    const e = errorOf(text);
    expect(codes(e)).toEqual(['unknown-reference']);
    const i = e.issues[0] as Issue;
    expect(i.path).toEqual(['gates', 0, 'subject']);
    expect(i.message).toContain('"s2"');
    expect(i.message).toContain('did you mean "s1"');
    expect(i).toMatchObject(pos(text, '"section:s2"'));
  });

  it("gates naming a missing item, or evidence of an item without a measure, get 'unknown-reference'", () => {
    const gate = (id: string, subject: string) => `  - { id: ${id}, title: { zh: 门, en: Gate }, subject: "${subject}", range: ">= 1", effect: report }`;
    const e = errorOf(rubricYaml({ after: ['gates:', gate('g1', 'item:zz'), gate('g2', 'evidence:a')] }));
    expect(codes(e)).toEqual(['unknown-reference', 'unknown-reference']);
    expect(e.issues.map((i) => i.path)).toEqual([
      ['gates', 0, 'subject'],
      ['gates', 1, 'subject'],
    ]);
  });

  it('are made in the same pass as shape problems, on what did parse', () => {
    const gate = '  - { id: g, title: { zh: 门, en: Gate }, subject: "item:zz", range: ">= 1", effect: report }';
    const text = rubricYaml({
      max: '3',
      sectionMax: '4',
      items: [CHECK('a'), '      - { id: a, title: { zh: 乙, en: B }, points: 1, kind: chek }', CHECK('c')],
      after: ['gates:', gate, ...grades(band('good', '>= 2'), band('bad', '< 1.5'))],
    });
    const e = errorOf(text);
    expect(e.issues.map((i) => [i.code, formatPath(i.path)])).toEqual([
      ['unknown-kind', 'sections[0].items[1].kind'],
      ['duplicate-id', 'sections[0].items[1].id'],
      ['unknown-reference', 'gates[0].subject'],
      ['band-gap', 'grades.bands[0].range'],
    ]);
  });

  it('compare no maximum with sections that are not a list, or not known to be bonus sections or not', () => {
    const e = errorOf(rubricYaml({ max: '5' }).replace(/sections:[\s\S]*$/, 'sections: {}\n'));
    expect(codes(e)).toEqual(['invalid-type']);
    const bonus = rubricYaml({ max: '0', sectionMax: '1' }).replace('    max: 1\n', '    max: 1\n    bonus: "yes"\n');
    expect(codes(errorOf(bonus))).toEqual(['invalid-type']);
  });

  it("count an item whose only problem is its points at its rule's maximum, as a parsed item counts", () => {
    // t declares 3, its tiers give 2: the section (declared 4) reaches 1 + 2 = 3, said in the same pass.
    const e = errorOf(rubricYaml({ max: '4', items: [CHECK('a'), ...TIERS_ITEM('3')] }));
    expect(e.issues.map((i) => [i.code, i.path.join('.'), i.expected])).toEqual([
      ['points-mismatch', 'sections.0.items.1.points', '2'],
      ['max-mismatch', 'sections.0.max', '3'],
      ['max-mismatch', 'max', '3'],
    ]);
  });

  it('leave out a maximum that rests on what did not parse, and the ids of what did not parse still count', () => {
    // The section's reach is unknown (b's kind), so its max and the rubric's are not compared; b is still an item a gate may name.
    const gate = '  - { id: g, title: { zh: 门, en: Gate }, subject: "item:b", range: ">= 1", effect: report }';
    const e = errorOf(rubricYaml({ max: '9', sectionMax: '7', items: [CHECK('a'), '      - { id: b, title: { zh: 乙, en: B }, points: 1, kind: chek }'], after: ['gates:', gate] }));
    expect(codes(e)).toEqual(['unknown-kind']);
  });

  it('each says what was expected and what was found, at a line and column', () => {
    const gate = (id: string, subject: string) => `  - { id: ${id}, title: { zh: 门, en: Gate }, subject: "${subject}", range: ">= 1", effect: report }`;
    const item = (fields: string) => `      - { id: x, title: { zh: 项, en: X }, ${fields} }`;
    const texts = [
      rubricYaml({ max: '2', items: [CHECK('dup'), CHECK('dup')] }),
      rubricYaml({ after: ['gates:', gate('g', 'item:zz'), gate('g', 'section:zz'), gate('h', 'evidence:a')] }),
      rubricYaml({ after: grades(band('lo', '< 0.5'), band('lo', '>= 0.4')) }),
      rubricYaml({ after: grades(band('hi', '>= 0.8'), band('lo', '< 0.5')) }),
      rubricYaml({ items: [item('points: 1, kind: rate, mode: linear, bands: [ { range: "[0, 1]", points: 1 } ]')] }),
      rubricYaml({ items: [item('points: 1, kind: rate, mode: bands, bands: [ { range: "[0.5, 1]", points: 1 }, { range: "[0.4, 0.6)", points: 1 }, { range: ">= 90", points: 1 } ]')] }),
      rubricYaml({ items: [item('points: 1, kind: deduct, deductions: [ { id: d, zh: 缺, en: D, per: 1, flag: true, step: 2 } ], precondition: { id: p, zh: 前, en: P, otherwise: 3 }')] }),
      rubricYaml({ items: [item('points: 0, kind: checklist, conditions: [ { id: c, zh: 条, en: C }, { id: c, zh: 条, en: C, flag: true } ]')] }),
      rubricYaml({ items: [item('points: 1, kind: tiers, measures: { n: { zh: 数, en: N, atMost: m } }, derived: { n: { zh: 比, en: R, ratio: [n, n] } }, tiers: [ { points: 1, when: { n: ">= 1" } } ]')] }),
    ];
    for (const text of texts) {
      for (const i of errorOf(text, { file: 'r.yaml' }).issues) {
        expect([i.code, i.expected, i.found, i.line, i.column].every((v) => v !== undefined), JSON.stringify(i)).toBe(true);
      }
    }
  });

  it('name a section whose id did not parse by where it is', () => {
    const text = rubricYaml({ max: '1', sectionMax: '2' }).replace('  - id: s1', '  - id: 5');
    const e = errorOf(text);
    expect(e.issues.map((i) => [i.code, formatPath(i.path)])).toEqual([
      ['invalid-type', 'sections[0].id'],
      ['max-mismatch', 'sections[0].max'],
    ]);
    expect(e.issues[1]?.message).toBe('the section at sections[0] declares a maximum of 2 but its items can reach 1');
  });

  it('a gate naming an existing section is accepted', () => {
    const r = parseRubric(
      rubricYaml({ after: ['gates:', '  - { id: g, title: { zh: 门, en: Gate }, subject: "section:s1", range: ">= 1", effect: report }'] }),
    );
    expect(r.gates?.[0]?.subject).toBe('section:s1');
  });
});

/* ------------------------------------------------------------------ attacks */

describe('YAML attacks are refused and leave Object.prototype untouched', () => {
  let protoKeys: string[];
  beforeEach(() => {
    protoKeys = Reflect.ownKeys(Object.prototype).map(String).sort();
  });
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Reflect.ownKeys(Object.prototype).map(String).sort()).toEqual(protoKeys);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  function refused(text: string, code: IssueCode, options: Parameters<typeof parseRubric>[1] = {}): RubricError {
    const e = errorOf(text, options);
    expect(codes(e)).toContain(code);
    for (const c of codes(e)) expect(ISSUE_CODES).toContain(c);
    return e;
  }

  it("duplicate keys: 'duplicate-key' on the line of the second key", () => {
    const text = rubricYaml().replace('version: "1"\n', 'version: "1"\nversion: "2"\n');
    const i = only(refused(text, 'duplicate-key'), 'duplicate-key');
    expect(i.line).toBe(pos(text, 'version: "2"').line);
    expect([i.message, i.found]).toEqual(['the key "version" is given twice in one mapping', 'version']);
    const quoted = only(refused(rubricYaml().replace('version: "1"\n', '"version": "1"\n"version": "2"\n'), 'duplicate-key'), 'duplicate-key');
    expect(quoted.message).toBe('the key "version" is given twice in one mapping');
  });

  it("a custom tag !foo: 'forbidden-tag'", () => {
    const text = rubricYaml().replace('title: { zh: 示例,', 'title: { zh: !foo 示例,');
    const i = only(refused(text, 'forbidden-tag'), 'forbidden-tag');
    expect(i.path).toEqual(['title', 'zh']);
    expect(i.line).toBe(pos(text, '!foo').line);
  });

  it("a !!js/function tag: 'forbidden-tag'", () => {
    const text = rubricYaml().replace('version: "1"', 'version: !!js/function "function () { globalThis.polluted = true }"');
    const i = only(refused(text, 'forbidden-tag'), 'forbidden-tag');
    expect(i.path).toEqual(['version']);
    // Named as written, not as yaml resolves it (tag:yaml.org,2002:js/function).
    expect(i).toMatchObject({ found: '!!js/function', message: 'the tag !!js/function is not allowed: a rubric holds plain data only' });
    expect((globalThis as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a billion-laughs alias bomb (9 nested levels): 'alias-limit', quickly", () => {
    const names = 'abcdefghi'.split('');
    const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let k = 1; k < names.length; k++) {
      const prev = names[k - 1] as string;
      lines.push(`${names[k]}: &${names[k]} [${Array.from({ length: 10 }, () => `*${prev}`).join(', ')}]`);
    }
    expect(lines).toHaveLength(9);
    const started = Date.now();
    const e = refused(`${lines.join('\n')}\n`, 'alias-limit');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(codes(e)).toEqual(['alias-limit']);
  });

  it('many aliases of one small anchor are resolved in linear time', () => {
    // 10 000 aliases (about 40 KB, 20 000 nodes): well inside the default limits,
    // so the document is read; resolving each alias must not walk the whole document again.
    const text = `a: &a x\nb: [${Array.from({ length: 10_000 }, () => '*a').join(', ')}]\n`;
    const started = Date.now();
    const { value, issues } = readYaml(text);
    const elapsed = Date.now() - started;
    expect(issues).toEqual([]);
    expect((value as { b: unknown[] }).b).toHaveLength(10_000);
    expect(elapsed).toBeLessThan(2_000);
  }, 120_000);

  it('a small alias within the budget is expanded normally', () => {
    const text = rubricYaml()
      .replace('title: { zh: 示例, en: Demo }', 'title: &t { zh: 示例, en: Demo }')
      .replace('    title: { zh: 一, en: One }', '    title: *t');
    const r = parseRubric(text);
    expect(r.sections[0]?.title).toEqual({ zh: '示例', en: 'Demo' });
  });

  it("a caller's maxNodes limit applies to ordinary documents too", () => {
    refused(rubricYaml(), 'alias-limit', { maxNodes: 10 });
    expect(parseRubric(rubricYaml(), { maxNodes: 10_000 }).id).toBe('demo');
  });

  it("a merge key <<: *base: 'forbidden-key'", () => {
    const text = rubricYaml()
      .replace('title: { zh: 示例, en: Demo }', 'title: &base { zh: 示例, en: Demo }')
      .replace('    title: { zh: 一, en: One }', '    title:\n      <<: *base');
    const i = only(refused(text, 'forbidden-key'), 'forbidden-key');
    expect(i.path).toEqual(['sections', 0, 'title', '<<']);
    expect(i).toMatchObject(pos(text, '<<'));
  });

  const protoCases: [label: string, text: string, path: PathSegment[], anchor: string][] = [
    ['__proto__ at the top', `__proto__: { polluted: true }\n${rubricYaml()}`, ['__proto__'], '__proto__'],
    ['quoted "__proto__" in a flow mapping', rubricYaml().replace('source: { name: 示例来源 }', 'source: { name: 示例来源, "__proto__": { polluted: true } }'), ['source', '__proto__'], '"__proto__"'],
    ['constructor inside a section', rubricYaml().replace("    title: { zh: 一, en: One }", "    title: { zh: 一, en: One }\n    constructor: { prototype: { polluted: true } }"), ['sections', 0, 'constructor'], 'constructor'],
    ['prototype inside an item in a list', rubricYaml({ items: ['      - { id: a, title: { zh: 甲, en: A }, points: 1, kind: check, prototype: { polluted: true } }'] }), ['sections', 0, 'items', 0, 'prototype'], 'prototype'],
    ['__proto__ deep inside a title', rubricYaml().replace('title: { zh: 示例, en: Demo }', 'title:\n  zh: 示例\n  en: Demo\n  __proto__:\n    polluted: true'), ['title', '__proto__'], '__proto__'],
    ['a JSON document with __proto__', '{"id": "demo", "__proto__": {"polluted": true}}', ['__proto__'], '"__proto__"'],
  ];

  it.each(protoCases)("%s: 'forbidden-key' at its path and position", (_label, text, path, anchor) => {
    const e = refused(text, 'forbidden-key');
    const i = e.issues.find((x) => x.code === 'forbidden-key') as Issue;
    expect(i.path).toEqual(path);
    expect(i).toMatchObject(pos(text, anchor));
  });

  it('readYaml never yields an object with an own __proto__ key or a changed prototype', () => {
    const { value } = readYaml('a: { __proto__: { polluted: true }, b: 1 }\n');
    const a = (value as { a: object }).a;
    expect(Object.prototype.hasOwnProperty.call(a, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect((a as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a document above the caller's maxBytes: 'too-large'; one at the limit is read", () => {
    const ascii = rubricYaml().replace(/[^\x00-\x7f]+/g, 'x'); // bytes = characters
    expect(parseRubric(ascii, { maxBytes: ascii.length }).id).toBe('demo');
    const e = refused(ascii, 'too-large', { maxBytes: ascii.length - 1 });
    expect(codes(e)).toEqual(['too-large']);
    expect(e.issues[0]?.file).toBe('<input>');
  });

  it('a range written without quotes gets one issue that says to quote it, in a flow mapping or on a line of its own', () => {
    const flow = rubricYaml({ after: grades(band('all', '>= 0').replace('"', '').replace('" }', ' }')) });
    const block = rubricYaml({ after: ['gates:', '  - id: g', '    title: { zh: 门, en: Gate }', '    subject: total', '    range: >= 0.5', '    effect: report'] });
    for (const [text, value] of [[flow, '>= 0'], [block, '>= 0.5']] as const) {
      const e = errorOf(text);
      expect(e.issues.map((i) => [i.code, i.expected, i.found])).toEqual([['yaml-syntax', `"${value}"`, value]]);
      expect(e.issues[0]).toMatchObject(pos(text, `range: ${value}`, value));
    }
  });

  it("invalid YAML syntax: 'yaml-syntax' on the offending line", () => {
    const text = rubricYaml().replace('  - id: s1', '\t- id: s1');
    const e = refused(text, 'yaml-syntax');
    expect(e.issues[0]?.line).toBe(pos(text, '\t- id: s1').line);
  });

  it.each([
    ['empty', ''],
    ['blank lines', '\n\n   \n'],
    ['a comment only', '# nothing here\n'],
    ['an explicit empty document', '---\n...\n'],
  ])('an %s document is an issue, not a crash', (_label, text) => {
    const result = safeParseRubric(text);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.length).toBeGreaterThan(0);
    for (const c of codes(result.error)) expect(ISSUE_CODES).toContain(c);
  });

  it('a BOM and CRLF line ends still parse correctly', () => {
    const text = `\uFEFF${rubricYaml().replace(/\n/g, '\r\n')}`;
    const r = parseRubric(text);
    expect(r.id).toBe('demo');
    expect(r.version).toBe('1');
    expect(r.title).toEqual({ zh: '示例', en: 'Demo' });
    expect(r.sections[0]?.items?.[0]?.id).toBe('a');
    expect(score(compile(r), { a: true }).total).toBe('1');
  });

  it('with a BOM and CRLF, positions are counted without the BOM and the excerpt has no \\r', () => {
    const plain = rubricYaml().replace('id: demo', 'id: 42');
    const text = `\uFEFF${plain.replace(/\n/g, '\r\n')}`;
    const e = errorOf(text, { file: 'crlf.yaml' });
    const i = only(e, 'invalid-type');
    expect(i.path).toEqual(['id']);
    expect(i).toMatchObject(pos(plain, 'id: 42', '42')); // line 1, column 5
    const out = formatIssues(e.issues, { sources: e.sources });
    expect(out).toContain('crlf.yaml:1:5');
    expect(out).not.toContain('\r');
  });
});

/* ------------------------------------------------------------------ numbers */

describe('numbers are read exactly from the YAML text', () => {
  it('a state fraction 0.66 on an 8-point item scores exactly "5.28" (and 0.33 → "2.64")', () => {
    const r = parseRubric(
      rubricYaml({
        max: '8',
        items: [
          '      - id: s',
          '        title: { zh: 状态, en: State }',
          '        points: 8',
          '        kind: states',
          '        states:',
          '          - { id: A, fraction: 1 }',
          '          - { id: B, fraction: 0.66 }',
          '          - { id: C, fraction: 0.33 }',
        ],
      }),
    );
    const c = compile(r);
    const b = score(c, { s: 'B' });
    expect(b.total).toBe('5.28');
    expect(b.sections[0]?.items?.[0]?.points).toBe('5.28');
    expect(b.sections[0]?.items?.[0]?.rounded).toBeUndefined();
    expect(score(c, { s: 'C' }).total).toBe('2.64');
  });

  it('a threshold written 0.1 compares exactly with a ratio of exactly 0.1', () => {
    const r = parseRubric(
      rubricYaml({
        items: [
          '      - id: t',
          '        title: { zh: 占比, en: Share }',
          '        points: 1',
          '        kind: tiers',
          '        measures:',
          '          part: { zh: 部分, en: Part }',
          '          whole: { zh: 全部, en: Whole }',
          '        derived:',
          '          share: { zh: 占比, en: Share, ratio: [part, whole] }',
          '        tiers:',
          '          - { points: 1, when: { share: ">= 0.1" } }',
        ],
      }),
    );
    const c = compile(r);
    expect(score(c, { t: { part: 1, whole: 10 } }).total).toBe('1');
    expect(score(c, { t: { part: 3, whole: 30 } }).total).toBe('1');
    expect(score(c, { t: { part: 0.3, whole: 3 } }).total).toBe('1');
    expect(score(c, { t: { part: 0.2999, whole: 3 } }).total).toBe('0');
  });

  it('a step written 0.1 counts whole steps exactly (0.3 is 3 steps, not 2.9999…)', () => {
    const r = parseRubric(
      rubricYaml({
        max: '5',
        items: [
          '      - id: h',
          '        title: { zh: 学时, en: Hours }',
          '        points: 5',
          '        kind: count',
          '        cap: 5',
          '        counts:',
          '          - { id: hours, zh: 学时, en: Hours, per: 1, step: 0.1, integer: false }',
        ],
      }),
    );
    expect(score(compile(r), { h: 0.3 }).total).toBe('3');
  });

  it('a gate "= 0.3" holds for 3 points × a rate of 0.1', () => {
    const r = parseRubric(
      rubricYaml({
        max: '3',
        items: ['      - { id: r, title: { zh: 比率, en: Rate }, points: 3, kind: rate, mode: linear }'],
        after: ['gates:', '  - { id: g, title: { zh: 门, en: Gate }, subject: "item:r", range: "= 0.3", effect: report }'],
      }),
    );
    const result = score(compile(r), { r: 0.1 });
    expect(result.total).toBe('0.3');
    expect(result.gates[0]).toMatchObject({ value: '0.3', passed: true });
  });

  it('a literal with more digits than a double holds keeps every digit', () => {
    const v = '0.30000000000000001';
    const r = parseRubric(rubricYaml({ max: v, items: [CHECK('a', v)] }));
    const c = compile(r);
    expect(r.max.toString()).toBe(v);
    expect(c.max.toString()).toBe(v);
    const item = score(c, { a: true }).sections[0]?.items?.[0];
    expect(item?.max).toBe(v);
    expect(item?.rounded?.from).toBe(v);
    expect(item?.points).toBe('0.3');
  });
});

/* ------------------------------------------------------------------ robustness */

describe('nothing throws anything but RubricError', () => {
  const expectRubricError = (text: string) => {
    let thrown: unknown;
    try {
      parseRubric(text);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RubricError);
    const e = thrown as RubricError;
    expect(e.issues.length).toBeGreaterThan(0);
    for (const i of e.issues) {
      expect(ISSUE_CODES).toContain(i.code);
      expect(Array.isArray(i.path)).toBe(true);
      expect(typeof i.message).toBe('string');
    }
  };

  it.each([
    ['binary-ish', '\u0000\u0001\u0002\u0003\uFFFD\uD800garbage\u001b[31m'],
    ['an empty list', '[]'],
    ['a number', '42'],
    ['null', 'null'],
    ['a string', '"just a string"'],
    ['a list of lists', '- - -'],
    ['colons', ':::'],
    ['an unrelated mapping', '{ a: 1 }'],
    ['a lone BOM', '\uFEFF'],
    ['an anchor without alias target', 'a: *nowhere'],
    ['a 300-level nesting', `${'['.repeat(300)}${']'.repeat(300)}`],
  ])('%s', (_label, text) => expectRubricError(text));

  it('random YAML-ish text', () => {
    const token = fc.constantFrom(
      'id:', 'version:', 'sections:', 'items:', 'kind: check', 'points: 1', 'max:', ' ', '\n', '  ', '- ', '{', '}', '[', ']', ',', ':',
      '&a ', '*a', '!!', '!foo ', '<<: ', '__proto__: ', 'constructor: ', '"', "'", '#', '\t', '0.1', '-1', '1e999', '.nan', '~', '\uFEFF', '\r\n',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const result = safeParseRubric(tokens.join(''));
        if (!result.success) for (const i of result.error.issues) expect(ISSUE_CODES).toContain(i.code);
      }),
      { numRuns: 300 },
    );
  });

  it('random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const result = safeParseRubric(text);
        expect(result.success).toBe(false);
        if (!result.success) for (const i of result.error.issues) expect(ISSUE_CODES).toContain(i.code);
      }),
      { numRuns: 300 },
    );
  });

  it('random values given to safeParseRubricObject', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = safeParseRubricObject(value);
        expect(result.success).toBe(false);
        if (!result.success) for (const i of result.error.issues) expect(ISSUE_CODES).toContain(i.code);
      }),
      { numRuns: 300 },
    );
  });
});

/* ------------------------------------------------------------------ formatting */

describe('formatIssues', () => {
  const text = THREE_MISTAKES;
  const error = errorOf(text, { file: 'fmt.yaml' });
  const out = formatIssues(error.issues, { sources: error.sources });
  const blocks = out.split('\n\n');
  const blockFor = (code: IssueCode) => {
    const b = blocks.find((x) => x.includes(`error[${code}]`));
    expect(b, `a block for ${code} in:\n${out}`).toBeDefined();
    return (b as string).split('\n');
  };
  /** The excerpt and caret lines expected under a token at line:col. */
  const excerpt = (line: number, column: number, token: string) => {
    const src = text.split('\n')[line - 1] as string;
    const gutter = ' '.repeat(String(line).length);
    return [`  ${line} | ${src}`, `  ${gutter} | ${' '.repeat(column - 1)}${'^'.repeat(token.length)}`];
  };

  it('prints one block per issue, without colour by default', () => {
    expect(blocks).toHaveLength(3);
    expect(out).not.toMatch(/\u001b\[/);
  });

  it('prints the issues of each file by line and column, the files in the order their first issue came', () => {
    const at = (file: string, line: number) => ({ code: 'invalid-value' as const, path: [line], message: `${file} ${line}`, file, line, column: 1 });
    const printed = formatIssues([at('b.yaml', 9), at('a.yaml', 4), at('b.yaml', 3), at('a.yaml', 2)]);
    expect([...printed.matchAll(/error\[invalid-value\]: (\S+ \d+)/g)].map((m) => m[1])).toEqual(['b.yaml 3', 'b.yaml 9', 'a.yaml 2', 'a.yaml 4']);
  });

  it('prints file:line:col, the code, the path and the caret for a wrong type', () => {
    const { line, column } = pos(text, 'places: "two"', '"two"');
    const b = blockFor('invalid-type');
    expect(b[0]).toMatch(new RegExp(`^fmt\\.yaml:${line}:${column}: error\\[invalid-type\\]: `));
    expect(b).toContain('  at rounding.places');
    expect(b.slice(-2)).toEqual(excerpt(line, column, '"two"'));
  });

  it('puts the caret under the whole quoted range, spaces included', () => {
    const { line, column } = pos(text, '"at least 3"');
    const b = blockFor('invalid-range');
    expect(b[0]).toMatch(new RegExp(`^fmt\\.yaml:${line}:${column}: error\\[invalid-range\\]: `));
    expect(b).toContain('  at sections[0].items[1].tiers[0].when.n');
    expect(b.slice(-2)).toEqual(excerpt(line, column, '"at least 3"'));
  });

  it('puts the caret under an unknown key', () => {
    const { line, column } = pos(text, 'pionts');
    const b = blockFor('unknown-key');
    expect(b[0]).toMatch(new RegExp(`^fmt\\.yaml:${line}:${column}: error\\[unknown-key\\]: `));
    expect(b).toContain('  at sections[0].items[0].pionts');
    expect(b.slice(-2)).toEqual(excerpt(line, column, 'pionts'));
  });

  it('colours only when asked', () => {
    expect(formatIssues(error.issues, { sources: error.sources, color: true })).toMatch(/\u001b\[31merror\[/);
  });

  it('prints no excerpt without the source text', () => {
    const bare = formatIssues(error.issues);
    expect(bare).not.toMatch(/\^/);
    expect(bare).not.toMatch(/ \| /);
    expect(bare.split('\n\n')).toHaveLength(3);
  });

  it('formatPath writes paths as people read them', () => {
    expect(formatPath(['sections', 0, 'items', 2, 'points'])).toBe('sections[0].items[2].points');
    expect(formatPath(['evidence', '1.1a'])).toBe('evidence["1.1a"]');
    expect(formatPath(['evidence', 'II-11', 0, 'category'])).toBe('evidence.II-11[0].category');
  });
});

describe('a broken document, with an error from yaml at every token', () => {
  // One flow mapping, then two thousand more where none may follow: yaml reports a problem per token.
  // Some nine errors a line, each line's first reported.
  const broken = `{"a": 1}\n${'{"b": [2, 3]}, \n'.repeat(2_000)}`;
  const limit = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  afterEach(() => {
    if (limit) Object.defineProperty(Error, 'stackTraceLimit', limit);
  });

  it('places what a mapping lacks at the key that holds the mapping, for both readers', () => {
    const text = 'rubric: demo\nevidence:\n  coverage: 0.95\ntitle: { zh: 甲 }\n';
    for (const plainReader of [true, false]) {
      const { source } = readYaml(text, { file: 'ev.yaml', plainReader });
      const placed = placeIssues([issue('missing-evidence', ['evidence', 'satisfaction'], 'no evidence'), issue('missing-key', ['title', 'en'], 'no en')], source);
      expect(placed.map((i) => [i.line, i.column])).toEqual([
        [2, 1],
        [4, 1],
      ]);
    }
  });

  it('says a line indented wrongly once, at its first character', () => {
    const text = ['id: demo', 'items:', '  - id: b', '    title: B', '   points: 2', '    kind: check', ''].join('\n');
    const read = readYaml(text, { file: 'indent.yaml' });
    expect(read.issues.map((i) => [i.code, i.line, i.column])).toEqual([['yaml-syntax', 5, 4]]);
    expect(read.issues[0]?.message).toContain('(is the line indented as the others of its mapping or list are?)');
  });

  it('reads a long line holding thousands of syntax errors in linear time, as one issue', () => {
    // Each error on the line looked at the whole line again for an unquoted range: 40 000 of them took 25 s.
    // Timed against a quarter of the line, not a clock limit (a busy machine took 6 s): linear reading
    // takes about 2-3 × as long for 4 × the errors, the quadratic one took 16 ×.
    const timed = (errors: number) => {
      const text = `id: r\nx: [${'a: b: c, '.repeat(errors)}\n`;
      const started = performance.now();
      const read = readYaml(text, { file: 'long-line.yaml' });
      return { read, elapsed: performance.now() - started };
    };
    const quarter = timed(10_000);
    const whole = timed(40_000);
    expect(whole.read.issues.filter((i) => i.line === 2)).toHaveLength(1);
    expect(quarter.read.issues.filter((i) => i.line === 2)).toHaveLength(1);
    expect(whole.elapsed / quarter.elapsed).toBeLessThan(8);
  }, 60_000);

  it('gives its first hundred problems as yaml-syntax issues, and leaves Error.stackTraceLimit as it found it', () => {
    Error.stackTraceLimit = 25;
    const read = readYaml(broken, { file: 'broken.yaml' });
    expect(read.issues).toHaveLength(100);
    expect(new Set(read.issues.map((i) => i.code))).toEqual(new Set(['yaml-syntax']));
    // The first line is a whole flow mapping; the errors start on the second, one issue a line.
    expect(read.issues.map((i) => i.line)).toEqual(Array.from({ length: 100 }, (_, k) => k + 2));
    // Stack traces are off only while yaml reads (each of its errors would capture one).
    expect(Error.stackTraceLimit).toBe(25);
  });

  it('reads the same where Error.stackTraceLimit cannot be changed', () => {
    const expected = readYaml(broken, { file: 'broken.yaml' }).issues;
    Object.defineProperty(Error, 'stackTraceLimit', { value: 7, writable: false, configurable: true });
    expect(readYaml(broken, { file: 'broken.yaml' }).issues).toEqual(expected);
    expect(Error.stackTraceLimit).toBe(7);
  });
});
