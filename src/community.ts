/**
 * The community record a result carries (ScoreOptions.community): a copy of
 * what was given, as JSON would write it. Keys are sorted, so that results
 * are the same whatever order a record's keys came in; lists keep their
 * order (a community's lists are the caller's data, not sets, as lists in
 * evidence are); a value with toJSON, such as a Date, is what toJSON gives;
 * what JSON cannot write is left out (null in a list), and a BigInt is its digits.
 * The record's depth and size are checked before it is copied (tooDeep).
 */
export function copyCommunity(value: unknown): unknown {
  const v = hasToJson(value) ? value.toJSON() : value;
  // JSON has no BigInt (JSON.stringify throws on one): an id given as 12345n is written as its digits.
  if (typeof v === 'bigint') return v.toString();
  // What JSON leaves out of a mapping (undefined, a function, a symbol) is null in a list, as JSON writes it.
  if (Array.isArray(v)) return v.map((x) => (unwritten(x) ? null : copyCommunity(x)));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[key];
    if (!unwritten(x)) out[key] = copyCommunity(x);
  }
  return out;
}

function unwritten(x: unknown): boolean {
  return x === undefined || typeof x === 'function' || typeof x === 'symbol';
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
