import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RubricError, loadCostsFile, loadEvidenceFile, loadRubricFile, type Issue } from '../src/node.js';

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
