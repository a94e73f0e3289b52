import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, RubricError, score, safeParseRubric } from '../src/index.js';
import { fileResolver, loadRubricFile } from '../src/node.js';

// Made at load (the parent below is written before any test), removed after the file's tests.
const dir = mkdtempSync(join(tmpdir(), 'shequ-extends-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const PARENT = `id: parent
version: "1"
title: { zh: 父, en: Parent }
source: { name: test }
max: 3
sections:
  - id: s1
    title: { zh: 一, en: One }
    max: 3
    items:
      - { id: a, title: { zh: 甲, en: A }, points: 1, kind: check }
      - { id: b, title: { zh: 乙, en: B }, points: 2, kind: check }
grades:
  subject: total
  bands:
    - { id: high, label: { zh: 高, en: High }, range: ">= 2" }
    - { id: low, label: { zh: 低, en: Low }, range: "< 2" }
`;
const parent = write('parent.yaml', PARENT);

async function loadError(file: string): Promise<RubricError> {
  try {
    await loadRubricFile(file);
  } catch (e) {
    if (e instanceof RubricError) return e;
    throw e;
  }
  throw new Error('expected a RubricError');
}

describe('extends', () => {
  it('overrides points and bands, adds and removes items, leaves the rest alone', async () => {
    const child = write(
      'child.yaml',
      `extends: parent.yaml
id: child
version: "2"
max: 4.5
override:
  s1: { max: 4.5 }
  b: { points: 3 }
add:
  - into: s1
    after: a
    items:
      - { id: c, title: { zh: 丙, en: C }, points: 1.5, kind: check }
remove: [a]
grades:
  subject: total
  bands:
    - { id: high, label: { zh: 高, en: High }, range: ">= 4" }
    - { id: low, label: { zh: 低, en: Low }, range: "< 4" }
`,
    );
    const rubric = await loadRubricFile(child);
    expect(rubric.id).toBe('child');
    expect(rubric.lineage).toEqual(['parent']);
    expect(rubric.title.en).toBe('Parent');
    const ids = rubric.sections[0]?.items?.map((i) => `${i.id}:${i.points.toString()}`);
    expect(ids).toEqual(['c:1.5', 'b:3']);
    const compiled = compile(rubric);
    const r = score(compiled, { b: true, c: false });
    expect(r.total).toBe('3');
    expect(r.grade?.id).toBe('low');
    // the parent itself is untouched
    const p = compile(await loadRubricFile(parent));
    expect(score(p, { a: true, b: true }).total).toBe('3');
    expect(score(p, { a: false, b: true }).grade?.id).toBe('high');
  });

  it('points an error in an overridden value into the child file', async () => {
    const child = write('bad-override.yaml', `extends: parent.yaml\nid: child\nversion: "2"\noverride:\n  b: { points: lots }\n`);
    const e = await loadError(child);
    const i = e.issues.find((x) => x.path.join('.').endsWith('points'));
    expect(i?.file).toBe(child);
    expect(i?.line).toBe(5);
  });

  it('points a consequence in the parent (a section maximum no longer reached) into the parent file', async () => {
    const child = write('max.yaml', `extends: parent.yaml\nid: child\nversion: "2"\noverride:\n  b: { points: 3 }\n`);
    const e = await loadError(child);
    const codes = e.issues.map((i) => `${i.code}@${i.file === parent ? 'parent' : 'child'}:${i.line}`);
    // s1 declares 3 but now reaches 4, and so does the rubric (max: 3 at line 5): both in one pass
    expect(codes).toEqual(['max-mismatch@parent:9', 'max-mismatch@parent:5']);
    // The child's author cannot edit the parent: each message says how to change the value from the child.
    expect(e.issues.map((i) => i.message.slice(i.message.indexOf('(inherited')))).toEqual([
      `(inherited: change it in ${child} with override: { "s1": { max: 4 } })`,
      `(inherited: change it in ${child} with max: 4)`,
    ]);
    expect(Object.keys(e.sources).sort()).toEqual([child, parent].sort());
  });

  it('says which key the child replaces to change a value deeper in the parent', async () => {
    const gates = 'gates:\n  - { id: needs-b, title: { zh: 须乙, en: Needs B }, subject: "item:b", range: ">= 2", effect: report }\n';
    const gated = write('gated.yaml', `${PARENT.replace('id: parent', 'id: gated')}${gates}`);
    // Removing b leaves the parent's gate naming an item that is gone.
    const child = write('gated-child.yaml', `extends: gated.yaml\nid: child\nversion: "2"\nmax: 1\noverride:\n  s1: { max: 1 }\nremove: [b]\n`);
    const e = await loadError(child);
    const gate = e.issues.find((i) => i.path[0] === 'gates');
    // The gate's line: the parent's lines, then `gates:`, then the gate.
    expect([gate?.file, gate?.line]).toEqual([gated, PARENT.split('\n').length + 1]);
    expect(gate?.message).toContain(`(inherited: change it in ${child} with gates: …)`);
  });

  it('gives each problem its path in the file it points into, not in the merged rubric', async () => {
    // a is removed, so b is item 0 of the merged section but item 1 of the parent; its bad points are the child's override.
    const child = write('paths.yaml', `extends: parent.yaml\nid: child\nversion: "2"\nremove: [a]\noverride:\n  b: { points: lots }\n`);
    const e = await loadError(child);
    expect(e.issues.map((i) => [i.code, i.file === parent ? 'parent' : 'child', i.path.join('.')])).toEqual([['invalid-type', 'child', 'override.b.points']]);
    const raised = write('paths-parent.yaml', `extends: parent.yaml\nid: child\nversion: "2"\nremove: [a]\noverride:\n  b: { kind: tiers, measures: { n: { zh: 数, en: N } }, tiers: [ { points: 3, when: { n: ">= 1" } } ] }\n`);
    const p = await loadError(raised);
    expect(p.issues.map((i) => [i.code, i.file === parent ? 'parent' : 'child', i.path.join('.'), i.line])).toEqual([['points-mismatch', 'parent', 'sections.0.items.1.points', 12]]);
  });

  it('refuses an override of an id that does not exist, with a suggestion', async () => {
    const child = write('unknown.yaml', `extends: parent.yaml\nid: child\nversion: "2"\noverride:\n  bb: { points: 3 }\nremove: [zz]\n`);
    const e = await loadError(child);
    expect(e.issues.map((i) => [i.code, i.path.join('.'), i.file, i.line])).toEqual([
      ['override-unknown-id', 'override.bb', child, 5],
      ['override-unknown-id', 'remove.0', child, 6],
    ]);
    expect(e.issues[0]?.message).toContain('did you mean "b"');
    // At the id written, the key, not the changes beside it.
    expect(e.issues[0]?.column).toBe(3);
  });

  it('suggests the id meant by an addition into or after an id that is not there, and by a removal', async () => {
    const child = write('add-typo.yaml', `extends: parent.yaml\nid: child\nversion: "2"\nadd:\n  - { into: s2, items: [] }\n  - { into: s1, after: aa, items: [ { id: c, title: { zh: 丙, en: C }, points: 0, kind: check } ] }\nremove: [bb]\n`);
    const e = await loadError(child);
    expect(e.issues.map((i) => [i.code, i.path.join('.'), i.message.match(/did you mean "(\w+)"/)?.[1]])).toEqual([
      ['unknown-reference', 'add.0.into', 's1'],
      ['unknown-reference', 'add.1.after', 'a'],
      ['override-unknown-id', 'remove.0', 'b'],
    ]);
  });

  it('checks the rest of the merged rubric in the same pass as a change that cannot be applied', async () => {
    const child = write('unknown-and-more.yaml', `extends: parent.yaml\nid: child\nversion: "2"\noverride:\n  bb: { points: 3 }\n  b: { points: 3 }\n  a: { pionts: 1 }\n`);
    const e = await loadError(child);
    expect(e.issues.map((i) => [i.code, i.file === parent ? 'parent' : 'child', i.line])).toEqual([
      ['override-unknown-id', 'child', 5],
      ['unknown-key', 'child', 7],
    ]);
  });

  it('carries a parent’s unapplied change into its child’s problems, and merges the child all the same', async () => {
    write('middle.yaml', `extends: parent.yaml\nid: middle\nversion: "2"\nremove: [zz]\n`);
    const child = write('grandchild.yaml', `extends: middle.yaml\nid: child\nversion: "3"\noverride:\n  b: { points: 3 }\n`);
    const e = await loadError(child);
    expect(e.issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['override-unknown-id', 'remove.0'],
      ['max-mismatch', 'sections.0.max'],
      ['max-mismatch', 'max'],
    ]);
  });

  it("names a duplicate id's first use by its path in the file that holds it", async () => {
    // The child removes a, so b is sections[0].items[0] of the merged rubric; in parent.yaml that path is a.
    const child = write(
      'duplicate-after-remove.yaml',
      `extends: parent.yaml\nid: child\nversion: "2"\nremove: [a]\nadd:\n  - into: s1\n    items:\n      - { id: b, title: { zh: 丙, en: C }, points: 1, kind: check }\n`,
    );
    const e = await loadError(child);
    const dup = e.issues.find((i) => i.code === 'duplicate-id');
    expect([dup?.file, dup?.path.join('.')]).toEqual([child, 'add.0.items.0.id']);
    expect(dup?.message).toBe(`the id "b" is used twice (first at sections[0].items[1] in ${parent})`);
  });

  it('refuses an inheritance cycle', async () => {
    write('cycle-a.yaml', 'extends: cycle-b.yaml\nid: a\nversion: "1"\n');
    const b = write('cycle-b.yaml', 'extends: cycle-a.yaml\nid: b\nversion: "1"\n');
    const e = await loadError(b);
    expect(e.issues[0]?.code).toBe('extends-cycle');
    expect(e.issues[0]?.message).toContain('cycle-a.yaml');
  });

  it('refuses a rubric that extends itself, and a parent that is not there', async () => {
    const self = write('self.yaml', 'extends: self.yaml\nid: s\nversion: "1"\n');
    expect((await loadError(self)).issues[0]?.code).toBe('extends-cycle');
    const missing = write('missing.yaml', 'extends: nowhere.yaml\nid: s\nversion: "1"\n');
    const e = await loadError(missing);
    expect([e.issues[0]?.code, e.issues[0]?.line]).toEqual(['extends-not-found', 1]);
  });

  it('refuses unknown keys in a child with a suggestion', async () => {
    const child = write('typo.yaml', 'extends: parent.yaml\nid: c\nversion: "1"\noverides: {}\n');
    const e = await loadError(child);
    expect(e.issues[0]?.code).toBe('unknown-key');
    expect(e.issues[0]?.message).toContain('override');
  });

  it('without a resolver, says how to load it', () => {
    const r = safeParseRubric('extends: parent.yaml\nid: c\nversion: "1"\n');
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.message).toContain('no resolver');
    expect(fileResolver('parent.yaml', join(dir, 'x.yaml'))?.file).toBe(parent);
  });
});
