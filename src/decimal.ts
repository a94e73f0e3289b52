/**
 * Exact rational arithmetic over BigInt. Scores, thresholds and rates are
 * decimals written by people (0.66, 5.28); floating point would turn
 * 0.66 × 8 into 5.28000000001. Every value is kept as a reduced fraction
 * n / d with d > 0, so sums, products, ratios and comparisons are exact.
 */
const DEC = Symbol.for('shequ-rubric.Dec');

export class Dec {
  private constructor(
    readonly n: bigint,
    readonly d: bigint,
  ) {}

  /**
   * A Dec of any copy of the library is a Dec (the ESM and CommonJS builds
   * are two copies, and a rubric compiled by one may be scored by the
   * other): `instanceof` reads the mark every copy puts on its prototype.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [DEC]?: unknown })[DEC] === true;
  }

  static {
    Object.defineProperty(this.prototype, DEC, { value: true });
  }

  static readonly ZERO = new Dec(0n, 1n);
  static readonly ONE = new Dec(1n, 1n);

  static of(n: bigint, d: bigint = 1n): Dec {
    if (d === 0n) throw new RangeError('Dec: zero denominator');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    if (d === 1n) return new Dec(n, d);
    const g = gcd(n < 0n ? -n : n, d);
    return g === 1n ? new Dec(n, d) : new Dec(n / g, d / g);
  }

  static int(i: number | bigint): Dec {
    return new Dec(BigInt(i), 1n);
  }

  /** Parses a decimal literal such as "-12.50", "3", "1e-2", "0.66". */
  static parse(text: string): Dec | undefined {
    const m = /^\s*([+-]?)(\d+)?(?:\.(\d+))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (!m || (m[2] === undefined && m[3] === undefined)) return undefined;
    const frac = m[3] ?? '';
    let n = BigInt((m[2] ?? '0') + frac);
    let d = 10n ** BigInt(frac.length);
    const exp = m[4] ? Number(m[4]) : 0;
    if (Math.abs(exp) > 400) return undefined;
    if (exp > 0) n *= 10n ** BigInt(exp);
    if (exp < 0) d *= 10n ** BigInt(-exp);
    if (m[1] === '-') n = -n;
    return Dec.of(n, d);
  }

  /**
   * A JS number as the decimal it was written as: its shortest round-trip
   * representation ("0.1" for 0.1), never its binary expansion.
   */
  static fromNumber(x: number): Dec | undefined {
    if (!Number.isFinite(x)) return undefined;
    if (Number.isSafeInteger(x)) return new Dec(BigInt(x), 1n);
    return Dec.parse(String(x));
  }

  add(o: Dec): Dec {
    return this.d === o.d ? Dec.of(this.n + o.n, this.d) : Dec.of(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Dec): Dec {
    return this.d === o.d ? Dec.of(this.n - o.n, this.d) : Dec.of(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Dec): Dec {
    return Dec.of(this.n * o.n, this.d * o.d);
  }
  div(o: Dec): Dec {
    if (o.n === 0n) throw new RangeError('Dec: division by zero');
    return Dec.of(this.n * o.d, this.d * o.n);
  }
  cmp(o: Dec): -1 | 0 | 1 {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  eq(o: Dec): boolean {
    return this.n === o.n && this.d === o.d;
  }
  lt(o: Dec): boolean {
    return this.cmp(o) < 0;
  }
  lte(o: Dec): boolean {
    return this.cmp(o) <= 0;
  }
  gt(o: Dec): boolean {
    return this.cmp(o) > 0;
  }
  gte(o: Dec): boolean {
    return this.cmp(o) >= 0;
  }
  isZero(): boolean {
    return this.n === 0n;
  }
  isNegative(): boolean {
    return this.n < 0n;
  }
  isInteger(): boolean {
    return this.d === 1n;
  }
  /** Largest integer ≤ this. */
  floor(): Dec {
    const q = this.n / this.d;
    return Dec.of(this.n < 0n && q * this.d !== this.n ? q - 1n : q);
  }
  static min(a: Dec, b: Dec): Dec {
    return a.lte(b) ? a : b;
  }
  static max(a: Dec, b: Dec): Dec {
    return a.gte(b) ? a : b;
  }
  static sum(xs: Iterable<Dec>): Dec {
    let acc = Dec.ZERO;
    for (const x of xs) acc = acc.add(x);
    return acc;
  }

  // Values are immutable: their decimal forms are computed once.
  #places: number | undefined | null = null;
  #text: string | undefined;

  /** Number of decimal places of the exact decimal form, or undefined when it does not terminate. */
  places(): number | undefined {
    if (this.#places !== null) return this.#places;
    this.#places = this.computePlaces();
    return this.#places;
  }

  private computePlaces(): number | undefined {
    if (this.d <= MAX_SAFE) return placesOfSafe(Number(this.d));
    // Not one division per factor, as for a safe d: over a BigInt of many digits that is quadratic
    // (a value of 30 000 digits, which evidence may give as a string, took seconds).
    const twos = bitLength(this.d & -this.d) - 1;
    const fives = powerOfFive(this.d >> BigInt(twos));
    return fives === undefined ? undefined : Math.max(twos, fives);
  }

  /** Rounds to `places` decimal places; half-up rounds halves away from zero. */
  round(places: number, mode: 'half-up' | 'half-even' = 'half-up'): Dec {
    return Dec.of(this.scaledRounded(places, mode), pow10(places));
  }

  /** this × 10^places rounded to an integer, by one division (no fraction to reduce); 'down' cuts toward zero. */
  private scaledRounded(places: number, mode: 'half-up' | 'half-even' | 'down'): bigint {
    const num = this.n * pow10(places);
    const neg = num < 0n;
    const abs = neg ? -num : num;
    let q = abs / this.d;
    const r2 = (abs % this.d) * 2n;
    if (mode !== 'down' && (r2 > this.d || (r2 === this.d && (mode === 'half-up' || q % 2n === 1n)))) q += 1n;
    return neg ? -q : q;
  }

  /**
   * The exact decimal string, minimal digits ("5.28", "1.5", "7", "-0.25").
   * A value with no terminating decimal form is written with its first
   * `maxPlaces` places followed by "…" ("0.6666…" for 2/3): cut, not rounded,
   * so the digits shown are the value's own and a value just under 62.675
   * never reads "62.6750…".
   */
  toString(maxPlaces = 12): string {
    const p = this.places();
    if (p === undefined) return `${this.toFixed(maxPlaces, 'down')}…`;
    this.#text ??= this.d === 1n ? this.n.toString() : this.toFixed(p);
    return this.#text;
  }

  /**
   * Fixed number of places; exact when `places` covers the value, else
   * rounded half-up, or cut (mode 'down', toward zero: the digits a text
   * ending in "…" shows).
   */
  toFixed(places: number, mode: 'half-up' | 'down' = 'half-up'): string {
    const scaled = this.scaledRounded(places, mode);
    // A cut value keeps its sign even where its shown digits are all 0 (-1/30000 is "-0.0000…").
    const neg = scaled < 0n || (mode === 'down' && this.n < 0n);
    const digits = (neg ? -scaled : scaled).toString().padStart(places + 1, '0');
    const int = digits.slice(0, digits.length - places);
    const frac = digits.slice(digits.length - places);
    return `${neg ? '-' : ''}${int}${places > 0 ? `.${frac}` : ''}`;
  }

  /** For display and charts only: never feed this back into scoring. */
  toNumber(): number {
    return Number(this.toString(17).replace('…', ''));
  }

  toJSON(): string {
    return this.toString();
  }
}

/** The largest BigInt that converts to a double exactly and stays exact under %: 2^53 − 1. */
export const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A BigInt as a JS number, when it lies within ±(2^53 − 1) where numbers are exact. */
function safeNumber(n: bigint): number | undefined {
  return n <= MAX_SAFE && n >= -MAX_SAFE ? Number(n) : undefined;
}

/** An integral decimal as a JS number, when it lies within ±(2^53 − 1). */
export function safeInteger(d: Dec): number | undefined {
  return d.d === 1n ? safeNumber(d.n) : undefined;
}

/**
 * d × 10^places as a safe integer (points counted in the rubric's smallest
 * unit), or undefined when that is not a whole number or not safe.
 */
export function scaledInteger(d: Dec, places: number): number | undefined {
  const num = d.n * pow10(places);
  return num % d.d === 0n ? safeNumber(num / d.d) : undefined;
}

/** An integer count of 10^-places as the exact decimal string ("93.5"). */
export function scaledText(x: number, scale: number, places: number): string {
  if (scale === 1) return String(x);
  const neg = x < 0;
  const a = neg ? -x : x;
  const int = Math.floor(a / scale);
  let frac = a - int * scale;
  if (frac === 0) return `${neg ? '-' : ''}${int}`;
  let digits = places;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return `${neg ? '-' : ''}${int}.${String(frac).padStart(digits, '0')}`;
}

function gcd(a: bigint, b: bigint): bigint {
  // Most scores are small fractions: Euclid on doubles is exact below 2^53 and far cheaper than on BigInts.
  if (a <= MAX_SAFE && b <= MAX_SAFE) {
    let x = Number(a);
    let y = Number(b);
    while (y !== 0) {
      const r = x % y;
      x = y;
      y = r;
    }
    return x === 0 ? 1n : BigInt(x);
  }
  while (b !== 0n) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a === 0n ? 1n : a;
}

/** Places of the decimal form of 1/d for a safe integer d > 0 (undefined when it does not terminate). */
function placesOfSafe(d: number): number | undefined {
  let twos = 0;
  let fives = 0;
  while (d % 2 === 0) {
    d /= 2;
    twos++;
  }
  while (d % 5 === 0) {
    d /= 5;
    fives++;
  }
  return d === 1 ? Math.max(twos, fives) : undefined;
}

/** The number of binary digits of x > 0. */
function bitLength(x: bigint): number {
  return x.toString(2).length;
}

/** k when x = 5^k, else undefined: k is read off x's length, and one power checks it. */
function powerOfFive(x: bigint): number | undefined {
  if (x === 1n) return 0;
  // 5^k has floor(k × log2 5) + 1 binary digits.
  const estimate = Math.floor((bitLength(x) - 1) / Math.log2(5));
  for (const k of [estimate, estimate + 1]) if (k > 0 && 5n ** BigInt(k) === x) return k;
  return undefined;
}

const POWERS = Array.from({ length: 32 }, (_, i) => 10n ** BigInt(i));

/** 10^places as a BigInt (the usual small powers made once). */
function pow10(places: number): bigint {
  return POWERS[places] ?? 10n ** BigInt(places);
}

/** Reads a decimal from what users write: a finite number or a decimal string. */
export function toDec(value: unknown): Dec | undefined {
  if (typeof value === 'number') return Dec.fromNumber(value);
  if (typeof value === 'string') return Dec.parse(value);
  if (value instanceof Dec) return value;
  return undefined;
}
