import { z } from 'zod';
import { Dec } from './decimal.js';
import { RubricError } from './issues.js';
import { argumentIssue, isDec, isStringList, throwProblems } from './api-guards.js';
import { isRecord } from './is-record.js';
import type { SafeResult } from './load.js';
import { nonNegative } from './kinds/shared.js';
import { placeIssues, readYaml, type ReadOptions, type SourceText } from './source.js';
import { fromZod, parseReporting } from './zod-issues.js';

/**
 * A costs file says what raising each item costs (in any unit: yuan, days,
 * effort points), so that the gap planner looks for the cheapest set of
 * improvements instead of the fewest:
 *
 *   rubric: jiangxi-db36-t-1609-2022   # optional: checked against the rubric id
 *   default: 1                          # any change not priced below (default 1); "fixed": only priced items change
 *   items:
 *     "1.3": 2                          # any improvement of 1.3 costs 2
 *     "4.5": { to: { "8": 3, "10": 7 } }  # by target outcome
 *     II-11: { base: 1, perPoint: 0.5 } # 1 + 0.5 per point gained
 *     "5.3d": fixed                     # never change this item
 *
 * Target outcomes: a state id (states), a level id (levels), "met" (check,
 * checklist), otherwise the item's points after the change ("1.5", "8").
 * An outcome not listed under `to` costs base + perPoint × gain when either
 * is given, else `default`. Costs are exact decimals, never negative.
 */
export type CostValue = Dec | 'fixed';

export interface ItemCost {
  /** Any improvement of the item. */
  any?: CostValue;
  /** By target outcome. */
  to?: Record<string, CostValue>;
  base?: Dec;
  perPoint?: Dec;
}

export interface Costs {
  rubric?: string;
  default: CostValue;
  items: Record<string, ItemCost>;
}

const costValue = z.union([z.literal('fixed'), nonNegative]);
const itemCost = z.union([
  z.literal('fixed'),
  nonNegative,
  z.strictObject({
    to: z.record(z.string(), costValue).optional(),
    base: nonNegative.optional(),
    perPoint: nonNegative.optional(),
  }),
]);
const costsSchema = z.strictObject({
  rubric: z.string().optional(),
  default: costValue.optional(),
  items: z.record(z.string(), itemCost).optional(),
});

function normalise(parsed: z.output<typeof costsSchema>): Costs {
  const items: Record<string, ItemCost> = {};
  for (const [id, spec] of Object.entries(parsed.items ?? {})) {
    if (spec === 'fixed' || spec instanceof Dec) items[id] = { any: spec };
    else {
      const c: ItemCost = {};
      if (spec.to) c.to = { ...spec.to };
      if (spec.base) c.base = spec.base;
      if (spec.perPoint) c.perPoint = spec.perPoint;
      items[id] = c;
    }
  }
  return { ...(parsed.rubric !== undefined ? { rubric: parsed.rubric } : {}), default: parsed.default ?? Dec.ONE, items };
}

/** Validates a costs document already in memory. */
export function safeParseCostsObject(value: unknown): SafeResult<Costs> {
  const parsed = parseReporting(costsSchema, value);
  if (!parsed.success) return { success: false, error: new RubricError(fromZod(parsed.error.issues, [], { vocabulary: ['rubric', 'default', 'items', 'to', 'base', 'perPoint'] })) };
  return { success: true, data: normalise(parsed.data) };
}

/** Reads a costs file (YAML or JSON); every problem reported with its line and column. */
export function safeParseCosts(text: string, options: ReadOptions = {}): SafeResult<Costs> & { source: SourceText } {
  const read = readYaml(text, options);
  const sources = { [read.source.file]: read.source.text };
  if (read.issues.length) return { success: false, error: new RubricError(placeIssues(read.issues, read.source), sources), source: read.source };
  const r = safeParseCostsObject(read.value);
  if (!r.success) return { success: false, error: new RubricError(placeIssues(r.error.issues, read.source), sources), source: read.source };
  return { ...r, source: read.source };
}

/** 'fixed', or a Dec ≥ 0 with its methods (a Dec copied by structuredClone or JSON has lost them). */
const isCostValue = (v: unknown): boolean => v === 'fixed' || (isDec(v) && typeof v.isNegative === 'function' && typeof v.mul === 'function' && typeof v.add === 'function' && !v.isNegative());

/** Whether `v` is a costs table as safeParseCosts gives it (exact decimals, not plain numbers). */
export function isCosts(v: unknown): v is Costs {
  if (!isRecord(v) || !isCostValue(v.default) || !isRecord(v.items) || (v.rubric !== undefined && typeof v.rubric !== 'string')) return false;
  return Object.values(v.items).every(
    (c) =>
      isRecord(c) &&
      (c.any === undefined || isCostValue(c.any)) &&
      (c.to === undefined || (isRecord(c.to) && Object.values(c.to).every(isCostValue))) &&
      (c.base === undefined || isCostValue(c.base)) &&
      (c.perPoint === undefined || isCostValue(c.perPoint)),
  );
}

/**
 * The cost of one improvement: `item` and the ids of the items it is part of
 * (innermost first), the target outcome and the points gained. Undefined when
 * the item is fixed.
 */
export function costOf(costs: Costs, ids: readonly string[], outcome: string, gain: Dec): Dec | undefined {
  throwProblems(
    argumentIssue('costs', costs, 'a costs table (from safeParseCosts)', isCosts(costs)),
    argumentIssue('ids', ids, 'a list of item ids', isStringList(ids)),
    argumentIssue('outcome', outcome, 'a string', typeof outcome === 'string'),
    argumentIssue('gain', gain, 'a Dec', isDec(gain)),
  );
  for (const id of ids) {
    const spec = costs.items[id];
    if (!spec) continue;
    const c = costFromSpec(spec, outcome, gain);
    if (c !== undefined) return c === 'fixed' ? undefined : c;
  }
  return costs.default === 'fixed' ? undefined : costs.default;
}

function costFromSpec(spec: ItemCost, outcome: string, gain: Dec): CostValue | undefined {
  if (spec.any !== undefined) return spec.any;
  const listed = spec.to && Object.prototype.hasOwnProperty.call(spec.to, outcome) ? spec.to[outcome] : undefined;
  if (listed !== undefined) return listed;
  if (spec.base || spec.perPoint) return (spec.base ?? Dec.ZERO).add((spec.perPoint ?? Dec.ZERO).mul(gain));
  return undefined;
}
