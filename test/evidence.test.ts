import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ISSUE_CODES,
  RubricError,
  compile,
  evidenceProblems,
  loadEvidenceFile,
  loadRubricFile,
  parseRubric,
  plan,
  safeParseEvidence,
  safeScore,
  safeScoreTotals,
  score,
  scoreTotals,
  type CompiledRubric,
  type Issue,
  type IssueCode,
  type ItemTrace,
  type PathSegment,
  type ScoreResult,
  type SectionTrace,
} from '../src/node.js';

/* ------------------------------------------------------------------ helpers */

const repo = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** An inline rubric with one item of each evidence shape the tests need. */
const RUBRIC = [
  'id: evidence-demo',
  'version: "1"',
  'title: { zh: 证据示例, en: Evidence demo }',
  'source: { name: 示例 }',
  'max: 25',
  'sections:',
  '  - id: s1',
  '    title: { zh: 一, en: One }',
  '    max: 25',
  '    items:',
  '      - { id: ok, title: { zh: 甲, en: A }, points: 1, kind: check }',
  '      - { id: present, title: { zh: 乙, en: B }, points: 1, kind: check }',
  '      - id: volunteers',
  '        title: { zh: 志愿者, en: Volunteers }',
  '        points: 3',
  '        kind: count',
  '        cap: 3',
  '        counts:',
  '          - { id: n, zh: 人数, en: People, unit: 人, per: 0.5, step: 20 }',
  '      - id: people',
  '        title: { zh: 人员, en: People }',
  '        points: 2',
  '        kind: count',
  '        cap: 2',
  '        counts:',
  '          - { id: n, zh: 人数, en: People, per: 1 }',
  '      - id: groups',
  '        title: { zh: 组织, en: Groups }',
  '        points: 2',
  '        kind: count',
  '        cap: 2',
  '        counts:',
  '          - { id: n, zh: 个数, en: Groups, per: 1 }',
  '      - { id: satisfaction, title: { zh: 满意度, en: Satisfaction }, points: 4, kind: rate, mode: linear }',
  '      - id: area',
  '        title: { zh: 面积, en: Area }',
  '        points: 2',
  '        kind: tiers',
  '        measures:',
  '          area: { zh: 面积, en: Area, unit: m² }',
  '          households: { zh: 户数, en: Households, integer: true }',
  '        tiers:',
  '          - { points: 2, when: { area: ">= 300" } }',
  '      - id: hours',
  '        title: { zh: 学时, en: Hours }',
  '        points: 2',
  '        kind: count',
  '        cap: 2',
  '        counts:',
  '          - { id: h, zh: 学时, en: Hours, per: 1, integer: false }',
  '      - id: grade',
  '        title: { zh: 丙, en: C }',
  '        points: 8',
  '        kind: states',
  '        states:',
  '          - { id: A, fraction: 1 }',
  '          - { id: B, fraction: 0.66 }',
  '          - { id: C, fraction: 0.33 }',
  '',
].join('\n');

const compiled = compile(parseRubric(RUBRIC, { file: 'evidence-demo.yaml' }));

/** Evidence that scores without a problem. */
const GOOD: Record<string, unknown> = {
  ok: true,
  present: false,
  volunteers: 45,
  people: 1,
  groups: 2,
  satisfaction: { count: 56, of: 60 },
  area: { area: 320, households: 1200 },
  hours: 1.5,
  grade: 'B',
};

function scoreError(c: CompiledRubric, evidence: unknown, options: Parameters<typeof score>[2] = {}): RubricError {
  let thrown: unknown;
  try {
    score(c, evidence, options);
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'scoring should fail').toBeInstanceOf(RubricError);
  return thrown as RubricError;
}

function issueAt(e: RubricError, path: PathSegment[]): Issue {
  const found = e.issues.filter((i) => JSON.stringify(i.path) === JSON.stringify(path));
  expect(found, `one issue at ${JSON.stringify(path)} in ${JSON.stringify(e.issues)}`).toHaveLength(1);
  return found[0] as Issue;
}

/** The same value with the keys of every mapping inserted in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).reverse()) out[key] = reverseKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function permutations<T>(list: readonly T[]): T[][] {
  if (list.length <= 1) return [list.slice()];
  return list.flatMap((x, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]));
}

function allItems(r: ScoreResult): Map<string, ItemTrace> {
  const items = new Map<string, ItemTrace>();
  const addItem = (i: ItemTrace) => {
    items.set(i.id, i);
    i.parts?.forEach(addItem);
  };
  const walk = (s: SectionTrace) => {
    s.sections?.forEach(walk);
    s.items?.forEach(addItem);
  };
  r.sections.forEach(walk);
  return items;
}

/* ------------------------------------------------------------------ sanity */

describe('the inline rubric', () => {
  it('scores good evidence exactly', () => {
    const r = score(compiled, GOOD);
    const items = allItems(r);
    // volunteers ⌊45/20⌋ × 0.5 = 1; people 1; groups 2; satisfaction 4 × 56/60 = 3.7333… → 3.73;
    // area 320 ≥ 300 → 2; hours ⌊1.5⌋ × 1 = 1; grade 8 × 0.66 = 5.28; ok 1; present 0
    expect(items.get('volunteers')?.points).toBe('1');
    expect(items.get('satisfaction')?.points).toBe('3.73');
    expect(items.get('grade')?.points).toBe('5.28');
    expect(items.get('hours')?.points).toBe('1');
    expect(r.total).toBe('17.01'); // 1 + 0 + 1 + 1 + 2 + 3.73 + 2 + 1 + 5.28
  });
});

/* ------------------------------------------------------------------ problems */

describe('evidence problems are all reported at once', () => {
  const bad: Record<string, unknown> = {
    okk: true, // unknown (did you mean "ok"?), and "ok" is then missing
    present: true,
    volunteers: -3, // negative count
    people: Infinity,
    groups: 2.5, // a count must be whole
    satisfaction: 1.2, // a rate above 1
    area: { area: 'big', households: 2.5 }, // a string for a number; a whole number of households
    hours: Number.NaN,
    grade: 'B',
  };
  const error = scoreError(compiled, bad);

  it('in one RubricError, each issue under evidence.<item id>', () => {
    expect(error.issues).toHaveLength(9);
    for (const i of error.issues) {
      expect(ISSUE_CODES).toContain(i.code);
      expect(i.path[0]).toBe('evidence');
      expect(compiled.allItems.has(String(i.path[1])) || i.path[1] === 'okk').toBe(true);
    }
    const safe = safeScore(compiled, bad);
    expect(safe.success).toBe(false);
    if (!safe.success) expect(safe.error.issues).toEqual(error.issues);
  });

  it('a value of hundreds of digits is named by its start and its length, not echoed whole', () => {
    const long = `1.${'1'.repeat(500)}`;
    const issue = scoreError(compiled, { ...bad, groups: long }).issues.find((i) => i.path[1] === 'groups');
    expect(issue?.message).toBe(`expected a whole number, found 1.${'1'.repeat(38)}… (502 characters)`);
    expect(issue?.found).toBe(`1.${'1'.repeat(38)}… (502 characters)`);
  });

  it('an unknown item id, with did-you-mean', () => {
    const i = issueAt(error, ['evidence', 'okk']);
    expect(i.code).toBe('unknown-item');
    expect(i.message).toContain('did you mean "ok"');
  });

  it('a record of thousands of unknown keys reports each, with did-you-mean for the first hundred only', () => {
    // A table of communities given as one record: every key unknown, each once compared with every item.
    const table = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`volunteers${String(i).padStart(5, '0')}`, true]));
    const started = Date.now();
    const r = safeScore(compiled, table);
    expect(Date.now() - started).toBeLessThan(3000);
    const unknown = r.success ? [] : r.error.issues.filter((i) => i.code === 'unknown-item');
    expect(unknown).toHaveLength(50_000);
    expect(unknown.filter((i) => i.message.includes('did you mean')).map((i) => i.found)).toEqual(Object.keys(table).slice(0, 100));
  });

  it('missing evidence', () => {
    expect(issueAt(error, ['evidence', 'ok']).code).toBe('missing-evidence');
  });

  it('an empty evidence mapping, and 是 for true, say what to write', () => {
    const empty = safeParseEvidence('rubric: x\nevidence:\n', { file: 'e.yaml' });
    expect(empty.success ? [] : empty.error.issues.map((i) => [i.code, i.path.join('.'), i.message])).toEqual([['invalid-type', 'evidence', 'expected a mapping, found null']]);
    const yes = safeScore(compiled, { ok: '是' }, { missing: 'zero' });
    expect(yes.success ? '' : yes.error.issues[0]?.message).toBe('expected true or false, found "是" (write true for 是)');
  });

  it('a whole evidence document given where its evidence mapping is expected says so', () => {
    const whole = safeScore(compiled, { rubric: compiled.rubric.id, community: { id: 'x' }, evidence: {} });
    const issues = whole.success ? [] : whole.error.issues;
    expect(issues.find((i) => i.path.join('.') === 'evidence.evidence')?.message).toContain('score its "evidence" mapping (doc.evidence)');
    expect(issues.find((i) => i.path.join('.') === 'evidence.community')?.code).toBe('unknown-item');
    // First, so that the error's message (what a log shows) says it, from score and scoreTotals alike.
    for (const scored of [whole, safeScoreTotals(compiled, { rubric: compiled.rubric.id, community: { id: 'x' }, evidence: {} })]) {
      expect(scored.success ? '' : scored.error.message).toMatch(/^evidence\.evidence: the rubric has no item "evidence": this is a whole evidence document/);
    }
  });

  it('evidence given as its text, or as a Map, says what to give instead', () => {
    const text = safeScore(compiled, 'evidence:\n  ok: true\n');
    expect(text.success ? [] : text.error.issues.map((i) => [i.code, i.path.join('.'), i.message])).toEqual([
      ['invalid-type', 'evidence', 'evidence is a mapping from item id to value, found "evidence:\\n  ok: true\\n" (read the text with safeParseEvidence first)'],
    ]);
    // A Map has no keys of its own: it was read as a record with every item missing (0 points under missing: zero).
    for (const scored of [safeScore, safeScoreTotals].flatMap((f) => [f(compiled, new Map([['ok', true]])), f(compiled, new Map([['ok', true]]), { missing: 'zero' })])) {
      expect(scored.success ? [] : scored.error.issues.map((i) => [i.code, i.path.join('.'), i.message])).toEqual([
        ['invalid-type', 'evidence', 'evidence is a mapping from item id to value, found a Map (a plain object: Object.fromEntries(map))'],
      ]);
    }
  });

  it('a string for a number', () => {
    const i = issueAt(error, ['evidence', 'area', 'area']);
    expect(i.code).toBe('invalid-type');
    expect(i.found).toBe('"big"');
  });

  it('a rate above 1 and a negative count are out of range', () => {
    expect(issueAt(error, ['evidence', 'satisfaction']).code).toBe('out-of-range');
    expect(issueAt(error, ['evidence', 'volunteers']).code).toBe('out-of-range');
  });

  it('a non-integer where a count must be whole', () => {
    expect(issueAt(error, ['evidence', 'groups']).code).toBe('invalid-value');
    expect(issueAt(error, ['evidence', 'area', 'households']).code).toBe('invalid-value');
    expect(issueAt(error, ['evidence', 'groups']).message).toMatch(/whole/);
  });

  it('NaN and Infinity are refused', () => {
    const allowed: IssueCode[] = ['invalid-type', 'invalid-value', 'out-of-range'];
    expect(allowed).toContain(issueAt(error, ['evidence', 'hours']).code);
    expect(allowed).toContain(issueAt(error, ['evidence', 'people']).code);
    expect(issueAt(error, ['evidence', 'hours']).message).toContain('NaN');
    expect(issueAt(error, ['evidence', 'people']).message).toContain('Infinity');
  });

  it('every message reads as a sentence (no zod fallbacks, no doubled words)', () => {
    for (const i of error.issues) {
      expect(i.message, JSON.stringify(i)).not.toMatch(/Invalid input/);
      expect(i.message, JSON.stringify(i)).not.toMatch(/expected expected/);
      expect((i.message.match(/found/g) ?? []).length, JSON.stringify(i)).toBeLessThanOrEqual(1);
    }
  });

  it('the valid items (present, grade) raise nothing', () => {
    expect(error.issues.some((i) => i.path[1] === 'present' || i.path[1] === 'grade')).toBe(false);
  });

  it('the same problems read from a YAML evidence file are placed at their values', () => {
    const text = [
      'rubric: evidence-demo',
      'evidence:',
      '  okk: true',
      '  present: true',
      '  volunteers: -3',
      '  people: .inf',
      '  groups: 2.5',
      '  satisfaction: 1.2',
      '  area: { area: big, households: 2.5 }',
      '  hours: .nan',
      '  grade: B',
      '',
    ].join('\n');
    const doc = safeParseEvidence(text, { file: 'bad.yaml' });
    expect(doc.success).toBe(true);
    if (!doc.success) return;
    const e = evidenceProblems(compiled, doc.data, text, 'bad.yaml');
    expect(e).toBeInstanceOf(RubricError);
    if (!e) return;
    expect(e.issues).toHaveLength(9);
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const colOf = (needle: string, token: string) => {
      const line = text.split('\n')[lineOf(needle) - 1] as string;
      return line.indexOf(token, line.indexOf(needle)) + 1;
    };
    const at = (path: PathSegment[]) => issueAt(e, path);
    expect(at(['evidence', 'volunteers'])).toMatchObject({ file: 'bad.yaml', line: lineOf('volunteers:'), column: colOf('volunteers:', '-3') });
    expect(at(['evidence', 'people'])).toMatchObject({ line: lineOf('people:'), column: colOf('people:', '.inf') });
    expect(at(['evidence', 'hours'])).toMatchObject({ line: lineOf('hours:'), column: colOf('hours:', '.nan') });
    expect(at(['evidence', 'area', 'area'])).toMatchObject({ line: lineOf('area: {'), column: colOf('area: {', 'big') });
    expect(at(['evidence', 'area', 'households'])).toMatchObject({ line: lineOf('area: {'), column: colOf('area: {', '2.5') });
    // An unknown item is placed at its key, as an unknown key in a rubric is.
    expect(at(['evidence', 'okk'])).toMatchObject({ line: lineOf('okk:'), column: colOf('okk:', 'okk') });
    expect(e.sources['bad.yaml']).toBe(text);
  });
});

describe('evidence forms', () => {
  it('a rate given as { count, of } with more satisfied than asked is out of range at count', () => {
    const e = scoreError(compiled, { ...GOOD, satisfaction: { count: 61, of: 60 } });
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ code: 'out-of-range', path: ['evidence', 'satisfaction', 'count'] });
  });

  it('a single count given as an object reports the problem inside it', () => {
    const e = scoreError(compiled, { ...GOOD, volunteers: { n: -3 } });
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ code: 'out-of-range', path: ['evidence', 'volunteers', 'n'] });
  });

  it('a rate given as a word is a wrong type with a readable message', () => {
    const e = scoreError(compiled, { ...GOOD, satisfaction: 'high' });
    expect(e.issues).toHaveLength(1);
    const i = e.issues[0] as Issue;
    expect(i).toMatchObject({ code: 'invalid-type', path: ['evidence', 'satisfaction'] });
    expect(i.message).not.toMatch(/expected expected/);
    expect(i.message.match(/found/g)).toHaveLength(1);
  });

  it('numbers written as decimal strings are read exactly', () => {
    const r = score(compiled, { ...GOOD, satisfaction: '0.1', volunteers: '40' });
    const items = allItems(r);
    expect(items.get('satisfaction')?.points).toBe('0.4');
    expect(items.get('volunteers')?.points).toBe('1');
  });

  it('null counts as missing', () => {
    const e = scoreError(compiled, { ...GOOD, present: null });
    expect(e.issues).toEqual([expect.objectContaining({ code: 'missing-evidence', path: ['evidence', 'present'] })]);
  });

  it('evidence that is not a mapping is one invalid-type issue', () => {
    for (const v of [null, 42, 'x', [true]]) {
      const e = scoreError(compiled, v);
      expect(e.issues.map((i) => i.code)).toEqual(['invalid-type']);
    }
  });
});

/* ------------------------------------------------------------------ missing: zero */

describe('a deduct item whose precondition is false', () => {
  const binjiang = compile(parseRubric(readFileSync(repo('rubrics/binjiang-2023-draft.yaml'), 'utf8')));
  const patrol = (value: unknown) => ({ 'C3-safety': { 'C3-safety-rules': 'complete', 'C3-safety-training': 'not-held', 'C3-safety-patrol': value } });
  const points = (value: unknown) => {
    return allItems(score(binjiang, patrol(value), { missing: 'zero' })).get('C3-safety-patrol')?.points;
  };

  it('scores otherwise (0.5) with its deductions left out, null or given', () => {
    expect(points({ regular_patrol: false })).toBe('0.5');
    expect(points({ regular_patrol: false, hazards_unfixed: null, records_incomplete: null })).toBe('0.5');
    expect(points({ regular_patrol: false, hazards_unfixed: 2, records_incomplete: true })).toBe('0.5');
    expect(points({ regular_patrol: true, hazards_unfixed: 1, records_incomplete: false })).toBe('0.5');
  });

  it('with regular patrols, reports every missing deduction beside the other problems, in one pass', () => {
    const issues = scoreError(binjiang, patrol({ regular_patrol: true, hazards_unfixed: 'many' }), { missing: 'zero' }).issues.map((i) => ({ code: i.code, path: i.path.join('.') }));
    expect(issues).toEqual([
      { code: 'invalid-type', path: 'evidence.C3-safety.C3-safety-patrol.hazards_unfixed' },
      { code: 'missing-key', path: 'evidence.C3-safety.C3-safety-patrol.records_incomplete' },
    ]);
  });

  it('a list where the mapping goes is one problem, not that plus each deduction missing', () => {
    const issues = scoreError(binjiang, patrol([]), { missing: 'zero' }).issues.map((i) => ({ code: i.code, path: i.path.join('.') }));
    expect(issues).toEqual([{ code: 'invalid-type', path: 'evidence.C3-safety.C3-safety-patrol' }]);
  });

  it('totals agree with the full score on each form', () => {
    for (const value of [{ regular_patrol: false }, { regular_patrol: false, hazards_unfixed: null, records_incomplete: true }]) {
      const full = score(binjiang, patrol(value), { missing: 'zero' });
      expect(scoreTotals(binjiang, patrol(value), { missing: 'zero' }).total).toBe(full.total);
    }
  });
});

describe("missing: 'zero'", () => {
  const r = score(compiled, { ok: true }, { missing: 'zero' });
  const items = allItems(r);

  it('scores missing items as 0 with a reason saying so', () => {
    expect(r.total).toBe('1');
    for (const [id, trace] of items) {
      if (id === 'ok') continue;
      expect(trace.points, id).toBe('0');
      expect(trace.evidence, id).toBeNull();
      expect(trace.reason.en, id).toMatch(/no evidence/);
      expect(trace.reason.zh, id).toMatch(/无证据/);
    }
    expect(items.get('ok')?.points).toBe('1');
    expect(items.get('ok')?.reason.en).not.toMatch(/no evidence/);
  });

  it('a check item without evidence is a criterion not met', () => {
    expect(items.get('present')?.met).toBe(false);
    expect(r.criteria).toEqual({ met: 1, total: 2, share: '0.5' });
  });

  it('still reports unknown ids and bad values', () => {
    const e = scoreError(compiled, { okk: true, satisfaction: 2 }, { missing: 'zero' });
    expect(e.issues.map((i) => i.code).sort()).toEqual(['out-of-range', 'unknown-item']);
  });
});

/* ------------------------------------------------------------------ order */

describe('key order does not matter', () => {
  it('inline: keys inserted in reverse give byte-identical JSON', () => {
    const community = { name: '示例社区', id: 'C1', district: '某区' };
    const a = score(compiled, GOOD, { community });
    const b = score(compiled, reverseKeys(GOOD), { community: reverseKeys(community) });
    expect(Object.keys(reverseKeys(GOOD) as object)).toEqual(Object.keys(GOOD).reverse());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  // Evidence files only: examples/ may also hold example rubrics (with extends:).
  const examples = readdirSync(repo('examples'))
    .filter((f) => /\.ya?ml$/.test(f) && /^evidence:/m.test(readFileSync(repo(`examples/${f}`), 'utf8')))
    .sort();

  it('there are example evidence files to check', () => {
    expect(examples).toContain('jiangxi-strong.yaml');
  });

  it.each(examples)('examples/%s scored with reversed keys gives byte-identical JSON', async (name) => {
    const doc = await loadEvidenceFile(repo(`examples/${name}`));
    expect(doc.rubric, `${name} names its rubric`).toBeDefined();
    const rubricFile = readdirSync(repo('rubrics')).find((f) => readFileSync(repo(`rubrics/${f}`), 'utf8').includes(`\nid: ${doc.rubric}\n`));
    expect(rubricFile, `a bundled rubric with id ${doc.rubric}`).toBeDefined();
    const c = compile(await loadRubricFile(repo(`rubrics/${rubricFile}`)));
    const a = score(c, doc.evidence, { community: doc.community });
    const b = score(c, reverseKeys(doc.evidence), { community: reverseKeys(doc.community) });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('the community record of a result', () => {
  // Lists of evidence are sets, echoed in a canonical order; a community's lists are the caller's data.
  const community = { name: '示例', visits: [{ on: '2024-03-01' }, { on: '2024-01-01' }], inspected: new Date(Date.UTC(2024, 2, 1)), id: 'C1' };
  const written = { id: 'C1', inspected: '2024-03-01T00:00:00.000Z', name: '示例', visits: [{ on: '2024-03-01' }, { on: '2024-01-01' }] };

  it('is a copy as JSON writes it: keys sorted, lists in their order, a Date as its text', () => {
    const results = [score(compiled, {}, { missing: 'zero', community }), scoreTotals(compiled, {}, { missing: 'zero', community }), plan(compiled, {}, { missing: 'zero', community })];
    for (const r of results) {
      expect(r.community).toEqual(written);
      expect(JSON.stringify(r.community)).toBe(JSON.stringify(written));
    }
    // The same whichever order its keys came in.
    const reversed = { id: 'C1', inspected: community.inspected, visits: community.visits, name: '示例' };
    expect(JSON.stringify(score(compiled, {}, { missing: 'zero', community: reversed }))).toBe(JSON.stringify(results[0]));
  });

  it('leaves out what JSON cannot write, and writes a BigInt as its digits (JSON.stringify of the result threw)', () => {
    const odd = { id: 12345678901234567890n, note: undefined, call: () => 1, tags: ['a', undefined, Symbol('s')] };
    for (const r of [score(compiled, {}, { missing: 'zero', community: odd }), scoreTotals(compiled, {}, { missing: 'zero', community: odd })]) {
      expect(r.community).toEqual({ id: '12345678901234567890', tags: ['a', null, null] });
      expect(() => JSON.stringify(r)).not.toThrow();
    }
  });
});

describe('list order does not matter', () => {
  it('levels (binjiang C6-honours and C6-media-coverage)', async () => {
    const c = compile(await loadRubricFile(repo('rubrics/binjiang-2023-draft.yaml')));
    const doc = await loadEvidenceFile(repo('examples/binjiang-demonstration.yaml'));
    const levels = ['city', 'provincial', 'national'];
    const media = doc.evidence['C6-media'] as Record<string, unknown>;
    const results = permutations(levels).map((p) =>
      JSON.stringify(score(c, { ...doc.evidence, 'C6-honours': p, 'C6-media': { ...media, 'C6-media-coverage': [...p].reverse() } })),
    );
    expect(new Set(results).size).toBe(1);
    const items = allItems(JSON.parse(results[0] as string) as ScoreResult);
    expect(items.get('C6-honours')?.points).toBe('3');
    expect(items.get('C6-media-coverage')?.points).toBe('3');
  });

  it('bonus honours (jiangxi bonus-honours), in and out of the window, one matter at two levels', async () => {
    const c = compile(await loadRubricFile(repo('rubrics/jiangxi-db36-t-1609-2022.yaml')));
    const doc = await loadEvidenceFile(repo('examples/jiangxi-strong.yaml'));
    const honours = [
      { matter: '全国和谐社区建设示范社区', level: 'national', year: 2023 },
      { matter: '江西省文明社区', level: 'provincial', year: 2020 },
      { matter: '省级示范点', level: 'provincial', year: 2019 },
      { matter: '全国和谐社区建设示范社区', level: 'provincial', year: 2022 },
    ];
    const results = permutations(honours).map((p) => JSON.stringify(score(c, { ...doc.evidence, 'bonus-honours': { year: 2024, honours: p } })));
    expect(new Set(results).size).toBe(1);
    // national 3 for the one matter in the window (its provincial listing counted once, at the higher level)
    expect(allItems(JSON.parse(results[0] as string) as ScoreResult).get('bonus-honours')?.points).toBe('3');
  });

  it('projects (zhoushan II-11)', async () => {
    const c = compile(await loadRubricFile(repo('rubrics/zhoushan-2017.yaml')));
    const doc = await loadEvidenceFile(repo('examples/zhoushan-good.yaml'));
    const projects = doc.evidence['II-11'] as unknown[];
    expect(projects.length).toBeGreaterThanOrEqual(3);
    const results = permutations(projects).map((p) => JSON.stringify(score(c, { ...doc.evidence, 'II-11': p })));
    expect(results.length).toBeGreaterThan(1);
    expect(new Set(results).size).toBe(1);
  });

  it('inline levels, bonus and projects items', () => {
    const text = [
      'id: lists',
      'version: "1"',
      'title: { zh: 列表, en: Lists }',
      'source: { name: 示例 }',
      'max: 13',
      'sections:',
      '  - id: s',
      '    title: { zh: 一, en: One }',
      '    max: 13',
      '    items:',
      '      - id: lv',
      '        title: { zh: 级别, en: Levels }',
      '        points: 3',
      '        kind: levels',
      '        levels:',
      '          - { id: city, zh: 市级, en: City, points: 1 }',
      '          - { id: provincial, zh: 省级, en: Provincial, points: 2 }',
      '          - { id: national, zh: 国家级, en: National, points: 3 }',
      '      - id: bn',
      '        title: { zh: 加分, en: Bonus }',
      '        points: 5',
      '        kind: bonus',
      '        cap: 5',
      '        window: { years: 2 }',
      '        levels:',
      '          - { id: provincial, zh: 省级, en: Provincial, points: 2 }',
      '          - { id: national, zh: 国家级, en: National, points: 3 }',
      '      - id: pj',
      '        title: { zh: 项目, en: Projects }',
      '        points: 5',
      '        kind: projects',
      '        perCategory: 2',
      '        scoreMax: 100',
      '        categories:',
      '          - { id: x, zh: 甲类, en: X }',
      '          - { id: y, zh: 乙类, en: Y }',
      '',
    ].join('\n');
    const c = compile(parseRubric(text));
    const honours = [
      { matter: 'B', level: 'provincial', year: 2024 },
      { matter: 'A', level: 'national', year: 2023 },
      { matter: 'C', level: 'national', year: 2020 },
      { matter: 'D', level: 'provincial', year: 2021 },
    ];
    const projects = [
      { name: 'p1', category: 'x', score: 90 },
      { name: 'p2', category: 'y', score: 85.5 },
      { name: 'p3', category: 'x', score: 70 },
      { name: 'p4', category: 'y', score: 99 },
    ];
    const results = new Set<string>();
    const hp = permutations(honours);
    const pp = permutations(projects);
    for (let k = 0; k < 24; k++) {
      const lv = permutations(['national', 'city', 'provincial'])[k % 6] as string[];
      results.add(JSON.stringify(score(c, { lv, bn: { year: 2024, honours: hp[k] }, pj: pp[(k * 7) % 24] })));
    }
    expect(results.size).toBe(1);
    const items = allItems(JSON.parse([...results][0] as string) as ScoreResult);
    expect(items.get('lv')?.points).toBe('3');
    expect(items.get('bn')?.points).toBe('5'); // A 3 + B 2 in 2023–2024; C, D outside
    // 5 × (90 + 85.5 + 70 + 99) / 4 / 100 = 5 × 86.125 / 100 = 4.30625 → 4.31
    expect(items.get('pj')?.points).toBe('4.31');
    expect(items.get('pj')?.rounded?.from).toBe('4.30625');
  });
});
