import { z } from 'zod';
import { RubricError } from './issues.js';
import { placeIssues, readYaml, type ReadOptions, type ReadResult, type SourceText } from './source.js';
import { fromZod, parseReporting } from './zod-issues.js';
import type { SafeResult } from './load.js';

/** An evidence document: the community, and the evidence keyed by item id. */
export interface EvidenceDocument {
  rubric?: string | undefined;
  community?: Record<string, unknown> | undefined;
  evidence: Record<string, unknown>;
}

const evidenceDocument = z.strictObject({
  rubric: z.string().optional(),
  community: z.record(z.string(), z.unknown()).optional(),
  evidence: z.record(z.string(), z.unknown()),
});

/** Reads an evidence file (YAML or JSON); every problem reported with its line and column. */
export function safeParseEvidence(text: string, options: ReadOptions = {}): SafeResult<EvidenceDocument> & { source: SourceText } {
  options ??= {};
  return evidenceOfRead(readYaml(text, options));
}

/** An evidence document from a text already read (readYaml), its problems placed in it. */
export function evidenceOfRead(read: ReadResult): SafeResult<EvidenceDocument> & { source: SourceText } {
  const sources = { [read.source.file]: read.source.text };
  if (read.issues.length) return { success: false, error: new RubricError(placeIssues(read.issues, read.source), sources), source: read.source };
  const parsed = parseReporting(evidenceDocument, read.value);
  if (!parsed.success) {
    const issues = fromZod(parsed.error.issues, [], { vocabulary: ['rubric', 'community', 'evidence'] });
    return { success: false, error: new RubricError(placeIssues(issues, read.source), sources), source: read.source };
  }
  return { success: true, data: parsed.data, source: read.source };
}
