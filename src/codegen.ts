/**
 * Code generated at run time, for the totals path's hot loops. Generated code
 * reads an object's keys by name, which V8 compiles to one shape check and a
 * load, where a loop over key names pays a lookup for each. Rubric text never
 * becomes code: names are written with JSON.stringify, numbers so that they
 * read back as the same number, and everything else is passed in as an
 * argument.
 *
 * Where `new Function` is refused (a Content-Security-Policy without
 * 'unsafe-eval') or `compile(…, { jitless: true })` asks so, nothing is
 * generated and the same work is done by closures; the two agree on every
 * input (tested).
 */

let allowed: boolean | undefined;

/** Whether this realm lets code be generated (checked once, as zod 4 does). */
export function canGenerate(): boolean {
  if (allowed === undefined) {
    try {
      allowed = typeof new Function('return 1') === 'function';
    } catch {
      allowed = false;
    }
  }
  return allowed;
}

/**
 * A function made from `body` with these arguments bound by name, or
 * undefined where code cannot be generated. The body returns the function.
 */
export function generate<T>(bindings: Readonly<Record<string, unknown>>, body: string): T | undefined {
  if (!canGenerate()) return undefined;
  const names = Object.keys(bindings);
  return new Function(...names, `"use strict";\n${body}`)(...names.map((n) => bindings[n])) as T;
}

/** A number written as a literal that reads back as the same number (String gives the shortest such text). */
export const numberLiteral = (n: number): string => (Object.is(n, -0) ? '-0' : Number.isNaN(n) ? 'NaN' : n === Infinity ? 'Infinity' : n === -Infinity ? '-Infinity' : String(n));

/** A string written as a literal. */
export const stringLiteral = (s: string): string => JSON.stringify(s);

