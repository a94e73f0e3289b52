import { Dec } from './decimal.js';

/**
 * How a YAML scalar becomes a value, shared by the yaml-based reader and the
 * plain reader (plain-yaml.ts) so both give the same value for the same text.
 */

/**
 * A YAML number stays a JS number when that number reads back as exactly the
 * decimal written; otherwise the literal text is kept so no digit is lost.
 */
export function scalarValue(value: unknown, sourceText: string | undefined): unknown {
  if (typeof value === 'number' && Number.isFinite(value) && sourceText !== undefined) {
    const written = Dec.parse(sourceText.replace(/_/g, ''));
    const asNumber = Dec.fromNumber(value);
    if (written && asNumber && !written.eq(asNumber)) return sourceText;
  }
  return value;
}

// The YAML 1.2 core schema's tests, as yaml 2 writes them (schema/core, schema/common/null).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Octal, hexadecimal, infinities and NaN: left to yaml (a rubric has no use for them). */
const OTHER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/**
 * A plain (unquoted) scalar's value under the core schema, as yaml 2 resolves
 * it: what yaml compares to find a repeated key (`1` and `1.0` are one key, as
 * are `null` and `~`). Undefined for the forms left to yaml.
 */
export function coreValue(text: string): { value: unknown } | undefined {
  if (NULL.test(text)) return { value: null };
  if (BOOL.test(text)) return { value: text[0] === 't' || text[0] === 'T' };
  if (OTHER.test(text)) return undefined;
  if (INT.test(text)) return { value: parseInt(text, 10) };
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return { value: parseFloat(text) };
  return { value: text };
}

/** A plain scalar's value as the readers give it: the core schema's, numbers kept exact by scalarValue. */
export function plainScalar(text: string): { value: unknown } | undefined {
  const core = coreValue(text);
  return core && typeof core.value === 'number' ? { value: scalarValue(core.value, text) } : core;
}
