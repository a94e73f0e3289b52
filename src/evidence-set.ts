/**
 * Reading many communities' evidence at once (Node only): a directory of
 * evidence files (YAML or JSON, each `{ rubric?, community?, evidence }`),
 * a JSONL file with one such object per line, or single files. A file that
 * cannot be read or parsed becomes a case carrying its issues, so one bad
 * file never stops the rest.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { filesUnder } from './find-files.js';
import type { EvidenceCase } from './diff.js';
import { evidenceOfRead, safeParseEvidence } from './evidence.js';
import { fixtureCaseEvidence, fixtureOfRead, looksLikeFixture } from './fixture-file.js';
import type { Fixture } from './fixtures.js';
import { readYaml, type ReadResult } from './source.js';
import { fsReason } from './fs-reason.js';
import { RubricError, issue, type Issue } from './issues.js';
import { argumentIssue, assertString, isStringList, throwProblems } from './api-guards.js';

const EVIDENCE_EXTENSIONS = ['.yaml', '.yml', '.json', '.jsonl'];

/** The evidence files under a path: the path itself, or a directory's *.yaml, *.yml, *.json, *.jsonl (recursively, sorted). */
export async function findEvidenceFiles(path: string): Promise<string[]> {
  assertString('path', path);
  return filesUnder(path, EVIDENCE_EXTENSIONS);
}

/** Parses the lines of a JSONL text: one evidence document per non-blank line. */
export function parseEvidenceLines(text: string, file: string): EvidenceCase[] {
  throwProblems(argumentIssue('text', text, 'a string', typeof text === 'string'), argumentIssue('file', file, 'a string', typeof file === 'string'));
  const cases: EvidenceCase[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const n = index + 1;
    const source = `${file}:${n}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      cases.push({ source, issues: [{ ...issue('yaml-syntax', [], `line ${n} is not JSON: ${(e as Error).message}`), file, line: n, column: 1 }] });
      return;
    }
    const parsed = safeParseEvidence(JSON.stringify(value), { file: source });
    if (!parsed.success) {
      cases.push({ source, issues: parsed.error.issues.map(({ line: _l, column: _c, ...rest }): Issue => ({ ...rest, file, line: n })) });
      return;
    }
    cases.push({ source, rubric: parsed.data.rubric, community: parsed.data.community, evidence: parsed.data.evidence });
  });
  return cases;
}

/** Reads one evidence file (YAML, JSON, or JSONL) into cases. */
export async function readEvidenceFile(file: string): Promise<EvidenceCase[]> {
  assertString('file', file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return [{ source: file, issues: [issue('file-not-found', [], `cannot read ${file}: ${fsReason(e)}`, { file })] }];
  }
  if (extname(file).toLowerCase() === '.jsonl') return parseEvidenceLines(text, file);
  // Read once: as a fixture file when it looks like one, else as an evidence document.
  const read = readYaml(text, { file });
  if (looksLikeFixture(read.value)) return fixtureCases(read);
  const parsed = evidenceOfRead(read);
  if (!parsed.success) return [{ source: file, issues: parsed.error.issues }];
  return [{ source: file, rubric: parsed.data.rubric, community: parsed.data.community, evidence: parsed.data.evidence }];
}

/**
 * A fixture file as one evidence case per fixture case, named `file › case`,
 * with its own `missing`. Cases that expect an error are left out: their
 * evidence is meant to be refused.
 */
async function fixtureCases(read: ReadResult): Promise<EvidenceCase[]> {
  const file = read.source.file;
  let fixture: Fixture;
  try {
    fixture = fixtureOfRead(read);
  } catch (e) {
    if (e instanceof RubricError) return [{ source: file, issues: e.issues }];
    throw e;
  }
  const cases: EvidenceCase[] = [];
  for (const c of fixture.cases) {
    if (c.expect.error !== undefined) continue;
    const source = `${file} › ${c.name}`;
    try {
      cases.push({ source, community: c.community, evidence: await fixtureCaseEvidence(c, file), ...(c.missing ? { missing: c.missing } : {}) });
    } catch (e) {
      if (!(e instanceof RubricError)) throw e;
      cases.push({ source, issues: e.issues });
    }
  }
  return cases;
}

/** Every community's evidence under the given paths, in order. A path that does not exist throws a RubricError. */
export async function loadEvidenceSet(paths: readonly string[]): Promise<EvidenceCase[]> {
  throwProblems(argumentIssue('paths', paths, 'a list of file or directory paths', isStringList(paths)));
  const cases: EvidenceCase[] = [];
  for (const p of paths) for (const file of await findEvidenceFiles(p)) cases.push(...(await readEvidenceFile(file)));
  return cases;
}
