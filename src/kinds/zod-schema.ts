import { describe } from '../issues.js';

/**
 * A kind's schemas are joined into the library's own (an item schema is the
 * common keys plus the kind's params), so they must come from the zod the
 * library uses, zod 4, which the library re-exports as `z`. A zod 3 schema
 * (another copy of zod installed beside it) fails deep inside zod with a
 * TypeError; it is recognised here first. Every zod 4 schema, of zod or of
 * zod/mini, carries its internals under `_zod`.
 */
export function isZod4Schema(value: unknown): boolean {
  return value !== null && typeof value === 'object' && '_zod' in value;
}

/** What a value that should have been a zod 4 schema is, in an issue's words. */
export function describeSchema(value: unknown): string {
  if (value !== null && typeof value === 'object' && '_def' in value) return 'a schema of another version of zod (zod 3?)';
  return describe(value);
}
