import { z } from 'zod';
import { Dec, toDec } from '../decimal.js';
import { parseRange, type Range } from '../range.js';
import { describe, issue, type Issue, type IssueCode } from '../issues.js';
import type { Bilingual } from './define.js';

/** Schemas shared by the rubric format and the kinds. */

export const bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an id is letters, digits, ".", "_" or "-", starting with a letter or digit')
  // An id becomes a key in evidence files, where these keys are refused.
  .refine((id) => id !== 'constructor' && id !== 'prototype', { message: 'the ids "constructor" and "prototype" are reserved' });

/** On a part of a sum: the id of a sibling part it needs (kinds/requires.ts). */
export const requiresSchema = idSchema.optional();

/** A decimal written as a number or a decimal string, read exactly. */
export const decimal = z.union([z.number(), z.string()]).transform((value, ctx): Dec => {
  const d = toDec(value);
  if (!d) {
    // Like evidence numbers (quantity): text that is not a number is the wrong type of value.
    ctx.issues.push(notANumber(value));
    return z.NEVER;
  }
  return d;
});

// Checks, not refines: a refine's message cannot name the value found.
export const nonNegative = decimal.check((ctx) => {
  if (ctx.value.isNegative()) ctx.issues.push(expectedFound('out-of-range', 'a number ≥ 0', ctx.value.toString(), ctx.value));
});

export const positive = decimal.check((ctx) => {
  if (!ctx.value.gt(Dec.ZERO)) ctx.issues.push(expectedFound('out-of-range', 'a number > 0', ctx.value.toString(), ctx.value));
});

/** A custom zod issue in the library's words, "expected …, found …", carrying the library's code. */
function expectedFound(code: IssueCode, expected: string, found: string, input: unknown, said = expected): z.core.$ZodRawIssue {
  // A value of thousands of digits is named by its start and its length, not echoed whole into every message.
  const shown = found.length > MAX_FOUND ? `${found.slice(0, MAX_FOUND)}… (${found.length} characters)` : found;
  return { code: 'custom', input, message: `expected ${said}, found ${shown}`, params: { code, expected, found: shown } };
}

const MAX_FOUND = 40;

/** Text (or a number) that is not a finite decimal. */
function notANumber(value: unknown): z.core.$ZodRawIssue {
  return expectedFound('invalid-type', 'a finite number', describe(value), value, 'a number');
}

export const fraction = decimal.refine((d) => !d.isNegative() && d.lte(Dec.ONE), {
  message: 'expected a fraction in [0, 1]',
  params: { code: 'out-of-range', expected: 'a number in [0, 1]' },
});

export const rangeSchema = z.string().transform((text, ctx): Range => {
  const r = parseRange(text);
  if (typeof r === 'string') {
    ctx.issues.push({
      code: 'custom',
      input: text,
      message: `"${text}" is not a range: ${r}`,
      params: { code: 'invalid-range', expected: 'a range such as ">= 90" or "[80, 90)"' },
    });
    return z.NEVER;
  }
  return r;
});

/**
 * A quantity's unit: one text for both languages, for a symbol (m², %, ‰),
 * or its Chinese and English forms where they differ ({ zh: 户, en:
 * households, enOne: household }); `enOne`, optional, follows exactly 1.
 */
export const unitSchema = z.union([
  z.string(),
  z.strictObject({ zh: z.string().min(1), en: z.string().min(1), enOne: z.string().min(1).optional() }),
]);
export type Unit = z.output<typeof unitSchema>;

const HAN = /\p{Script=Han}/u;

/** The unit's Chinese form, written straight after the number (1100户); '' for none. */
export function unitZh(unit: Unit | undefined): string {
  return unit === undefined ? '' : typeof unit === 'string' ? unit : unit.zh;
}

/**
 * The unit's English form after a number or a range written `text` (`enOne`
 * after exactly 1, or a bound of exactly 1: ">= 1"); '' for none. A unit
 * written once that holds Chinese characters (户, 次/年) has no English
 * form: English leaves it out rather than print it.
 */
export function unitEn(unit: Unit | undefined, text?: string): string {
  if (unit === undefined) return '';
  if (typeof unit === 'string') return HAN.test(unit) ? '' : unit;
  return unit.enOne !== undefined && text !== undefined && isOne(text) ? unit.enOne : unit.en;
}

/** Whether a number's or a one-sided range's text says exactly 1 ("1", ">= 1", "= 1"). */
function isOne(text: string): boolean {
  const bound = /^\s*(?:[<>]=?|=|[≤≥])?\s*([^\s,[\]()]+)\s*$/.exec(text)?.[1];
  return bound !== undefined && Dec.parse(bound)?.eq(Dec.ONE) === true;
}

/** A number's (or a range's) text with its unit: 1100户 in Chinese, 1100 households in English. */
export function withUnit(text: string, unit: Unit | undefined): Bilingual {
  const en = unitEn(unit, text);
  return { zh: text + unitZh(unit), en: en ? `${text} ${en}` : text };
}

/** A number of points in English, "1 point" in the singular: "0.5 points", "2 points", "1 → 2 points". */
export function pointsEn(n: string): string {
  return `${n} ${n === '1' ? 'point' : 'points'}`;
}

/** Points per unit, or per step of units, of a counted quantity (count and deduct). */
export const perUnitShape = {
  id: idSchema,
  zh: z.string().min(1),
  en: z.string().min(1),
  unit: unitSchema.optional(),
  per: nonNegative,
  step: positive.optional(),
  integer: z.boolean().optional(),
};

/** A measured quantity the inspector records. */
export const measureSpec = z.strictObject({
  zh: z.string().min(1),
  en: z.string().min(1),
  unit: unitSchema.optional(),
  integer: z.boolean().optional(),
  max: decimal.optional(),
  atMost: z.string().optional(),
});
export type MeasureSpec = z.output<typeof measureSpec>;

/** What an evidence number holds, for the evidence JSON Schema (editors show it): its unit, whole or not, its bound. */
function quantityDescription(spec: { integer?: boolean | undefined; max?: Dec | undefined; unit?: Unit | undefined }): string {
  const number = spec.integer ? 'a whole number' : 'a number';
  // A "%" field takes numbers of percent, where a rate item takes a fraction: the trap evidenceHints points at.
  const unit = unitEn(spec.unit);
  const what = unitZh(spec.unit) === '%' ? `${number} of percent ≥ 0 (93 for 93 %, not 0.93)` : `${number} ≥ 0${unit ? ` in ${unit}` : ''}`;
  return spec.max ? `${what}, at most ${spec.max.toString()}` : what;
}

/** Evidence numbers: finite, ≥ 0, optionally whole and bounded. */
export function quantity(spec: { integer?: boolean | undefined; max?: Dec | undefined; unit?: Unit | undefined; description?: string }) {
  return z.union([z.number(), z.string()]).describe(spec.description ?? quantityDescription(spec)).transform((value, ctx): Dec => {
    const d = toDec(value);
    if (!d) {
      ctx.issues.push(notANumber(value));
      return z.NEVER;
    }
    if (d.isNegative()) {
      ctx.issues.push(expectedFound('out-of-range', 'a number ≥ 0', d.toString(), value));
      return z.NEVER;
    }
    if (spec.integer && !d.isInteger()) {
      ctx.issues.push(expectedFound('invalid-value', 'a whole number', d.toString(), value));
      return z.NEVER;
    }
    if (spec.max && d.gt(spec.max)) {
      // A described quantity (a rate: "a fraction from 0 to 1 (0.93 for 93 %)") says so: 93 given for 93 % is the usual slip.
      ctx.issues.push(expectedFound('out-of-range', spec.description ?? `at most ${withUnit(spec.max.toString(), spec.unit).en}`, d.toString(), value));
      return z.NEVER;
    }
    return d;
  });
}

export const evidenceBoolean = z.boolean({
  error: (iss) => `expected true or false, found ${describe(iss.input)}`,
});

/** Evidence as it is echoed into a result: decimals as exact strings. */
export function plain(value: unknown): unknown {
  if (value instanceof Dec) return value.toString();
  // Lists in evidence are sets (levels, honours, projects): echo them in a canonical order.
  if (Array.isArray(value)) return canonicalOrder(value.map(plain));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = plain((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** A decimal in a reason: exact when it terminates, else four places and "…". */
export const fmt = (d: Dec): string => d.toString(4);

/**
 * Elements sorted by their JSON text, each written once (not once per
 * comparison); equal texts keep their order. `jsonText` may write it faster
 * for elements of a known shape, to the same text.
 */
export function canonicalOrder<T>(elements: T[], jsonText: (v: T) => string = (v) => JSON.stringify(v) as string): T[] {
  if (elements.length < 2) return elements;
  // JSON.stringify gives undefined for nothing a parsed evidence value holds; compared as strings all the same.
  const keyed = elements.map((v) => ({ text: jsonText(v), v }));
  keyed.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return keyed.map((k) => k.v);
}

/**
 * Ids unique within one of an item's lists (counts, states, parts…): call
 * the checker on each entry in order; it gives a duplicate-id issue for the
 * second and later uses of an id. `seen` starts it with ids taken elsewhere.
 */
export function uniqueIds(list: string, noun?: string, seen: Iterable<string> = []): (id: string, index: number) => Issue | undefined {
  const ids = new Set(seen);
  return (id, index) => {
    if (ids.has(id)) {
      return issue('duplicate-id', [list, index, 'id'], `${noun ? `the ${noun} ` : ''}"${id}" is listed twice`, { expected: `an id not listed before in ${list}`, found: id });
    }
    ids.add(id);
    return undefined;
  };
}

/** The duplicate-id issues of a list of entries with ids. */
export function duplicateIds(entries: readonly { id: string }[], list: string, noun?: string): Issue[] {
  const check = uniqueIds(list, noun);
  return entries.flatMap((e, i) => check(e.id, i) ?? []);
}
