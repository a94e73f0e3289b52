import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { compile, Dec, defineRuleKind, parseRubric, safeParseRubric, score, scoreTotals, type ItemBase } from '../src/index.js';

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
