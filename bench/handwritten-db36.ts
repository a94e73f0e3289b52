import type { Db36Evidence } from './generate.js';

/**
 * The honest baseline: DB36/T 1609—2022 Table A.1 scored by plain code, in
 * integer hundredths, with no library. Written from the standard's table.
 */
const CHECK_POINTS: [string, number][] = [
  ['1.1a', 100], ['1.1b', 100], ['1.2', 100], ['1.3', 150], ['1.4a', 100], ['1.4b', 150],
  ['2.1b', 100], ['2.2', 100], ['2.3a', 100], ['2.4a', 100], ['2.4b', 150], ['2.5a', 100], ['2.5b', 100], ['2.5c', 100],
  ['3.1b', 100], ['3.3a', 150], ['3.3b', 100], ['3.3c', 150], ['3.4a', 100], ['3.4b', 100], ['3.5', 100], ['3.6a', 150], ['3.6b', 100], ['3.7b', 100],
  ['4.1a', 100], ['4.1b', 100], ['4.1c', 100], ['4.1d', 100], ['4.1e', 100], ['4.2a', 100], ['4.2b', 100], ['4.2c', 100], ['4.2d', 100],
  ['4.2e', 100], ['4.2f', 100], ['4.2g', 100], ['4.2h', 100], ['4.2i', 100], ['4.2j', 150], ['4.2k', 100], ['4.3a', 100], ['4.3b', 100],
  ['4.3c', 100], ['4.3d', 100], ['4.4a', 100], ['4.4b', 150],
  ['5.1a', 100], ['5.1c', 100], ['5.1d', 150], ['5.1e', 100], ['5.2', 150], ['5.3a', 100], ['5.3b', 100], ['5.3c', 150], ['5.3d', 150],
  ['5.4a', 100], ['5.4b', 100], ['5.5a', 100], ['5.5b', 100],
  ['6.1', 100], ['6.2a', 100], ['6.2b', 150], ['6.3a', 100], ['6.3b', 150], ['6.4a', 100], ['6.4b', 150], ['6.4c', 100], ['6.5a', 150],
  ['6.5b', 100], ['6.6a', 100], ['6.6b', 100],
];

/** Points for a share n / d against percentage steps, by cross-multiplication. */
function shareTier(n: number, d: number, steps: [number, number][]): number {
  if (d === 0) return 0;
  for (const [percent, points] of steps) if (n * 100 >= percent * d) return points;
  return 0;
}

export interface HandResult {
  total: number;
  base: number;
  bonus: number;
  stars: 'five-star' | 'four-star' | 'three-star' | 'no-star';
}

export function scoreDb36(e: Db36Evidence): HandResult {
  let base = 0;
  for (let i = 0; i < CHECK_POINTS.length; i++) {
    const [id, points] = CHECK_POINTS[i] as [string, number];
    if (e[id] === true) base += points;
  }
  const office = e['2.1a'];
  if (office.households > 0 && office.area * 100 >= 30 * office.households) base += 150;
  else if (office.area >= 300) base += 100;
  if (e['2.3b'] >= 200) base += 100;
  const staff = e['3.1a'];
  if (staff.residents > 0 && staff.workers * 10000 >= 18 * staff.residents) base += 150;
  base += shareTier(e['3.2a'].certified, e['3.2a'].workers, [[30, 200], [20, 150], [10, 100]]);
  base += shareTier(e['3.2b'].educated, e['3.2b'].workers, [[90, 200], [70, 150], [50, 100]]);
  base += shareTier(e['3.7a'].volunteers, e['3.7a'].residents, [[15, 200], [10, 150], [5, 100]]);
  const satisfaction = Math.round(e['4.5'] * 10000);
  base += satisfaction >= 9600 ? 1000 : satisfaction >= 9000 ? 800 : satisfaction >= 8000 ? 600 : 0;
  if (e['5.1b'] >= 12) base += 100;
  const { year, honours } = e['bonus-honours'];
  const best = new Map<string, number>();
  for (const h of honours) {
    if (h.year < year - 2 || h.year > year) continue;
    const p = h.level === 'national' ? 300 : 200;
    if (p > (best.get(h.matter) ?? 0)) best.set(h.matter, p);
  }
  let bonus = 0;
  for (const p of best.values()) bonus += p;
  if (bonus > 500) bonus = 500;
  const total = base + bonus;
  const stars = total >= 9200 ? 'five-star' : total >= 8600 ? 'four-star' : total >= 8000 ? 'three-star' : 'no-star';
  return { total, base, bonus, stars };
}
