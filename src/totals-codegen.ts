import { generate, numberLiteral, stringLiteral } from './codegen.js';
import type { FastScorer } from './kinds/define.js';

/**
 * The totals path's per-rubric code (see codegen.ts): a record reader that
 * reads each item's key by name, and the section sums written out.
 */

/** An item of the totals plan, in plan order: its kind's fast scorer, if any, and the exact scorer for what that declines. */
export interface ReaderItem {
  id: string;
  fast: FastScorer | undefined;
  /** The fast scorer's table, when it has one: a lookup instead of a call. */
  cases: ReadonlyMap<unknown, number> | undefined;
  /** A table of true and false alone, as two numbers (NaN: none). */
  onTrue: number;
  onFalse: number;
  exact: FastScorer;
}

/**
 * Fills points[i] for every item from a record, or returns false when the
 * exact path must decide (an unknown, inherited or undefined key, missing
 * evidence without `missing: zero`, a value no scorer takes, evidence too
 * deep or large).
 */
export type RecordReader = (record: object, zero: boolean, points: number[]) => boolean;

/**
 * The reader for these items, or undefined when code cannot be generated.
 * `tooDeep` walks a record for its depth and size; `walkFirst` says the
 * caller walked it already; `loop` reads records whose prototype is not
 * Object.prototype or null.
 */
export function generateReader(
  items: readonly ReaderItem[],
  walkFirst: boolean,
  tooDeep: (record: object) => boolean,
  loop: RecordReader,
): RecordReader | undefined {
  const lines: string[] = [];
  const line = (s: string) => lines.push(s);
  line('return function readRecord(r, zero, P) {');
  // Own keys only: with no enumerable key inherited, every key for-in lists is the record's own.
  // A record with another prototype is read by the loop, which asks that of each key.
  line('  const proto = Object.getPrototypeOf(r);');
  line('  if (proto !== OP && proto !== null) return loop(r, zero, P);');
  line('  for (const k in OP) return loop(r, zero, P);');
  // Every key names an item. Records from one source share their key order, so the last record's
  // order is compared first: one comparison a key, and a set lookup only where the order differs.
  // (key-order.ts does this for the loop; called here once a key, it measured 17 % slower on DB36.)
  line('  const K = order.keys;');
  line('  let n = 0, reordered = false;');
  line('  for (const k in r) { if (k !== K[n]) { if (!ids.has(k)) return false; reordered = true; } n++; }');
  line(`  let walked = ${walkFirst}, absent = 0, v, p;`);
  items.forEach((item, i) => {
    const key = stringLiteral(item.id);
    const branches: string[] = [];
    if (!Number.isNaN(item.onTrue)) branches.push(`if (v === true) P[${i}] = ${numberLiteral(item.onTrue)};`);
    if (!Number.isNaN(item.onFalse)) branches.push(`if (v === false) P[${i}] = ${numberLiteral(item.onFalse)};`);
    // Absent, or own and undefined (the exact path reports that), and null: 0 under missing: zero.
    branches.push(`if (v === undefined) { if (!zero || hasOwn.call(r, ${key})) return false; P[${i}] = 0; absent++; }`);
    branches.push(`if (v === null) { if (!zero) return false; P[${i}] = 0; }`);
    if (item.cases) branches.push(`if (typeof v !== 'object' && (p = cases[${i}].get(v)) !== undefined) P[${i}] = p;`);
    else if (item.fast) branches.push(`if ((p = fast[${i}](v)) !== undefined) P[${i}] = p;`);
    // What the fast scorer declines the exact scorer validates, after the walk that bounds it.
    const exact = `{ if (!walked) { if (tooDeep(r)) return false; walked = true; } if ((p = exact[${i}](v)) === undefined) return false; P[${i}] = p; }`;
    line(`  v = r[${key}];`);
    line(`  ${branches.join(' else ')} else ${exact}`);
  });
  // Each item read (not absent) is a key for-in listed, and each key it listed names an item.
  line(`  if (n !== ${items.length} - absent) return false;`);
  line('  if (reordered) order.keys = Object.keys(r);');
  line('  return true;');
  line('};');
  return generate<RecordReader>(
    {
      OP: Object.prototype,
      hasOwn: Object.prototype.hasOwnProperty,
      order: { keys: items.map((it) => it.id) },
      ids: new Set(items.map((it) => it.id)),
      cases: items.map((it) => it.cases),
      fast: items.map((it) => it.fast),
      exact: items.map((it) => it.exact),
      tooDeep,
      loop,
    },
    lines.join('\n'),
  );
}

/** A section in the flat plan: its items' indices and its children's (summed children first), its cap (Infinity: none). */
export interface FlatSection {
  id: string;
  cap: number;
  top: boolean;
  bonus: boolean;
  itemStart: number;
  itemEnd: number;
  children: number[];
}

/** Section points from item points (children before parents), then base and bonus after the sections. */
export type Tally = (points: readonly number[], sections: number[]) => void;
/** The totals' section list, each section's points as text. */
export type SectionList = (sections: readonly number[], texts: readonly (string | undefined)[], text: (x: number) => string) => { id: string; points: string }[];

/** The sums and the section list written out for these sections, or undefined when code cannot be generated. */
export function generateTally(flat: readonly FlatSection[], postOrder: readonly number[]): { tally: Tally; list: SectionList } | undefined {
  const lines = ['return function tally(P, S) {', '  let x, base = 0, bonus = 0;'];
  for (const at of postOrder) {
    const f = flat[at] as FlatSection;
    const terms: string[] = [];
    for (let i = f.itemStart; i < f.itemEnd; i++) terms.push(`P[${i}]`);
    for (const c of f.children) terms.push(`S[${c}]`);
    lines.push(`  x = ${terms.length ? terms.join(' + ') : '0'};`);
    const cap = numberLiteral(f.cap);
    lines.push(f.cap === Infinity ? `  S[${at}] = x;` : `  S[${at}] = x < ${cap} ? x : ${cap};`);
    if (f.top) lines.push(`  ${f.bonus ? 'bonus' : 'base'} += S[${at}];`);
  }
  lines.push(`  S[${flat.length}] = base;`, `  S[${flat.length + 1}] = bonus;`, '};');
  const tally = generate<Tally>({}, lines.join('\n'));
  // A text already made is looked up here; t makes (and keeps) the others.
  const entries = flat.map((f, i) => `{ id: ${stringLiteral(f.id)}, points: T[S[${i}]] ?? t(S[${i}]) }`);
  const list = generate<SectionList>({}, `return function sections(S, T, t) {\n  return [\n    ${entries.join(',\n    ')}\n  ];\n};`);
  return tally && list ? { tally, list } : undefined;
}
