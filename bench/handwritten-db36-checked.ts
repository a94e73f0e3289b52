import type { Db36Evidence } from './generate.js';
import { CHECK_IDS } from './generate.js';
import { scoreDb36, type HandResult } from './handwritten-db36.js';

/**
 * The hand-written scorer with the input checks a service would need, about
 * as strict as the library's: exactly the 80 items, booleans for criteria,
 * non-negative numbers (whole where they count people or organisations), a
 * share's part at most its whole, a rate in [0, 1], honours well formed and
 * not after the assessed year. Undefined for anything else. Printed beside
 * the plain scorer to show what checking costs; the targets are judged on
 * the plain one.
 */
const ITEM_COUNT = CHECK_IDS.length + 9;
const hasOwn = Object.prototype.hasOwnProperty;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isYear = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1900 && v <= 9999;

/** A plain object with exactly these keys. */
function exactly(v: unknown, keys: readonly string[]): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  let n = 0;
  for (const k in v) {
    if (!hasOwn.call(v, k)) return false;
    n++;
  }
  if (n !== keys.length) return false;
  for (const k of keys) if (!hasOwn.call(v, k)) return false;
  return true;
}

function share(v: unknown, part: string, whole: string): boolean {
  return exactly(v, [part, whole]) && isCount(v[part]) && isCount(v[whole]) && v[part] <= v[whole];
}

export function scoreDb36Checked(e: unknown): HandResult | undefined {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return undefined;
  const r = e as Record<string, unknown>;
  let keys = 0;
  for (const k in r) {
    if (!hasOwn.call(r, k)) return undefined;
    keys++;
  }
  if (keys !== ITEM_COUNT) return undefined;
  for (let i = 0; i < CHECK_IDS.length; i++) if (typeof r[CHECK_IDS[i] as string] !== 'boolean') return undefined;
  const office = r['2.1a'];
  if (!exactly(office, ['area', 'households']) || !isAmount(office.area) || !isCount(office.households)) return undefined;
  if (!isAmount(r['2.3b'])) return undefined;
  const staff = r['3.1a'];
  if (!exactly(staff, ['workers', 'residents']) || !isCount(staff.workers) || !isCount(staff.residents)) return undefined;
  if (!share(r['3.2a'], 'certified', 'workers') || !share(r['3.2b'], 'educated', 'workers') || !share(r['3.7a'], 'volunteers', 'residents')) return undefined;
  const rate = r['4.5'];
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) return undefined;
  if (!isCount(r['5.1b'])) return undefined;
  const bonus = r['bonus-honours'];
  if (!exactly(bonus, ['year', 'honours']) || !isYear(bonus.year) || !Array.isArray(bonus.honours)) return undefined;
  for (const h of bonus.honours as unknown[]) {
    if (!exactly(h, ['matter', 'level', 'year'])) return undefined;
    if (typeof h.matter !== 'string' || h.matter === '' || (h.level !== 'provincial' && h.level !== 'national')) return undefined;
    if (!isYear(h.year) || h.year > bonus.year) return undefined;
  }
  return scoreDb36(r as Db36Evidence);
}
