/**
 * Whether an evidence value was left blank: absent, null, or a mapping whose every
 * field is left blank ({ area: ~, households: ~ }, as `template` writes an
 * item to fill in). Such an item has no evidence: missing, like null, not a
 * value with its fields wrong.
 */
export function leftBlank(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'object' || Array.isArray(value) || depth > 8) return false;
  let fields = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (!leftBlank((value as Record<string, unknown>)[key], depth + 1)) return false;
    fields++;
  }
  return fields > 0;
}
