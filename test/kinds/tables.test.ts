import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { builtinKinds, compile, parseRubric, safeParseRubric, safeScore, type ItemBase, type ItemTrace } from '../../src/index.js';
import { scaledInteger } from '../../src/decimal.js';
import { safeScoreExactly } from '../../src/evaluate.js';
import { codeHooks } from '../../src/kinds/fast.js';
import { arbitraryEvidence } from '../support/evidence.js';
import { repoRoot } from '../support/bundled.js';
import { tables } from './tables.js';

/** Wraps one item in the smallest rubric that can hold it. */
export function rubricWith(itemYaml: string, max = 'auto'): string {
  const indented = itemYaml
    .split('\n')
    .map((line, i) => (i === 0 ? `      - ${line}` : `        ${line}`))
    .join('\n');
  return [
    'id: table',
    'version: "1"',
    'title: { zh: 表, en: Table }',
    'source: { name: test }',
    `max: ${max}`,
    'sections:',
    '  - id: s',
    '    title: { zh: 节, en: Section }',
    `    max: ${max}`,
    '    items:',
    indented,
  ].join('\n');
}

/** Every object key a schema accepts, at any depth (through lists, records, optionals and transforms). */
function schemaKeys(schema: z.ZodType, out = new Set<string>()): Set<string> {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = (key: string) => schemaKeys(def[key] as z.ZodType, out);
  if (def.type === 'object') {
    for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>)) {
      out.add(key);
      schemaKeys(value, out);
    }
  } else if (['optional', 'nullable', 'default', 'prefault'].includes(def.type)) inner('innerType');
  else if (def.type === 'array') inner('element');
  else if (def.type === 'record') inner('valueType');
  else if (def.type === 'pipe') inner('in');
  else if (def.type === 'union') for (const option of def.options as z.ZodType[]) schemaKeys(option, out);
  return out;
}

/** The item's maximum, read from the kind itself so a table never restates it. */
function withMax(itemYaml: string): string {
  const probe = safeParseRubric(rubricWith(itemYaml, '0'));
  const issue = probe.success ? undefined : probe.error.issues.find((i) => i.code === 'max-mismatch' && i.path.join('.') === 'sections.0.max');
  const max = probe.success ? '0' : (issue?.expected ?? '0');
  return rubricWith(itemYaml, max);
}

const formatDoc = readFileSync(`${repoRoot}docs/rubric-format.md`, 'utf8');

describe('every registered kind', () => {
  it.each(builtinKinds.map((k) => k.name))('%s has a table test and a doc section', (name) => {
    expect(tables[name], `test/kinds/tables.ts has no table for "${name}"`).toBeDefined();
    expect(formatDoc, `docs/rubric-format.md has no "### ${name}" section`).toMatch(new RegExp(`^### ${name}$`, 'm'));
  });

  it.each(builtinKinds.map((k) => k.name))('%s: the example in docs/rubric-format.md validates as written', (name) => {
    const section = formatDoc.split(/^### /m).find((part) => part.startsWith(`${name}\n`)) as string;
    const block = section.match(/```yaml\n([\s\S]*?)```/)?.[1];
    if (block === undefined) return; // a kind described in words alone (check)
    const body = /^kind:/m.test(block) ? block : `kind: ${name}\n${block}`;
    const item = (points: string) => `id: x\ntitle: { zh: 项, en: X }\npoints: ${points}\n${body}`;
    // The points its rule gives, read from the kind itself; kinds whose points are free take 10.
    const probe = safeParseRubric(rubricWith(item('10'), '10'));
    const points = (!probe.success && probe.error.issues.find((i) => i.code === 'points-mismatch')?.expected) || '10';
    const result = safeParseRubric(rubricWith(item(points), points));
    expect(result.success, JSON.stringify(!result.success && result.error.issues)).toBe(true);
  });

  it.each(builtinKinds.map((k) => k.name))('%s: docs/rubric-format.md names every key its parameters accept', (name) => {
    const kind = builtinKinds.find((k) => k.name === name)!;
    const section = formatDoc.split(/^### /m).find((part) => part.startsWith(`${name}\n`)) as string;
    const accepted = schemaKeys(z.object(kind.params({ item: z.never() })));
    const missing = [...accepted].filter((key) => !section.includes(`${key}:`) && !section.includes(`\`${key}\``));
    expect(missing, `keys of ${name} that docs/rubric-format.md does not name`).toEqual([]);
  });

  it.each(builtinKinds.map((k) => k.name))('%s documents an example that validates and scores its example evidence', async (name) => {
    const kind = builtinKinds.find((k) => k.name === name)!;
    const { parse } = await import('yaml');
    const compiled = compile(parseRubric(withMax(kind.doc.example)));
    const [id] = [...compiled.items.keys()];
    const result = safeScore(compiled, { [id as string]: parse(kind.doc.evidenceExample) });
    expect(result.success, JSON.stringify(!result.success && result.error.issues)).toBe(true);
  });
});

describe('every registered kind with a fast tracer', () => {
  const traced = builtinKinds.filter((k) => k.fastTrace);
  it.each(traced.map((k) => k.name))('%s traces its table’s evidence and random evidence as the exact path does, with generated code and jitless', (name) => {
    const table = tables[name] as (typeof tables)[string];
    for (const jitless of [false, true]) {
      const compiled = compile(parseRubric(withMax(table.item)), { jitless });
      const [id] = [...compiled.items.keys()] as [string];
      const item = compiled.items.get(id) as ItemBase;
      const tracer = compiled.kinds.get(name)?.fastTrace?.(item, { scaled: (d) => scaledInteger(d, compiled.rubric.rounding.places), fastFor: () => undefined, ...codeHooks(!jitless) });
      expect(tracer, `${name} gives no tracer for its table's item`).toBeDefined();
      const values = [...table.valid.map((v) => v.evidence), ...table.invalid.map((v) => v.evidence), ...fc.sample(arbitraryEvidence(item), { seed: 20261207, numRuns: 200 })];
      let accepted = 0;
      for (const value of values) {
        if (tracer?.(value)) accepted++;
        const exact = safeScoreExactly(compiled, { [id]: value }, {});
        const fast = safeScore(compiled, { [id]: value });
        expect(fast.success).toBe(exact.success);
        if (fast.success && exact.success) expect(JSON.stringify(fast.data)).toBe(JSON.stringify(exact.data));
      }
      // The contract is not met by declining everything.
      expect(accepted).toBeGreaterThan(values.length / 4);
    }
  });
});

describe.each(Object.entries(tables))('kind %s', (name, table) => {
  const compiled = compile(parseRubric(withMax(table.item)));
  const [id] = [...compiled.items.keys()] as [string];

  it.each(table.valid.map((v) => [JSON.stringify(v.evidence), v] as const))('scores %s', (_label, v) => {
    const result = safeScore(compiled, { [id]: v.evidence });
    expect(result.success, !result.success ? JSON.stringify(result.error.issues) : '').toBe(true);
    if (!result.success) return;
    const item = result.data.sections[0]?.items?.[0] as ItemTrace;
    expect(item.kind).toBe(name);
    expect(item.points).toBe(v.points);
    if (v.met !== undefined) expect(item.met).toBe(v.met);
    expect(item.reason.zh.length).toBeGreaterThan(0);
    expect(item.reason.en.length).toBeGreaterThan(0);
  });

  it.each(table.invalid.map((v) => [JSON.stringify(v.evidence), v] as const))('refuses evidence %s', (_label, v) => {
    const result = safeScore(compiled, { [id]: v.evidence });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((i) => ({ code: i.code, path: i.path }))).toContainEqual({ code: v.code, path: v.path });
  });

  it.each(table.invalidParams.map((v, i) => [i, v] as const))('refuses parameters #%i', (_i, v) => {
    const result = safeParseRubric(rubricWith(v.item, '100'));
    expect(result.success).toBe(false);
    if (result.success) return;
    const codes = result.error.issues.map((i) => ({ code: i.code, path: i.path.slice(4) }));
    expect(codes).toContainEqual({ code: v.code, path: v.path });
    for (const i of result.error.issues) expect(i.line, JSON.stringify(i)).toBeGreaterThan(0);
  });
});
