import { Engine } from 'json-rules-engine';
import { CHECK_IDS, type Db36Evidence } from './generate.js';

/**
 * DB36 encoded for json-rules-engine, the usual npm rules engine, as a
 * comparison point. Ratios use a custom operator (cross-multiplication), so
 * its totals agree exactly with the other scorers.
 */
const CHECK_POINTS: Record<string, number> = Object.fromEntries(
  CHECK_IDS.map((id) => [id, ['1.3', '1.4b', '2.4b', '3.3a', '3.3c', '3.6a', '4.2j', '4.4b', '5.1d', '5.2', '5.3c', '5.3d', '6.2b', '6.3b', '6.4b', '6.5a'].includes(id) ? 150 : 100]),
);

type Condition = { fact: string; operator: string; value: unknown; path?: string };
const rule = (item: string, points: number, all: Condition[]) => ({ conditions: { all }, event: { type: 'points', params: { item, points } } });
const ratio = (fact: string, num: string, den: string, scale: number, threshold: number): Condition => ({ fact, operator: 'ratioAtLeast', value: { num, den, scale, threshold } });

export function buildEngine(): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addOperator('ratioAtLeast', (fact: any, v: any) => fact[v.den] > 0 && fact[v.num] * v.scale >= v.threshold * fact[v.den]);
  for (const id of CHECK_IDS) engine.addRule(rule(id, CHECK_POINTS[id] as number, [{ fact: id, operator: 'equal', value: true }]));
  engine.addRule(rule('2.1a', 100, [{ fact: '2.1a', path: '$.area', operator: 'greaterThanInclusive', value: 300 }]));
  engine.addRule(rule('2.1a', 150, [ratio('2.1a', 'area', 'households', 100, 30)]));
  engine.addRule(rule('2.3b', 100, [{ fact: '2.3b', operator: 'greaterThanInclusive', value: 200 }]));
  engine.addRule(rule('3.1a', 150, [ratio('3.1a', 'workers', 'residents', 10000, 18)]));
  for (const [points, t] of [[100, 10], [150, 20], [200, 30]] as const) engine.addRule(rule('3.2a', points, [ratio('3.2a', 'certified', 'workers', 100, t)]));
  for (const [points, t] of [[100, 50], [150, 70], [200, 90]] as const) engine.addRule(rule('3.2b', points, [ratio('3.2b', 'educated', 'workers', 100, t)]));
  for (const [points, t] of [[100, 5], [150, 10], [200, 15]] as const) engine.addRule(rule('3.7a', points, [ratio('3.7a', 'volunteers', 'residents', 100, t)]));
  engine.addRule(rule('4.5', 600, [{ fact: '4.5', operator: 'greaterThanInclusive', value: 0.8 }]));
  engine.addRule(rule('4.5', 800, [{ fact: '4.5', operator: 'greaterThanInclusive', value: 0.9 }]));
  engine.addRule(rule('4.5', 1000, [{ fact: '4.5', operator: 'greaterThanInclusive', value: 0.96 }]));
  engine.addRule(rule('5.1b', 100, [{ fact: '5.1b', operator: 'greaterThanInclusive', value: 12 }]));
  engine.addFact('bonusPoints', async (_params: unknown, almanac: any) => {
    const { year, honours } = (await almanac.factValue('bonus-honours')) as Db36Evidence['bonus-honours'];
    const best = new Map<string, number>();
    for (const h of honours) {
      if (h.year < year - 2 || h.year > year) continue;
      const p = h.level === 'national' ? 300 : 200;
      if (p > (best.get(h.matter) ?? 0)) best.set(h.matter, p);
    }
    let sum = 0;
    for (const p of best.values()) sum += p;
    return Math.min(sum, 500);
  });
  for (const points of [200, 300, 400, 500]) engine.addRule(rule('bonus', points, [{ fact: 'bonusPoints', operator: 'equal', value: points }]));
  return engine;
}

export async function scoreWithEngine(engine: Engine, e: Db36Evidence): Promise<number> {
  const { events } = await engine.run(e);
  const best = new Map<string, number>();
  for (const ev of events) {
    const { item, points } = ev.params as { item: string; points: number };
    if (points > (best.get(item) ?? 0)) best.set(item, points);
  }
  let total = 0;
  for (const p of best.values()) total += p;
  return total;
}
