/**
 * Reading a fixture file (Node only), for `test` and for `diff --evidence`
 * alike: its text parsed against the fixture format, and each case's
 * evidence, merged from its `evidenceFrom` file.
 */
import { dirname, resolve } from 'node:path';
import { safeParseEvidence, type EvidenceDocument } from './evidence.js';
import { fixtureSchema, mergeEvidence, type Fixture, type FixtureCase } from './fixtures.js';
import { RubricError } from './issues.js';
import { readText } from './read-text.js';
import { placeIssues, readYaml, type ReadResult } from './source.js';
import { fromZod, parseReporting } from './zod-issues.js';

/** Whether a parsed document is a fixture file rather than an evidence file: `rubric` and `cases`, no `evidence`. */
export function looksLikeFixture(value: unknown): boolean {
  const v = value as Record<string, unknown> | null;
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Array.isArray(v.cases) && typeof v.rubric === 'string' && v.evidence === undefined;
}

/** A fixture file's text as a fixture; throws a RubricError placing every problem in the file. */
export function parseFixtureText(text: string, file: string): Fixture {
  return fixtureOfRead(readYaml(text, { file }));
}

/** A fixture from a text already read (readYaml); throws a RubricError placing every problem in the file. */
export function fixtureOfRead(read: ReadResult): Fixture {
  const file = read.source.file;
  if (read.issues.length) throw new RubricError(placeIssues(read.issues, read.source), { [file]: read.source.text });
  const parsed = parseReporting(fixtureSchema, read.value);
  if (!parsed.success) throw new RubricError(placeIssues(fromZod(parsed.error.issues, []), read.source), { [file]: read.source.text });
  return parsed.data;
}

/** Reads an evidence file (YAML or JSON); throws a RubricError with every problem placed in it. */
export async function loadEvidenceFile(path: string): Promise<EvidenceDocument & { source: { file: string; text: string } }> {
  const text = await readText(path);
  const result = safeParseEvidence(text, { file: path });
  if (!result.success) throw result.error;
  return { ...result.data, source: { file: path, text: result.source.text } };
}

/** A case's evidence: its `evidenceFrom` file's (relative to the fixture file) with the case's items over it. Throws a RubricError. */
export async function fixtureCaseEvidence(c: FixtureCase, fixtureFile: string): Promise<Record<string, unknown>> {
  const base = c.evidenceFrom ? (await loadEvidenceFile(resolve(dirname(fixtureFile), c.evidenceFrom))).evidence : undefined;
  return mergeEvidence(base, c.evidence);
}
