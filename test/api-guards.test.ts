import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  ISSUE_CODES,
  RubricError,
  canonicalJson,
  costOf,
  isCalendarDate,
  parseRange,
  compile,
  explain,
  exportRubric,
  formatIssues,
  parseRubric,
  parseRubricJson,
  plan,
  planOptions,
  readYaml,
  reportHtml,
  reportMarkdown,
  safeExportRubric,
  safeParseCostsObject,
  safeParseEvidence,
  safeParseRubric,
  safeParseRubricJson,
  safeParseRubricObject,
  safeScore,
  safeScoreTotals,
  score,
  scoreTotals,
  type Issue,
  type PathSegment,
} from '../src/index.js';
import { csvTemplate, exportRubricFile, loadRubricFile, runFixtureFile, runFixtures, yamlTemplate } from '../src/node.js';
import { diffImpact, diffRubrics, evidenceJsonSchema, report } from '../src/index.js';
import { rubricsDir } from './support/bundled.js';
import { perHouseholdKind } from './support/user-kind.js';
import { thrown, thrownIssues } from './support/thrown.js';

/*
 * Plain JavaScript callers may hand the API anything. Whatever they give,
 * the API answers with a RubricError (safe* functions return it), never a
 * TypeError from deep inside.
 */

const kpisText = readFileSync(`${rubricsDir}service-quality-kpis.yaml`, 'utf8');
const kpis = compile(parseRubric(kpisText));
const evidence = { coverage: 92, 'response-time': 1.5, satisfaction: 90, completion: 96, utilisation: 85 };


describe('text readers given something that is not text', () => {
  it.each([null, undefined, 42, [], {}, true])('report invalid-type for %s, and the safe ones return it', (junk) => {
    const text = junk as unknown as string;
    for (const safe of [safeParseRubric, safeParseRubricJson, safeExportRubric, safeParseEvidence]) {
      const r = safe(text);
      expect(r.success).toBe(false);
      if (!r.success) expect(r.error.issues.map((i) => i.code)).toEqual(['invalid-type']);
    }
    for (const throwing of [parseRubric, parseRubricJson, exportRubric]) expect(thrownIssues(() => throwing(text))).toEqual([{ code: 'invalid-type', path: [] }]);
    expect(readYaml(text).issues.map((i) => i.message)).toEqual([expect.stringContaining('expected YAML or JSON text (a string)')]);
  });
});

describe('a file read as bytes', () => {
  it('is named as bytes, not as a mapping', () => {
    expect(readYaml(new Uint8Array(3) as never).issues.map((i) => i.message)).toEqual(['expected YAML or JSON text (a string), found 3 bytes']);
  });
});

describe('compile', () => {
  it('refuses a raw object (not validated, numbers for decimals) and non-objects', () => {
    const raw = JSON.parse(readFileSync(`${rubricsDir}../dist/rubrics/service-quality-kpis.json`, 'utf8'));
    for (const junk of [raw, null, undefined, 7, 'text', []]) expect(thrownIssues(() => compile(junk))).toEqual([{ code: 'invalid-type', path: [] }]);
  });

  it('refuses an item whose kind it was not given (registered with parseRubric only), naming the item', () => {
    const perHousehold = perHouseholdKind(() => z.number());
    const text = ['id: u', 'version: "1"', 'title: { zh: 甲, en: A }', 'source: { name: 示例 }', 'max: 5', 'sections:', '  - id: s', '    title: { zh: 甲, en: A }', '    max: 5', '    items:', '      - { id: h, title: { zh: 户, en: H }, points: 5, kind: per-household }'].join('\n');
    const rubric = parseRubric(text, { kinds: [perHousehold] });
    const e = thrown(() => compile(rubric)) as RubricError;
    expect(e).toBeInstanceOf(RubricError);
    expect(e.issues).toEqual([expect.objectContaining({ code: 'unknown-kind', path: ['sections', 0, 'items', 0, 'kind'], message: expect.stringContaining('"h"') })]);
    expect(score(compile(rubric, { kinds: [perHousehold] }), { h: 3 }).total).toBe('3');
  });
});

describe('scoring given something that is not a compiled rubric, or bad options', () => {
  const uncompiled = [parseRubric(kpisText), null, undefined, 'kpis', {}];

  it('a copy of a compiled rubric (an object spread) still scores', () => {
    expect(score({ ...kpis }, evidence).total).toBe(score(kpis, evidence).total);
    expect(scoreTotals({ ...kpis }, evidence).total).toBe(score(kpis, evidence).total);
  });

  it('score and scoreTotals throw a RubricError; the safe ones return it', () => {
    for (const c of uncompiled as never[]) {
      expect(thrownIssues(() => score(c, evidence))).toEqual([{ code: 'invalid-type', path: [] }]);
      expect(thrownIssues(() => scoreTotals(c, evidence))).toEqual([{ code: 'invalid-type', path: [] }]);
      for (const safe of [safeScore, safeScoreTotals]) {
        const r = safe(c, evidence);
        expect(r.success).toBe(false);
        if (!r.success) expect(r.error.issues.map((i) => i.code)).toEqual(['invalid-type']);
      }
    }
  });

  it('null options are no options; options of the wrong type or a wrong missing policy are reported', () => {
    expect(score(kpis, evidence, null as never).total).toBe(score(kpis, evidence).total);
    expect(scoreTotals(kpis, evidence, null as never).total).toBe(score(kpis, evidence).total);
    expect(thrownIssues(() => score(kpis, evidence, 'zero' as never))).toEqual([{ code: 'invalid-type', path: ['options'] }]);
    expect(thrownIssues(() => score(kpis, evidence, { missing: 'none' as never }))).toEqual([{ code: 'invalid-value', path: ['options', 'missing'] }]);
    expect(thrownIssues(() => scoreTotals(kpis, evidence, { missing: 'none' as never }))).toEqual([{ code: 'invalid-value', path: ['options', 'missing'] }]);
  });

  it('a misspelt option is reported with the one meant, by score, scoreTotals and the safe ones', () => {
    const misspelt = { mising: 'zero' } as never;
    expect(thrownIssues(() => score(kpis, evidence, misspelt))).toEqual([{ code: 'unknown-key', path: ['options', 'mising'] }]);
    expect(thrownIssues(() => scoreTotals(kpis, evidence, misspelt))).toEqual([{ code: 'unknown-key', path: ['options', 'mising'] }]);
    for (const safe of [safeScore, safeScoreTotals]) {
      const r = safe(kpis, evidence, misspelt);
      expect(r.success ? undefined : r.error.issues[0]?.message).toBe('unknown option "mising" (did you mean "missing"?)');
    }
  });

  it('plan and planOptions refuse anything but a compiled rubric', () => {
    expect(thrownIssues(() => plan(null as never, evidence))).toEqual([{ code: 'invalid-type', path: [] }]);
    expect(thrownIssues(() => planOptions(parseRubric(kpisText) as never, evidence))).toEqual([{ code: 'invalid-type', path: [] }]);
  });
});

describe('explain and reports given something that is not a full result', () => {
  it('a result missing a part the renderers read, a wrong language or a wrong plan give a RubricError saying where', () => {
    const full = score(kpis, evidence);
    expect(thrownIssues(() => explain({ ...full, gates: undefined } as never))).toEqual([{ code: 'invalid-type', path: ['gates'] }]);
    expect(thrownIssues(() => explain(full, { lang: 'EN' as never }))).toEqual([{ code: 'invalid-value', path: ['options', 'lang'] }]);
    expect(thrownIssues(() => reportHtml(full, {} as never))).toEqual([{ code: 'invalid-type', path: ['plan', 'objective'] }]);
    // A result read back from JSON renders as the result itself does.
    expect(explain(JSON.parse(JSON.stringify(full)))).toBe(explain(full));
  });

  it('a totals result, null or a number give a RubricError', () => {
    // A totals result's sections have no titles (nor traces): the first thing the renderers would miss.
    const cases: [unknown, PathSegment[]][] = [[scoreTotals(kpis, evidence), ['sections', 0, 'title']], [null, []], [3, []]];
    for (const [junk, path] of cases) {
      expect(thrownIssues(() => explain(junk as never))).toEqual([{ code: 'invalid-type', path }]);
      expect(thrownIssues(() => reportMarkdown(junk as never, undefined))).toEqual([{ code: 'invalid-type', path }]);
      expect(thrownIssues(() => reportHtml(junk as never, undefined))).toEqual([{ code: 'invalid-type', path }]);
    }
    expect((thrown(() => explain(null as never)) as RubricError).message).toContain('expected a full result of score()');
    expect(explain(score(kpis, evidence), null as never)).toContain('coverage');
  });
});

describe('runFixtures given something that is not a list of paths', () => {
  it.each([undefined, 'test/fixtures', [1]])('rejects %s with a RubricError', async (junk) => {
    await expect(runFixtures(junk as never)).rejects.toBeInstanceOf(RubricError);
  });
});

describe('property: any value in any argument gives a result or a RubricError, never another error', () => {
  const onlyRubricErrors = (f: () => unknown) => {
    const e = thrown(f);
    if (e !== undefined && !(e instanceof RubricError)) throw e;
  };
  const result = score(kpis, evidence);
  it('score, scoreTotals, explain, reports, plan, compile, templates and the readers, options included', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        onlyRubricErrors(() => score(a as never, b));
        onlyRubricErrors(() => score(kpis, a, b as never));
        onlyRubricErrors(() => scoreTotals(kpis, a, b as never));
        onlyRubricErrors(() => scoreTotals(a as never, b));
        onlyRubricErrors(() => explain(a as never));
        onlyRubricErrors(() => plan(a as never, b));
        onlyRubricErrors(() => compile(a as never));
        onlyRubricErrors(() => parseRubric(a as never));
        onlyRubricErrors(() => diffRubrics(a as never, kpis));
        onlyRubricErrors(() => diffImpact(kpis, a as never, []));
        onlyRubricErrors(() => evidenceJsonSchema(a as never));
        onlyRubricErrors(() => yamlTemplate(a as never));
        onlyRubricErrors(() => report(a as never, undefined, b as never));
        onlyRubricErrors(() => report(result, a as never, b as never));
        onlyRubricErrors(() => explain(result, a as never));
        onlyRubricErrors(() => plan(kpis, evidence, a as never));
        onlyRubricErrors(() => compile(parseRubric(kpisText), a as never));
        onlyRubricErrors(() => parseRubric(kpisText, a as never));
        onlyRubricErrors(() => yamlTemplate(kpis, a as never));
        // The safe functions return, and what they return is a result or known issues.
        const scored = safeScore(kpis, a, b as never);
        if (!scored.success) for (const i of scored.error.issues) expect(ISSUE_CODES).toContain(i.code);
        const read = safeParseEvidence(a as never);
        if (typeof a !== 'string') expect(read.success ? [] : read.error.issues.map((i) => i.code)).toEqual(['invalid-type']);
      }),
      { numRuns: 300 },
    );
  });
});

describe('every option of the functions that take options, given a wrong value, answers with a RubricError', () => {
  const result = score(kpis, evidence);
  const issue0: Issue = { code: 'out-of-range', path: [], message: 'm', file: 'a.yaml', line: 1 };
  const cases: [string, (options: unknown) => unknown, string[]][] = [
    ['parseRubric', (o) => parseRubric(kpisText, o as never), ['kinds', 'resolve', 'file', 'maxBytes', 'maxNodes', 'plainReader']],
    ['safeParseRubric', (o) => safeParseRubric(kpisText, o as never), ['kinds', 'file', 'maxBytes', 'maxNodes', 'plainReader']],
    ['parseRubricJson', (o) => parseRubricJson(JSON.stringify(exportRubric(kpisText)), o as never), ['kinds', 'file', 'maxBytes', 'maxNodes']],
    ['safeParseEvidence', (o) => safeParseEvidence('evidence: {}', o as never), ['file', 'maxBytes', 'maxNodes', 'plainReader']],
    ['readYaml', (o) => readYaml('a: 1', o as never), ['file', 'maxBytes', 'maxNodes', 'plainReader']],
    ['compile', (o) => compile(kpis.rubric, o as never), ['kinds', 'jitless']],
    ['score', (o) => score(kpis, evidence, o as never), ['missing', 'community']],
    ['scoreTotals', (o) => scoreTotals(kpis, evidence, o as never), ['missing', 'community']],
    ['explain', (o) => explain(result, o as never), ['lang', 'items', 'ids', 'unmet']],
    ['plan', (o) => plan(kpis, evidence, o as never), ['target', 'costs', 'missing', 'community', 'planners', 'fixed']],
    ['planOptions', (o) => planOptions(kpis, evidence, o as never), ['costs', 'missing', 'planners', 'fixed']],
    ['report', (o) => report(result, undefined, o as never), ['format', 'lang', 'hints']],
    ['evidenceJsonSchema', (o) => evidenceJsonSchema(kpis, o as never), ['missing']],
    ['diffImpact', (o) => diffImpact(kpis, kpis, [{ source: 'a.yaml', evidence }], o as never), ['missing', 'top']],
    ['yamlTemplate', (o) => yamlTemplate(kpis, o as never), ['rubricFile']],
    ['csvTemplate', (o) => csvTemplate(kpis, [], o as never), ['slots']],
    ['formatIssues', (o) => formatIssues([issue0], o as never), ['sources', 'maxIssues', 'color']],
  ];
  const junk: unknown[] = [5, 'x', null, [], {}, () => 1, -1, Number.NaN, true, [5], { a: 5 }, Symbol('s'), 10n];

  it('never another error, whatever the option holds', () => {
    const escaped: string[] = [];
    for (const [name, call, keys] of cases) {
      for (const key of keys) {
        for (const value of junk) {
          const e = thrown(() => call({ [key]: value }));
          if (e !== undefined && !(e instanceof RubricError)) escaped.push(`${name} ${key}=${typeof value === 'symbol' || typeof value === 'bigint' ? typeof value : JSON.stringify(value)}: ${String(e)}`);
        }
      }
    }
    expect(escaped).toEqual([]);
  });

  it('reports options that are not a mapping at options, rather than reading them as no options', async () => {
    const quiet: string[] = [];
    const nodeCalls: [string, (options: unknown) => Promise<unknown>][] = [
      ['loadRubricFile', (o) => loadRubricFile(`${rubricsDir}service-quality-kpis.yaml`, o as never)],
      ['exportRubricFile', (o) => exportRubricFile(`${rubricsDir}service-quality-kpis.yaml`, o as never)],
      ['runFixtures', (o) => runFixtures([], o as never)],
      ['runFixtureFile', (o) => runFixtureFile(`${rubricsDir}../test/fixtures/service-quality-kpis/thresholds.yaml`, o as never)],
    ];
    const issuesOf = (outcome: unknown): Issue[] => {
      if (outcome instanceof RubricError) return outcome.issues;
      const o = outcome as { success?: boolean; error?: RubricError; issues?: Issue[] } | undefined;
      return o?.error?.issues ?? o?.issues ?? [];
    };
    for (const value of ['en', 5, true, ['x']]) {
      const outcomes: [string, unknown][] = [
        ...cases.map(([name, call]): [string, unknown] => [name, thrown(() => call(value)) ?? call(value)]),
        ...(await Promise.all(nodeCalls.map(async ([name, call]): Promise<[string, unknown]> => [name, await call(value).catch((e: unknown) => e)]))),
        ['reportHtml', thrown(() => reportHtml(result, undefined, value as never))],
        ['reportMarkdown', thrown(() => reportMarkdown(result, undefined, value as never))],
        ['safeParseRubricObject', safeParseRubricObject(exportRubric(kpisText), value as never)],
        ['safeExportRubric', safeExportRubric(kpisText, value as never)],
      ];
      for (const [name, outcome] of outcomes) {
        if (!issuesOf(outcome).some((i) => i.code === 'invalid-type' && i.path.join('.') === 'options')) quiet.push(`${name}(…, ${JSON.stringify(value)})`);
      }
    }
    expect(quiet).toEqual([]);
  });

  it('reports a wrong limit, table, list or name at its option, rather than reading on without it', () => {
    expect(readYaml('a: 1', { maxBytes: 'x' } as never).issues.map((i) => [i.code, i.path])).toEqual([['invalid-type', ['options', 'maxBytes']]]);
    expect(readYaml('a: 1', { maxNodes: null, plainReader: 1 } as never).issues.map((i) => i.path.join('.'))).toEqual(['options.maxNodes', 'options.plainReader']);
    expect(safeParseRubric(kpisText, { file: 5 } as never).success).toBe(false);
    expect(thrownIssues(() => plan(kpis, evidence, { costs: 5 } as never))).toEqual([{ code: 'invalid-type', path: ['options', 'costs'] }]);
    expect(thrownIssues(() => plan(kpis, evidence, { costs: { default: 'cheap', items: {} } } as never))).toEqual([{ code: 'invalid-type', path: ['options', 'costs'] }]);
    // A Dec copied by structuredClone has lost its methods: not a costs table.
    const costs = safeParseCostsObject({ items: { coverage: 2 } });
    expect(costs.success).toBe(true);
    if (costs.success) expect(thrownIssues(() => plan(kpis, evidence, { costs: structuredClone(costs.data) }))).toEqual([{ code: 'invalid-type', path: ['options', 'costs'] }]);
    expect(thrownIssues(() => plan(kpis, evidence, { planners: { check: 5 } } as never))).toEqual([{ code: 'invalid-type', path: ['options', 'planners', 'check'] }]);
    expect(() => plan(kpis, evidence, { planners: { check: undefined } } as never)).not.toThrow();
    // Limits may be as large as wanted, Infinity included; a file name given with a wrong limit is kept.
    expect(readYaml('a: 1', { maxBytes: Infinity, maxNodes: 2 ** 60 }).issues).toEqual([]);
    expect(readYaml('a: 1', { file: 'k.yaml', maxBytes: 'x' } as never).source.file).toBe('k.yaml');
    expect(() => diffImpact(kpis, kpis, [], { top: Infinity })).not.toThrow();
    expect(() => diffImpact(kpis, kpis, [], null as never)).not.toThrow();
    expect(thrownIssues(() => csvTemplate(kpis, [], { slots: 1e7 }))).toEqual([{ code: 'invalid-type', path: ['options', 'slots'] }]);
    // A resolver that is not a function, even for a rubric that extends nothing.
    const unresolved = safeParseRubric('extends: parent\nid: c\nversion: "1"\n', { resolve: 5 } as never);
    expect(unresolved.success ? [] : unresolved.error.issues.map((i) => i.path.join('.'))).toEqual(['options.resolve']);
    // Issues whose printed fields are of the wrong kind.
    expect(thrownIssues(() => formatIssues([{ ...issue0, line: 5n } as never]))).toEqual([{ code: 'invalid-type', path: ['issues'] }]);
    expect(thrownIssues(() => formatIssues([issue0], { sources: { 'a.yaml': 5 } } as never))).toEqual([{ code: 'invalid-type', path: ['options', 'sources'] }]);
    expect(thrownIssues(() => formatIssues([issue0], { maxIssues: 'x' } as never))).toEqual([{ code: 'invalid-type', path: ['options', 'maxIssues'] }]);
    expect(thrownIssues(() => evidenceJsonSchema(kpis, { missing: 'x' } as never))).toEqual([{ code: 'invalid-value', path: ['options', 'missing'] }]);
    expect(thrownIssues(() => diffImpact(kpis, kpis, [], { top: 'x' } as never))).toEqual([{ code: 'invalid-type', path: ['options', 'top'] }]);
    expect(thrownIssues(() => yamlTemplate(kpis, { rubricFile: 5 } as never))).toEqual([{ code: 'invalid-type', path: ['options', 'rubricFile'] }]);
    expect(thrownIssues(() => csvTemplate(kpis, [], { slots: -1 } as never))).toEqual([{ code: 'invalid-type', path: ['options', 'slots'] }]);
  });
});

describe('every exported function and class, given a wrong value in any argument, answers with a RubricError', () => {
  // Not strings: a random string could name a real directory for the file functions to walk.
  const junk: unknown[] = [undefined, null, 0, -1, Number.NaN, 2 ** 60, true, Symbol('s'), () => 1, {}, [], [1], [{}], { sections: 3 }, { issues: 1, path: 2 }, new Map(), Object.create(null)];
  const isClass = (f: unknown) => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));

  it.each([
    ['the core entry', '../src/index.js'],
    ['the Node entry', '../src/node.js'],
  ])('%s', async (_name, entry) => {
    const api = (await import(entry)) as Record<string, unknown>;
    const functions = Object.entries(api).filter(([, f]) => typeof f === 'function');
    expect(functions.length).toBeGreaterThan(entry.endsWith('index.js') ? 55 : 85);
    const escaped: string[] = [];
    for (const [name, f] of functions) {
      const call = (args: unknown[]) => (isClass(f) ? new (f as new (...a: unknown[]) => unknown)(...args) : (f as (...a: unknown[]) => unknown)(...args));
      for (let arity = 1; arity <= 4; arity++) {
        for (const value of junk) {
          // The wrong value in the last place (the others left out), and in every place.
          for (const args of [[...Array<unknown>(arity - 1).fill(undefined), value], Array<unknown>(arity).fill(value)]) {
            let error: unknown;
            try {
              const r = call(args);
              if (r instanceof Promise) await r.catch((e: unknown) => (error = e));
            } catch (e) {
              error = e;
            }
            if (error !== undefined && !(error instanceof RubricError)) escaped.push(`${name}(${args.map((a) => (typeof a === 'symbol' ? 'symbol' : JSON.stringify(a) ?? typeof a)).join(', ')}): ${String(error)}`);
          }
        }
      }
    }
    expect(escaped).toEqual([]);
  });

  it('one wrong argument among right ones is named too (a check of the first argument hides none of the others)', async () => {
    const nodeApi = await import('../src/node.js');
    const result = score(kpis, evidence);
    const doc = { rubric: kpis.rubric.id, evidence };
    const text = 'evidence: {}';
    const row = { row: 1, result };
    // Each function with right arguments; then each argument in turn replaced by a wrong value.
    const calls: [string, (...args: never[]) => unknown, unknown[]][] = [
      ['score', score, [kpis, evidence, {}]],
      ['scoreTotals', scoreTotals, [kpis, evidence, {}]],
      ['checkEvidence', nodeApi.checkEvidence, [kpis, evidence, 'error']],
      ['explain', explain, [result, {}]],
      ['plan', plan, [kpis, evidence, {}]],
      ['diffImpact', diffImpact, [kpis, kpis, [{ source: 'a.yaml', evidence }], {}, diffRubrics(kpis, kpis)]],
      ['evidenceProblems', nodeApi.evidenceProblems, [kpis, doc, text, 'a.yaml']],
      ['evidenceFileHints', nodeApi.evidenceFileHints, [kpis, doc, text, 'a.yaml']],
      ['BatchSummary.add', (r: never) => new nodeApi.BatchSummary(kpis).add(r), [row]],
      ['itemScorer', (c: never, e: never) => nodeApi.itemScorer(c)(e), [kpis, evidence]],
      ['csvRecords', async (input: never) => { for await (const _ of nodeApi.csvRecords(input)); }, [Readable.from(['a,b\n'])]],
    ];
    const wrong: unknown[] = [undefined, null, 0, 'x', true, {}, [], [null], Object.create(null), { rubric: {} }, { rubric: Symbol('s') }, Symbol('s')];
    const escaped: string[] = [];
    for (const [name, f, good] of calls) {
      for (let i = 0; i < good.length; i++) {
        for (const value of wrong) {
          const args = good.slice();
          args[i] = value;
          let error: unknown;
          try {
            const r = (f as (...a: unknown[]) => unknown)(...args);
            if (r instanceof Promise) await r.catch((e: unknown) => (error = e));
          } catch (e) {
            error = e;
          }
          if (error !== undefined && !(error instanceof RubricError)) escaped.push(`${name}, argument ${i} ${typeof value === 'symbol' ? 'a symbol' : JSON.stringify(value)}: ${String(error)}`);
        }
      }
    }
    expect(escaped).toEqual([]);
    // checkEvidence without a policy takes the default, as score does.
    expect(nodeApi.checkEvidence(kpis, { coverage: 92 }).issues.map((i) => i.code)).toContain('missing-evidence');
  });

  it('names the argument, what was expected and what was found', () => {
    expect(thrownIssues(() => parseRange(42 as never))).toEqual([{ code: 'invalid-type', path: ['input'] }]);
    const e = thrown(() => costOf({} as never, 'a' as never, 1 as never, 2 as never)) as RubricError;
    expect(e.issues.map((i) => [i.path[0], i.expected, i.found])).toEqual([
      ['costs', 'a costs table (from safeParseCosts)', 'a mapping'],
      ['ids', 'a list of item ids', '"a"'],
      ['outcome', 'a string', '1'],
      ['gain', 'a Dec', '2'],
    ]);
    expect(thrownIssues(() => canonicalJson({ a: [1, () => 1] }))).toEqual([{ code: 'invalid-type', path: ['a', 1] }]);
    expect(isCalendarDate(20240101 as never)).toBe(false);
    expect(new RubricError(undefined as never).issues).toEqual([]);
  });
});
