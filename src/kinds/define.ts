import type { FieldReader } from './fast.js';
import type { z } from 'zod';
import type { Dec } from '../decimal.js';
import type { Issue } from '../issues.js';

/** Text in both languages of the bundled rubrics. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** The keys every item has, whatever its kind. */
export interface ItemBase {
  id: string;
  title: Bilingual;
  points: Dec;
  kind: string;
  category?: string | undefined;
  method?: string | undefined;
  clause?: string | undefined;
  note?: string | undefined;
  criteria?: Bilingual[] | undefined;
  /** On a part of a sum: the id of a sibling part it needs; without that sibling met it scores 0 (kinds/requires.ts). */
  requires?: string | undefined;
}

/**
 * What a kind's scoring function returns for one item. For a user's kind the
 * library checks it (kinds/guard.ts): anything else is a kind-contract error.
 */
export interface Outcome {
  /** From 0 to the item's maximum (maxPoints). */
  points: Dec;
  /** For kinds that judge a criterion met or not (check, checklist). */
  met?: boolean;
  /** Why, in both languages (explain prints it). */
  reason: Bilingual;
  /** Quantities the rule computed (derived ratios, steps), as exact decimal strings; null for a ratio whose denominator is 0. */
  detail?: Record<string, string | null>;
  /** For kinds made of parts (sum). */
  parts?: ItemTrace[];
}

/**
 * One item's line in a result: what was given, what was scored, and why.
 * Every trace has the same fields in this order; an optional field that does
 * not apply is undefined, which JSON leaves out.
 */
export interface ItemTrace {
  id: string;
  title: Bilingual;
  kind: string;
  points: string;
  max: string;
  met?: boolean;
  evidence: unknown;
  reason: Bilingual;
  clause?: string;
  category?: string;
  method?: string;
  note?: string;
  detail?: Record<string, string | null>;
  /** Set when the exact points had more places than the rubric keeps. */
  rounded?: { from: string; places: number; mode: string };
  parts?: ItemTrace[];
}

/** Schemas a kind may refer to: the item schema itself (for kinds with parts). */
export interface SchemaContext {
  item: z.ZodType;
}

export interface EvidenceContext {
  /** The evidence schema of another item (for kinds with parts). */
  evidenceFor(item: ItemBase): z.ZodType;
}

export interface ScoreContext {
  /** Scores a sub-item (for kinds with parts). */
  scorePart(part: ItemBase, evidence: unknown, parentPath: string): ItemTrace;
  partMax(part: ItemBase): Dec;
}

export interface KindDoc {
  summary: Bilingual;
  /** A YAML example of an item of this kind. */
  example: string;
  /** An evidence value for that example, in YAML. */
  evidenceExample: string;
}

/**
 * A rule kind is one unit, like an ESLint rule: the schema of its parameters,
 * the schema of its evidence, its reachable maximum, its scoring function
 * and its documentation. Built-in kinds and users' kinds use this same API.
 */
export interface RuleKind<Item extends ItemBase = ItemBase, Evidence = unknown> {
  name: string;
  doc: KindDoc;
  /**
   * True for kinds that judge a criterion met or not; their items are counted
   * as criteria. Such a kind's outcomes say `met` (true or false), and no other
   * kind's do: a user's kind is held to it (kind-contract).
   */
  judgesCriteria?: boolean;
  /** The item's keys beside the common ones (zod shape). */
  params(ctx: SchemaContext): z.ZodRawShape;
  /** Checks on the parameters beyond their shape; paths relative to the item. */
  check?(item: Item): Issue[];
  /** The most points the item can give. */
  maxPoints(item: Item, partMax: (part: ItemBase) => Dec): Dec;
  /** The schema evidence for such an item must satisfy; its output reaches `score`. */
  evidence(item: Item, ctx: EvidenceContext): z.ZodType<Evidence>;
  /** Pure scoring: no I/O, no clock, no randomness. */
  score(item: Item, evidence: Evidence, ctx: ScoreContext): Outcome;
  /**
   * Where the evidence holds a number that conditions may refer to
   * (`evidence:<item>.<field>` in gates), how to read it.
   */
  measure?(item: Item, evidence: Evidence, field: string | undefined): Dec | undefined;
  /**
   * Optional fast path for totals-only scoring: compiled once per item, it
   * takes the raw evidence and returns the points as an integer count of
   * 10^-places (the rubric's rounding), or undefined whenever the evidence is
   * anything but plainly valid — the exact path then decides (and reports).
   * It must agree with `score` on every input it accepts (property-tested),
   * and decline any value holding more than FAST_MAX_ENTRIES entries (keys
   * and list elements, nested ones included): the totals path relies on that
   * bound instead of walking the evidence first.
   */
  fast?(item: Item, ctx: FastContext): FastScorer | undefined;
  /**
   * Optional fast path for the full trace, beside `fast`: raw evidence → the
   * item's points (as `fast` counts them) and the parts of its trace, or
   * undefined to defer to the exact path. On every input it accepts it must
   * give exactly the trace `score` gives, byte for byte (property-tested),
   * and it may accept only what `fast` accepts.
   */
  fastTrace?(item: Item, ctx: FastContext): FastTracer | undefined;
}

/** What a fast tracer gives for one item: what the exact path's trace would hold. */
export interface FastTrace {
  /** The points as an integer count of 10^-places (no rounding: a tracer declines points finer than that). */
  points: number;
  met?: boolean | undefined;
  /** The evidence as a trace echoes it: decimals as exact strings, keys sorted, lists in canonical order. */
  evidence: unknown;
  reason: Bilingual;
  detail?: Record<string, string | null> | undefined;
}

/** Raw evidence → the item's trace, or undefined to defer to the exact path. */
export type FastTracer = (raw: unknown) => FastTrace | undefined;

/**
 * Raw evidence → integer points at the rubric's scale (0 to the item's maximum), or undefined to defer to the exact path.
 * A scorer that accepts only a few primitive values (true / false, state ids)
 * may list them, made with `fastCases`: totals scoring then looks the value up
 * instead of calling the function.
 */
export type FastScorer = ((raw: unknown) => number | undefined) & { readonly cases?: ReadonlyMap<unknown, number> };

export interface FastContext {
  /** d × 10^places as a safe integer, or undefined when that is not exact. */
  scaled(d: Dec): number | undefined;
  /** The fast scorer of a part (for kinds with parts). */
  fastFor(part: ItemBase): FastScorer | undefined;
  /** A reader of objects with exactly these keys into an array (generated code where allowed; see fast.ts). */
  fields(keys: readonly string[]): FieldReader;
  /**
   * A function made from generated code (see codegen.ts): `body` returns it,
   * with `bindings` in scope by name. Undefined where code may not be
   * generated (compile's `jitless`, or a realm that refuses it): the kind then
   * scores with closures.
   */
  generate<T>(bindings: Readonly<Record<string, unknown>>, body: string): T | undefined;
}

/** Declares a rule kind; the identity function that gives the kind its types. */
export function defineRuleKind<Item extends ItemBase, Evidence>(kind: RuleKind<Item, Evidence>): RuleKind<Item, Evidence> {
  return kind;
}

export type AnyRuleKind = RuleKind<any, any>;
