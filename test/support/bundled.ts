import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, type CompiledRubric } from '../../src/index.js';
import { loadRubricFile } from '../../src/node.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const rubricsDir = `${repoRoot}rubrics/`;

/** The bundled rubric files, found on disk so that a new one is tested by adding it. */
export const bundledRubricFiles = readdirSync(rubricsDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

export async function loadBundled(file: string): Promise<CompiledRubric> {
  return compile(await loadRubricFile(`${rubricsDir}${file}`));
}
