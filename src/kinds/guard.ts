import { Dec } from '../decimal.js';
import { ownDec } from '../api-guards.js';
import { describe, issue, RubricError, type Issue, type PathSegment } from '../issues.js';
import { isRecord } from '../is-record.js';
import type { AnyRuleKind, FastContext, FastScorer, FastTracer, ItemBase, Outcome } from './define.js';
import { describeSchema, isZod4Schema } from './zod-schema.js';

/** Where an item stands in its rubric, and the most points it may give. */
export interface ItemPlace {
  pathOf(item: ItemBase): PathSegment[];
  maxOf(item: ItemBase): Dec;
}

/** What a kind's function gave that breaks the contract. */
export interface Breach {
  what: string;
  expected: string;
  found: string;
}

/** The issue of a kind that broke its contract on an item, placed at `path`; `from` names the function. */
export function contractIssue(kindName: string, item: ItemBase, path: PathSegment[], from: string, b: Breach): Issue {
  return issue('kind-contract', path, `the rule kind "${kindName}" broke its contract on the item "${item.id}": ${b.what} from ${from}: ${b.found}, expected ${b.expected}`, {
    expected: b.expected,
    found: b.found,
  });
}

/**
 * A user's rule kind, wrapped so that what its functions give is checked
 * where the library takes it: points a Dec from 0 to the item's maximum (or,
 * from a fast scorer, a whole count within it), a reason in both languages,
 * `met` true, false or nothing, schemas of the library's zod. A kind that
 * breaks this contract gets a RubricError (code kind-contract) naming the
 * item, the kind and what it gave, instead of a total above the rubric's
 * maximum or a TypeError later. Built-in kinds are not wrapped: their
 * outputs are property-tested, and their hot paths stay as they are.
 */
export function guardKind(kind: AnyRuleKind, place: ItemPlace): AnyRuleKind {
  const fail = (item: ItemBase, from: string, b: Breach): RubricError => new RubricError([contractIssue(kind.name, item, place.pathOf(item), from, b)]);
  const guarded: AnyRuleKind = {
    name: kind.name,
    doc: kind.doc,
    judgesCriteria: kind.judgesCriteria,
    params: (ctx) => kind.params(ctx),
    maxPoints(item, partMax) {
      const given: unknown = kind.maxPoints(item, partMax);
      const max = ownDec(given);
      if (!max || max.isNegative()) throw fail(item, 'maxPoints()', { what: 'the maximum', expected: 'a Dec ≥ 0', found: describePoints(given) });
      return max;
    },
    evidence(item, ctx) {
      const schema: unknown = kind.evidence(item, ctx);
      if (!isZod4Schema(schema)) throw fail(item, 'evidence()', { what: 'the schema', expected: 'a zod 4 schema (made with the z that shequ-rubric exports)', found: describeSchema(schema) });
      return schema as ReturnType<AnyRuleKind['evidence']>;
    },
    score(item, evidence, ctx) {
      const outcome: unknown = kind.score(item, evidence, ctx);
      const breach = outcomeBreach(outcome, place.maxOf(item), kind.judgesCriteria === true);
      if (breach) throw fail(item, 'score()', breach);
      const o = outcome as Outcome;
      return o.points instanceof Dec ? o : { ...o, points: ownDec(o.points) as Dec };
    },
  };
  if (kind.check) guarded.check = kind.check.bind(kind);
  if (kind.measure) {
    const measure = kind.measure.bind(kind);
    guarded.measure = (item, evidence, field) => {
      const value: unknown = measure(item, evidence, field);
      if (value === undefined) return undefined;
      const measured = ownDec(value);
      if (!measured) throw fail(item, 'measure()', { what: 'the measured value', expected: 'a Dec or nothing', found: describePoints(value) });
      return measured;
    };
  }
  if (kind.fast) {
    const fast = kind.fast.bind(kind);
    guarded.fast = (item, ctx) => {
      const scorer: unknown = fast(item, ctx);
      if (scorer === undefined) return undefined;
      if (typeof scorer !== 'function') throw fail(item, 'fast()', { what: 'the scorer', expected: 'a function or nothing', found: describe(scorer) });
      const bound = countBound(item, ctx, place);
      // The item's maximum is no whole count at the rubric's rounding: the exact path scores it.
      if (bound === undefined) return undefined;
      return boundedScorer(scorer as FastScorer, bound, (p) => fail(item, 'its fast scorer', countBreach(p, bound)));
    };
  }
  if (kind.fastTrace) {
    const fastTrace = kind.fastTrace.bind(kind);
    guarded.fastTrace = (item, ctx) => {
      const tracer: unknown = fastTrace(item, ctx);
      if (tracer === undefined) return undefined;
      if (typeof tracer !== 'function') throw fail(item, 'fastTrace()', { what: 'the tracer', expected: 'a function or nothing', found: describe(tracer) });
      const bound = countBound(item, ctx, place);
      if (bound === undefined) return undefined;
      return ((raw) => {
        const trace: unknown = (tracer as FastTracer)(raw);
        if (trace === undefined) return undefined;
        const breach = traceBreach(trace, bound, kind.judgesCriteria === true);
        if (breach) throw fail(item, 'its fast tracer', breach);
        return trace as ReturnType<FastTracer>;
      }) satisfies FastTracer;
    };
  }
  return guarded;
}

/** A fast scorer's ceiling: the item's maximum as a count of 10^-places, and that unit. */
interface CountBound {
  max: number;
  unit: string;
}

function countBound(item: ItemBase, ctx: FastContext, place: ItemPlace): CountBound | undefined {
  const max = ctx.scaled(place.maxOf(item));
  const scale = ctx.scaled(Dec.ONE);
  if (max === undefined || scale === undefined) return undefined;
  return { max, unit: Dec.of(1n, BigInt(scale)).toString() };
}

const withinCount = (p: unknown, bound: CountBound): boolean => Number.isSafeInteger(p) && (p as number) >= 0 && (p as number) <= bound.max;

function countBreach(p: unknown, bound: CountBound): Breach {
  return { what: 'the points', expected: `a whole count of ${bound.unit} from 0 to ${bound.max}`, found: typeof p === 'number' ? `${describe(p)} (counts of ${bound.unit})` : describe(p) };
}

/**
 * The scorer with each result checked. A table of cases (fastCases) is kept
 * when every value in it is within bounds; otherwise it is dropped, and each
 * value is checked as the function gives it.
 */
function boundedScorer(scorer: FastScorer, bound: CountBound, fail: (p: unknown) => RubricError): FastScorer {
  const checked = (raw: unknown): number | undefined => {
    const p: unknown = scorer(raw);
    if (p !== undefined && !withinCount(p, bound)) throw fail(p);
    return p as number | undefined;
  };
  const cases: unknown = scorer.cases;
  const sound = cases instanceof Map && [...cases.values()].every((p) => withinCount(p, bound));
  return sound ? Object.assign(checked, { cases: cases as ReadonlyMap<unknown, number> }) : checked;
}

/** What breaks the contract in an outcome of score(), if anything. */
function outcomeBreach(o: unknown, max: Dec, judges: boolean): Breach | undefined {
  if (!isRecord(o)) return { what: 'the outcome', expected: 'an outcome { points, reason, met? }', found: describe(o) };
  const points = ownDec(o.points);
  if (!points || points.isNegative() || points.gt(max)) {
    return { what: 'the points', expected: `a Dec from 0 to ${max.toString()} (the item's maximum)`, found: describePoints(o.points) };
  }
  return sharedBreach(o, judges);
}

/** What breaks the contract in a fast tracer's trace, if anything. */
function traceBreach(t: unknown, bound: CountBound, judges: boolean): Breach | undefined {
  if (!isRecord(t)) return { what: 'the trace', expected: 'a trace { points, evidence, reason, met?, detail? } or nothing', found: describe(t) };
  if (!withinCount(t.points, bound)) return countBreach(t.points, bound);
  return sharedBreach(t, judges);
}

/**
 * The fields an outcome and a fast trace share: reason, met and detail. `met`
 * is given exactly by the kinds that judge criteria: `score` counts the items
 * whose trace has it, `batch` the items of those kinds, and the two must agree.
 */
function sharedBreach(o: Record<string, unknown>, judges: boolean): Breach | undefined {
  const { reason, met, detail } = o;
  if (!isRecord(reason) || typeof reason.zh !== 'string' || typeof reason.en !== 'string') {
    return { what: 'the reason', expected: 'a reason { zh, en } of two strings', found: describe(reason) };
  }
  if (judges && typeof met !== 'boolean') return { what: 'met', expected: 'true or false (the kind judges criteria: judgesCriteria)', found: describe(met) };
  if (!judges && met !== undefined) return { what: 'met', expected: 'nothing (only a kind with judgesCriteria: true says met)', found: describe(met) };
  if (detail !== undefined && !(isRecord(detail) && Object.values(detail).every((v) => typeof v === 'string' || v === null))) {
    return { what: 'the detail', expected: 'a mapping of strings (or null) or nothing', found: describe(detail) };
  }
  if (o.parts !== undefined && !Array.isArray(o.parts)) return { what: 'the parts', expected: 'a list of traces (from ctx.scorePart) or nothing', found: describe(o.parts) };
  return undefined;
}

/** A value given as points: a Dec as its decimal, a plain number said to be one (2 and Dec 2 look alike). */
export function describePoints(v: unknown): string {
  const d = ownDec(v);
  if (d) return d.toString();
  if (typeof v === 'number') return `the number ${describe(v)} (not a Dec)`;
  return describe(v);
}
