import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  applyOptions,
  compile,
  Dec,
  defineRuleKind,
  formatPlan,
  parseRubric,
  plan,
  planOptions,
  safeParseCostsObject,
  safeParseRubric,
  safeParseRubricObject,
  safeScore,
  safeScoreTotals,
  score,
  totalsOf,
  type CompiledRubric,
  type ItemBase,
  type ItemTrace,
  type PlanOption,
  type ScoreOptions,
  type ScoreResult,
} from '../src/index.js';
import { itemScorer, scoreRows, yamlTemplate } from '../src/node.js';
import { safeScoreExactly } from '../src/evaluate.js';
import { evidenceOf, load } from './support/bundled.js';
import { arbitraryRubricEvidence } from './support/evidence.js';
import { pos } from './support/rubric-text.js';
import { tempDir } from './support/temp.js';

/**
 * `requires` on a part of a sum (kinds/requires.ts, requires-problems.ts):
 * a part scores only when the sibling it requires is met. Checked against a
 * model written here, in every mode (score, the exact path, totals with
 * generated code and without, batch), by the planner, the template, and as
 * rubric problems reported in one pass.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 60);
const temp = tempDir('shequ-requires-');

/** Parts of every shape requires meets: checks, counts met at their cap, a premise worth 0, a sum required and requiring. */
const RUBRIC = `id: requires-demo
version: "1"
title: { zh: 依赖示例, en: Requires demo }
source: { name: 示例 }
max: 15
sections:
  - id: rooms
    title: { zh: 功能, en: Functions }
    max: 15
    items:
      - id: elderly
        title: { zh: 老年活动室, en: Seniors' room }
        points: 3
        kind: sum
        parts:
          - { id: room, title: { zh: 有老年活动室, en: Has a seniors' room }, points: 2, kind: check }
          - { id: anti-slip, title: { zh: 地面防滑, en: Slip-resistant floor }, points: 0.5, kind: check, requires: room }
          - { id: warm-walls, title: { zh: 墙面暖色, en: Warm walls }, points: 0.5, kind: check, requires: room }
      - id: volunteers
        title: { zh: 志愿者, en: Volunteers }
        points: 5
        kind: sum
        cap: 5
        parts:
          - { id: registered, title: { zh: 注册志愿者, en: Registered }, points: 3, kind: count, cap: 3, counts: [ { id: n, zh: 人数, en: People, per: 0.5, step: 20 } ] }
          - { id: hours, title: { zh: 服务时长, en: Hours }, points: 2, kind: count, cap: 2, requires: registered, counts: [ { id: h, zh: 小时, en: Hours, per: 0.5, step: 500 } ] }
          - { id: trained, title: { zh: 培训, en: Trained }, points: 0.5, kind: check, requires: registered }
      - id: service
        title: { zh: 一滨办, en: Service window }
        points: 1
        kind: sum
        parts:
          - { id: window, title: { zh: 有一滨办, en: Has a service window }, kind: checklist }
          - { id: sign, title: { zh: 三色标识, en: Three-colour sign }, points: 0.5, kind: check, requires: window }
          - { id: counter, title: { zh: 服务台无遮挡, en: Open counter }, points: 0.5, kind: check, requires: window }
      - id: hall
        title: { zh: 议事厅, en: Hall }
        points: 4
        kind: sum
        parts:
          - { id: hall-present, title: { zh: 有议事厅, en: Has a hall }, points: 2, kind: check }
          - id: fittings
            title: { zh: 装修, en: Fittings }
            points: 1
            kind: sum
            requires: hall-present
            parts:
              - { id: tiles, title: { zh: 地砖, en: Tiles }, points: 0.5, kind: check }
              - { id: panels, title: { zh: 无木饰板, en: No panels }, points: 0.5, kind: check, requires: tiles }
          - { id: seats, title: { zh: 座椅, en: Seats }, points: 1, kind: check }
      - { id: study, title: { zh: 共享书房, en: Shared study }, points: 2, kind: check }
gates:
  - { id: floor-counted, title: { zh: 地面计分, en: Floor counted }, subject: "item:anti-slip", range: ">= 0.5", effect: report }
grades:
  subject: total
  bands:
    - { id: good, label: { zh: 好, en: Good }, range: ">= 11" }
    - { id: fair, label: { zh: 中, en: Fair }, range: "[7, 11)" }
    - { id: poor, label: { zh: 差, en: Poor }, range: "< 7", passing: false }
`;

const compiled = compile(parseRubric(RUBRIC));
const jitless = compile(parseRubric(RUBRIC), { jitless: true });
/** The same rubric without requires: each part's points from its own evidence alone. */
const alone = compile(parseRubric(RUBRIC.replace(/, requires: [\w-]+/g, '').replace(/\n +requires: [\w-]+/g, '')));

type Sum = ItemBase & { parts: ItemBase[]; cap?: Dec };

/** Every trace of a result, parts included, by id. */
function traces(r: ScoreResult): Map<string, ItemTrace> {
  const out = new Map<string, ItemTrace>();
  const item = (t: ItemTrace) => {
    out.set(t.id, t);
    t.parts?.forEach(item);
  };
  const section = (s: ScoreResult['sections'][number]) => {
    s.sections?.forEach(section);
    s.items?.forEach(item);
  };
  r.sections.forEach(section);
  return out;
}

/**
 * The model: each part's points as its own evidence gives them (the rubric
 * without requires), and a part that requires a sibling 0 unless that
 * sibling scored in full (or, worth 0, was judged met). Points by id.
 */
function model(evidence: Record<string, unknown>, options: ScoreOptions): Map<string, Dec> {
  const own = traces(score(alone, evidence, options));
  const out = new Map<string, Dec>();
  const counted = (item: ItemBase): Dec => {
    const parts = (item as Sum).parts;
    if (!parts) return Dec.parse(own.get(item.id)?.points ?? '0') as Dec;
    const points = parts.map(counted);
    const met = (i: number) => {
      const max = compiled.maxOf(parts[i] as ItemBase);
      return max.isZero() ? own.get((parts[i] as ItemBase).id)?.met !== false : (points[i] as Dec).eq(max);
    };
    const kept = parts.map((p, i) => {
      const r = parts.findIndex((q) => q.id === p.requires);
      return r < 0 || met(r) ? (points[i] as Dec) : Dec.ZERO;
    });
    parts.forEach((p, i) => out.set(p.id, kept[i] as Dec));
    const sum = Dec.sum(kept);
    return (item as Sum).cap ? Dec.min((item as Sum).cap as Dec, sum) : sum;
  };
  for (const item of compiled.items.values()) out.set(item.id, counted(item));
  return out;
}

/** Valid evidence, now and then with parts or items left out (scored 0 under missing: zero). */
const evidenceArb = fc.tuple(arbitraryRubricEvidence(compiled), fc.array(fc.nat(), { maxLength: 3 }), fc.boolean()).map(([generated, holes, zero]) => {
  // A copy: fast-check hands the generated value to every shrink.
  const evidence = structuredClone(generated);
  const paths = [...compiled.items.values()].flatMap((item) => [[item.id], ...((item as Sum).parts ?? []).map((p) => [item.id, p.id])]);
  if (zero) {
    for (const h of holes) {
      const [id, part] = paths[h % paths.length] as string[];
      const value = evidence[id as string];
      if (part === undefined) delete evidence[id as string];
      else if (value && typeof value === 'object') delete (value as Record<string, unknown>)[part];
    }
  }
  return { evidence, options: (zero ? { missing: 'zero' } : {}) as ScoreOptions };
});

describe('a part requiring a sibling', () => {
  it('scores as the model says, and never adds points while the sibling it requires is not met', () => {
    fc.assert(
      fc.property(evidenceArb, arbitraryRubricEvidence(compiled), ({ evidence, options }, other) => {
        const r = score(compiled, evidence, options);
        const byId = traces(r);
        const want = model(evidence, options);
        // An item given no evidence (missing: zero) has no parts in its trace.
        for (const [id, points] of want) if (byId.has(id)) expect(byId.get(id)?.points, id).toBe(points.toString());
        // A part whose required sibling is not met: 0, not met if it judges, and its own evidence changes nothing.
        const swapped = structuredClone(evidence);
        for (const item of compiled.items.values()) {
          for (const p of (item as Sum).parts ?? []) {
            const required = p.requires === undefined ? undefined : byId.get(p.requires);
            if (!required) continue;
            const max = Dec.parse(required.max) as Dec;
            const met = max.isZero() ? required.met !== false : required.points === required.max;
            if (met) continue;
            const t = byId.get(p.id) as ItemTrace;
            expect(t.points, p.id).toBe('0');
            if (t.met !== undefined) expect(t.met, p.id).toBe(false);
            expect(t.reason.en).toBe(`needs "${(compiled.allItems.get(p.requires as string) as ItemBase).title.en}" (not met): 0`);
            const holder = swapped[item.id] as Record<string, unknown> | undefined;
            if (holder && p.id in holder) holder[p.id] = (other[item.id] as Record<string, unknown>)[p.id];
          }
        }
        expect(score(compiled, swapped, options).total).toBe(r.total);
      }),
      { numRuns: runs * 4 },
    );
  });

  it('gives the same result in every mode: score, the exact path, totals (generated code and closures) and batch', async () => {
    const sample = fc.sample(evidenceArb, { seed: 20260523, numRuns: runs * 4 });
    const items = { error: itemScorer(compiled, 'error'), zero: itemScorer(compiled, 'zero') };
    for (const { evidence, options } of sample) {
      const full = safeScore(compiled, evidence, options);
      const exact = safeScoreExactly(compiled, evidence, options);
      expect(JSON.stringify(full)).toBe(JSON.stringify(exact));
      if (!full.success) throw full.error;
      const totals = JSON.stringify(totalsOf(full.data));
      expect(JSON.stringify(safeScoreTotals(compiled, evidence, options).success && safeScoreTotals(compiled, evidence, options))).toBe(JSON.stringify({ success: true, data: JSON.parse(totals) }));
      const closures = safeScoreTotals(jitless, evidence, options);
      expect(closures.success && JSON.stringify(closures.data)).toBe(totals);
      const byId = traces(full.data);
      for (const p of items[options.missing === 'zero' ? 'zero' : 'error'](evidence)) {
        expect(p.scaled / 100, p.id).toBe(Number(byId.get(p.id)?.points));
      }
    }
    // A batch of the same records, read from a JSON Lines file.
    const complete = sample.filter((s) => s.options.missing === undefined);
    const file = temp.write('rows.jsonl', complete.map((s) => JSON.stringify({ evidence: s.evidence })).join('\n'));
    const rows: string[] = [];
    for await (const row of scoreRows(compiled, file)) rows.push(row.result?.total ?? 'error');
    expect(rows).toEqual(complete.map((s) => score(compiled, s.evidence).total));
  });

  it('is read by a gate on the part: what the part counts, 0 while withheld', () => {
    const evidence = {
      elderly: { room: false, 'anti-slip': true, 'warm-walls': true },
      volunteers: { registered: 60, hours: 1000, trained: true },
      service: { window: true, sign: true, counter: false },
      hall: { 'hall-present': true, fittings: { tiles: false, panels: true }, seats: true },
      study: true,
    };
    const r = score(compiled, evidence);
    // registered 3 × 0.5 = 1.5 of 3, not in full: hours and training withheld; window met: sign 0.5; fittings 0 + 0 (panels need tiles)
    expect(r.total).toBe('7');
    expect(r.gates[0]).toMatchObject({ id: 'floor-counted', value: '0', passed: false });
    const withRoom = score(compiled, { ...evidence, elderly: { room: true, 'anti-slip': true, 'warm-walls': true } });
    expect(withRoom.total).toBe('10');
    expect(withRoom.gates[0]).toMatchObject({ value: '0.5', passed: true });
    const trace = traces(r);
    expect(trace.get('hours')?.reason.zh).toBe('需先满足「注册志愿者」（未满足），得 0 分');
    expect(trace.get('trained')).toMatchObject({ points: '0', met: false, evidence: true });
    expect(trace.get('fittings')).toMatchObject({ points: '0', reason: { zh: '子项 0 + 0 = 0，得 0 分', en: 'parts 0 + 0 = 0: 0' } });
  });
});

describe('rubric problems of requires', () => {
  const best = defineRuleKind({
    name: 'best-of',
    doc: { summary: { zh: '取子项最高', en: 'The best part' }, example: '', evidenceExample: '{}' },
    params: (ctx) => ({ parts: z.array(z.lazy(() => ctx.item)).min(1) }),
    maxPoints: (item: ItemBase & { parts: ItemBase[] }, partMax) => item.parts.map(partMax).reduce((a, b) => Dec.max(a, b)),
    evidence: (item: ItemBase & { parts: ItemBase[] }, ctx) => z.strictObject(Object.fromEntries(item.parts.map((p) => [p.id, ctx.evidenceFor(p)]))),
    score: (item, _evidence, _ctx) => ({ points: item.points, reason: { zh: '最高', en: 'best' } }),
  });
  const text = `id: bad
version: "1"
title: { zh: 错, en: Bad }
source: { name: 示例 }
max: 14
sections:
  - id: s
    title: { zh: 节, en: Section }
    max: 14
    items:
      - id: one
        title: { zh: 一, en: One }
        points: 3
        kind: sum
        parts:
          - { id: a, title: { zh: 甲, en: A }, points: 1, kind: check, requires: a }
          - { id: b, title: { zh: 乙, en: B }, points: 1, kind: check, requires: cc }
          - { id: c, title: { zh: 丙, en: C }, points: 1, kind: check, requires: lone }
      - id: two
        title: { zh: 二, en: Two }
        points: 3
        kind: sum
        parts:
          - { id: d, title: { zh: 丁, en: D }, points: 1, kind: check, requires: e }
          - { id: e, title: { zh: 戊, en: E }, points: 1, kind: check, requires: d }
          - { id: f, title: { zh: 己, en: F }, points: 1, kind: check, requires: e }
      - id: three
        title: { zh: 三, en: Three }
        points: 3
        kind: sum
        parts:
          - { id: g, title: { zh: 庚, en: G }, points: 1, kind: check }
          - { id: h, title: { zh: 辛, en: H }, points: 1, kind: check, requires: g }
          - { id: i, title: { zh: 壬, en: I }, pionts: 1, kind: check, requires: h }
      - { id: lone, title: { zh: 单, en: Lone }, points: 1, kind: check, requires: one }
      - id: four
        title: { zh: 四, en: Four }
        points: 1
        kind: best-of
        parts:
          - { id: j, title: { zh: 癸, en: J }, points: 1, kind: check }
          - { id: k, title: { zh: 子, en: K }, points: 1, kind: check, requires: j }
`;

  it('are reported in one pass, with the shape errors, at the requires key with file, line and column, expected and found', () => {
    const r = safeParseRubric(text, { file: 'bad.yaml', kinds: [best] });
    expect(r.success).toBe(false);
    if (r.success) return;
    const seen = r.error.issues.map((i) => ({ code: i.code, file: i.file, line: i.line, column: i.column, message: i.message, expected: i.expected, found: i.found }));
    // At the value of requires.
    const at = (anchor: string) => {
      const key = pos(text, anchor, 'requires: ');
      return { file: 'bad.yaml', line: key.line, column: key.column + 'requires: '.length };
    };
    expect(seen).toEqual(
      expect.arrayContaining([
        { code: 'unknown-key', file: 'bad.yaml', ...pos(text, '{ id: i,', 'pionts'), message: 'unknown key "pionts" (did you mean "points"?)', expected: 'points', found: 'pionts' },
        { code: 'invalid-value', ...at('{ id: a,'), message: 'the part "a" requires itself', expected: 'the id of another part of the same sum', found: 'a' },
        {
          code: 'unknown-reference',
          ...at('{ id: b,'),
          message: 'the sum "one" has no part "cc" (did you mean "c"?)',
          expected: 'the id of another part of "one" (a, c)',
          found: 'cc',
        },
        {
          code: 'unknown-reference',
          ...at('{ id: c,'),
          message: '"lone" is not a part of the same sum as "c" (it is at sections[0].items[3]): a part can require only a sibling',
          expected: 'the id of another part of "one" (a, b)',
          found: 'lone',
        },
        {
          code: 'invalid-value',
          ...at('{ id: d,'),
          message: 'the parts d → e → d require one another in a circle: none of them could ever score',
          expected: 'requires that end at a part requiring nothing',
          found: 'd → e → d',
        },
        {
          code: 'invalid-value',
          ...at('{ id: f,'),
          message: '"e", which "f" requires, itself requires "d": a part can require only a part that requires nothing',
          expected: 'a sibling part that requires nothing',
          found: '"e", which requires "d"',
        },
        {
          code: 'invalid-value',
          ...at('{ id: i,'),
          message: '"h", which "i" requires, itself requires "g": a part can require only a part that requires nothing',
          expected: 'a sibling part that requires nothing',
          found: '"h", which requires "g"',
        },
        {
          code: 'invalid-value',
          ...at('{ id: lone,'),
          message: 'only a part of a sum can require a sibling: "lone" is an item of its section',
          expected: 'requires on a part of a sum, naming a sibling part',
          found: 'requires on an item of a section',
        },
        {
          code: 'invalid-value',
          ...at('{ id: k,'),
          message: 'only a part of a sum can require a sibling: "k" is a part of the best-of item "four"',
          expected: 'requires on a part of a sum, naming a sibling part',
          found: 'requires on a part of a best-of item',
        },
      ]),
    );
    // The cycle once, at its first part: e's requires is not reported again.
    expect(r.error.issues.filter((i) => i.message.includes('circle'))).toHaveLength(1);
  });

  it('include a required part worth 0 that judges no criteria: nothing says whether it is met, so its dependants counted whatever it held', () => {
    const premise = `id: premise
version: "1"
title: { zh: 前提, en: Premise }
source: { name: 示例 }
max: 1
sections:
  - id: s
    title: { zh: 节, en: Section }
    max: 1
    items:
      - id: service
        title: { zh: 服务, en: Service }
        points: 1
        kind: sum
        parts:
          - id: window
            title: { zh: 有窗口, en: Has a window }
            points: 0
            kind: sum
            parts:
              - { id: w1, title: { zh: 窗口一, en: Window one }, kind: checklist }
              - { id: w2, title: { zh: 窗口二, en: Window two }, kind: checklist }
          - { id: sign, title: { zh: 标识, en: Sign }, points: 1, kind: check, requires: window }
`;
    const r = safeParseRubric(premise, { file: 'premise.yaml' });
    expect(r.success).toBe(false);
    if (r.success) return;
    const key = pos(premise, '{ id: sign,', 'requires: ');
    expect(r.error.issues.map((i) => ({ code: i.code, line: i.line, column: i.column, message: i.message, expected: i.expected, found: i.found }))).toEqual([
      {
        code: 'invalid-value',
        line: key.line,
        column: key.column + 'requires: '.length,
        message: '"window", which "sign" requires, is a sum part worth 0 points: it judges no criteria, so nothing says whether it is met',
        expected: 'a sibling part worth points, or one worth 0 that judges criteria (check, checklist)',
        found: '"window", a sum part worth 0 points',
      },
    ]);
    // A premise that judges (a checklist worth 0) stays allowed: RUBRIC's service window.
    expect(safeParseRubric(RUBRIC).success).toBe(true);
  });

  it('wait, on the parts of an item whose kind is misspelt, until the kind is fixed: the kind alone is reported', () => {
    const misspelt = `id: misspelt
version: "1"
title: { zh: 错, en: Misspelt }
source: { name: 示例 }
max: 2
sections:
  - id: s
    title: { zh: 节, en: Section }
    max: 2
    items:
      - id: room
        title: { zh: 活动室, en: Room }
        points: 2
        kind: summ
        parts:
          - { id: has, title: { zh: 有, en: Has }, points: 2, kind: check }
          - { id: floor, title: { zh: 地面, en: Floor }, points: 0.5, kind: check, requires: has }
`;
    const r = safeParseRubric(misspelt);
    expect(r.success).toBe(false);
    if (r.success) return;
    // It said "only a part of a sum can require a sibling: "floor" is a part of the summ item": the fix is the kind.
    expect(r.error.issues.map((i) => [i.code, i.path.join('.')])).toEqual([['unknown-kind', 'sections.0.items.0.kind']]);
  });

  it('are reported for a rubric given as an object too, never as a TypeError', () => {
    // The same problems by safeParseRubricObject, without positions.
    const fromText = safeParseRubric(text, { kinds: [best] });
    const fromObject = safeParseRubricObject(parseYaml(text), { kinds: [best] });
    expect(fromText.success || fromObject.success).toBe(false);
    if (fromText.success || fromObject.success) return;
    const said = (issues: { code: string; path: unknown[]; message: string }[]) => issues.map((i) => `${i.code} ${i.path.join('.')} ${i.message}`).sort();
    expect(said(fromObject.error.issues)).toEqual(said(fromText.error.issues));
    expect(said(fromObject.error.issues).filter((m) => m.includes('.requires '))).toHaveLength(8);
    const rubric = parseRubric(RUBRIC);
    const parts = (rubric.sections[0]?.items?.[0] as Sum).parts;
    // A part pointed at itself after validation, as code might: scoring reads no sibling and stays within the maximum.
    const edited = { ...rubric, sections: [{ ...rubric.sections[0], items: [{ ...rubric.sections[0]?.items?.[0], parts: parts.map((p) => ({ ...p, requires: p.id })) }] }] };
    const c = compile(edited as never);
    expect(score(c, { elderly: { room: false, 'anti-slip': true, 'warm-walls': true } }, { missing: 'zero' }).total).toBe('1');
  });
});

describe('the planner', () => {
  /** Checks only, so that every subset of the options can be scored. */
  const small = compile(
    parseRubric(
      RUBRIC.replace(/ {6}- id: volunteers[\s\S]*?(?= {6}- id: service)/, '')
        .replace(/ {6}- id: hall\n[\s\S]*?(?= {6}- \{ id: study)/, '')
        .replaceAll('max: 15', 'max: 6')
        .replace('">= 11"', '">= 5"')
        .replace('"[7, 11)"', '"[3, 5)"')
        .replace('"< 7"', '"< 3"'),
    ),
  );
  const checks = fc.record({
    elderly: fc.record({ room: fc.boolean(), 'anti-slip': fc.boolean(), 'warm-walls': fc.boolean() }),
    service: fc.record({ window: fc.boolean(), sign: fc.boolean(), counter: fc.boolean() }),
    study: fc.boolean(),
  });
  const costsArb = fc.dictionary(fc.constantFrom('room', 'anti-slip', 'warm-walls', 'window', 'sign', 'counter', 'study'), fc.integer({ min: 1, max: 9 }));

  /** The cheapest cost (or fewest changes) of any subset of the options, one per item, that reaches the plan's target. */
  function bruteForce(c: CompiledRubric, evidence: Record<string, unknown>, target: string, groups: { options: PlanOption[] }[]): Dec | undefined {
    const bands = c.rubric.grades?.bands ?? [];
    const rank = (id: string | undefined) => bands.findIndex((b) => b.id === id);
    let best: Dec | undefined;
    const visit = (i: number, chosen: PlanOption[]) => {
      if (i === groups.length) {
        const cost = Dec.sum(chosen.map((o) => o.cost));
        if (best && cost.gte(best)) return;
        const r = score(c, applyOptions(evidence, chosen));
        if (r.grade && rank(r.grade.id) <= rank(target)) best = cost;
        return;
      }
      visit(i + 1, chosen);
      for (const o of (groups[i] as { options: PlanOption[] }).options) visit(i + 1, [...chosen, o]);
    };
    visit(0, []);
    return best;
  }

  it('never counts an extra without its room, and finds the cheapest plan any subset of its options gives', () => {
    fc.assert(
      fc.property(checks, costsArb, fc.boolean(), (evidence, prices, cheapest) => {
        const costs = safeParseCostsObject({ items: prices });
        if (!costs.success) throw costs.error;
        const options = cheapest ? { costs: costs.data } : {};
        const p = plan(small, evidence, options);
        if (p.status !== 'planned' && p.status !== 'unreachable') return;
        const groups = planOptions(small, evidence, options).filter((g) => g.options.length);
        const best = bruteForce(small, evidence, p.target?.id as string, groups);
        if (p.status === 'unreachable') {
          expect(best).toBeUndefined();
          return;
        }
        expect(best?.toString()).toBe(cheapest ? p.cost : String(p.steps.length));
        // Every step on a part that requires another leaves that part met.
        const after = traces(score(small, p.evidence));
        for (const s of p.steps) {
          const required = small.allItems.get(s.item)?.requires;
          if (required !== undefined) expect(after.get(required)?.met, `${s.item} needs ${required}`).toBe(true);
        }
        // The steps' gains add up to what the total gains (no cap binds here).
        expect((Dec.parse(p.after?.total as string) as Dec).sub(Dec.parse(p.current.total) as Dec).toString()).toBe(p.gain);
      }),
      { numRuns: runs },
    );
  });

  it('on Binjiang: meeting a room absent counts the extras already recorded, and says so', () => {
    const binjiang = load('rubrics/binjiang-2023-draft.yaml');
    const evidence = structuredClone(evidenceOf('examples/binjiang-demonstration.yaml').evidence) as Record<string, Record<string, Record<string, unknown>>>;
    // 90.75 − 3 (elderly centre absent, its floor and walls recorded as met) = 87.75, 标准型
    (evidence['C2-activity'] as Record<string, Record<string, unknown>>)['C2-activity-elderly'] = {
      'C2-activity-elderly-room': false,
      'C2-activity-elderly-anti-slip': true,
      'C2-activity-elderly-warm-walls': true,
    };
    expect(score(binjiang, evidence).total).toBe('87.75');
    const p = plan(binjiang, evidence);
    expect(p.status).toBe('planned');
    // One change: the centre, 2 points and the extras' 0.5 + 0.5 → 90.75, 示范型.
    expect(p.steps.map((s) => [s.item, s.from, s.to, s.gain])).toEqual([['C2-activity-elderly-room', '0', '2', '3']]);
    expect(p.steps[0]?.line.zh).toBe('C2-activity-elderly-room：未满足 → 满足（0 → 2）；另计已得分的 C2-activity-elderly-anti-slip、C2-activity-elderly-warm-walls（+1）');
    expect(p.after?.total).toBe('90.75');
    expect(formatPlan(p, { lang: 'en' })).toContain('C2-activity-elderly-anti-slip, C2-activity-elderly-warm-walls then count too (+1)');
    const listed = planOptions(binjiang, evidence).filter((g) => g.item.startsWith('C2-activity-elderly'));
    expect(listed.map((g) => [g.item, g.current.toString(), g.options.map((o) => o.gain.toString())])).toEqual([
      ['C2-activity-elderly-room', '0', ['3']],
      ['C2-activity-elderly-anti-slip', '0', []],
      ['C2-activity-elderly-warm-walls', '0', []],
    ]);
  });

  it('on Binjiang: an extra whose room is absent is offered as counting only with it, and never planned alone', () => {
    const binjiang = load('rubrics/binjiang-2023-draft.yaml');
    const evidence = structuredClone(evidenceOf('examples/binjiang-demonstration.yaml').evidence) as Record<string, Record<string, unknown>>;
    // 90.75 − 2.5 (no hall; walls met, floor not) = 88.25, 标准型: 1.75 short of 90.
    evidence['C2-deliberation'] = { 'C2-deliberation-hall': false, 'C2-deliberation-walls': true, 'C2-deliberation-floor': false };
    const floor = planOptions(binjiang, evidence).find((g) => g.item === 'C2-deliberation-floor');
    expect(floor?.options.map((o) => [o.gain.toString(), o.change?.en])).toEqual([['0.5', 'counts only once "Has a residents\' deliberation hall" is met']]);
    // The floor is cheap, the hall dear: the cheapest plan leaves both, or takes the hall with it.
    const costs = safeParseCostsObject({ default: 5, items: { 'C2-deliberation-floor': 1, 'C2-deliberation-hall': 50 } });
    if (!costs.success) throw costs.error;
    const p = plan(binjiang, evidence, { costs: costs.data });
    expect(p.status).toBe('planned');
    const items = p.steps.map((s) => s.item);
    if (items.includes('C2-deliberation-floor')) expect(items).toContain('C2-deliberation-hall');
    expect(score(binjiang, p.evidence).grade?.id).toBe('demonstration');
  });
});

describe('the planner names what a premise unlocks', () => {
  it('only the parts with points of their own: a part recorded as not met is not among them', () => {
    const premise = compile(
      parseRubric(`id: premise
version: "1"
title: { zh: 前提, en: Premise }
source: { name: 示例 }
max: 1
sections:
  - id: s
    title: { zh: 节, en: Section }
    max: 1
    items:
      - id: service
        title: { zh: 一滨办, en: Service window }
        points: 1
        kind: sum
        parts:
          - { id: window, title: { zh: 有一滨办, en: Has a service window }, kind: checklist }
          - { id: sign, title: { zh: 三色标识, en: Three-colour sign }, points: 0.5, kind: check, requires: window }
          - { id: counter, title: { zh: 服务台无遮挡, en: Open counter }, points: 0.5, kind: check, requires: window }
grades:
  subject: total
  bands:
    - { id: good, label: { zh: 好, en: Good }, range: ">= 1" }
    - { id: poor, label: { zh: 差, en: Poor }, range: "< 1" }
`),
    );
    const p = plan(premise, { service: { window: false, sign: true, counter: false } });
    // It read "另计已满足的 sign、counter（+0.5）": counter, not met, unlocks nothing.
    expect(p.steps.map((s) => s.line.zh)).toEqual(['window：未满足 → 满足（0 → 0）；另计已得分的 sign（+0.5）', 'counter：未满足 → 满足（0 → 0.5）；需先满足「有一滨办」才计分']);
    expect(p.steps[0]?.line.en).toBe('window: not met → met (0 → 0); sign then count too (+0.5)');
  });
});

describe('the planner under a cap', () => {
  it('says what the total gains when a room unlocks extras its sum’s cap cuts, not the steps’ gains added up', () => {
    const capped = compile(
      parseRubric(`id: capped
version: "1"
title: { zh: 封顶, en: Capped }
source: { name: 示例 }
max: 4
sections:
  - id: s
    title: { zh: 节, en: Section }
    max: 4
    items:
      - id: room
        title: { zh: 活动室, en: Room }
        points: 2
        kind: sum
        cap: 2
        parts:
          - { id: has, title: { zh: 有活动室, en: Has a room }, points: 2, kind: check }
          - { id: floor, title: { zh: 地面, en: Floor }, points: 0.5, kind: check, requires: has }
          - { id: walls, title: { zh: 墙面, en: Walls }, points: 0.5, kind: check, requires: has }
      - { id: other, title: { zh: 其他, en: Other }, points: 2, kind: check }
grades:
  subject: total
  bands:
    - { id: good, label: { zh: 好, en: Good }, range: ">= 4" }
    - { id: fair, label: { zh: 中, en: Fair }, range: "[2, 4)" }
    - { id: poor, label: { zh: 差, en: Poor }, range: "< 2", passing: false }
`),
    );
    const p = plan(capped, { room: { has: false, floor: true, walls: true }, other: false });
    expect(p.status).toBe('planned');
    // The room's step: 2 of its own and 1 its extras then count, of which the cap of 2 keeps none.
    expect(p.steps.map((s) => [s.item, s.gain])).toEqual([['has', '3']]);
    expect(p.after?.total).toBe('2');
    // It said "+3 points" and 共提高 3 分 beside "re-scored gives 2".
    expect(p.gain).toBe('2');
    expect(formatPlan(p, { lang: 'en' })).toContain('1 improvement, +2 points');
    // The step's line gives the extras' points as before the cap, which keeps none of them here.
    expect(p.steps[0]?.line.en).toMatch(/then count too \(\+1 before the cap\)$/);
    expect(p.steps[0]?.line.zh).toMatch(/（\+1，封顶前）$/);
  });
});

describe('the evidence template', () => {
  it('says on each dependent part that it counts only with the part it requires, and nothing on the others', () => {
    const text = yamlTemplate(load('rubrics/binjiang-2023-draft.yaml'));
    const premise = (id: string, title: string) => `#   前提：仅在「${title}」（${id}）满足时计分，否则计 0 分；仍照实填写`;
    const lines = text.split('\n');
    const before = (key: string) => lines[lines.findIndex((l) => l.includes(`"${key}": ~`)) - 1]?.trim();
    expect(before('C2-activity-elderly-anti-slip')).toBe(premise('C2-activity-elderly-room', '有居家养老中心(或老年活动室)'));
    expect(before('C2-activity-children-education')).toBe(premise('C2-activity-children-room', '有儿童活动室'));
    expect(before('C2-deliberation-floor')).toBe(premise('C2-deliberation-hall', '有居民议事厅'));
    expect(before('C2-deliberation-hall')).toBe('#   计分：满足得 2 分，否则 0 分');
    expect(text.split('前提：').length - 1).toBe(6);
  });
});
