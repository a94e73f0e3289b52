/**
 * The fuzzer's cases and their runner, shared by test/fuzz.test.ts (a few
 * thousand cases against src/, inside `npm test`) and scripts/fuzz.mjs
 * (10^5 cases against dist/, `npm run fuzz`).
 *
 * The library under test is passed in (`lib`), so the same cases run against
 * the sources and against the build. A case is plain data drawn by
 * fast-check: which seed rubric, which mutations, which evidence. Applying it
 * is deterministic, so a case printed by either driver can be replayed.
 *
 * Seeds: the bundled rubrics (rubrics/*.yaml), the example rubric that
 * extends one of them, and smaller rubrics cut from the bundled ones (one
 * top-level section each, kept only when they validate), so that most text
 * mutations hit small documents and run fast.
 *
 * Case types:
 *   rubric-text    YAML text of a seed, mutated as text (lines deleted,
 *                  duplicated, swapped, numbers changed, indentation flipped,
 *                  tabs, CRLF, BOM, binary bytes, YAML snippets, truncation);
 *                  parsed, and when it still validates, compiled and scored.
 *   rubric-object  the parsed seed mutated as data (values of the wrong type,
 *                  deleted and renamed keys, duplicated list entries, numbers
 *                  changed, deep nesting, __proto__ keys), given as an object,
 *                  as YAML or as JSON text.
 *   evidence       valid evidence for a seed, mutated as data (strings for
 *                  numbers, NaN, Infinity, negative counts, rates above 1,
 *                  huge lists, deep nesting, empty, binary strings, __proto__
 *                  keys via JSON.parse, unknown items), scored by safeScore
 *                  and safeScoreTotals, which must agree (with generated code
 *                  and jitless).
 *   evidence-text  an evidence document as JSON or YAML text, mutated as
 *                  text, read by safeParseEvidence and scored.
 *
 * Texts (rubric-text, evidence-text) are read twice, with the plain YAML
 * reader and with yaml's parser alone: outcomes and issues must be the same.
 *
 * Every outcome must be a result, or a RubricError whose issues each carry a
 * code from ISSUE_CODES, a path and a message. Anything else is a problem.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { stringify as yamlStringify } from 'yaml';

export const CASE_TYPES = ['rubric-text', 'rubric-object', 'evidence', 'evidence-text'];

// ---------------------------------------------------------------------------
// Seeds

/** Joins a relative reference to the directory of a posix path ("examples/a.yaml" + "../rubrics/b.yaml"). */
function joinPath(fromFile, ref) {
  if (ref.startsWith('/')) return normalize(ref);
  const dir = fromFile.includes('/') ? fromFile.slice(0, fromFile.lastIndexOf('/')) : '.';
  return normalize(`${dir}/${ref}`);
}

function normalize(path) {
  const out = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else out.push('..');
    } else out.push(part);
  }
  return out.join('/');
}

/**
 * Reads the seeds. `validEvidence(compiled)` gives a fast-check arbitrary of
 * complete valid evidence (test/support/evidence.ts); without it, the bundled
 * examples and empty evidence are used.
 */
export function prepareCorpus(lib, { repoRoot, validEvidence, hugeMax = 20_000, deepMax = 5_000 }) {
  const root = repoRoot.endsWith('/') ? repoRoot : `${repoRoot}/`;
  const files = new Map(); // virtual files, by repo-relative path, for extends:
  const seeds = [];
  const read = (rel) => {
    const text = readFileSync(root + rel, 'utf8');
    files.set(rel, text);
    return text;
  };
  const resolver = (overrides) => (ref, fromFile) => {
    const file = joinPath(fromFile, ref);
    const text = overrides?.get(file) ?? files.get(file);
    return text === undefined ? undefined : { file, text };
  };
  const addSeed = (name, file, text, derived) => {
    const parsed = lib.safeParseRubric(text, { file, resolve: resolver() });
    if (!parsed.success) {
      if (derived) return;
      throw new Error(`the seed ${file} does not validate: ${parsed.error.message}`);
    }
    seeds.push({ name, file, text, value: lib.readYaml(text).value, rubric: parsed.data, compiled: lib.compile(parsed.data), examples: [], derived });
  };

  const rubricFiles = readdirSync(`${root}rubrics`).filter((f) => f.endsWith('.yaml')).sort();
  for (const f of rubricFiles) addSeed(f, `rubrics/${f}`, read(`rubrics/${f}`), false);

  const exampleFiles = readdirSync(`${root}examples`).filter((f) => f.endsWith('.yaml')).sort();
  const exampleDocs = [];
  for (const f of exampleFiles) {
    const text = read(`examples/${f}`);
    const value = lib.readYaml(text).value;
    if (value && typeof value === 'object' && 'extends' in value) addSeed(f, `examples/${f}`, text, false);
    else if (value && typeof value === 'object' && 'evidence' in value && 'rubric' in value) exampleDocs.push(value);
  }

  // Smaller rubrics: one top-level section of a bundled rubric, no gates or grades.
  for (const seed of seeds.slice(0, rubricFiles.length)) {
    const value = seed.value;
    for (const section of value.sections ?? []) {
      if (section.bonus) continue;
      const cut = { ...value, max: section.max, sections: [section] };
      delete cut.gates;
      delete cut.grades;
      addSeed(`${seed.name}#${section.id}`, `cut/${seed.name.replace(/\.yaml$/, '')}-${section.id}.yaml`, yamlStringify(cut, { lineWidth: 0 }), true);
    }
  }

  for (const seed of seeds) {
    const ids = [seed.rubric.id, ...(seed.rubric.lineage ?? [])];
    seed.examples = exampleDocs.filter((d) => ids.includes(d.rubric)).map((d) => d.evidence);
    seed.itemIds = [...seed.compiled.allItems.keys()];
    const examples = seed.examples.length ? fc.constantFrom(...seed.examples).map((e) => structuredClone(e)) : fc.constant({});
    seed.evidence = validEvidence ? fc.oneof({ arbitrary: validEvidence(seed.compiled), weight: 4 }, { arbitrary: examples, weight: 1 }) : examples;
    // A mutated rubric costs a parse (its parent's too, for one that extends another): quick seeds are drawn more often.
    const size = seed.text.length + (seed.rubric.lineage?.length ? Math.max(...[...files].filter(([f]) => f.startsWith('rubrics/')).map(([, t]) => t.length)) : 0);
    seed.weight = Math.max(1, Math.min(8, Math.round(24_000 / size)));
  }
  return { lib, seeds, files, resolver, hugeMax, deepMax };
}

// ---------------------------------------------------------------------------
// Odd values

/** Values built only when a case runs: big, deep or exotic ones (and fresh each time). */
const lazy = (what, extra = {}) => ({ $fuzz: what, ...extra });

const oddNumber = fc.constantFrom(
  NaN, Infinity, -Infinity, -0, -1, -0.5, 0.5, 1.0000001, 1.5, 2, 100, 101, 1e21, 1e300, -1e300,
  2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, 1e-7, 0.1 + 0.2, 123456789.123456789, Math.PI,
);
const numberString = fc.constantFrom(
  '5', '5.0', '0.93', '1e3', '', ' ', 'NaN', 'Infinity', '-1', '0x10', '１２', 'many', '50%', '1/2', '.5',
  '1,000', '٣', '1e400', '-0', '+3', '9'.repeat(40), '0.' + '3'.repeat(40), 'true', 'null', 'A', 'B', 'C',
);
const byteString = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 }).map((bytes) => String.fromCharCode(...bytes));
const binaryString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  byteString,
  fc.constantFrom('\uD800', '\uDFFF', 'a\uD800b', '\u0000', '\uFEFF', '\u2028\u2029', '\u202E', 'x'.repeat(10_000), '社'.repeat(5_000)),
);
const scalar = fc.oneof(
  { arbitrary: oddNumber, weight: 4 },
  { arbitrary: numberString, weight: 3 },
  { arbitrary: binaryString, weight: 2 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constantFrom(null, undefined), weight: 1 },
  { arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
);
const jsonish = fc.oneof(
  fc.constantFrom(1, 'x', true, null),
  fc.constant({ polluted: true }),
  fc.constant([1, 2]),
  fc.constant({ toString: 'x', valueOf: 1 }),
);
const exotic = fc.constantFrom('date', 'bad-date', 'map', 'set', 'bytes', 'null-proto', 'boxed-number', 'boxed-string', 'array-holes', 'sparse-array').map((name) => lazy('exotic', { name }));

const keyName = fc.oneof(
  fc.constantFrom(
    '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', '0', '-1',
    'count', 'of', 'workers', 'certified', 'honours', 'year', 'level', 'matter', 'score', 'category', 'name',
    'points', 'id', 'kind', 'max', 'items', 'sections', 'parts', 'evidence', 'rubric', 'community', 'extends',
    'override', 'tiers', 'states', 'bands', 'range', 'when', 'measures', 'derived', 'note', 'pionts',
  ),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

/** A value of a wrong shape, big or small. `hugeMax` caps list lengths, `deepMax` nesting. */
function oddValue(hugeMax, deepMax) {
  const container = fc.oneof(
    fc.integer({ min: 2, max: hugeMax }).chain((n) => scalar.map((of) => lazy('huge', { n, of }))),
    fc.record({ depth: fc.integer({ min: 2, max: deepMax }), shape: fc.constantFrom('array', 'object') }).map((r) => lazy('deep', r)),
    jsonish.map((of) => lazy('proto', { of })),
    fc.constantFrom([], {}),
    fc.array(scalar, { maxLength: 5 }),
    fc.dictionary(keyName, scalar, { maxKeys: 4 }),
  );
  return fc.oneof({ arbitrary: scalar, weight: 6 }, { arbitrary: container, weight: 3 }, { arbitrary: exotic, weight: 1 });
}

function defineKey(obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Builds a lazy value; anything else is copied (cases can be replayed, so they are never changed). */
export function materialize(v) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(materialize);
  if (typeof v.$fuzz === 'string') {
    switch (v.$fuzz) {
      case 'huge': {
        // One element, n times over: a long list, not a large graph.
        return new Array(v.n).fill(materialize(v.of));
      }
      case 'deep': {
        let cur = v.shape === 'array' ? [1] : { a: 1 };
        for (let i = 1; i < v.depth; i++) cur = v.shape === 'array' ? [cur] : { a: cur };
        return cur;
      }
      case 'proto':
        // As a JSON document would give it: an own, enumerable "__proto__" key.
        return JSON.parse(`{"__proto__": ${JSON.stringify(v.of)}, "x": 1}`);
      case 'exotic':
        switch (v.name) {
          case 'date': return new Date(0);
          case 'bad-date': return new Date(NaN);
          case 'map': return new Map([['a', 1]]);
          case 'set': return new Set([1]);
          case 'bytes': return new Uint8Array([0, 255, 7]);
          case 'null-proto': return Object.assign(Object.create(null), { a: 1 });
          case 'boxed-number': return new Number(3);
          case 'boxed-string': return new String('A');
          case 'array-holes': return [, 1, , 2]; // eslint-disable-line no-sparse-arrays
          case 'sparse-array': { const a = []; a[1000] = 1; return a; }
        }
    }
  }
  const out = {};
  for (const k of Object.keys(v)) defineKey(out, k, materialize(v[k]));
  return out;
}

// ---------------------------------------------------------------------------
// Mutations of data

const objectMutation = (hugeMax, deepMax, extraKeys) => {
  const at = fc.nat();
  const key = extraKeys.length ? fc.oneof(keyName, fc.constantFrom(...extraKeys)) : keyName;
  const value = oddValue(hugeMax, deepMax);
  return fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('replace'), at, value }), weight: 6 },
    { arbitrary: fc.record({ op: fc.constant('delete'), at }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('add-key'), at, key, value }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('proto'), at, value: jsonish }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('duplicate'), at, times: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('swap'), at, other: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('tweak-number'), at, how: fc.nat({ max: NUMBER_TWEAKS.length - 1 }) }), weight: 5 },
    { arbitrary: fc.record({ op: fc.constant('tweak-string'), at, pos: fc.nat(), how: fc.nat({ max: 3 }), ch: fc.constantFrom('x', ' ', '\u0000', '.', '(', ']', '-', '9', '社') }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('rename-key'), at, key }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('huge'), at, n: fc.integer({ min: 2, max: hugeMax }) }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('nest'), at, depth: fc.integer({ min: 2, max: Math.min(deepMax, 2_000) }) }), weight: 1 },
  );
};

/** Ways to spoil a number: negative counts, rates above 1, fractions, strings, NaN… */
const NUMBER_TWEAKS = [
  (x) => -x, (x) => -1, (x) => x + 0.5, (x) => x + 1e-9, (x) => 1 + x, (x) => x * 10, (x) => x * 1000,
  (x) => 0, (x) => NaN, (x) => Infinity, (x) => -Infinity, (x) => -0, (x) => String(x), (x) => `${x}%`,
  (x) => x / 3, (x) => 2 ** 53 + 1, (x) => 1e-300, (x) => BigInt(Math.trunc(Number.isFinite(x) ? x : 0)),
  (x) => x.toExponential?.() ?? x, (x) => [x], (x) => ({ value: x }),
];

/** The nodes of a value in depth-first order, capped so huge values stay cheap to walk. */
function nodesOf(rootBox) {
  const out = [];
  const seen = new Set();
  const visit = (parent, key, depth) => {
    if (out.length >= 4_000) return;
    const value = parent[key];
    out.push({ parent, key, value });
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > 64) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < Math.min(value.length, 64); i++) visit(value, i, depth + 1);
    } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
      for (const k of Object.keys(value)) visit(value, k, depth + 1);
    }
  };
  visit(rootBox, 'root', 0);
  return out;
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

function setAt(node, value) {
  if (Array.isArray(node.parent)) node.parent[node.key] = value;
  else defineKey(node.parent, node.key, value);
}

/** Applies one data mutation to the value in `box.root`, in place. */
export function applyObjectMutation(box, m) {
  const nodes = nodesOf(box);
  const node = nodes[m.at % nodes.length];
  const v = node.value;
  switch (m.op) {
    case 'replace':
      return setAt(node, materialize(m.value));
    case 'delete':
      if (node.parent === box) return setAt(node, undefined);
      if (Array.isArray(node.parent)) node.parent.splice(node.key, 1);
      else delete node.parent[node.key];
      return;
    case 'add-key':
      if (isPlainObject(v)) defineKey(v, m.key, materialize(m.value));
      else if (Array.isArray(v)) v.push(materialize(m.value));
      else setAt(node, { [m.key === '__proto__' ? 'x' : m.key]: v });
      return;
    case 'proto':
      if (isPlainObject(v)) defineKey(v, '__proto__', materialize(m.value));
      else setAt(node, materialize(lazy('proto', { of: m.value })));
      return;
    case 'duplicate':
      if (Array.isArray(node.parent)) {
        for (let i = 0; i < m.times; i++) node.parent.splice(node.key, 0, structuredCloneSafe(v));
      } else if (Array.isArray(v) && v.length) {
        for (let i = 0; i < m.times; i++) v.push(structuredCloneSafe(v[0]));
      } else if (isPlainObject(node.parent) && node.parent !== box) {
        defineKey(node.parent, `${node.key}-copy`, structuredCloneSafe(v));
      }
      return;
    case 'swap': {
      const other = nodes[m.other % nodes.length];
      if (other === node || other.parent === box || node.parent === box) return;
      const ov = other.value;
      if (isDescendant(v, ov) || isDescendant(ov, v)) return;
      setAt(other, v);
      setAt(node, ov);
      return;
    }
    case 'tweak-number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
      const target = n === undefined ? nodes.find((x, i) => i >= m.at % nodes.length && typeof x.value === 'number') ?? nodes.find((x) => typeof x.value === 'number') : node;
      if (!target) return;
      const x = n ?? target.value;
      return setAt(target, NUMBER_TWEAKS[m.how](x));
    }
    case 'tweak-string': {
      const target = typeof v === 'string' ? node : nodes.find((x, i) => i >= m.at % nodes.length && typeof x.value === 'string') ?? nodes.find((x) => typeof x.value === 'string');
      if (!target) return;
      const s = target.value;
      const p = s.length ? m.pos % (s.length + 1) : 0;
      const next = m.how === 0 ? s.slice(0, p) + s.slice(p + 1) : m.how === 1 ? s.slice(0, p) + m.ch + s.slice(p) : m.how === 2 ? s.slice(0, p) + m.ch + s.slice(p + 1) : s.slice(p) + s.slice(0, p);
      return setAt(target, next);
    }
    case 'rename-key': {
      if (!isPlainObject(node.parent) || node.parent === box) return;
      delete node.parent[node.key];
      defineKey(node.parent, m.key, v);
      return;
    }
    case 'huge': {
      if (Array.isArray(v) && v.length) {
        // The same element again and again: a long list, not a large graph.
        const first = v[0];
        while (v.length < m.n) v.push(first);
      } else setAt(node, materialize(lazy('huge', { n: m.n, of: v === undefined ? 1 : v })));
      return;
    }
    case 'nest': {
      // The node inside copies of itself, through its first list of objects (sections in sections, parts in parts…).
      if (!isPlainObject(v)) return setAt(node, materialize(lazy('deep', { depth: m.depth, shape: 'object' })));
      const listKey = Object.keys(v).find((k) => Array.isArray(v[k]) && v[k].some(isPlainObject));
      if (!listKey) return setAt(node, materialize(lazy('deep', { depth: m.depth, shape: 'object' })));
      let cur = v;
      for (let i = 1; i < m.depth; i++) cur = { ...v, [listKey]: [cur] };
      return setAt(node, cur);
    }
  }
}

function isDescendant(parent, v) {
  if (parent === null || typeof parent !== 'object') return false;
  const stack = [parent];
  let steps = 0;
  while (stack.length && steps++ < 10_000) {
    const cur = stack.pop();
    if (cur === v) return true;
    if (cur !== null && typeof cur === 'object') for (const k of Object.keys(cur).slice(0, 64)) stack.push(cur[k]);
  }
  return false;
}

function structuredCloneSafe(v) {
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}

// ---------------------------------------------------------------------------
// Mutations of text

const SNIPPETS = [
  '&a ', '*a', '*nope ', '!!js/function "x" ', '!!binary aGk= ', '!custom x ', '!!set {a, b} ', '!!omap [a: 1] ',
  '!!timestamp 2020-01-01 ', '!!str ', '!!int "1" ', '!!float 1 ', '<<: *a\n', '<<: {a: 1}\n', '__proto__: {polluted: 1}\n',
  'constructor: 1\n', 'prototype:\n', '? [a, b]\n: c\n', '? {a: 1}\n: 2\n', '%YAML 1.2\n---\n', '%TAG ! tag:x,2000:\n---\n',
  '---\n', '...\n', '{', '}', '[', ']', '"', "'", '|\n', '>-\n', '- ', ': ', '# ', '\t', 'key: value\n', '? ', ', ',
  'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n',
  `x: ${'['.repeat(300)}${']'.repeat(300)}\n`,
  `x: ${'['.repeat(5_000)}\n`,
  `x: ${'{a: '.repeat(1_000)}1${'}'.repeat(1_000)}\n`,
  `${'- '.repeat(250)}x\n`,
  'extends: ../rubrics/six-type.yaml\n', 'extends: ./six-type-district-weighted.yaml\n', 'extends: ../rubrics/nope.yaml\n',
  `extends: ${'../'.repeat(50)}x.yaml\n`, 'extends: [a]\n', 'override: { nope: { points: 1 } }\n', 'remove: [g2-1, g2-1]\n',
  'points: 1\n', 'points: -1\n', 'points: .nan\n', 'points: .inf\n', 'max: 1e309\n', 'max: 0.1e-400\n', 'kind: chek\n',
  'kind: sum\n', 'range: ">= 1e400"\n', 'range: "[5, 1)"\n', 'range: "(-inf, inf)"\n', 'range: "[0, 0)"\n', 'id: "1.1a"\n',
  'id: ""\n', 'id: __proto__\n', 'places: 13\n', 'rounding: { places: 12, mode: half-even }\n', 'bonus: true\n', 'cap: -1\n',
  '\u0000', '\uFEFF', '\uD800', '\u2028', '\u0085', '\u00A0', '0x1F', '0o17', '1_000', '+.5', '-.inf', '~', 'null', 'yes', 'on',
  '2022-06-23', '12:30:00', '0.1000000000000000055511151231257827', '123456789012345678901234567890',
];
const NUMBER_TOKENS = ['0', '-1', '-0', '1.5', '0.333', '100', '101', '1e309', '1e-400', '99999999999999999999', '.nan', '.inf', '-.inf', '0x10', '0o7', '1_0', 'abc', '', '1.', '.5', '00012', '3.14159265358979323846', '~'];

const textMutation = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('delete-line'), at: fc.nat() }), weight: 20 },
  { arbitrary: fc.record({ op: fc.constant('duplicate-line'), at: fc.nat(), times: fc.integer({ min: 1, max: 3 }) }), weight: 15 },
  { arbitrary: fc.record({ op: fc.constant('swap-lines'), at: fc.nat(), other: fc.nat() }), weight: 15 },
  { arbitrary: fc.record({ op: fc.constant('delete-block'), at: fc.nat(), length: fc.integer({ min: 2, max: 30 }) }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('duplicate-block'), at: fc.nat(), length: fc.integer({ min: 2, max: 30 }) }), weight: 10 },
  { arbitrary: fc.record({ op: fc.constant('change-number'), at: fc.nat(), to: fc.constantFrom(...NUMBER_TOKENS) }), weight: 25 },
  { arbitrary: fc.record({ op: fc.constant('indent'), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }), weight: 15 },
  { arbitrary: fc.record({ op: fc.constant('tab'), at: fc.nat(), where: fc.nat({ max: 2 }) }), weight: 10 },
  { arbitrary: fc.constant({ op: 'crlf' }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('cr'), at: fc.nat() }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('bom'), at: fc.option(fc.nat(), { nil: undefined }) }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('binary'), at: fc.nat(), text: binaryString }), weight: 15 },
  { arbitrary: fc.record({ op: fc.constant('truncate'), at: fc.nat() }), weight: 10 },
  { arbitrary: fc.record({ op: fc.constant('snippet'), at: fc.nat(), snippet: fc.constantFrom(...SNIPPETS), lineStart: fc.boolean() }), weight: 25 },
  { arbitrary: fc.record({ op: fc.constant('replace-char'), at: fc.nat(), ch: fc.constantFrom(':', '-', ' ', '\t', '"', "'", '#', '&', '*', '!', '|', '>', '{', '[', '%', '@', '`', '\n', '\r', '\u0000', '\uFEFF') }), weight: 15 },
  { arbitrary: fc.record({ op: fc.constant('inflate'), wide: fc.boolean() }), weight: 1 },
);

function splitLines(text) {
  return text.split(/(?<=\n)/);
}

/** Applies one text mutation; positions are taken modulo the text's size. */
export function applyTextMutation(text, m) {
  const lines = splitLines(text);
  const n = Math.max(1, lines.length);
  const li = m.at === undefined ? 0 : m.at % n;
  const pos = m.at === undefined ? 0 : m.at % (text.length + 1);
  switch (m.op) {
    case 'delete-line':
      lines.splice(li, 1);
      return lines.join('');
    case 'duplicate-line':
      lines.splice(li, 0, ...Array(m.times).fill(withNewline(lines[li] ?? '')));
      return lines.join('');
    case 'swap-lines': {
      const lj = m.other % n;
      const a = lines[li] ?? '';
      const b = lines[lj] ?? '';
      lines[li] = withNewline(b);
      lines[lj] = withNewline(a);
      return lines.join('');
    }
    case 'delete-block':
      lines.splice(li, m.length);
      return lines.join('');
    case 'duplicate-block': {
      const block = lines.slice(li, li + m.length).map(withNewline);
      lines.splice(li + block.length, 0, ...block);
      return lines.join('');
    }
    case 'change-number': {
      const matches = [...text.matchAll(/-?\d+(?:\.\d+)?/g)];
      if (!matches.length) return text;
      const hit = matches[m.at % matches.length];
      return text.slice(0, hit.index) + m.to + text.slice(hit.index + hit[0].length);
    }
    case 'indent': {
      const line = lines[li] ?? '';
      lines[li] = m.by >= 0 ? ' '.repeat(m.by) + line : line.replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('');
    }
    case 'tab': {
      const line = lines[li] ?? '';
      lines[li] = m.where === 0 ? line.replace(/^ {1,2}/, '\t') : m.where === 1 ? line.replace(/^( *)/, '$1\t') : line.replace(/(\r?\n)?$/, '\t$1');
      return lines.join('');
    }
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'cr': {
      const nl = [...text.matchAll(/\n/g)];
      if (!nl.length) return text;
      const hit = nl[m.at % nl.length];
      return `${text.slice(0, hit.index)}\r${text.slice(hit.index + 1)}`;
    }
    case 'bom':
      return m.at === undefined ? `\uFEFF${text}` : text.slice(0, pos) + '\uFEFF' + text.slice(pos);
    case 'binary':
      return text.slice(0, pos) + m.text + text.slice(pos);
    case 'truncate':
      return text.slice(0, pos);
    case 'snippet': {
      if (!m.lineStart) return text.slice(0, pos) + m.snippet + text.slice(pos);
      lines.splice(li, 0, m.snippet);
      return lines.join('');
    }
    case 'replace-char':
      return text.slice(0, pos) + m.ch + text.slice(pos + 1);
    case 'inflate':
      // Past the 1 MiB limit: in ASCII, or in fewer UTF-16 units than bytes (CJK).
      return m.wide ? `${text}\n# ${'社'.repeat(360_000)}\n` : `${text}\n# ${'x'.repeat(1_100_000)}\n`;
  }
  return text;
}

function withNewline(line) {
  return line.endsWith('\n') ? line : `${line}\n`;
}

// ---------------------------------------------------------------------------
// Cases

/** fast-check arbitrary of cases of the given types (all by default). */
export function caseArbitrary(corpus, types = CASE_TYPES) {
  const { seeds, hugeMax, deepMax } = corpus;
  const bySize = fc.oneof(...seeds.map((s, i) => ({ arbitrary: fc.constant(i), weight: s.weight })));
  const anySeed = fc.integer({ min: 0, max: seeds.length - 1 });
  const missing = fc.constantFrom('error', 'zero');
  const rubricMutation = objectMutation(Math.min(hugeMax, 2_000), deepMax, []);
  const arbitraries = {
    'rubric-text': bySize.chain((seed) =>
      fc.record({
        type: fc.constant('rubric-text'),
        seed: fc.constant(seed),
        mutations: fc.array(textMutation, { minLength: 1, maxLength: 4 }),
        mutateParent: fc.boolean(),
        evidence: seeds[seed].evidence,
        missing,
      }),
    ),
    'rubric-object': bySize.chain((seed) =>
      fc.record({
        type: fc.constant('rubric-object'),
        seed: fc.constant(seed),
        mutations: fc.array(rubricMutation, { minLength: 1, maxLength: 4 }),
        via: fc.constantFrom('object', 'yaml', 'json'),
        evidence: seeds[seed].evidence,
        missing,
      }),
    ),
    evidence: anySeed.chain((seed) =>
      fc.record({
        type: fc.constant('evidence'),
        seed: fc.constant(seed),
        evidence: seeds[seed].evidence,
        mutations: fc.array(objectMutation(hugeMax, deepMax, seeds[seed].itemIds), { minLength: 1, maxLength: 5 }),
        missing,
      }),
    ),
    'evidence-text': anySeed.chain((seed) =>
      fc.record({
        type: fc.constant('evidence-text'),
        seed: fc.constant(seed),
        evidence: seeds[seed].evidence,
        mutations: fc.array(objectMutation(Math.min(hugeMax, 2_000), Math.min(deepMax, 500), seeds[seed].itemIds), { maxLength: 2 }),
        format: fc.constantFrom('json', 'yaml', 'json-proto'),
        textMutations: fc.array(textMutation, { maxLength: 3 }),
        missing,
      }),
    ),
  };
  const weights = { 'rubric-text': 3, 'rubric-object': 2, evidence: 4, 'evidence-text': 2 };
  return fc.oneof(...types.map((t) => ({ arbitrary: arbitraries[t], weight: weights[t] })));
}

/** The input a case builds: the mutated text or value, for printing a failure. */
export function caseInput(corpus, c) {
  const seed = corpus.seeds[c.seed];
  switch (c.type) {
    case 'rubric-text':
      return { file: seed.file, text: c.mutations.reduce(applyTextMutation, seed.text) };
    case 'rubric-object': {
      const box = { root: materialize(seed.value) };
      for (const m of c.mutations) applyObjectMutation(box, m);
      if (c.via === 'object') return { file: seed.file, value: box.root };
      return { file: seed.file, text: c.via === 'yaml' ? toYaml(box.root) : toJson(box.root) };
    }
    case 'evidence': {
      const box = { root: materialize(c.evidence) };
      for (const m of c.mutations) applyObjectMutation(box, m);
      return { value: box.root };
    }
    case 'evidence-text': {
      const box = { root: materialize(c.evidence) };
      for (const m of c.mutations) applyObjectMutation(box, m);
      const doc = { rubric: seed.rubric.id, community: { name: '示例社区', id: 'FUZZ' }, evidence: box.root };
      let text = c.format === 'yaml' ? toYaml(doc) : toJson(doc);
      if (c.format === 'json-proto') text = text.replace('{', '{"__proto__": {"polluted": true}, ');
      return { file: 'evidence.json', text: c.textMutations.reduce(applyTextMutation, text) };
    }
  }
  throw new Error(`unknown case type ${c.type}`);
}

/**
 * JSON of a value, bounded: a list of n references to a list of m values is
 * n × m values once written out, so past `budget` values every further
 * value is written as null. The text stays valid JSON, large
 * enough for the library's size limit, and takes linear time to build.
 */
export function boundedJson(value, { budget = 2_000_000, bigint = (v) => v.toString(), nonFinite = (v) => v, space } = {}) {
  let left = budget;
  try {
    return (
      JSON.stringify(
        value,
        (_k, v) => {
          if (typeof v === 'bigint') return bigint(v);
          if (typeof v === 'number' && !Number.isFinite(v)) return nonFinite(v);
          if (--left < 0) return null;
          return v;
        },
        space,
      ) ?? 'null'
    );
  } catch {
    return '{}';
  }
}

const toJson = (value) => boundedJson(value);

/** How deep a value nests (walking at most 100 000 nodes). */
function depthOf(value) {
  let max = 0;
  let budget = 100_000;
  const stack = [[value, 0]];
  while (stack.length && budget-- > 0) {
    const [v, d] = stack.pop();
    if (d > max) max = d;
    if (v !== null && typeof v === 'object') for (const k of Object.keys(v).slice(0, 64)) stack.push([v[k], d + 1]);
  }
  return max;
}

function toYaml(value) {
  // Block YAML nested a thousand deep takes yaml.stringify seconds (its indentation grows with depth): past
  // 400 levels, JSON (flow style, also YAML) says the same in linear time. So does a document past the
  // size limit, which the library refuses before reading it, whatever its style.
  if (depthOf(value) > 400) return toJson(value);
  const json = toJson(value);
  if (json.length > 1_100_000) return json;
  try {
    return yamlStringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  } catch {
    return toJson(value);
  }
}

// ---------------------------------------------------------------------------
// Running a case

/**
 * Runs a case and checks every outcome. Returns what happened: `problems`
 * (anything but a result or a well-formed RubricError), `outcomes` (one
 * word per step), the issue codes seen, the time spent in the library (`ms`)
 * and the time of the whole case, input building and checks included (`totalMs`).
 */
export function runCase(corpus, c) {
  const { lib } = corpus;
  const codes = new Set(lib.ISSUE_CODES);
  const problems = [];
  const outcomes = [];
  const seen = new Set();
  const seed = corpus.seeds[c.seed];
  const started = performance.now();
  // Time spent inside the library, apart from building the input and checking the outcomes.
  let libraryMs = 0;
  const timed = (fn) => {
    const t = performance.now();
    try {
      return fn();
    } finally {
      libraryMs += performance.now() - t;
    }
  };

  /** A problem found in an outcome; `error` is what was thrown, if anything. */
  const problem = (step, kind, detail, error, extra = {}) => problems.push({ step, kind, detail, ...(error !== undefined ? { error: describeError(error) } : {}), ...extra });

  const checkError = (step, error) => {
    if (!(error instanceof lib.RubricError)) return problem(step, 'not-a-rubric-error', 'failed without a RubricError', error);
    if (!Array.isArray(error.issues) || error.issues.length === 0) return problem(step, 'no-issues', 'a RubricError without issues', error);
    for (const i of error.issues) {
      if (!codes.has(i?.code)) problem(step, 'unknown-code', `issue code ${JSON.stringify(i?.code)} is not in ISSUE_CODES`, error);
      else seen.add(i.code);
      if (!Array.isArray(i?.path) || !i.path.every((s) => typeof s === 'string' || typeof s === 'number')) problem(step, 'bad-issue', `issue path ${String(i?.path)} is not a list of keys`, error);
      if (typeof i?.message !== 'string' || !i.message) problem(step, 'bad-issue', 'an issue without a message', error);
    }
    try {
      // At most 200 issues: formatIssues is quadratic in the size of the text (see the report), and
      // a few thousand issues into a long line would take minutes; each issue is formatted alone all the same.
      const text = lib.formatIssues(error.issues.slice(0, 200), { sources: error.sources });
      if (typeof text !== 'string') problem(step, 'format-issues', 'formatIssues returned no text');
    } catch (e) {
      problem(`${step} → formatIssues`, 'exception', 'formatIssues threw', e);
    }
  };

  /** Runs a safe* call: its outcome must be { success: true, data } or { success: false, error: RubricError }. */
  const safe = (step, fn) => {
    let r;
    try {
      r = timed(fn);
    } catch (e) {
      if (e instanceof lib.RubricError) {
        outcomes.push(`${step}:threw`);
        checkError(step, e);
      } else problem(step, 'exception', 'threw', e);
      return undefined;
    }
    if (r === null || typeof r !== 'object' || typeof r.success !== 'boolean') {
      problem(step, 'bad-result', `returned ${typeof r}`);
      return undefined;
    }
    if (r.success) {
      outcomes.push(`${step}:ok`);
      try {
        JSON.stringify(r.data);
      } catch (e) {
        problem(step, 'unserialisable', 'the result cannot be written as JSON', e);
      }
    } else {
      outcomes.push(`${step}:error`);
      checkError(step, r.error);
    }
    return r;
  };

  const call = (step, fn) => {
    try {
      return { ok: true, value: timed(fn) };
    } catch (e) {
      if (e instanceof lib.RubricError) checkError(step, e);
      else problem(step, 'exception', 'threw', e);
      return { ok: false };
    }
  };

  const scoreBoth = (compiled, evidence, tag) => {
    const options = { missing: c.missing };
    const s = safe(`safeScore${tag}`, () => lib.safeScore(compiled, evidence, options));
    const t = safe(`safeScoreTotals${tag}`, () => lib.safeScoreTotals(compiled, evidence, options));
    // Hints read any evidence, valid or not, and give a list of hint issues.
    const hints = call(`evidenceHints${tag}`, () => lib.evidenceHints(compiled, evidence));
    if (hints.ok && !(Array.isArray(hints.value) && hints.value.every((h) => h.severity === 'hint' && lib.ISSUE_CODES.includes(h.code) && Array.isArray(h.path)))) {
      problem(`evidenceHints${tag}`, 'bad-result', 'not a list of hints');
    }
    if (!s || !t) return;
    if (s.success !== t.success) {
      const failed = s.success ? t : s;
      const paths = failed.error.issues.map((i) => i.path.join('.'));
      problem(`safeScoreTotals${tag}`, 'inconsistent', s.success ? `safeScore scored it (${s.data.total}) but safeScoreTotals failed: ${t.error.message}` : `safeScoreTotals scored it (${t.data.total}) but safeScore failed: ${s.error.message}`, undefined, { paths });
    } else if (s.success) {
      const full = call('totalsOf', () => lib.totalsOf(s.data));
      if (full.ok && !isDeepStrictEqual(JSON.parse(JSON.stringify(full.value)), JSON.parse(JSON.stringify(t.data)))) {
        problem(`safeScoreTotals${tag}`, 'inconsistent', `totals differ: safeScore ${full.value.total} (${full.value.grade?.id}), safeScoreTotals ${t.data.total} (${t.data.grade?.id})`);
      }
    }
  };

  const compileAndScore = (rubric, evidence) => {
    const compiled = call('compile', () => lib.compile(rubric));
    if (!compiled.ok) return;
    scoreBoth(compiled.value, materialize(evidence), '');
    scoreBoth(compiled.value, {}, ' (empty)');
    // The closures that run where code may not be generated agree with score as the generated code does.
    const jitless = call('compile (jitless)', () => lib.compile(rubric, { jitless: true }));
    if (jitless.ok) scoreBoth(jitless.value, materialize(evidence), ' (jitless)');
  };

  // A rubric object written as JSON reads the same through the JSON path as through the YAML reader.
  const jsonAgrees = (value, options) => {
    // Written out within a budget of 20 000 values (the largest bundled rubric has under 2 000; huge shared
    // lists are cut to null), BigInts as strings: both readers get the same text, and the YAML reader,
    // at under 1 MB/s, stays well within a case's time.
    const text = boundedJson(value, { budget: 20_000 });
    const viaJson = safe('safeParseRubricJson', () => lib.safeParseRubricJson(text, options));
    const viaYaml = safe('safeParseRubric (JSON text)', () => lib.safeParseRubric(text, options));
    if (!viaJson || !viaYaml) return;
    const codesOf = (r) => (r.success ? '' : r.error.issues.map((i) => `${i.code} ${i.message}`).join('; '));
    if (viaJson.success !== viaYaml.success) problem('safeParseRubricJson', 'inconsistent', `the JSON path ${viaJson.success ? 'accepts' : 'refuses'} a rubric the YAML reader ${viaYaml.success ? 'accepts' : 'refuses'}`);
    else if (viaJson.success && lib.rubricDigest(viaJson.data) !== lib.rubricDigest(viaYaml.data)) problem('safeParseRubricJson', 'inconsistent', 'the JSON path reads another rubric than the YAML reader');
    else if (codesOf(viaJson) !== codesOf(viaYaml)) problem('safeParseRubricJson', 'inconsistent', `issues ${codesOf(viaJson)} against ${codesOf(viaYaml)}`);
  };

  // The plain YAML reader changes nothing: read again with yaml's parser alone, the outcome and every
  // issue (code, path, message, file, line, column) are the same.
  const plainAgrees = (step, first, again, describe) => {
    if (!first) return;
    const second = safe(`${step} (plainReader: false)`, again);
    if (!second) return;
    const outcome = (r) => (r.success ? describe(r.data) : JSON.stringify(r.error.issues.map((i) => [i.code, i.path, i.message, i.file, i.line, i.column])));
    if (outcome(first) !== outcome(second)) problem(step, 'inconsistent', `the plain reader ${first.success ? 'reads' : 'refuses'} what yaml alone ${second.success ? 'reads' : 'refuses'}, or reports otherwise: ${outcome(first).slice(0, 300)} against ${outcome(second).slice(0, 300)}`);
  };

  let input;
  try {
    input = caseInput(corpus, c);
  } catch (e) {
    // The harness's own failure, not the library's: reported apart.
    return { problems: [{ step: 'build input', kind: 'harness', detail: 'could not build the input', error: describeError(e) }], outcomes, codes: seen, ms: 0, totalMs: performance.now() - started };
  }

  switch (c.type) {
    case 'rubric-text':
    case 'rubric-object': {
      const overrides = c.type === 'rubric-text' && c.mutateParent && seed.file.startsWith('examples/') ? mutatedParents(corpus, c) : undefined;
      const options = { file: seed.file, resolve: corpus.resolver(overrides) };
      const parsed = input.text !== undefined ? safe('safeParseRubric', () => lib.safeParseRubric(input.text, options)) : safe('safeParseRubricObject', () => lib.safeParseRubricObject(input.value, options));
      if (input.text !== undefined) plainAgrees('safeParseRubric', parsed, () => lib.safeParseRubric(input.text, { ...options, plainReader: false }), (rubric) => lib.rubricDigest(rubric));
      if (parsed?.success) compileAndScore(parsed.data, c.evidence);
      if (c.type === 'rubric-object') jsonAgrees(input.value, options);
      break;
    }
    case 'evidence':
      scoreBoth(seed.compiled, input.value, '');
      break;
    case 'evidence-text': {
      const parsed = safe('safeParseEvidence', () => lib.safeParseEvidence(input.text, { file: input.file }));
      plainAgrees('safeParseEvidence', parsed, () => lib.safeParseEvidence(input.text, { file: input.file, plainReader: false }), (doc) => JSON.stringify(doc));
      if (parsed?.success) scoreBoth(seed.compiled, parsed.data.evidence, '');
      break;
    }
  }
  // Nothing the case did may have reached Object.prototype (the odd values carry "polluted" keys).
  const proto = Object.prototype;
  if (Object.getOwnPropertyNames(proto).some((k) => !PROTOTYPE_KEYS.has(k))) {
    const added = Object.getOwnPropertyNames(proto).filter((k) => !PROTOTYPE_KEYS.has(k));
    for (const k of added) delete proto[k];
    problem('after the case', 'prototype-polluted', `Object.prototype gained ${added.join(', ')}`);
  }
  return { problems, outcomes, codes: seen, ms: libraryMs, totalMs: performance.now() - started };
}

const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** For a rubric that extends another: the parent text mutated the same way, seen through the resolver. */
function mutatedParents(corpus, c) {
  const overrides = new Map();
  for (const [file, text] of corpus.files) if (file.startsWith('rubrics/')) overrides.set(file, c.mutations.reduce(applyTextMutation, text));
  return overrides;
}

export function describeError(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 8).join('\n')}`;
  try {
    return `a thrown ${typeof e}: ${String(e)}`;
  } catch {
    return `a thrown ${typeof e}`;
  }
}

/** A case in a few lines: its seed and mutations, for a failure message. */
export function describeCase(corpus, c) {
  const seed = corpus.seeds[c.seed];
  const short = (v) => {
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
    return s && s.length > 600 ? `${s.slice(0, 600)}…` : s;
  };
  const { evidence, ...rest } = c;
  return `${c.type} on ${seed.name}: ${short({ ...rest, seed: undefined })}\n  evidence: ${short(evidence)}`;
}
