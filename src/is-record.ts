/** A non-null object that is not an array: a mapping as YAML and JSON give them. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
