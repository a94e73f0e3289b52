import type { Dec } from './decimal.js';
import type { CompiledRubric, MissingPolicy } from './compile.js';
import type { ItemBase, ItemTrace } from './kinds/define.js';

/**
 * Scored items remembered by their evidence. Scoring is a pure function of an
 * item and its evidence, and the same values recur across communities (a
 * criterion met or not, a state A/B/C, a level, a small count), so the full
 * trace reuses an item's parsed evidence, points and trace when that exact
 * value was seen before, instead of validating and scoring it again. A memo
 * never changes a result: a hit gives the (frozen) trace scoring gave.
 *
 * Only small values have a key (a primitive, or a flat object of a few
 * primitives); each item remembers at most MEMO_PER_ITEM values, the first
 * ones seen, so memory stays bounded whatever is scored.
 */
export interface MemoEntry {
  parsed: unknown;
  points: Dec;
  /** The points as a safe integer count of 10^-places (the rubric's rounding), when they are one. */
  scaled: number | undefined;
  trace: ItemTrace;
}

export const MEMO_PER_ITEM = 256;
const MAX_KEYS = 8;
/** The longest string remembered by its value (here, and by the full trace's own memo in score-fast.ts). */
export const MEMO_MAX_STRING = 64;

type ItemMemo = Map<string, MemoEntry>;
const memos = new WeakMap<CompiledRubric, Record<MissingPolicy, ItemMemo[] | undefined>>();

/**
 * The memos of a rubric's items under a missing-evidence policy (schemas
 * differ by policy), by the items' positions in `items` (the rubric's items
 * in order, the same list on every call).
 */
export function rubricMemos(compiled: CompiledRubric, missing: MissingPolicy, items: readonly ItemBase[]): ItemMemo[] {
  let byPolicy = memos.get(compiled);
  if (!byPolicy) {
    byPolicy = { error: undefined, zero: undefined };
    memos.set(compiled, byPolicy);
  }
  return (byPolicy[missing] ??= items.map(() => new Map()));
}

function primitiveKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'boolean':
      return v ? 't' : 'f';
    case 'number':
      // Distinct numbers print distinctly, but for -0.
      return Object.is(v, -0) ? 'n-0' : `n${v}`;
    case 'string':
      return v.length <= MEMO_MAX_STRING ? `s${JSON.stringify(v)}` : undefined;
    default:
      return undefined;
  }
}

/** A key naming a small evidence value exactly, whatever its key order; undefined for anything else. */
export function memoKey(raw: unknown): string | undefined {
  const key = primitiveKey(raw);
  if (key !== undefined || raw === null || typeof raw !== 'object') return key;
  const proto = Object.getPrototypeOf(raw);
  if ((proto !== Object.prototype && proto !== null) || Array.isArray(raw)) return undefined;
  const names = Object.keys(raw);
  if (names.length > MAX_KEYS || Object.getOwnPropertySymbols(raw).length) return undefined;
  sortFew(names);
  // Objects without a prototype are keyed apart: a schema may tell them from plain ones.
  let out = proto === null ? 'O' : 'o';
  for (const name of names) {
    const descriptor = Object.getOwnPropertyDescriptor(raw, name);
    if (!descriptor || !('value' in descriptor)) return undefined;
    const k = primitiveKey(descriptor.value);
    if (k === undefined) return undefined;
    out += `${quoted(name)}:${k};`;
  }
  return out;
}

/** Sorts at most MAX_KEYS names as Array#sort does (by UTF-16 code units); for so few, insertion beats sort. */
function sortFew(names: string[]): void {
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string;
    let j = i - 1;
    for (; j >= 0 && (names[j] as string) > name; j--) names[j + 1] = names[j] as string;
    names[j + 1] = name;
  }
}

/** Key names written as JSON strings, remembered: the same few names recur in every record. */
const quotedNames = new Map<string, string>();
const MAX_QUOTED = 4_096;

function quoted(name: string): string {
  let q = quotedNames.get(name);
  if (q === undefined) {
    q = JSON.stringify(name);
    if (quotedNames.size < MAX_QUOTED) quotedNames.set(name, q);
  }
  return q;
}

/**
 * Remembers a scored item, unless its memo is full or its trace has parts.
 * The trace is frozen (frozen-trace.ts): results share it.
 */
export function remember(memo: ItemMemo, key: string, entry: MemoEntry): void {
  if (memo.size < MEMO_PER_ITEM && !entry.trace.parts) memo.set(key, entry);
}
