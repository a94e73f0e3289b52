import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, score, type CompiledRubric, type ItemTrace, type ScoreResult, type SectionTrace } from '../src/index.js';
import { arbitraryRubricEvidence, improveEvidence, isMonotone } from './support/evidence.js';
import { bundledRubricFiles, loadBundled } from './support/bundled.js';

/**
 * Properties every bundled rubric must keep, over random valid evidence:
 * bounds, exactness against a BigInt reference, monotonicity of items and
 * grades, and independence from key order.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 60);

/** A decimal string as an integer count of 10^-scale, with BigInt only. */
function scaled(text: string, scale: number): bigint {
  const neg = text.startsWith('-');
  const [int, frac = ''] = text.replace('-', '').split('.');
  if (frac.length > scale) throw new Error(`${text} has more than ${scale} places`);
  const v = BigInt(int + frac.padEnd(scale, '0'));
  return neg ? -v : v;
}

function sectionTotal(s: SectionTrace, scale: number): bigint {
  let sum = 0n;
  for (const sub of s.sections ?? []) sum += scaled(sub.points, scale);
  for (const i of s.items ?? []) sum += scaled(i.points, scale);
  return sum;
}

function allSections(r: ScoreResult): SectionTrace[] {
  const out: SectionTrace[] = [];
  const walk = (s: SectionTrace) => {
    out.push(s);
    s.sections?.forEach(walk);
  };
  r.sections.forEach(walk);
  return out;
}

function allItems(r: ScoreResult): ItemTrace[] {
  const out: ItemTrace[] = [];
  const walk = (i: ItemTrace) => {
    out.push(i);
    i.parts?.forEach(walk);
  };
  allSections(r).forEach((s) => s.items?.forEach(walk));
  return out;
}

function gradeRank(compiled: CompiledRubric, r: ScoreResult): number {
  const bands = compiled.rubric.grades?.bands ?? [];
  const i = bands.findIndex((b) => b.id === r.grade?.id);
  return i < 0 ? bands.length : i;
}

describe.each(bundledRubricFiles)('%s', (file) => {
  it('cites its source clause on every item and part', async () => {
    const compiled = await loadBundled(file);
    const missing = [...compiled.allItems.values()].filter((i) => !i.clause).map((i) => i.id);
    expect(missing).toEqual([]);
  });

  it('keeps every item and the total within [0, maximum]', async () => {
    const compiled = await loadBundled(file);
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), (evidence) => {
        const r = score(compiled, evidence);
        const total = Dec.parse(r.total) as Dec;
        expect(total.gte(Dec.ZERO) && total.lte(compiled.maxWithBonus)).toBe(true);
        for (const i of allItems(r)) {
          const p = Dec.parse(i.points) as Dec;
          expect(p.gte(Dec.ZERO) && p.lte(Dec.parse(i.max) as Dec), `${i.id}: ${i.points} / ${i.max}`).toBe(true);
        }
        for (const s of allSections(r)) expect((Dec.parse(s.points) as Dec).lte(Dec.parse(s.max) as Dec), s.id).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it('adds up exactly: every total equals a BigInt sum of its parts', async () => {
    const compiled = await loadBundled(file);
    const scale = compiled.rubric.rounding.places;
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), (evidence) => {
        const r = score(compiled, evidence);
        for (const s of allSections(r)) {
          const sum = sectionTotal(s, scale);
          const capped = s.uncapped ? scaled(s.uncapped, scale) : sum;
          expect(capped, `section ${s.id}`).toBe(sum);
          expect(scaled(s.points, scale) <= sum).toBe(true);
          if (!s.uncapped) expect(scaled(s.points, scale), `section ${s.id}`).toBe(sum);
        }
        const top = r.sections.reduce((acc, s) => acc + scaled(s.points, scale), 0n);
        expect(scaled(r.total, scale)).toBe(top);
        const bonus = r.sections.filter((s) => s.bonus).reduce((acc, s) => acc + scaled(s.points, scale), 0n);
        expect(scaled(r.bonus, scale)).toBe(bonus);
        expect(scaled(r.base, scale) + scaled(r.bonus, scale)).toBe(scaled(r.total, scale));
      }),
      { numRuns: runs },
    );
  });

  it('never lowers the total when one item’s evidence improves', async () => {
    const compiled = await loadBundled(file);
    const ids = [...compiled.items.keys()].filter((id) => isMonotone(compiled.items.get(id)!));
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), fc.nat(), fc.nat(), (evidence, which, pick) => {
        const id = ids[which % ids.length] as string;
        const before = score(compiled, evidence);
        const better = { ...evidence, [id]: improveEvidence(compiled.items.get(id)!, evidence[id], pick) };
        const after = score(compiled, better);
        expect((Dec.parse(after.total) as Dec).gte(Dec.parse(before.total) as Dec), `improving ${id}`).toBe(true);
        if (compiled.rubric.grades && before.rated && after.rated) {
          expect(gradeRank(compiled, after) <= gradeRank(compiled, before), `grade after improving ${id}`).toBe(true);
        }
      }),
      { numRuns: runs },
    );
  });

  it('never gives a lower grade to a higher total', async () => {
    const compiled = await loadBundled(file);
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), arbitraryRubricEvidence(compiled), (a, b) => {
        const ra = score(compiled, a);
        const rb = score(compiled, b);
        if (!compiled.rubric.grades || !ra.rated || !rb.rated) return;
        const subject = (r: ScoreResult) => Dec.parse((compiled.rubric.grades!.subject === 'ratio' ? r.ratio : r.total)!.replace('…', '')) as Dec;
        const [lo, hi] = (subject(ra).lte(subject(rb)) ? [ra, rb] : [rb, ra]) as [ScoreResult, ScoreResult];
        expect(gradeRank(compiled, hi) <= gradeRank(compiled, lo)).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it('gives byte-identical results whatever the key order', async () => {
    const compiled = await loadBundled(file);
    const shuffle = <T>(xs: T[], seed: number) => xs.map((x, i) => [x, (i * 7919 + seed) % 104729] as const).sort((a, b) => a[1] - b[1]).map(([x]) => x);
    const reorder = (v: unknown, seed: number): unknown => {
      if (Array.isArray(v)) return shuffle(v.map((x) => reorder(x, seed)), seed);
      if (v && typeof v === 'object') return Object.fromEntries(shuffle(Object.entries(v).map(([k, x]) => [k, reorder(x, seed)] as const), seed));
      return v;
    };
    fc.assert(
      fc.property(arbitraryRubricEvidence(compiled), fc.nat(), (evidence, seed) => {
        const a = JSON.stringify(score(compiled, evidence, { community: { name: 'x', id: 'c1' } }));
        const b = JSON.stringify(score(compiled, reorder(evidence, seed), { community: { id: 'c1', name: 'x' } }));
        expect(b).toBe(a);
      }),
      { numRuns: Math.ceil(runs / 2) },
    );
  });
});
