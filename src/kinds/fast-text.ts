/**
 * Decimal texts for fast tracers, from plain numbers without Dec: each gives
 * exactly the text Dec gives for the same value (property-tested against
 * it), or undefined where it cannot tell cheaply, and the tracer declines.
 */

/** Dec.fromNumber(x).toString(): a finite number as it was written ("0.85"); undefined for exponent forms ("1e-7"). */
export function numberText(x: number): string | undefined {
  if (Number.isSafeInteger(x)) return String(x);
  if (!Number.isFinite(x)) return undefined;
  const s = String(x); // "-0" prints as "0", as Dec does
  return s.includes('e') ? undefined : s;
}

/** The largest denominator long division handles in safe integers (a remainder × 10 stays safe). */
const MAX_DENOMINATOR = Math.floor(Number.MAX_SAFE_INTEGER / 10);
/** Digits produced per division step where the denominator allows (remainder × 10^6 stays safe). */
const CHUNK = 6;
const CHUNK_DENOMINATOR = Math.floor(Number.MAX_SAFE_INTEGER / 10 ** CHUNK);
/** 10^k for k ≤ CHUNK, looked up (a variable power is computed slowly). */
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/** ⌊x ÷ d⌋ for safe integers x ≥ 0, d > 0: the quotient of doubles, which may be one off for large x, corrected by its remainder. */
function floorDiv(x: number, d: number): number {
  const q = Math.floor(x / d);
  const r = x - q * d;
  return r < 0 ? q - 1 : r >= d ? q + 1 : q;
}

/**
 * Dec.of(n, d).toString(maxPlaces) for safe integers n ≥ 0 and d > 0: the
 * exact decimal when it terminates, else its first maxPlaces places and "…".
 * Undefined outside those bounds.
 */
export function ratioText(n: number, d: number, maxPlaces: number): string | undefined {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || n < 0 || d <= 0 || d > MAX_DENOMINATOR) return undefined;
  const int = floorDiv(n, d);
  let r = n - int * d;
  if (r === 0) return String(int);
  // n ÷ d terminates when d, without its factors 2 and 5, divides n (no fraction to reduce first).
  let odd = d;
  while (odd % 2 === 0) odd /= 2;
  while (odd % 5 === 0) odd /= 5;
  const terminates = n % odd === 0;
  // Long division, CHUNK digits a step where d allows, as numbers of known width.
  const chunks: number[] = [];
  const widths: number[] = [];
  let places = 0;
  while (terminates ? r !== 0 : places < maxPlaces) {
    const width = d > CHUNK_DENOMINATOR ? 1 : terminates ? CHUNK : Math.min(CHUNK, maxPlaces - places);
    const x = r * (POW10[width] as number);
    const q = floorDiv(x, d);
    r = x - q * d;
    chunks.push(q);
    widths.push(width);
    places += width;
  }
  let digits = '';
  for (let k = 0; k < chunks.length; k++) digits += String(chunks[k]).padStart(widths[k] as number, '0');
  if (!terminates) return maxPlaces === 0 ? `${int}…` : `${int}.${digits}…`;
  // A terminating quotient ends where its remainder did, within the last chunk: its zeros after that go.
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  return `${int}.${digits.slice(0, end)}`;
}
