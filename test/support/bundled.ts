import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, parseRubric, safeParseEvidence, type CompiledRubric, type CompileOptions, type EvidenceDocument } from '../../src/index.js';
import { loadRubricFile } from '../../src/node.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const rubricsDir = `${repoRoot}rubrics/`;

/** The bundled rubric files, found on disk so that a new one is tested by adding it. */
export const bundledRubricFiles = readdirSync(rubricsDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** A bundled rubric, compiled (with these options: `{ jitless: true }` for the totals path without generated code). */
export async function loadBundled(file: string, options?: CompileOptions): Promise<CompiledRubric> {
  return compile(await loadRubricFile(`${rubricsDir}${file}`), options);
}

/** A file of the repository, by its path from the root. */
export const read = (p: string): string => readFileSync(`${repoRoot}${p}`, 'utf8');

/** A rubric of the repository, validated and compiled (issues name the path as given). */
export const load = (p: string): CompiledRubric => compile(parseRubric(read(p), { file: p }));

/** The evidence document of a file of the repository. */
export function evidenceOf(p: string): EvidenceDocument {
  const r = safeParseEvidence(read(p), { file: p });
  if (!r.success) throw r.error;
  return r.data;
}
