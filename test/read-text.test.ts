import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RubricError, loadCostsFile, loadEvidenceFile, loadEvidenceSet, loadRubricFile, runFixtures, type Issue } from '../src/node.js';
import { tempDir } from './support/temp.js';

const repo = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** The one issue of the RubricError a load throws. */
async function issueOf(load: Promise<unknown>): Promise<Issue> {
  const e: unknown = await load.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RubricError);
  const { issues } = e as RubricError;
  expect(issues).toHaveLength(1);
  return issues[0] as Issue;
}

describe('a file that cannot be read', () => {
  const loaders = [
    ['loadRubricFile', loadRubricFile],
    ['loadEvidenceFile', loadEvidenceFile],
    ['loadCostsFile', loadCostsFile],
  ] as const;

  it.each(loaders)('%s: a directory is the wrong kind of thing (invalid-type), not a missing file', async (_name, load) => {
    const dir = repo('examples');
    expect(await issueOf(load(dir))).toEqual({ code: 'invalid-type', path: [], message: `${dir} is a directory, not a file`, file: dir });
  });

  it.each(loaders)('%s: a missing file is file-not-found, with the reason in words', async (_name, load) => {
    const file = repo('examples/no-such-file.yaml');
    expect(await issueOf(load(file))).toEqual({ code: 'file-not-found', path: [], message: `cannot read ${file}: no such file`, file });
  });
});

describe('a directory holding a file that cannot be read (a dangling symbolic link)', () => {
  const temp = tempDir('shequ-dangling-');
  const setUp = () => {
    const fixture = readFileSync(repo('test/fixtures/service-quality-kpis/thresholds.yaml'), 'utf8').replaceAll('../../../', repo(''));
    temp.write('a.yaml', fixture);
    const dangling = join(temp.dir, 'b.yaml');
    symlinkSync(join(temp.dir, 'gone.yaml'), dangling);
    return dangling;
  };

  it('is reported as that file’s problem; the other files are read (it stopped the walk with the system’s error)', async () => {
    const dangling = setUp();
    const runs = await runFixtures([temp.dir]);
    expect(runs.map((r) => [r.file, r.error?.issues.map((i) => i.code)])).toEqual([
      [join(temp.dir, 'a.yaml'), undefined],
      [dangling, ['file-not-found']],
    ]);
    expect(runs[0]?.cases.every((c) => c.passed)).toBe(true);
    const cases = await loadEvidenceSet([temp.dir]);
    expect(cases.find((c) => c.source === dangling)?.issues?.map((i) => i.message)).toEqual([`cannot read ${dangling}: no such file`]);
  });
});

describe('a directory holding a symbolic link back up the tree', () => {
  const temp = tempDir('shequ-loop-');

  it('is walked once: the files are found, the loop is not followed', async () => {
    const fixture = readFileSync(repo('test/fixtures/service-quality-kpis/thresholds.yaml'), 'utf8').replaceAll('../../../', repo(''));
    mkdirSync(join(temp.dir, 'sub'));
    temp.write('sub/a.yaml', fixture);
    symlinkSync(temp.dir, join(temp.dir, 'sub', 'up'), 'dir');
    const runs = await runFixtures([temp.dir]);
    expect(runs.map((r) => r.file)).toEqual([join(temp.dir, 'sub', 'a.yaml')]);
    const cases = await loadEvidenceSet([temp.dir]);
    expect(new Set(cases.map((c) => c.source.split(' › ')[0]))).toEqual(new Set([join(temp.dir, 'sub', 'a.yaml')]));
  });
});
