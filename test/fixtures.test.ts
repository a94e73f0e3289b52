import { describe, expect, it } from 'vitest';
import { formatIssues } from '../src/index.js';
import { runFixtures } from '../src/node.js';
import { repoRoot } from './support/bundled.js';

/** The bundled rubrics' hand-worked fixtures, run through the exported helper. */
const files = await runFixtures([`${repoRoot}test/fixtures`]);

it('finds fixture files for every bundled rubric', () => {
  const rubrics = new Set(files.map((f) => f.rubric?.replace(/.*\//, '')));
  for (const r of ['jiangxi-db36-t-1609-2022.yaml', 'zhoushan-2017.yaml', 'binjiang-2023-draft.yaml', 'six-type.yaml', 'service-quality-kpis.yaml']) {
    expect(rubrics.has(r), r).toBe(true);
  }
});

describe.each(files.map((f) => [f.file.replace(repoRoot, ''), f] as const))('%s', (_name, file) => {
  it('loads', () => {
    expect(file.error ? formatIssues(file.error.issues, { sources: file.error.sources }) : '').toBe('');
  });
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_case, c) => {
    expect(c.passed, c.report).toBe(true);
  });
});
