/** A non-null object that is not an array: a mapping as YAML and JSON give them. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A record of evidence as the scorers read it: a mapping whose entries are its own keys (a Map keeps them elsewhere). */
export function isEvidenceRecord(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && !(v instanceof Map);
}
