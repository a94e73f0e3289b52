import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../src/index.js';
import { toDec } from '../src/decimal.js';

/**
 * Dec against references written here in plain BigInt: fractions compared by
 * cross-multiplication, decimals formatted by long division. Values range
 * from small integers to numerators and denominators far past 2^53, so both
 * sides of any small-number shortcut are exercised.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 300);

const bigint = fc.oneof(fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }));
const positive = fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: 2n ** 60n }), fc.constantFrom(1n, 2n, 4n, 5n, 8n, 10n, 100n, 1000n, 3n, 7n, 69n, 10n ** 12n, 2n ** 53n, 2n ** 53n + 1n));
const fraction = fc.tuple(bigint, positive);
const dec = fraction.map(([n, d]) => Dec.of(n, d));

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const abs = (a: bigint) => (a < 0n ? -a : a);
/** x as n/d equals the fraction p/q. */
const equals = (x: Dec, p: bigint, q: bigint) => x.n * q === p * x.d;

/** The reference: |n/d| × 10^places rounded by the mode, sign kept. */
function roundRef(n: bigint, d: bigint, places: number, mode: 'half-up' | 'half-even'): bigint {
  const neg = n < 0n !== d < 0n;
  const num = abs(n) * 10n ** BigInt(places);
  const den = abs(d);
  let q = num / den;
  const r = num % den;
  if (2n * r > den || (2n * r === den && (mode === 'half-up' || q % 2n === 1n))) q += 1n;
  return neg ? -q : q;
}

/** n / d × 10^places cut toward zero, with the sign of n / d (a cut value keeps it: -1/3000 shows as -0.0003…, and -1/30000 as -0.0000…). */
function cutRef(n: bigint, d: bigint, places: number): { scaled: bigint; negative: boolean } {
  const q = (abs(n) * 10n ** BigInt(places)) / abs(d);
  const negative = n < 0n !== d < 0n;
  return { scaled: negative ? -q : q, negative };
}

/** An integer count of 10^-places written as a decimal with exactly `places` places. */
function fixedRef(value: bigint | { scaled: bigint; negative: boolean }, places: number): string {
  const scaled = typeof value === 'bigint' ? value : value.scaled;
  const neg = typeof value === 'bigint' ? scaled < 0n : value.negative;
  const digits = abs(scaled).toString().padStart(places + 1, '0');
  const int = digits.slice(0, digits.length - places);
  return `${neg ? '-' : ''}${int}${places ? `.${digits.slice(digits.length - places)}` : ''}`;
}

/** Smallest p with d | 10^p, or undefined. */
function placesRef(d: bigint): number | undefined {
  for (let p = 0; p <= 200; p++) if ((10n ** BigInt(p)) % d === 0n) return p;
  return undefined;
}

describe('Dec', () => {
  it('keeps every value reduced, with a positive denominator', () => {
    fc.assert(
      fc.property(bigint, fc.oneof(positive, positive.map((d) => -d)), (n, d) => {
        const x = Dec.of(n, d);
        expect(x.d > 0n).toBe(true);
        expect(gcd(x.n, x.d)).toBe(x.n === 0n ? x.d : 1n);
        expect(equals(x, n, d)).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it('adds, subtracts, multiplies, divides and compares exactly', () => {
    fc.assert(
      fc.property(fraction, fraction, ([a, b], [c, d]) => {
        const x = Dec.of(a, b);
        const y = Dec.of(c, d);
        expect(equals(x.add(y), a * d + c * b, b * d)).toBe(true);
        expect(equals(x.sub(y), a * d - c * b, b * d)).toBe(true);
        expect(equals(x.mul(y), a * c, b * d)).toBe(true);
        if (c !== 0n) expect(equals(x.div(y), a * d, b * c)).toBe(true);
        else expect(() => x.div(y)).toThrow(RangeError);
        const l = a * d;
        const r = c * b;
        expect(x.cmp(y)).toBe(l < r ? -1 : l > r ? 1 : 0);
        expect(x.eq(y)).toBe(l === r);
      }),
      { numRuns: runs },
    );
  });

  it('knows how many places its exact decimal form has, and writes it', () => {
    fc.assert(
      fc.property(dec, (x) => {
        const p = placesRef(x.d);
        expect(x.places()).toBe(p);
        if (p !== undefined) {
          const text = fixedRef((x.n * 10n ** BigInt(p)) / x.d, p);
          // Minimal digits: no trailing zeros after the point.
          expect(x.toString()).toBe(p === 0 ? text : text.replace(/\.?0+$/, ''));
          expect(Dec.parse(x.toString())?.eq(x)).toBe(true);
        } else {
          // The digits shown are the value's own, cut: 2/3 is 0.6666…, and nothing just under 62.675 reads 62.6750….
          expect(x.toString()).toBe(`${fixedRef(cutRef(x.n, x.d, 12), 12)}…`);
          expect(x.toString(4)).toBe(`${fixedRef(cutRef(x.n, x.d, 4), 4)}…`);
        }
      }),
      { numRuns: runs },
    );
  });

  it('counts the places of denominators of any size: 2^a × 5^b × m terminates exactly when m is 1', () => {
    fc.assert(
      fc.property(fc.nat(400), fc.nat(400), fc.constantFrom(1n, 1n, 3n, 7n, 11n, 2n ** 61n - 1n), fc.bigInt({ min: 1n, max: 10n ** 20n }), (a, b, m, n) => {
        const d = 2n ** BigInt(a) * 5n ** BigInt(b) * m;
        const x = Dec.of(n * d + 1n, d); // n·d + 1 is coprime to d: the fraction stays as written
        expect(x.places()).toBe(m === 1n ? Math.max(a, b) : undefined);
      }),
      { numRuns: runs },
    );
  });

  it('writes a decimal of a hundred thousand digits back at once (each factor of 10 was a BigInt division)', () => {
    const text = `0.${'9'.repeat(50_000)}${'37'.repeat(25_000)}`;
    const started = Date.now();
    const x = Dec.parse(text) as Dec;
    expect(x.places()).toBe(100_000);
    expect(x.toString()).toBe(text);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rounds half up (away from zero) and half to even, and writes fixed places', () => {
    fc.assert(
      fc.property(dec, fc.integer({ min: 0, max: 14 }), fc.constantFrom('half-up' as const, 'half-even' as const), (x, places, mode) => {
        const scaled = roundRef(x.n, x.d, places, mode);
        expect(equals(x.round(places, mode), scaled, 10n ** BigInt(places))).toBe(true);
        expect(x.toFixed(places)).toBe(fixedRef(roundRef(x.n, x.d, places, 'half-up'), places));
      }),
      { numRuns: runs },
    );
  });

  it('floors toward minus infinity', () => {
    fc.assert(
      fc.property(dec, (x) => {
        const f = x.floor();
        expect(f.isInteger()).toBe(true);
        expect(f.lte(x) && x.lt(f.add(Dec.ONE))).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it('reads numbers as they are written, never their binary expansion', () => {
    expect(Dec.fromNumber(0.1)?.toString()).toBe('0.1');
    expect(Dec.fromNumber(0.66)?.mul(Dec.int(8)).toString()).toBe('5.28');
    expect(Dec.fromNumber(1e21)?.toString()).toBe('1000000000000000000000');
    expect(Dec.fromNumber(-0)?.toString()).toBe('0');
    expect(Dec.fromNumber(Number.NaN)).toBeUndefined();
    expect(Dec.fromNumber(Number.POSITIVE_INFINITY)).toBeUndefined();
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Dec.fromNumber(x)?.toNumber()).toBe(x === 0 ? 0 : x);
        expect(toDec(x)?.eq(Dec.parse(String(x)) as Dec)).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it('parses decimal literals exactly, and refuses anything else', () => {
    expect(Dec.parse('-12.50')?.toString()).toBe('-12.5');
    expect(Dec.parse('1e-2')?.toString()).toBe('0.01');
    expect(Dec.parse('0.30000000000000001')?.toString()).toBe('0.30000000000000001');
    for (const bad of ['', '.', 'abc', '1..2', '0x10', '1e999', '--1']) expect(Dec.parse(bad)).toBeUndefined();
  });
});
