import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compile, parseRubric, safeScore, safeScoreTotals, score, scoreTotals, totalsOf, type CompiledRubric, type ScoreOptions } from '../src/index.js';
import { fieldReader } from '../src/kinds/fast.js';
import { bundledRubricFiles, loadBundled, read } from './support/bundled.js';
import { arbitraryRubricEvidence } from './support/evidence.js';
import { CHECK, rubricYaml } from './support/rubric-text.js';

/**
 * The totals path's generated code (src/codegen.ts, totals-codegen.ts, the
 * field readers of kinds/fast.ts and tiers-fast.ts) against the closures it
 * stands for: compile's jitless, and a realm that refuses new Function. Both
 * must give what score gives, on any evidence, valid or not.
 */
const runs = Number(process.env.PROPERTY_RUNS ?? 100);
const DB36 = 'jiangxi-db36-t-1609-2022.yaml';
const RealFunction = Function;

afterEach(() => {
  // A test that fails half-way must not leave a stubbed Function or a polluted Object.prototype behind.
  vi.unstubAllGlobals();
  expect(globalThis.Function).toBe(RealFunction);
  expect(Object.keys(Object.prototype)).toEqual([]);
});

type Outcome = { success: true; json: string } | { success: false; issues: unknown };

/** What a call gives, as comparable data: the totals as JSON, or the issues. */
function outcomeOf(r: ReturnType<typeof safeScoreTotals>): Outcome {
  return r.success ? { success: true, json: JSON.stringify(r.data) } : { success: false, issues: r.error.issues };
}

/** score's answer, as totals. */
function expectedOf(compiled: CompiledRubric, evidence: unknown, options: ScoreOptions): Outcome {
  const full = safeScore(compiled, evidence, options);
  return full.success ? { success: true, json: JSON.stringify(totalsOf(full.data)) } : { success: false, issues: full.error.issues };
}

/** Generated code and closures both give score's totals, or score's issues. */
function expectAgreement(generated: CompiledRubric, jitless: CompiledRubric, evidence: unknown, options: ScoreOptions = {}): void {
  const expected = expectedOf(generated, evidence, options);
  expect(outcomeOf(safeScoreTotals(generated, evidence, options)), 'generated code').toEqual(expected);
  expect(outcomeOf(safeScoreTotals(jitless, evidence, options)), 'jitless').toEqual(expected);
}

const missingOptions = fc.constantFrom<ScoreOptions>({}, { missing: 'zero' }, { missing: 'error' });

// ---------------------------------------------------------------------------
// a. Both modes against score, on every bundled rubric

/** Values no item takes as they are, or takes only through the exact path; and plain counts, valid or not (a measure over its atMost). */
const badValue = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, -1, -0, 'x', '', '1', 1.5, 1e400, Number.NaN, 2 ** 53, true, false, [], {}, [true], { a: 1 }, { area: 1 }),
  fc.integer({ min: 0, max: 100_000 }),
);
/** Names of keys no rubric has, some of them Object.prototype's. */
const extraKey = fc.oneof(fc.constantFrom('no-such-item', 'toString', '__proto__', 'constructor', 'hasOwnProperty', '0', ''), fc.string({ maxLength: 3 }));

/** Inside a value: one more than the largest number beside it (a count over its total, a measure over its atMost). */
const ABOVE = Symbol('above the others');

type Mutation =
  | { op: 'set'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'extra'; key: string; value: unknown }
  | { op: 'inner'; at: number; field: number; value: unknown; drop: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: badValue }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('extra' as const), key: extraKey, value: badValue }),
  // Weighted: the fast scorers' own checks (fields, bounds) are inside values.
  { weight: 4, arbitrary: fc.record({ op: fc.constant('inner' as const), at: fc.nat(), field: fc.nat(), value: fc.oneof(badValue, fc.constant(ABOVE)), drop: fc.boolean() }) },
);

/** Defines an own, enumerable key (plain assignment to "__proto__" would set the prototype instead). */
const defineOwn = (o: object, key: string, value: unknown) => Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

/** Valid evidence, broken by each mutation in turn: values replaced, keys dropped or added, fields inside values changed. */
function broken(evidence: Record<string, unknown>, mutations: readonly Mutation[]): Record<string, unknown> {
  const ids = Object.keys(evidence);
  const out: Record<string, unknown> = { ...evidence };
  for (const m of mutations) {
    if (m.op === 'extra') {
      defineOwn(out, m.key, m.value);
      continue;
    }
    const id = ids[m.at % ids.length] as string;
    if (m.op === 'set') out[id] = m.value;
    else if (m.op === 'delete') delete out[id];
    else {
      // Inside a value: one of the items whose values are lists or objects (measures, counts, honours…).
      const nested = ids.filter((k) => out[k] !== null && typeof out[k] === 'object');
      if (nested.length === 0) continue;
      const id = nested[m.at % nested.length] as string;
      const v = out[id];
      if (Array.isArray(v)) {
        const copy = [...v];
        if (m.drop) copy.pop();
        else copy[m.field % (copy.length + 1)] = m.value === ABOVE ? 1 : m.value;
        out[id] = copy;
      } else if (v !== null && typeof v === 'object') {
        const copy: Record<string, unknown> = { ...v };
        const fields = [...Object.keys(copy), 'junk'];
        const field = fields[m.field % fields.length] as string;
        const numbers = Object.values(copy).filter((x): x is number => typeof x === 'number');
        if (m.drop) delete copy[field];
        else copy[field] = m.value === ABOVE ? Math.max(0, ...numbers) + 1 : m.value;
        out[id] = copy;
      }
    }
  }
  return out;
}

describe.each(bundledRubricFiles)('%s: generated code, jitless and score agree', (file) => {
  it('on valid evidence', async () => {
    const [generated, jitless] = [await loadBundled(file), await loadBundled(file, { jitless: true })];
    fc.assert(
      fc.property(arbitraryRubricEvidence(generated), missingOptions, (evidence, options) => expectAgreement(generated, jitless, evidence, options)),
      { numRuns: runs },
    );
  });

  it('on broken evidence: extra keys, wrong types, null, undefined, missing keys and fields', async () => {
    const [generated, jitless] = [await loadBundled(file), await loadBundled(file, { jitless: true })];
    fc.assert(
      fc.property(arbitraryRubricEvidence(generated), fc.array(mutation, { minLength: 1, maxLength: 4 }), missingOptions, (evidence, mutations, options) =>
        expectAgreement(generated, jitless, broken(evidence, mutations), options),
      ),
      { numRuns: runs },
    );
  });
});

it('tiers with negative and zero points: the best tier that holds, negative too, as score, both modes', () => {
  // The exact path takes the highest tier that holds, whatever its sign, and 0 when none holds.
  const text = rubricYaml({
    max: '2',
    items: [
      '      - id: t',
      '        title: { zh: 档, en: Tiers }',
      '        points: 2',
      '        kind: tiers',
      '        measures: { n: { zh: 数, en: Count, integer: true } }',
      '        tiers:',
      '          - { points: -1, when: { n: "< 5" } }',
      '          - { points: 0, when: { n: "[5, 7)" } }',
      '          - { points: -0.5, when: { n: "[6, 8)" } }',
      '          - { points: 2, when: { n: ">= 10" } }',
    ],
  });
  const rubric = parseRubric(text);
  const seen = new Set<string>();
  for (const jitless of [false, true]) {
    const compiled = compile(rubric, { jitless });
    for (let n = 0; n <= 12; n++) {
      const full = score(compiled, { t: n });
      const totals = scoreTotals(compiled, { t: n });
      expect(JSON.stringify(totals), `n = ${n}, jitless: ${jitless}`).toBe(JSON.stringify(totalsOf(full)));
      seen.add(full.total);
    }
  }
  // Every kind of answer came up: negative, the best of two overlapping, zero, none (0) and positive.
  expect([...seen].sort()).toEqual(['-0.5', '-1', '0', '2']);
});

it('tiers measures at and over their atMost, fractional, negative or not numbers: as score, both modes', async () => {
  // 3.2a: certified ≤ workers, both integers; the share certified ÷ workers × 100 picks the tier.
  const [generated, jitless] = [await loadBundled(DB36), await loadBundled(DB36, { jitless: true })];
  const base = Object.fromEntries([...generated.items.keys()].map((k) => [k, null]));
  const values: unknown[] = [
    { workers: 10, certified: 10 },
    { workers: 10, certified: 11 },
    { workers: 10, certified: 3 },
    { workers: 0, certified: 0 },
    { workers: 0, certified: 1 },
    { workers: 10, certified: 2.5 },
    { workers: 10.5, certified: 2 },
    { workers: 10, certified: -1 },
    { workers: '10', certified: 3 },
    { workers: 10, certified: '3' },
    { certified: 3, workers: 10 },
    { workers: 10 },
    { workers: 10, certified: 3, junk: 1 },
    { workers: 2 ** 53, certified: 1 },
    { workers: Number.MAX_SAFE_INTEGER, certified: Number.MAX_SAFE_INTEGER },
    3,
    [10, 3],
  ];
  for (const value of values) expectAgreement(generated, jitless, { ...base, '3.2a': value }, { missing: 'zero' });
});

/** Section caps (nested, 0, on a bonus section) and a gate on a capped section: no bundled rubric caps a section. */
const CAPPED = `id: caps
version: "1"
title: { zh: 封顶, en: Caps }
source: { name: { zh: 测试, en: Test } }
rounding: { places: 1, mode: half-up }
max: 4.5
sections:
  - id: a
    title: { zh: 甲, en: A }
    max: 4.5
    cap: 4.5
    sections:
      - id: a1
        title: { zh: 甲一, en: A1 }
        max: 2.5
        cap: 2.5
        items:
          - { id: a1x, title: { zh: x, en: x }, points: 1.5, kind: check }
          - { id: a1y, title: { zh: y, en: y }, points: 1.5, kind: check }
      - id: a2
        title: { zh: 甲二, en: A2 }
        max: 3
        items:
          - { id: a2x, title: { zh: x, en: x }, points: 1.5, kind: check }
          - { id: a2y, title: { zh: y, en: y }, points: 1.5, kind: check }
  - id: b
    title: { zh: 乙, en: B }
    max: 0
    cap: 0
    items:
      - { id: bx, title: { zh: x, en: x }, points: 4, kind: check }
  - id: extra
    title: { zh: 加, en: Extra }
    max: 1.5
    cap: 1.5
    bonus: true
    items:
      - { id: ex, title: { zh: x, en: x }, points: 1, kind: check }
      - { id: ey, title: { zh: y, en: y }, points: 1, kind: check }
gates:
  - { id: g, title: { zh: 门, en: Gate }, subject: "section:a1", range: ">= 2.5", effect: block, otherwise: { id: no, label: { zh: 否, en: No } } }
grades:
  subject: total
  bands:
    - { id: hi, label: { zh: 高, en: High }, range: ">= 4" }
    - { id: lo, label: { zh: 低, en: Low }, range: "< 4", passing: false }
`;

it('section caps: the generated sums cap as the closures and score do, on every combination', () => {
  const rubric = parseRubric(CAPPED, { file: 'caps.yaml' });
  const [generated, jitless] = [compile(rubric), compile(rubric, { jitless: true })];
  const ids = [...generated.items.keys()];
  expect(ids).toHaveLength(7);
  const seen = new Set<string>();
  for (let bits = 0; bits < 3 ** ids.length; bits++) {
    // Each item true, false or null (missing).
    const evidence = Object.fromEntries(ids.map((id, i) => [id, [true, false, null][Math.floor(bits / 3 ** i) % 3]]));
    expectAgreement(generated, jitless, evidence, { missing: 'zero' });
    seen.add(scoreTotals(generated, evidence, { missing: 'zero' }).sections.map((x) => x.points).join(' '));
  }
  // The caps bind: a1 at 2.5 of 3, a at 4.5 of 5.5, b at 0 of 4, the bonus at 1.5 of 2.
  expect(seen).toContain('4.5 2.5 3 0 1.5');
});

// ---------------------------------------------------------------------------
// b. fieldReader: generated and loop readers agree on any value

const keyName = fc.oneof(
  fc.constantFrom('a', 'b', 'area', 'households', '0', '1', '10', '-1', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'length', '', 'k"q', 'x\\y', 'line\nbreak', '\u2028', '${x}', '*/'),
  fc.string({ maxLength: 3 }),
);

/** Key lists: up to 8 (the generated `k === …` chain), more than 8 (a Set lookup), and with a key twice. */
const keyLists = fc.oneof(
  fc.uniqueArray(keyName, { maxLength: 8 }),
  fc.uniqueArray(keyName, { minLength: 9, maxLength: 16 }),
  fc.array(keyName, { minLength: 1, maxLength: 10 }).map((ks) => [...ks, ks[0] as string]),
);

const jsonValue = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));

/** Entries for an object: exactly the keys (in any order), a subset, a superset, or any keys. */
function entriesFor(keys: readonly string[]): fc.Arbitrary<[string, unknown][]> {
  const withValues = (names: readonly string[]) => fc.tuple(...names.map((k) => fc.tuple(fc.constant(k), jsonValue)));
  const unique = [...new Set(keys)];
  return fc.oneof(
    fc.shuffledSubarray(unique, { minLength: unique.length }).chain(withValues),
    fc.tuple(fc.shuffledSubarray(unique, { minLength: unique.length }), fc.array(keyName, { minLength: 1, maxLength: 3 })).chain(([ks, extra]) => withValues([...ks, ...extra])),
    fc.subarray(unique).chain(withValues),
    fc.array(fc.tuple(unique.length ? fc.oneof(fc.constantFrom(...unique), keyName) : keyName, jsonValue), { maxLength: 10 }),
  );
}

/** Own keys as JSON.parse makes them: "__proto__" included, as an own key. */
const fromJson = (entries: readonly [string, unknown][]): Record<string, unknown> =>
  JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as Record<string, unknown>;

const shapes = ['json', 'null-prototype', 'inherited', 'non-enumerable', 'array', 'other-prototype'] as const;

/** An object of a given shape from entries: what a field reader may be handed in place of a plain object. */
function shaped(shape: (typeof shapes)[number], entries: readonly [string, unknown][]): unknown {
  const o = fromJson(entries);
  const keys = Object.keys(o);
  switch (shape) {
    case 'json':
      return o;
    case 'null-prototype': {
      const n = Object.create(null) as Record<string, unknown>;
      for (const k of keys) defineOwn(n, k, o[k]);
      return n;
    }
    case 'inherited': {
      // The first half of the keys enumerable on the prototype, the rest own.
      const proto = {};
      const half = Math.ceil(keys.length / 2);
      keys.slice(0, half).forEach((k) => defineOwn(proto, k, o[k]));
      const child = Object.create(proto) as Record<string, unknown>;
      keys.slice(half).forEach((k) => defineOwn(child, k, o[k]));
      return child;
    }
    case 'non-enumerable': {
      // Own, but hidden from for-in.
      if (keys.length) Object.defineProperty(o, keys[0] as string, { enumerable: false });
      return o;
    }
    case 'array': {
      const a: unknown[] = Object.values(o);
      for (const k of keys) if (k !== 'length') defineOwn(a, k, o[k]);
      return a;
    }
    case 'other-prototype':
      return Object.setPrototypeOf(o, Object.create(null));
  }
}

const notObjects = fc.constantFrom<unknown>(null, undefined, 0, 1, '', 'ab', true, 10n, Symbol('s'), new String('ab'), new Number(1), new Date(0), new Map([['a', 1]]), Uint8Array.of(1, 2), Object.assign(() => 1, { a: 1 }), []);

const SENTINEL = Symbol('unwritten');

/** Both readers on one value: the same answer, the same array; and the answer an independent model gives. */
function expectReadersAgree(keys: readonly string[], value: unknown): void {
  const generated = fieldReader(keys, true);
  const loop = fieldReader(keys, false);
  const outGenerated: unknown[] = keys.map(() => SENTINEL);
  const outLoop: unknown[] = keys.map(() => SENTINEL);
  const g = generated(value, outGenerated);
  const l = loop(value, outLoop);
  expect(g).toBe(l);
  expect(outGenerated).toEqual(outLoop);
  // The model: a non-array object whose own enumerable keys are the (distinct) keys, with no enumerable
  // key inherited (the exact path's strict objects see those as unknown); each read by name.
  const distinct = new Set(keys).size === keys.length;
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const own = isObject ? Object.keys(value) : undefined;
  let enumerable = 0;
  if (isObject) for (const _ in value) enumerable++;
  const expected = distinct && own !== undefined && own.length === keys.length && enumerable === own.length && own.every((k) => keys.includes(k));
  expect(g).toBe(expected);
  if (expected) keys.forEach((k, i) => expect(Object.is(outGenerated[i], (value as Record<string, unknown>)[k])).toBe(true));
}

describe('fieldReader: generated code and the loop', () => {
  it('agree on objects with the keys, fewer, more, inherited, hidden, under other prototypes, and on non-objects', () => {
    const value = (keys: string[]) => fc.oneof(fc.tuple(fc.constantFrom(...shapes), entriesFor(keys)).map(([s, e]) => shaped(s, e)), notObjects);
    fc.assert(
      fc.property(keyLists.chain((keys) => fc.tuple(fc.constant(keys), fc.array(value(keys), { minLength: 1, maxLength: 4 }))), ([keys, values]) => {
        for (const v of values) expectReadersAgree(keys, v);
      }),
      { numRuns: runs * 5 },
    );
  });

  it('agree on the edge cases written out', () => {
    const nine = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const cases: [string[], unknown][] = [
      [['0', 'toString', '__proto__'], JSON.parse('{"__proto__": 1, "toString": 2, "0": 3}')],
      [['0', 'toString', '__proto__'], JSON.parse('{"toString": 2, "0": 3}')],
      [['__proto__'], {}],
      [['__proto__'], Object.create(null)],
      [['toString'], {}],
      [['0', '1'], ['x', 'y']],
      [['0', '1'], new String('ab')],
      [[], {}],
      [[], Object.create(null)],
      [[], []],
      [[], null],
      [nine, Object.fromEntries(nine.map((k, i) => [k, i]))],
      [nine, Object.fromEntries([...nine.slice(1), 'j'].map((k, i) => [k, i]))],
      [[...nine, '__proto__'], JSON.parse(JSON.stringify(Object.fromEntries([...nine, '__proto__'].map((k, i) => [k, i]))))],
      [['a', 'a'], { a: 1 }],
      [['a', 'b', 'a'], { a: 1, b: 2 }],
      [['a', 'b'], Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false })],
      [['a', 'b'], Object.assign(Object.create({ b: 2 }), { a: 1 })],
      [['a', 'b'], Object.assign(Object.create({ c: 3 }), { a: 1, b: 2 })],
      [['a', 'b'], { a: 1, b: 2, [Symbol('c')]: 3 }],
    ];
    for (const [keys, v] of cases) expectReadersAgree(keys, v);
  });

  it('agree while Object.prototype has an enumerable key', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const answers: [boolean, boolean][] = [];
    try {
      // for-in lists an inherited key: both decline, whether it is one of the keys or not, as the exact
      // path's strict objects see it as an unknown key.
      proto.a = 'inherited';
      proto.zzz = 'inherited';
      for (const [keys, v] of [
        [['a', 'b'], { b: 2 }],
        [['a', 'b'], { a: 1, b: 2 }],
        [['b'], { b: 2 }],
        [['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'], { b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9 }],
      ] as [string[], object][]) {
        const out: unknown[] = [];
        answers.push([fieldReader(keys, true)(v, out), fieldReader(keys, false)(v, [])]);
      }
    } finally {
      delete proto.a;
      delete proto.zzz;
    }
    expect(answers).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [false, false],
    ]);
  });

  it('generates code for distinct keys (a `k ===` chain up to 8 keys, a set lookup past 8) and none for a key twice', () => {
    // A recording Function: codegen.ts reads the global when it generates, so calls made now are seen.
    const bodies: string[] = [];
    vi.stubGlobal('Function', recordingFunction(bodies));
    fieldReader(['a', 'b'], true);
    fieldReader(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'], true);
    fieldReader(['a', 'b', 'a'], true);
    fieldReader(['a', 'b'], false);
    vi.unstubAllGlobals();
    // Generated functions only (codegen.ts's probe, `return 1`, is seen too when this test runs first).
    const generated = bodies.filter((b) => b.startsWith('"use strict"'));
    expect(generated).toHaveLength(2);
    expect(generated[0]).toMatch(/k === "a" \|\| k === "b"/);
    expect(generated[1]).toMatch(/names\.has\(k\)/);
  });
});

// ---------------------------------------------------------------------------
// c. Generated code is what runs by default; closures where new Function is refused

/** A Function constructor that records each body and builds it with the real one. */
function recordingFunction(bodies: string[]): FunctionConstructor {
  function RecordingFunction(...args: string[]) {
    bodies.push(String(args.at(-1) ?? ''));
    return Reflect.construct(RealFunction, args) as unknown;
  }
  RecordingFunction.prototype = RealFunction.prototype;
  return RecordingFunction as unknown as FunctionConstructor;
}

interface FunctionCall {
  body: string;
  refused: boolean;
}

/**
 * A Function constructor that refuses this library's calls as a
 * Content-Security-Policy without 'unsafe-eval' would (EvalError), and builds
 * the dependencies' with the real one. zod's own probe is cached per process:
 * refusing zod after it found eval allowed would make zod throw, which says
 * nothing of this library. The caller is the frame below the constructor.
 */
function cspFunction(calls: FunctionCall[]): FunctionConstructor {
  function CspFunction(...args: string[]) {
    const caller = (new Error().stack ?? '').split('\n')[2] ?? '';
    const refused = !caller.includes('node_modules');
    calls.push({ body: String(args.at(-1) ?? ''), refused });
    if (refused) throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not an allowed source of script");
    return Reflect.construct(RealFunction, args) as unknown;
  }
  CspFunction.prototype = RealFunction.prototype;
  return CspFunction as unknown as FunctionConstructor;
}

/**
 * Evidence for DB36 whose check item 1.1b and tiers item 2.1a are read
 * through getters that note the frame reading them: generated code runs as
 * "eval at generate", closures in src/totals.ts and src/kinds/.
 */
function watchedEvidence(compiled: CompiledRubric): { evidence: Record<string, unknown>; readers: string[] } {
  const readers: string[] = [];
  const caller = () => (new Error().stack ?? '').split('\n')[3] ?? '';
  const evidence: Record<string, unknown> = {};
  for (const [id, item] of compiled.items) evidence[id] = item.kind === 'check' ? true : null;
  Object.defineProperty(evidence, '1.1b', {
    enumerable: true,
    get: () => {
      readers.push(`record: ${caller()}`);
      return true;
    },
  });
  evidence['2.1a'] = {
    area: 400,
    get households() {
      readers.push(`tiers: ${caller()}`);
      return 1000;
    },
  };
  return { evidence, readers };
}

describe('which code runs', () => {
  it('generated code reads records and tiers values by default; closures under jitless', async () => {
    for (const jitless of [false, true]) {
      const compiled = await loadBundled(DB36, { jitless });
      const { evidence, readers } = watchedEvidence(compiled);
      const totals = scoreTotals(compiled, evidence, { missing: 'zero' });
      const fastReads = [...readers];
      expect(JSON.stringify(totals)).toBe(JSON.stringify(totalsOf(score(compiled, structuredCopy(evidence), { missing: 'zero' }))));
      // Read once each, on the fast path: the exact path (evaluate.ts) never ran.
      expect(fastReads).toHaveLength(2);
      const [record, tiers] = fastReads as [string, string];
      if (jitless) {
        expect(record).toMatch(/readRecord \(.*src[\\/]totals\.ts/);
        expect(tiers).toMatch(/src[\\/]kinds[\\/]fast\.ts/);
        expect(fastReads.join('\n')).not.toMatch(/eval at/);
      } else {
        expect(record).toMatch(/readRecord .*eval at generate/);
        expect(tiers).toMatch(/tiers .*eval at generate/);
      }
    }
  });

  it('a reader is generated for a rubric with measured items up to MAX_GENERATED_ITEMS, not past it nor for tables alone', async () => {
    const bodies: string[] = [];
    vi.resetModules();
    vi.stubGlobal('Function', recordingFunction(bodies));
    const lib = await import('../src/index.js');
    const { MAX_GENERATED_ITEMS } = await import('../src/totals.js');
    // n items: n - 1 checks (looked up in a table) and, with `measured`, one tiers item (scored by a function).
    const measuredItem = ['      - id: m', '        title: { zh: 量, en: M }', '        points: 1', '        kind: tiers', '        measures: { n: { zh: 数, en: N, integer: true } }', '        tiers: [{ points: 1, when: { n: ">= 5" } }]'];
    const rubricOf = (n: number, measured: boolean) =>
      lib.compile(lib.parseRubric(rubricYaml({ max: String(n), items: [...Array.from({ length: n - 1 }, (_, i) => CHECK(`i${i}`)), ...(measured ? measuredItem : [CHECK('m')])] })));
    for (const [n, measured, generated] of [
      [MAX_GENERATED_ITEMS, true, 1],
      [MAX_GENERATED_ITEMS + 1, true, 0],
      [80, false, 0],
    ] as const) {
      const before = bodies.length;
      const compiled = rubricOf(n, measured);
      const evidence = { ...Object.fromEntries(Array.from({ length: n - 1 }, (_, i) => [`i${i}`, i % 3 === 0])), m: measured ? 7 : true };
      expect(JSON.stringify(lib.scoreTotals(compiled, evidence))).toBe(JSON.stringify(lib.totalsOf(lib.score(compiled, evidence))));
      const readers = bodies.slice(before).filter((b) => /function readRecord/.test(b));
      expect(readers, `${n} items, measured: ${measured}`).toHaveLength(generated);
    }
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('a fresh copy of the library generates the reader, sums, section list and tiers scorers, and nothing under jitless', async () => {
    const bodies: string[] = [];
    vi.resetModules();
    vi.stubGlobal('Function', recordingFunction(bodies));
    const lib = await import('../src/index.js');
    expect(lib.compile).not.toBe(compile);
    const text = read(`rubrics/${DB36}`);
    const generated = lib.compile(lib.parseRubric(text, { file: DB36 }));
    lib.scoreTotals(generated, {}, { missing: 'zero' });
    const ours = bodies.filter((b) => b.startsWith('"use strict"'));
    expect(bodies).toContain('return 1'); // the one probe
    expect(ours.some((b) => /function readRecord/.test(b))).toBe(true);
    expect(ours.some((b) => /function tally/.test(b))).toBe(true);
    expect(ours.some((b) => /function sections/.test(b))).toBe(true);
    // DB36 has 7 tiers items.
    expect(ours.filter((b) => /function tiers/.test(b))).toHaveLength(7);
    const before = bodies.length;
    const jitless = lib.compile(lib.parseRubric(text, { file: DB36 }), { jitless: true });
    lib.scoreTotals(jitless, {}, { missing: 'zero' });
    expect(bodies.slice(before).filter((b) => b.startsWith('"use strict"') || b === 'return 1')).toEqual([]);
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('where new Function is refused (CSP), the closures score, once refused, and agree with score', async () => {
    const db36 = await loadBundled(DB36);
    const records = fc.sample(arbitraryRubricEvidence(db36), { seed: 36, numRuns: 20 });
    const options: ScoreOptions[] = [{}, { missing: 'zero' }];
    // Generated code's totals, from this file's copy of the library, made before the stub: a call made under it
    // would be that copy's first code generation, refused, and every later test here would run closures.
    const generatedTotals = records.map((evidence) => options.map((o) => JSON.stringify(scoreTotals(db36, evidence, o))));
    const calls: FunctionCall[] = [];
    vi.resetModules();
    vi.stubGlobal('Function', cspFunction(calls));
    try {
      // A fresh copy: its codegen.ts asks the realm again (once per module instance).
      const lib = await import('../src/index.js');
      expect(lib.compile).not.toBe(compile);
      const compiled = lib.compile(lib.parseRubric(read(`rubrics/${DB36}`), { file: DB36 }));
      records.forEach((evidence, r) => {
        options.forEach((o, k) => {
          const withClosures = lib.safeScoreTotals(compiled, evidence, o);
          const full = lib.safeScore(compiled, evidence, o);
          expect(full.success).toBe(true);
          expect(withClosures.success).toBe(true);
          if (!full.success || !withClosures.success) return;
          expect(JSON.stringify(withClosures.data)).toBe(JSON.stringify(lib.totalsOf(full.data)));
          // And the same as generated code gave.
          expect(JSON.stringify(withClosures.data)).toBe(generatedTotals[r]?.[k]);
        });
        // Broken: the same issues.
        const bad = { ...evidence, '2.1a': { area: 'x', households: -1 }, 'no-such-item': true };
        const withClosures = lib.safeScoreTotals(compiled, bad);
        const full = lib.safeScore(compiled, bad);
        expect(withClosures.success).toBe(false);
        if (!withClosures.success && !full.success) expect(withClosures.error.issues).toEqual(full.error.issues);
      });
      // The closures, not the exact path, read the record and the tiers value.
      const { evidence, readers } = watchedEvidence(compiled);
      lib.scoreTotals(compiled, evidence, { missing: 'zero' });
      expect(readers).toHaveLength(2);
      expect(readers[0]).toMatch(/readRecord \(.*src[\\/]totals\.ts/);
      expect(readers[1]).toMatch(/src[\\/]kinds[\\/]fast\.ts/);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
    // The library asked once (the probe), was refused, and asked no more.
    const refused = calls.filter((c) => c.refused);
    expect(refused.map((c) => c.body)).toEqual(['return 1']);
  });
});

/** A copy of evidence as plain data: getters read once, into values. */
function structuredCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

// ---------------------------------------------------------------------------
// d. Re-entrance: a getter in the evidence that scores again on the same compiled rubric

describe.each([
  ['generated code', false],
  ['jitless', true],
] as const)('re-entrance (%s)', (_mode, jitless) => {
  it.each(['area', 'households'])('a getter on 2.1a.%s that calls scoreTotals gives both calls score\'s totals', async (getterKey) => {
    const compiled = await loadBundled(DB36, { jitless });
    const arb = arbitraryRubricEvidence(compiled);
    fc.assert(
      fc.property(arb, arb, missingOptions, (outerPlain, innerPlain, options) => {
        // Inner records far from the outer one: all false and zero, or all true; shared arrays would show.
        const inner: Record<string, unknown>[] = [innerPlain, Object.fromEntries(Object.keys(innerPlain).map((k) => [k, null]))];
        const innerOptions: ScoreOptions[] = [{}, { missing: 'zero' }];
        const innerResults: { at: number; data: string }[] = [];
        let calls = 0;
        const item = outerPlain['2.1a'] as Record<string, unknown>;
        const withGetter: Record<string, unknown> = {};
        for (const k of Object.keys(item)) {
          if (k !== getterKey) withGetter[k] = item[k];
          else
            Object.defineProperty(withGetter, k, {
              enumerable: true,
              get: () => {
                const at = calls++ % 2;
                innerResults.push({ at, data: JSON.stringify(scoreTotals(compiled, inner[at], innerOptions[at])) });
                return item[k];
              },
            });
        }
        const outer = { ...outerPlain, '2.1a': withGetter };
        const got = outcomeOf(safeScoreTotals(compiled, outer, options));
        expect(got).toEqual(expectedOf(compiled, outerPlain, options));
        expect(calls).toBeGreaterThan(0);
        for (const r of innerResults) expect(r.data).toBe(JSON.stringify(totalsOf(score(compiled, inner[r.at], innerOptions[r.at]))));
        // And the next call, with no getter, is not disturbed.
        expect(outcomeOf(safeScoreTotals(compiled, outerPlain, options))).toEqual(got);
      }),
      { numRuns: Math.ceil(runs / 4) },
    );
  });

  it('a re-entrant call nested twice, and one that throws, leave later calls right', async () => {
    const compiled = await loadBundled(DB36, { jitless });
    const [a, b, c] = fc.sample(arbitraryRubricEvidence(compiled), { seed: 3, numRuns: 3 }) as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    const nested = (plain: Record<string, unknown>, inner: () => void) => {
      const item = plain['2.1a'] as { area: number; households: number };
      return {
        ...plain,
        '2.1a': {
          area: item.area,
          get households() {
            inner();
            return item.households;
          },
        },
      };
    };
    const seen: string[] = [];
    const deepest = () => seen.push(JSON.stringify(scoreTotals(compiled, c)));
    const middle = () => seen.push(JSON.stringify(scoreTotals(compiled, nested(b, deepest))));
    expect(JSON.stringify(scoreTotals(compiled, nested(a, middle)))).toBe(JSON.stringify(totalsOf(score(compiled, a))));
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect([JSON.stringify(totalsOf(score(compiled, b))), JSON.stringify(totalsOf(score(compiled, c)))]).toContain(s);
    // A getter that throws: the error passes through, and the next calls are as before.
    const throwing = nested(a, () => {
      throw new Error('from a getter');
    });
    expect(() => scoreTotals(compiled, throwing)).toThrow('from a getter');
    for (const e of [a, b, c]) expect(JSON.stringify(scoreTotals(compiled, e))).toBe(JSON.stringify(totalsOf(score(compiled, e))));
  });
});

// ---------------------------------------------------------------------------
// e. The reader's cached key order, and keys inherited from Object.prototype

describe.each([
  ['generated code', false],
  ['jitless', true],
] as const)('key order and inherited keys (%s)', (_mode, jitless) => {
  it('records whose keys come in a different order each time, some missing, give score\'s totals', async () => {
    const compiled = await loadBundled(DB36, { jitless });
    const reordered = arbitraryRubricEvidence(compiled).chain((evidence) =>
      fc.tuple(fc.shuffledSubarray(Object.keys(evidence), { minLength: Object.keys(evidence).length - 2 }), fc.boolean()).map(([keys, nulls]) => {
        // Dropped keys, and (sometimes) nulls in place of the first two: missing evidence either way.
        const record = Object.fromEntries(keys.map((k) => [k, evidence[k]]));
        if (nulls) for (const k of keys.slice(0, 2)) record[k] = null;
        return record;
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(reordered, missingOptions), { minLength: 2, maxLength: 8 }), (records) => {
        for (const [record, options] of records) expect(outcomeOf(safeScoreTotals(compiled, record, options))).toEqual(expectedOf(compiled, record, options));
      }),
      { numRuns: Math.ceil(runs / 2) },
    );
  });

  /** Each record under an Object.prototype with an enumerable "1.1a", scored both ways, with and without missing: zero. */
  function underPollutedPrototype(compiled: CompiledRubric, variants: readonly Record<string, unknown>[]): { got: Outcome[]; expected: Outcome[] } {
    const got: Outcome[] = [];
    const expected: Outcome[] = [];
    const proto = Object.prototype as Record<string, unknown>;
    try {
      // Kept as short as possible: everything in the process sees this key.
      proto['1.1a'] = true;
      for (const record of variants) {
        for (const options of [{}, { missing: 'zero' as const }]) {
          got.push(outcomeOf(safeScoreTotals(compiled, record, options)));
          expected.push(expectedOf(compiled, record, options));
        }
      }
    } finally {
      delete proto['1.1a'];
    }
    return { got, expected };
  }

  /** A record, without its own 1.1a, with 1.1a false, and without under a null prototype. */
  const ownAndInherited = (r: Record<string, unknown>) => {
    const { ['1.1a']: _own, ...without } = r;
    return [r, without, { ...r, '1.1a': false }, Object.assign(Object.create(null), without) as Record<string, unknown>];
  };

  it('with an enumerable "1.1a" on Object.prototype, the record reader takes own keys only, as score does', async () => {
    // The generated reader sends such records to the loop (for-in lists the inherited key). Items whose
    // values are objects are left out (null, missing: zero) — see the next test for those.
    const compiled = await loadBundled(DB36, { jitless });
    const records = fc.sample(arbitraryRubricEvidence(compiled), { seed: 11, numRuns: 10 }).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v !== null && typeof v === 'object' ? null : v])),
    );
    const variants = records.flatMap(ownAndInherited);
    const { got, expected } = underPollutedPrototype(compiled, variants);
    got.forEach((g, i) => expect(g, `variant ${i >> 1}, ${i % 2 ? 'missing: zero' : 'missing: error'}`).toEqual(expected[i]));
    // The inherited key is not evidence: without an own 1.1a, missing: error reports it missing.
    expect((got[2] as Outcome).success).toBe(false);
    expect(JSON.stringify(got[2])).toContain('missing-evidence');
    // And afterwards the same records read as before.
    for (const record of variants) expect(outcomeOf(safeScoreTotals(compiled, record, { missing: 'zero' }))).toEqual(expectedOf(compiled, record, { missing: 'zero' }));
  });

  it('with an enumerable "1.1a" on Object.prototype, items whose values are objects give score\'s answers', async () => {
    // score's schemas (zod strict objects) see the inherited key inside 2.1a's measures and the honours, and
    // report it (unknown-key); the fast scorers read own keys only and score. Fails as of ced4edc, in both
    // modes and before code generation too (21980b8^): a divergence of src/, reported, not a test to relax.
    const compiled = await loadBundled(DB36, { jitless });
    const variants = fc.sample(arbitraryRubricEvidence(compiled), { seed: 11, numRuns: 10 }).flatMap(ownAndInherited);
    const { got, expected } = underPollutedPrototype(compiled, variants);
    got.forEach((g, i) => expect(g, `variant ${i >> 1}, ${i % 2 ? 'missing: zero' : 'missing: error'}`).toEqual(expected[i]));
  });

  it('with a non-enumerable "1.1a" on Object.prototype, as score does', async () => {
    // for-in does not list it, so the generated reader's prototype check does not see it; a read by name would.
    const compiled = await loadBundled(DB36, { jitless });
    const [record] = fc.sample(arbitraryRubricEvidence(compiled), { seed: 12, numRuns: 1 }) as [Record<string, unknown>];
    const { ['1.1a']: _own, ...without } = record;
    const got: Outcome[] = [];
    const expected: Outcome[] = [];
    try {
      Object.defineProperty(Object.prototype, '1.1a', { value: true, enumerable: false, configurable: true, writable: true });
      for (const r of [record, without, { ...without, '1.1a': false }]) {
        for (const options of [{}, { missing: 'zero' as const }]) {
          got.push(outcomeOf(safeScoreTotals(compiled, r, options)));
          expected.push(expectedOf(compiled, r, options));
        }
      }
    } finally {
      delete (Object.prototype as Record<string, unknown>)['1.1a'];
    }
    expect(got).toEqual(expected);
  });
});
