import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rubricYaml } from './support/rubric-text.js';
import { compile, Dec, defineRuleKind, parseRubric, safeParseRubric, safeScore, safeScoreTotals, score, scoreTotals, type ItemBase } from '../src/index.js';

/** A user's own kind, registered through the same API as the built-ins (the README's example). */
interface PerHouseholdItem extends ItemBase {
  per: Dec;
}
const perHousehold = defineRuleKind<PerHouseholdItem, Dec>({
  name: 'per-household',
  doc: { summary: { zh: '按户计分', en: 'Points per household served' }, example: '', evidenceExample: '' },
  params: () => ({ per: z.union([z.number(), z.string()]).transform((v) => Dec.parse(String(v)) as Dec) }),
  maxPoints: (item) => item.points,
  evidence: () => z.number().int().nonnegative().transform((n) => Dec.int(n)),
  score: (item, n) => {
    const points = Dec.min(item.points, n.mul(item.per));
    return { points, reason: { zh: `${n.toString()} 户 × ${item.per.toString()}`, en: `${n.toString()} households × ${item.per.toString()}` } };
  },
});

const text = `id: custom
version: "1"
title: { zh: 自定义, en: Custom }
source: { name: test }
max: 3
sections:
  - id: s
    title: { zh: 节, en: Section }
    max: 3
    items:
      - { id: served, title: { zh: 服务户数, en: Households served }, points: 2, kind: per-household, per: 0.01 }
      - { id: open, title: { zh: 开放, en: Open }, points: 1, kind: check }
`;

describe('a user-registered kind', () => {
  it('loads, scores exactly and explains like a built-in', () => {
    const compiled = compile(parseRubric(text, { kinds: [perHousehold] }), { kinds: [perHousehold] });
    const r = score(compiled, { served: 150, open: true });
    // min(2, 150 × 0.01) + 1 = 2.5
    expect(r.total).toBe('2.5');
    expect(r.sections[0]?.items?.[0]?.reason.en).toBe('150 households × 0.01');
    // no fast path of its own: totals still agree, through the exact path
    expect(scoreTotals(compiled, { served: 150, open: true }).total).toBe('2.5');
    expect(score(compiled, { served: 500, open: false }).total).toBe('2');
  });

  it('has its evidence checked by its own schema', () => {
    const compiled = compile(parseRubric(text, { kinds: [perHousehold] }), { kinds: [perHousehold] });
    expect(() => score(compiled, { served: -1, open: true })).toThrow(/served/);
  });

  it('is unknown without registration, and the error lists the known kinds', () => {
    const r = safeParseRubric(text);
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues[0]?.code).toBe('unknown-kind');
      expect(r.error.issues[0]?.message).toContain('check, tiers');
    }
  });

  it('cannot take the name of a built-in kind', () => {
    const clash = { ...perHousehold, name: 'check' };
    const r = safeParseRubric(text, { kinds: [clash] });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.code).toBe('duplicate-id');
  });
});

/** A user's kind with a fast path of its own, written with FastContext's fields and generate. */
interface ShareItem extends ItemBase {
  atLeast: number;
}
const calls = { generated: 0, closure: 0, generateAnswers: [] as boolean[] };
const share = defineRuleKind<ShareItem, { served: number; households: number }>({
  name: 'served-share',
  doc: { summary: { zh: '服务户比例', en: 'Share of households served' }, example: '', evidenceExample: '' },
  params: () => ({ atLeast: z.number().int().min(0).max(100) }),
  maxPoints: (item) => item.points,
  evidence: () => z.strictObject({ served: z.number().int().nonnegative(), households: z.number().int().positive() }),
  score: (item, e) => {
    const met = e.served * 100 >= item.atLeast * e.households;
    return { points: met ? item.points : Dec.ZERO, reason: { zh: `${e.served}/${e.households}`, en: `${e.served}/${e.households}` } };
  },
  fast: (item, ctx) => {
    const points = ctx.scaled(item.points);
    if (points === undefined) return undefined;
    const valid = (s: unknown, h: unknown): s is number => Number.isSafeInteger(s) && Number.isSafeInteger(h) && (s as number) >= 0 && (h as number) > 0;
    const code = ctx.generate<(raw: unknown) => number | undefined>(
      { read: ctx.fields(['served', 'households']), valid, calls },
      `const v = [0, 0];
       return (raw) => {
         calls.generated++;
         if (!read(raw, v) || !valid(v[0], v[1])) return undefined;
         return v[0] * 100 >= ${item.atLeast} * v[1] ? ${points} : 0;
       };`,
    );
    calls.generateAnswers.push(code !== undefined);
    if (code) return code;
    const read = ctx.fields(['served', 'households']);
    const v: unknown[] = [0, 0];
    return (raw) => {
      calls.closure++;
      if (!read(raw, v) || !valid(v[0], v[1])) return undefined;
      return (v[0] as number) * 100 >= item.atLeast * (v[1] as number) ? points : 0;
    };
  },
});

const shareText = rubricYaml({ max: '2', items: ['      - { id: reach, title: { zh: 覆盖, en: Reach }, points: 2, kind: served-share, atLeast: 60 }'] });

describe('a user-registered kind with a fast path', () => {
  it.each([false, true])('scores through generated code, or closures under jitless (%s), as score does', (jitless) => {
    calls.generated = 0;
    calls.closure = 0;
    calls.generateAnswers = [];
    const compiled = compile(parseRubric(shareText, { kinds: [share] }), { kinds: [share], jitless });
    const evidence = fc.record({
      served: fc.oneof(fc.nat(1000), fc.constant(-1), fc.constant(1.5)),
      households: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant(0)),
    });
    fc.assert(
      fc.property(evidence, (reach) => {
        const full = safeScore(compiled, { reach });
        const totals = safeScoreTotals(compiled, { reach });
        expect(totals.success).toBe(full.success);
        if (full.success && totals.success) expect(totals.data.total).toBe(full.data.total);
      }),
      { numRuns: 200 },
    );
    // generate answered as the mode says, and the scorer it led to did the work
    expect(calls.generateAnswers).toEqual([!jitless]);
    expect(jitless ? calls.closure : calls.generated).toBeGreaterThan(0);
    expect(jitless ? calls.generated : calls.closure).toBe(0);
  });
});
