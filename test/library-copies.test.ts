import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import * as one from '../src/index.js';
import { bundledRubricFiles, read, repoRoot } from './support/bundled.js';

/*
 * An app may load the library twice (the ESM and CommonJS builds are two
 * copies): a rubric parsed or compiled by one copy and scored, planned or
 * compared by the other must give what one copy alone gives, byte for byte.
 */

vi.resetModules();
const other = (await import('../src/index.js')) as typeof one;
vi.resetModules();

const json = (v: unknown) => JSON.stringify(v);

/** The example evidence files of each bundled rubric, by the rubric's id. */
const examples = new Map<string, Record<string, unknown>[]>();
for (const f of readdirSync(`${repoRoot}examples`).filter((f) => f.endsWith('.yaml'))) {
  const doc = one.safeParseEvidence(read(`examples/${f}`));
  if (!doc.success || typeof doc.data.rubric !== 'string') continue;
  examples.set(doc.data.rubric, [...(examples.get(doc.data.rubric) ?? []), doc.data.evidence]);
}

describe('two copies of the library', () => {
  it('are two copies', () => {
    expect(other.score).not.toBe(one.score);
    expect(other.Dec).not.toBe(one.Dec);
  });

  it('take each other’s Decs as Decs', () => {
    expect(other.Dec.int(2)).toBeInstanceOf(one.Dec);
    expect(one.Dec.parse('0.5')).toBeInstanceOf(other.Dec);
    expect({ n: 1n, d: 1n }).not.toBeInstanceOf(one.Dec);
    expect(null).not.toBeInstanceOf(one.Dec);
  });

  it.each(bundledRubricFiles)('%s compiled by one and used by the other gives what one copy gives', (file) => {
    const text = read(`rubrics/${file}`);
    const mine = one.compile(one.parseRubric(text));
    const theirs = other.compile(other.parseRubric(text));
    const records = examples.get(mine.rubric.id) ?? [];
    expect(records.length).toBeGreaterThan(0);
    for (const evidence of records) {
      expect(json(one.score(theirs, evidence, { missing: 'zero' }))).toBe(json(one.score(mine, evidence, { missing: 'zero' })));
      expect(json(one.scoreTotals(theirs, evidence, { missing: 'zero' }))).toBe(json(one.scoreTotals(mine, evidence, { missing: 'zero' })));
      expect(json(one.plan(theirs, evidence, { missing: 'zero' }))).toBe(json(one.plan(mine, evidence, { missing: 'zero' })));
    }
    // The same rubric, whichever copy read it, is the same rubric.
    const diff = one.diffRubrics(theirs, mine);
    expect(diff.identical).toBe(true);
    expect(json(diff)).toBe(json(one.diffRubrics(mine, mine)));
  });
});
