import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { compile, evidenceJsonSchema, parseRubric, RUBRIC_SCHEMA_ID, rubricJsonSchema, safeParseRubricObject } from '../src/index.js';
import { bundledRubricFiles, load, repoRoot, rubricsDir } from './support/bundled.js';
import { validate } from './support/json-schema-check.js';
import { runCli } from './support/cli.js';

const schema = rubricJsonSchema();
const shipped = join(repoRoot, 'schema', 'rubric.schema.json');
const yamlOf = (file: string) => parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
const jiangxiFile = `${rubricsDir}jiangxi-db36-t-1609-2022.yaml`;
const jiangxi = compile(parseRubric(readFileSync(jiangxiFile, 'utf8')));

/** A deep copy with one change. */
function edit<T>(value: T, change: (copy: any) => void): T {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}

describe('the rubric format as JSON Schema', () => {
  const definitions = schema.definitions as Record<string, Record<string, any>>;

  it('is draft-07 with an $id, a title and named definitions, generated from the zod schemas', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(RUBRIC_SCHEMA_ID);
    expect(schema.title).toBe('shequ-rubric rubric');
    expect(Object.keys(definitions).sort()).toEqual(['bilingual', 'child', 'item', 'rubric', 'section', 'unit']);
    expect(definitions.rubric!.additionalProperties).toBe(false);
    expect(definitions.rubric!.required).toEqual(['id', 'version', 'title', 'source', 'max', 'sections']);
  });

  it('a document with `extends` is checked as a child rubric, any other as a whole rubric', () => {
    expect(schema.if).toEqual({ type: 'object', required: ['extends'] });
    expect(schema.then).toEqual({ $ref: '#/definitions/child' });
    expect(schema.else).toEqual({ $ref: '#/definitions/rubric' });
    expect(definitions.child!.required).toEqual(['extends', 'id', 'version']);
    expect(definitions.child!.additionalProperties).toBe(false);
    // What a child adds is a whole item or section.
    expect(definitions.child!.properties.add.items.properties.items.items).toEqual({ $ref: '#/definitions/item' });
  });

  it('describes the input side: decimals are numbers or strings, ranges are strings, rounding may be left out', () => {
    const props = definitions.rubric!.properties as Record<string, Record<string, unknown>>;
    expect(props.max?.type).toEqual(['number', 'string']);
    expect(props.rounding?.default).toEqual({ places: 2, mode: 'half-up' });
    const band = ((props.grades?.properties as any).bands.items as any).properties.range;
    expect(band.type).toBe('string');
    expect(band.description).toContain('[86, 92)');
  });

  it('gives a unit as one text or in both languages, by one definition', () => {
    expect(definitions.unit!.anyOf).toEqual([
      { type: 'string' },
      {
        type: 'object',
        properties: { zh: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 }, enOne: { type: 'string', minLength: 1 } },
        required: ['zh', 'en'],
        additionalProperties: false,
      },
    ]);
    expect(definitions.unit!.description).toContain('enOne');
    const tiers = ((definitions.item!.oneOf ?? definitions.item!.anyOf) as any[]).find((v) => v.properties.kind.const === 'tiers');
    expect(tiers.properties.measures.additionalProperties.properties.unit).toEqual({ allOf: [{ $ref: '#/definitions/unit' }] });
  });

  it('has one variant per built-in kind, each with its kind and documentation', () => {
    const item = definitions.item!;
    const variants = (item.oneOf ?? item.anyOf) as any[];
    const kinds = variants.map((v) => v.properties.kind.const);
    expect(kinds).toEqual(['check', 'tiers', 'states', 'rate', 'count', 'deduct', 'levels', 'bonus', 'projects', 'checklist', 'sum']);
    for (const v of variants) {
      expect(v.additionalProperties).toBe(false);
      expect(v.title).toBe(`kind: ${v.properties.kind.const}`);
      expect(typeof v.description).toBe('string');
    }
  });

  it.each(bundledRubricFiles)('validates the bundled rubric %s', (file) => {
    const value = yamlOf(`${rubricsDir}${file}`);
    expect(validate(schema, value)).toEqual([]);
  });

  it('validates the test copy with raised satisfaction bands', () => {
    expect(validate(schema, yamlOf(join(repoRoot, 'test/data/jiangxi-raised-satisfaction.yaml')))).toEqual([]);
  });

  const children = readdirSync(join(repoRoot, 'examples'))
    .filter((f) => /^extends:/m.test(readFileSync(join(repoRoot, 'examples', f), 'utf8')))
    .map((f) => join(repoRoot, 'examples', f));

  it('there is a child rubric among the examples', () => {
    expect(children.length).toBeGreaterThan(0);
  });

  it.each(children)('validates the child rubric %s', (file) => {
    expect(validate(schema, yamlOf(file))).toEqual([]);
  });

  it('rejects a child with an unknown key, a bad added item or a bad replaced grade band', () => {
    const child = yamlOf(children[0]!);
    expect(validate(schema, edit(child, (r) => (r.overide = {})))).toEqual([{ path: '/overide', message: 'unknown key "overide"' }]);
    expect(validate(schema, edit(child, (r) => (r.add = [{ into: 'g2', items: [{ id: 'x', title: { zh: '甲', en: 'A' }, points: 1, kind: 'check', pionts: 1 }] }]))).length).toBeGreaterThan(0);
    expect(validate(schema, edit(child, (r) => (r.grades = { subject: 'total', bands: [{ id: 'a', label: { zh: '甲', en: 'A' }, range: 90 }] }))).length).toBeGreaterThan(0);
    // Without `extends` the same document is judged as a whole rubric (no sections).
    expect(validate(schema, edit(child, (r) => delete r.extends)).map((e) => e.message)).toContain('missing the key "sections"');
  });

  it('rejects unknown keys at the top, in a section, in an item and in a kind parameter', () => {
    const base = yamlOf(jiangxiFile);
    const top = validate(schema, edit(base, (r) => (r.maximum = 100)));
    expect(top).toEqual([{ path: '/maximum', message: 'unknown key "maximum"' }]);
    const section = validate(schema, edit(base, (r) => (r.sections[0].weight = 1)));
    expect(section.some((e) => e.path === '/sections/0/weight' && e.message === 'unknown key "weight"')).toBe(true);
    const item = validate(schema, edit(base, (r) => (r.sections[0].sections[0].items[0].pionts = 1)));
    expect(item.map((e) => `${e.path} ${e.message}`).join('\n')).toContain('pionts');
    const band = validate(schema, edit(base, (r) => (r.grades.bands[0].colour = 'gold')));
    expect(band).toEqual([{ path: '/grades/bands/0/colour', message: 'unknown key "colour"' }]);
  });

  it('rejects wrong types, unknown kinds, missing keys and bad enum values', () => {
    const base = yamlOf(jiangxiFile);
    expect(validate(schema, edit(base, (r) => (r.max = true))).length).toBeGreaterThan(0);
    expect(validate(schema, edit(base, (r) => delete r.sections))).toEqual([{ path: '', message: 'missing the key "sections"' }]);
    expect(validate(schema, edit(base, (r) => (r.sections[0].sections[0].items[0].kind = 'checkbox'))).length).toBeGreaterThan(0);
    expect(validate(schema, edit(base, (r) => (r.grades.subject = 'sum'))).map((e) => e.path)).toEqual(['/grades/subject']);
    expect(validate(schema, edit(base, (r) => (r.id = 'Jiangxi DB36'))).map((e) => e.path)).toEqual(['/id']);
  });

  it('agrees with the loader on what it checks: a rubric the schema rejects for an unknown key, the loader rejects too', () => {
    const base = yamlOf(jiangxiFile);
    const bad = edit(base, (r) => (r.sections[1].sections[0].items[0].tiers[0].colour = 'red'));
    expect(validate(schema, bad).length).toBeGreaterThan(0);
    const loaded = safeParseRubricObject(bad);
    expect(loaded.success).toBe(false);
    if (!loaded.success) expect(loaded.error.issues.map((i) => i.code)).toContain('unknown-key');
  });

  it("zod's own fromJSONSchema reads the whole-rubric branch back and agrees on the bundled rubrics and on an unknown key", () => {
    // fromJSONSchema does not take if / then / else: give it the `else` branch with the definitions.
    const back = z.fromJSONSchema({ $schema: schema.$schema, ...definitions.rubric, definitions } as never);
    for (const file of bundledRubricFiles) expect(back.safeParse(yamlOf(`${rubricsDir}${file}`)).success, file).toBe(true);
    expect(back.safeParse(edit(yamlOf(jiangxiFile), (r) => (r.maximum = 100))).success).toBe(false);
  });

  it('the bundled rubrics point editors at the shipped schema', () => {
    for (const file of bundledRubricFiles) {
      expect(readFileSync(`${rubricsDir}${file}`, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/rubric.schema.json');
    }
  });
});

describe('schema/rubric.schema.json', () => {
  it('is shipped in the package ("files")', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
    expect(pkg.files).toContain('schema');
    expect(pkg.scripts.schema).toContain('scripts/build-schema.mjs');
    expect(existsSync(shipped)).toBe(true);
  });

  it('equals what the code generates (regenerate with `npm run schema`)', () => {
    expect(readFileSync(shipped, 'utf8')).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });
});

describe('the evidence schema of a rubric', () => {
  const compiled = jiangxi;
  const evidence = evidenceJsonSchema(compiled);
  const examples = readdirSync(join(repoRoot, 'examples'))
    .filter((f) => f.startsWith('jiangxi-'))
    .map((f) => join(repoRoot, 'examples', f));
  const communities = readdirSync(join(repoRoot, 'test/data/jiangxi-communities')).map((f) => join(repoRoot, 'test/data/jiangxi-communities', f));

  it('names the rubric and lists every item, all required', () => {
    expect(evidence.$id).toBe('urn:shequ-rubric:evidence:jiangxi-db36-t-1609-2022:2022');
    expect(evidence.description).toContain(compiled.digest);
    const e = (evidence.properties as any).evidence;
    expect(Object.keys(e.properties)).toEqual([...compiled.items.keys()]);
    expect(e.required).toEqual([...compiled.items.keys()]);
    expect(e.additionalProperties).toBe(false);
    expect((evidence.properties as any).rubric.const).toBe('jiangxi-db36-t-1609-2022');
    expect(e.properties['4.5'].title).toBe('4.5 社区服务群众满意度80%~89%;90%~95%;96%~100%');
  });

  it('says what each number holds: its unit, whole or not, a rate as a fraction, a "%" field in percent', () => {
    const e = (evidence.properties as any).evidence.properties;
    expect(e['3.2a'].properties.workers.description).toBe('a whole number ≥ 0 in people');
    expect(e['4.5'].anyOf.map((v: any) => v.description)).toContain('a fraction from 0 to 1 (0.93 for 93 %)');
    const kpis = (evidenceJsonSchema(load('rubrics/service-quality-kpis.yaml')).properties as any).evidence.properties;
    const rate = kpis.coverage.anyOf.find((v: any) => v.type === 'object').properties.coverage_rate;
    expect(rate.description).toBe('a number of percent ≥ 0 (93 for 93 %, not 0.93), at most 100');
  });

  it.each([...examples, ...communities])('validates the evidence file %s', (file) => {
    expect(validate(evidence, yamlOf(file))).toEqual([]);
  });

  it('rejects an unknown item, a wrong type, a missing item, and an unknown key in an item', () => {
    const strong = yamlOf(examples.find((f) => f.endsWith('jiangxi-strong.yaml')) as string);
    expect(validate(evidence, edit(strong, (d) => (d.evidence['9.9'] = true)))).toEqual([{ path: '/evidence/9.9', message: 'unknown key "9.9"' }]);
    expect(validate(evidence, edit(strong, (d) => (d.evidence['1.1a'] = 'yes')))).toEqual([{ path: '/evidence/1.1a', message: 'expected boolean, found string' }]);
    expect(validate(evidence, edit(strong, (d) => delete d.evidence['1.2']))).toEqual([{ path: '/evidence', message: 'missing the key "1.2"' }]);
    expect(validate(evidence, edit(strong, (d) => (d.evidence['2.1a'].floors = 3))).length).toBeGreaterThan(0);
    expect(validate(evidence, edit(strong, (d) => (d.rubric = 'zhoushan-2017')))).toEqual([{ path: '/rubric', message: 'expected "jiangxi-db36-t-1609-2022"' }]);
  });

  it('with missing: zero, items may be left out', () => {
    const lenient = evidenceJsonSchema(compiled, { missing: 'zero' });
    expect((lenient.properties as any).evidence.required).toBeUndefined();
    expect(validate(lenient, { evidence: { '4.5': 0.9 } })).toEqual([]);
    expect(validate(evidence, { evidence: { '4.5': 0.9 } }).length).toBeGreaterThan(0);
  });

  it('says as the library does when a deduct item’s deductions may be left out (its precondition false)', () => {
    const binjiang = compile(parseRubric(readFileSync(`${rubricsDir}binjiang-2023-draft.yaml`, 'utf8')));
    const lenient = evidenceJsonSchema(binjiang, { missing: 'zero' });
    const patrol = (value: unknown) => ({ evidence: { 'C3-safety': { 'C3-safety-patrol': value } } });
    const paths = (value: unknown) => validate(lenient, patrol(value)).map((e) => e.path);
    expect(paths({ regular_patrol: false })).toEqual([]);
    expect(paths({ regular_patrol: false, hazards_unfixed: null, records_incomplete: null })).toEqual([]);
    expect(paths({ regular_patrol: true, hazards_unfixed: 0, records_incomplete: false })).toEqual([]);
    expect(paths({ regular_patrol: true, hazards_unfixed: 0 }).length).toBeGreaterThan(0);
    expect(paths({ regular_patrol: true, hazards_unfixed: null, records_incomplete: false }).length).toBeGreaterThan(0);
  });

  it.each(bundledRubricFiles)('can be made for every bundled rubric (%s)', (file) => {
    const c = compile(parseRubric(readFileSync(`${rubricsDir}${file}`, 'utf8')));
    const s = evidenceJsonSchema(c);
    expect(Object.keys((s.properties as any).evidence.properties)).toHaveLength(c.items.size);
    // Every keyword it uses is one the validator knows (it throws on any other).
    expect(() => validate(s, { evidence: {} })).not.toThrow();
  });
});

describe('shequ-rubric schema (CLI)', () => {
  const run = (...args: string[]) => runCli(args);

  it('prints the rubric-format schema, equal to the shipped file', () => {
    const r = run('schema');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(shipped, 'utf8'));
  });

  it('--evidence <rubric> prints the evidence schema of that rubric', () => {
    const r = run('schema', '--evidence', 'rubrics/jiangxi-db36-t-1609-2022.yaml');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(evidenceJsonSchema(jiangxi));
  });

  it('usage mistakes exit 2; an invalid rubric exits 1', () => {
    expect(run('schema', 'extra').status).toBe(2);
    expect(run('schema', '--missing', 'zero').status).toBe(2);
    expect(run('schema', '--evidence', 'no/such/rubric.yaml').status).toBe(1);
  });
});
