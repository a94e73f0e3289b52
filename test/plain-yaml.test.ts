import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readPlainYaml } from '../src/plain-yaml.js';
import { DEFAULT_MAX_NODES, MAX_NESTING, readYaml, readYamlFully, REFUSED_KEYS } from '../src/source.js';
import { safeParseRubric } from '../src/index.js';
import { read, repoRoot } from './support/bundled.js';

/** PLAIN_YAML_RUNS=50 multiplies the property runs for a long search (the suite runs 1×). */
const RUNS = Number(process.env.PLAIN_YAML_RUNS ?? 1);
const LIMITS = { maxNodes: DEFAULT_MAX_NODES, maxNesting: MAX_NESTING, refusedKeys: REFUSED_KEYS };
const plain = (text: string, limits = LIMITS) => readPlainYaml(text, limits);

/** The plain reader declines the text, or gives exactly what yaml reads from it, with no issue. */
function agrees(text: string, limits = LIMITS): boolean {
  const fast = plain(text, limits);
  if (fast === undefined) return true;
  const full = readYamlFully(text, { maxNodes: limits.maxNodes });
  // Same values, types and key order (isDeepStrictEqual tells -0 from 0; JSON keeps key order).
  return full.issues.length === 0 && isDeepStrictEqual(fast.value, full.value) && JSON.stringify(fast.value) === JSON.stringify(full.value);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(`${repoRoot}${dir}`, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${dir}/${f}`);
}

describe('the plain YAML reader', () => {
  const files = ['rubrics', 'examples', 'test/fixtures', 'test/data'].flatMap(yamlFiles);

  it('reads every YAML file in the repository, to the value yaml reads', () => {
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const text = read(file);
      const fast = plain(text);
      expect(fast, `${file} is left to yaml`).toBeDefined();
      expect(agrees(text), file).toBe(true);
    }
  });

  it('reads the forms rubrics use to the values YAML gives them', () => {
    const text = [
      '# a comment',
      'id: "1.1a"          # quoted: 1.1a would be a string anyway',
      "title: { zh: 组织建设, en: 'Organisation ''building''' }",
      'points: 1.5',
      'exact: 0.1000000000000000055511151231257827',
      'none: ~',
      'empty:',
      'yes: true',
      'list:',
      '- 1',
      '- -2',
      '-  a: b',
      '   c: [x, "y\\u00e9", { d: 1 }]',
      'states: &abc',
      '  A: 2',
      'again: *abc',
      'folded: >-',
      '  one',
      '  two',
      '',
      '  three',
      'literal: |',
      '  one',
      '  two',
      'flow:',
      '  { a: 1,',
      '    b: 2 }',
      '',
    ].join('\n');
    const read = plain(text);
    expect(read?.value).toEqual({
      id: '1.1a',
      title: { zh: '组织建设', en: "Organisation 'building'" },
      points: 1.5,
      exact: '0.1000000000000000055511151231257827',
      none: null,
      empty: null,
      yes: true,
      list: [1, -2, { a: 'b', c: ['x', 'yé', { d: 1 }] }],
      states: { A: 2 },
      again: { A: 2 },
      folded: 'one two\nthree',
      literal: 'one\ntwo\n',
      flow: { a: 1, b: 2 },
    });
    // An alias is a copy, as yaml's reader makes it: changing one leaves the other.
    const value = read?.value as { states: object; again: object };
    expect(value.again).not.toBe(value.states);
    expect(agrees(text)).toBe(true);
  });

  // Each is valid YAML (or an error yaml reports) that the plain reader leaves to yaml.
  const declined: [string, string][] = [
    ['a tab', 'a:\tb\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a document marker', '---\na: 1\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
    ['keys equal as numbers', '1: a\n1.0: b\n'],
    ['keys equal as null', 'null: a\n~: b\n'],
    ['keys equal as booleans in a flow mapping', 'a: { true: 1, True: 2 }\n'],
    ['a quoted and a plain key of one name', '"1": a\n1: b\n'],
    ['a __proto__ key', '__proto__: 1\n'],
    ['a merge key', 'a: &x { b: 1 }\nc: { <<: *x }\n'],
    ['a plain scalar over two lines', 'a: one\n  two\n'],
    ['a quoted scalar over two lines', 'a: "one\n  two"\n'],
    ['a more-indented line in a folded scalar', 'a: >\n  one\n    two\n'],
    ['keep chomping', 'a: |+\n  one\n\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a custom tag', 'a: !thing 1\n'],
    ['a complex key', '? a\n: 1\n'],
    ['a trailing comma in a flow collection', 'a: [1, 2,]\n'],
    ['a hexadecimal number', 'a: 0x1F\n'],
    ['an infinity', 'a: .inf\n'],
    ['an escape beyond the common ones', 'a: "\\x41"\n'],
    ['an alias to the collection holding it', 'a: &x\n  b: *x\n'],
    ['an alias with no anchor', 'a: *x\n'],
    ['a key at an odd indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a scalar at the top', 'just text\n'],
    ['an empty document', '# nothing\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a mapping in a plain value', 'a: b: c\n'],
    ['a comment without a space before it', 'a: "b"#c\n'],
  ];
  it.each(declined)('leaves %s to yaml', (_name, text) => {
    expect(plain(text)).toBeUndefined();
    // readYaml still gives yaml's reading.
    const viaReadYaml = readYaml(text);
    const viaYaml = readYamlFully(text);
    expect(viaReadYaml.value).toEqual(viaYaml.value);
    expect(viaReadYaml.issues).toEqual(viaYaml.issues);
  });

  it('leaves text over the node or depth limits to yaml, which reports it', () => {
    const many = `a:\n${Array.from({ length: 50 }, (_, i) => `  - ${i}`).join('\n')}\n`;
    expect(plain(many)).toBeDefined();
    expect(plain(many, { ...LIMITS, maxNodes: 40 })).toBeUndefined();
    expect(readYaml(many, { maxNodes: 40 }).issues.map((i) => i.code)).toEqual(['alias-limit']);
    const deep = `${Array.from({ length: MAX_NESTING + 1 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`;
    expect(plain(deep)).toBeUndefined();
    expect(readYaml(deep).issues.map((i) => i.code)).toEqual(['alias-limit']);
    // An alias repeats its anchor's nodes and nesting: the limits count them again, as yaml's reader does.
    const aliased = 'a: &x [1, [2, [3]]]\nb: *x\nc: *x\n';
    expect(agrees(aliased, { ...LIMITS, maxNodes: 100 })).toBe(true);
    // The root, a's list of 6 nodes, and for b and c the alias and those 6 again: 21.
    expect(plain(aliased, { ...LIMITS, maxNodes: 21 })).toBeDefined();
    expect(plain(aliased, { ...LIMITS, maxNodes: 20 })).toBeUndefined();
    expect(readYaml(aliased, { maxNodes: 21 }).issues).toEqual([]);
    expect(readYaml(aliased, { maxNodes: 20 }).issues.map((i) => i.code)).toEqual(['alias-limit']);
  });

  it('finds positions when an issue needs them, as yaml gives them', () => {
    const text = read('rubrics/jiangxi-db36-t-1609-2022.yaml');
    expect(plain(text)).toBeDefined();
    const fast = readYaml(text);
    const full = readYamlFully(text);
    expect([...fast.source.ranges]).toEqual([...full.source.ranges]);
    expect(fast.source.lineCounter.lineStarts).toEqual(full.source.lineCounter.lineStarts);
    // A rubric error is placed at the same line and column whichever reader read the text.
    const broken = text.replace('points: 1.5', 'points: -1.5');
    const a = safeParseRubric(broken);
    const b = safeParseRubric(broken, { plainReader: false });
    expect(a.success).toBe(false);
    expect(a.success ? [] : a.error.issues).toEqual(b.success ? [] : b.error.issues);
    expect((a.success ? [] : a.error.issues).every((i) => typeof i.line === 'number' && typeof i.column === 'number')).toBe(true);
  });

  // Values as rubric and evidence files hold them: keys and one-line strings of letters, CJK,
  // digits and punctuation, decimals, booleans, null, nested lists and maps.
  // Spaces YAML does not trim (U+3000, U+00A0, U+2028, U+2029) and characters it does not take (U+0085) are in too.
  const text = fc.string({ unit: fc.constantFrom(...'ab zé社区 0123456789.-:#,[]{}\'"&*!|>?%@`~\\/\u3000\u00a0\u2028\u2029\u0085'.split('')), maxLength: 12 });
  // Keys that read as numbers, null or booleans too: yaml writes them quoted, and edits unquote them.
  const key = fc.oneof(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/),
    fc.constantFrom('1', '1.0', '01', '-0', '0', 'null', '~', 'true', 'True'),
    text.filter((k) => !REFUSED_KEYS.has(k) && k.trim() !== ''),
  );
  const scalar = fc.oneof(text, fc.boolean(), fc.constant(null), fc.integer({ min: -1000, max: 100000 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
  }));
  const document = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });
  const style = fc.record({
    indent: fc.integer({ min: 1, max: 4 }),
    indentSeq: fc.boolean(),
    collectionStyle: fc.constantFrom('any' as const, 'block' as const, 'flow' as const),
    defaultStringType: fc.constantFrom('PLAIN' as const, 'QUOTE_DOUBLE' as const, 'QUOTE_SINGLE' as const, 'BLOCK_FOLDED' as const, 'BLOCK_LITERAL' as const),
    lineWidth: fc.constantFrom(0, 20, 80),
  });

  it('reads block-style YAML that yaml writes, to the same value', () => {
    fc.assert(
      fc.property(document, fc.integer({ min: 1, max: 4 }), fc.boolean(), (doc, indent, indentSeq) => {
        const written = stringify(doc, { indent, indentSeq, lineWidth: 0 });
        // Without line folding, yaml writes nothing the plain reader leaves aside (one-line scalars, block
        // collections) but for U+0085, a line break to YAML 1.1, which it declines.
        if (!JSON.stringify(doc).includes('\u0085')) expect(plain(written), written).toBeDefined();
        expect(agrees(written), written).toBe(true);
      }),
      { numRuns: 500 * RUNS },
    );
  });

  it('reads JSON as JSON.stringify indents it, to the value yaml and JSON.parse read', () => {
    fc.assert(
      fc.property(fc.oneof(document, fc.array(value, { maxLength: 4 })), (doc) => {
        const written = JSON.stringify(doc, null, 2);
        // JSON's escapes \b, \f and \r, and U+0085 (which JSON writes as it is), are left to yaml.
        if (!/\\[bfr]|\u0085/.test(written)) expect(plain(written), written).toBeDefined();
        expect(agrees(written), written).toBe(true);
        const read = plain(written);
        if (read) expect(JSON.stringify(read.value)).toBe(JSON.stringify(JSON.parse(written)));
      }),
      { numRuns: 500 * RUNS },
    );
  });

  it('declines, or agrees with yaml on, YAML written in every style and then edited at random', () => {
    const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 3 }), insert: fc.constantFrom('', ' ', '  ', '\n', '\n  ', ':', ': ', '#', ' #', '-', '- ', '"', "'", '{', '}', '[', ']', ',', '&a ', '*a', '|', '>-', '\t', '\\', '~', '0.1', 'x') });
    fc.assert(
      // Sometimes every quote of one kind goes too: keys yaml quoted ("1", "null") then read as values.
      fc.property(document, style, fc.array(edit, { maxLength: 4 }), fc.option(fc.constantFrom('"', "'"), { freq: 3 }), (doc, options, edits, unquote) => {
        let written = stringify(doc, options);
        if (unquote) written = written.replaceAll(unquote, '');
        for (const e of edits) {
          const at = e.at % (written.length + 1);
          written = written.slice(0, at) + e.insert + written.slice(at + e.cut);
        }
        expect(agrees(written), written).toBe(true);
      }),
      { numRuns: 4000 * RUNS },
    );
  });
});
