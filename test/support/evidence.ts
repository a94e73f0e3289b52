import fc from 'fast-check';
import type { CompiledRubric, ItemBase, Range } from '../../src/index.js';
import { Dec } from '../../src/index.js';

/**
 * Random valid evidence for any item of the built-in kinds, and, for each,
 * a way to make evidence at least as good (for monotonicity). Every built-in
 * kind must have an entry: the contract test fails otherwise.
 */
type Item = ItemBase & Record<string, any>;

const decimalNumber = (maxTenths: number) => fc.integer({ min: 0, max: maxTenths }).map((n) => n / 10);
const rateNumber = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000);

/** Values near the bounds of a range (where bugs live) and anywhere else. */
function nearRange(range: Range | undefined): fc.Arbitrary<number> {
  const bounds = [range?.min, range?.max].filter((d): d is Dec => d !== undefined).map((d) => d.toNumber());
  const near = bounds.flatMap((b) => [b, b + 0.01, Math.max(0, b - 0.01), b + 1, Math.max(0, b - 1)]);
  return near.length ? fc.oneof(fc.constantFrom(...near), decimalNumber(20_000)) : decimalNumber(20_000);
}

export const evidenceFor: Record<string, (item: Item) => fc.Arbitrary<unknown>> = {
  check: () => fc.boolean(),
  tiers(item) {
    const ids = Object.keys(item.measures);
    const shape: Record<string, fc.Arbitrary<number>> = {};
    for (const id of ids) {
      const spec = item.measures[id];
      const whole = fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 20_000 }));
      let arb: fc.Arbitrary<number> = spec.integer ? whole : fc.oneof(whole, decimalNumber(200_000));
      if (spec.max) {
        const max = (spec.max as Dec).toNumber();
        arb = arb.map((v) => Math.min(v, max));
      }
      shape[id] = arb;
    }
    return fc.record(shape).map((values) => {
      for (const id of ids) {
        const other = item.measures[id].atMost;
        if (other !== undefined) values[id] = Math.min(values[id] as number, values[other] as number);
      }
      return values;
    });
  },
  states: (item) => fc.constantFrom(...item.states.map((s: { id: string }) => s.id)),
  rate: () => fc.oneof(rateNumber, fc.integer({ min: 1, max: 100 }).chain((of) => fc.record({ count: fc.integer({ min: 0, max: of }), of: fc.constant(of) }))),
  count(item) {
    const shape: Record<string, fc.Arbitrary<number>> = {};
    for (const c of item.counts) shape[c.id] = c.integer === false ? decimalNumber(50_000) : fc.integer({ min: 0, max: 400 });
    return fc.record(shape);
  },
  deduct(item) {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const d of item.deductions) {
      if (d.flag) shape[d.id] = fc.boolean();
      else if (d.shortOf) shape[d.id] = d.integer ? fc.integer({ min: 0, max: 60 }) : decimalNumber(600);
      else shape[d.id] = d.integer === false ? decimalNumber(200) : fc.integer({ min: 0, max: 12 });
    }
    if (item.precondition) shape[item.precondition.id] = fc.boolean();
    return fc.record(shape);
  },
  levels: (item) => fc.subarray(item.levels.map((l: { id: string }) => l.id)),
  bonus(item) {
    const matters = ['社区治理示范', '和谐社区', '文明社区', '志愿服务先进'];
    const honour = fc.record({
      matter: fc.constantFrom(...matters),
      level: fc.constantFrom(...item.levels.map((l: { id: string }) => l.id)),
      year: fc.integer({ min: 2016, max: 2024 }),
    });
    return fc.record({ year: fc.constant(2024), honours: fc.array(honour, { maxLength: 6 }) });
  },
  projects(item) {
    const per = item.perCategory ?? 3;
    const max = (item.scoreMax as Dec).toNumber();
    const project = fc.record({
      name: fc.constantFrom('邻里食堂', '四点半课堂', '平安巡防', '议事会', '健身队'),
      category: fc.constantFrom(...item.categories.map((c: { id: string }) => c.id)),
      score: fc.oneof(fc.integer({ min: 0, max }), decimalNumber(max * 10)),
    });
    return fc.array(project, { maxLength: 8 }).map((list) => {
      const seen = new Map<string, number>();
      return list.filter((p) => {
        const n = (seen.get(p.category) ?? 0) + 1;
        seen.set(p.category, n);
        return n <= per;
      });
    });
  },
  checklist(item) {
    const conditions = item.conditions ?? [];
    if (conditions.length === 0) return fc.boolean();
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const c of conditions) {
      if (c.flag) {
        shape[c.id] = fc.boolean();
        continue;
      }
      const max = c.max?.toNumber();
      shape[c.id] = nearRange(c.range).map((v) => {
        const bounded = max === undefined ? v : Math.min(v, max);
        return c.integer ? Math.floor(bounded) : bounded;
      });
    }
    // Now and then judged not met on the criterion's wording, whatever the figures.
    return fc.oneof({ arbitrary: fc.record(shape), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 });
  },
  sum(item) {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const p of item.parts) shape[p.id] = arbitraryEvidence(p);
    return fc.record(shape);
  },
};

export function arbitraryEvidence(item: ItemBase): fc.Arbitrary<unknown> {
  const make = evidenceFor[item.kind];
  if (!make) throw new Error(`no evidence arbitrary for the kind ${item.kind}`);
  return make(item as Item);
}

/** Random complete evidence for a compiled rubric. */
export function arbitraryRubricEvidence(compiled: CompiledRubric): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [id, item] of compiled.items) shape[id] = arbitraryEvidence(item);
  return fc.record(shape);
}

const clone = <T>(v: T): T => structuredClone(v);

/**
 * Evidence at least as good as the given one, for kinds whose points can only
 * rise as evidence improves. `pick` chooses which part to improve.
 */
export const improve: Record<string, (item: Item, evidence: any, pick: number) => unknown> = {
  check: () => true,
  tiers(item, e, pick) {
    const v = clone(e);
    const denominators = new Set(Object.values(item.derived ?? {}).map((d: any) => d.ratio[1]));
    const ids = Object.keys(item.measures).filter((id) => !denominators.has(id));
    const id = ids[pick % ids.length] as string;
    const spec = item.measures[id];
    let next = (v[id] as number) + 1 + (pick % 7);
    if (spec.atMost) next = Math.min(next, v[spec.atMost]);
    if (spec.max) next = Math.min(next, (spec.max as Dec).toNumber());
    v[id] = Math.max(v[id], next);
    return v;
  },
  states(item, e, pick) {
    const i = item.states.findIndex((s: { id: string }) => s.id === e);
    return item.states[Math.max(0, i - 1 - (pick % 2))].id;
  },
  rate(_item, e, pick) {
    if (typeof e === 'number') return Math.min(1, (Math.round(e * 10_000) + 1 + pick * 37) / 10_000);
    return { count: Math.min(e.of, e.count + 1 + (pick % 3)), of: e.of };
  },
  count(item, e, pick) {
    const v = clone(e);
    const c = item.counts[pick % item.counts.length];
    v[c.id] = v[c.id] + 1 + (pick % 30);
    return v;
  },
  deduct(item, e, pick) {
    const v = clone(e);
    const d = item.deductions[pick % item.deductions.length];
    if (d.flag) v[d.id] = false;
    else if (d.shortOf) v[d.id] = v[d.id] + 1 + (pick % 15);
    else v[d.id] = Math.max(0, v[d.id] - 1 - (pick % 3));
    return v;
  },
  levels(item, e, pick) {
    const id = item.levels[pick % item.levels.length].id;
    return e.includes(id) ? e : [...e, id];
  },
  bonus(item, e, pick) {
    const level = item.levels[pick % item.levels.length].id;
    return { ...e, honours: [...e.honours, { matter: `新事项${pick}`, level, year: e.year }] };
  },
  projects(item, e, pick) {
    if (e.length === 0) return e;
    const v = clone(e);
    const p = v[pick % v.length];
    p.score = Math.min((item.scoreMax as Dec).toNumber(), p.score + 1 + (pick % 10));
    return v;
  },
  checklist(item, e, pick) {
    const conditions = item.conditions ?? [];
    if (conditions.length === 0) return true;
    // Judged not met on its wording: no figure to improve.
    if (e === false) return e;
    const v = clone(e);
    const c = conditions[pick % conditions.length];
    if (c.flag) v[c.id] = true;
    else {
      const r = c.range as Range;
      // A value inside the range: the condition holds afterwards.
      const lo = r.min ? r.min.toNumber() + (r.minInclusive ? 0 : 0.01) : undefined;
      const hi = r.max ? r.max.toNumber() - (r.maxInclusive ? 0 : 0.01) : undefined;
      const inside = (x: number) => (lo === undefined || x >= lo) && (hi === undefined || x <= hi);
      if (!inside(v[c.id])) v[c.id] = lo ?? Math.max(0, hi as number);
    }
    return v;
  },
  sum(item, e, pick) {
    const v = clone(e);
    const part = item.parts[pick % item.parts.length];
    v[part.id] = improveEvidence(part, v[part.id], Math.floor(pick / item.parts.length));
    return v;
  },
};

/** Kinds where better evidence can score fewer points, and why. */
export const notMonotone: Record<string, (item: Item) => boolean> = {
  // "no regular patrol → 0.5" (Binjiang draft, as written) can beat a patrol with hazards.
  deduct: (item) => item.precondition !== undefined,
};

export function improveEvidence(item: ItemBase, evidence: unknown, pick: number): unknown {
  const f = improve[item.kind];
  if (!f) throw new Error(`no improver for the kind ${item.kind}`);
  return f(item as Item, evidence, pick);
}

export function isMonotone(item: ItemBase): boolean {
  if (notMonotone[item.kind]?.(item as Item)) return false;
  return ((item as Item).parts ?? []).every(isMonotone);
}
