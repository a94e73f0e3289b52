/**
 * The community record a result carries (ScoreOptions.community): a copy of
 * what was given, as JSON would write it. Keys are sorted, so that results
 * are the same whatever order a record's keys came in; lists keep their
 * order (a community's lists are the caller's data, not sets, as lists in
 * evidence are); a value with toJSON, such as a Date, is what toJSON gives.
 * The record's depth and size are checked before it is copied (tooDeep).
 */
export function copyCommunity(value: unknown): unknown {
  const v = hasToJson(value) ? value.toJSON() : value;
  if (Array.isArray(v)) return v.map(copyCommunity);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort()) out[key] = copyCommunity((v as Record<string, unknown>)[key]);
  return out;
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
