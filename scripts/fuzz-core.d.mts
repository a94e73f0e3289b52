/** Types of fuzz-core.mjs (the fuzzer's cases and runner, shared by test/fuzz.test.ts and scripts/fuzz.mjs). */
import type fc from 'fast-check';

export type CaseType = 'rubric-text' | 'rubric-object' | 'evidence' | 'evidence-text';
export declare const CASE_TYPES: CaseType[];

/** The part of the library the fuzzer calls: src/index.ts or dist/index.js. */
export interface FuzzedLibrary {
  ISSUE_CODES: readonly string[];
  RubricError: abstract new (...args: any[]) => Error & { issues: unknown[]; sources: Record<string, string> };
  readYaml(text: string, options?: { file?: string }): { value: unknown };
  safeParseRubric(text: string, options?: any): any;
  safeParseRubricObject(value: unknown, options?: any): any;
  safeParseEvidence(text: string, options?: any): any;
  compile(rubric: any, options?: any): any;
  safeScore(compiled: any, evidence: unknown, options?: any): any;
  safeScoreTotals(compiled: any, evidence: unknown, options?: any): any;
  totalsOf(result: any): any;
  formatIssues(issues: readonly any[], options?: any): string;
}

export interface Seed {
  name: string;
  file: string;
  text: string;
  value: unknown;
  rubric: any;
  compiled: any;
  examples: unknown[];
  derived: boolean;
  itemIds: string[];
  weight: number;
  evidence: fc.Arbitrary<unknown>;
}

export interface Corpus {
  lib: FuzzedLibrary;
  seeds: Seed[];
  files: Map<string, string>;
  hugeMax: number;
  deepMax: number;
}

export interface CorpusOptions {
  repoRoot: string;
  /** Random complete valid evidence for a compiled rubric (test/support/evidence.ts). */
  validEvidence?: (compiled: any) => fc.Arbitrary<unknown>;
  /** Longest list a mutation builds (default 20 000). */
  hugeMax?: number;
  /** Deepest nesting a mutation builds (default 5 000). */
  deepMax?: number;
}

export interface FuzzCase {
  type: CaseType;
  seed: number;
  [key: string]: unknown;
}

export interface Problem {
  step: string;
  kind: string;
  detail: string;
  error?: string;
  /** For an inconsistency: the paths of the issues of the call that failed. */
  paths?: string[];
}

export interface CaseRun {
  problems: Problem[];
  outcomes: string[];
  codes: Set<string>;
  /** Time spent in the library's calls. */
  ms: number;
  /** Time of the whole case: building its input, the calls, the checks. */
  totalMs: number;
}

export declare function prepareCorpus(lib: FuzzedLibrary, options: CorpusOptions): Corpus;
export declare function caseArbitrary(corpus: Corpus, types?: readonly CaseType[]): fc.Arbitrary<FuzzCase>;
export declare function caseInput(corpus: Corpus, c: FuzzCase): { file?: string; text?: string; value?: unknown };
export declare function runCase(corpus: Corpus, c: FuzzCase): CaseRun;
export declare function describeCase(corpus: Corpus, c: FuzzCase): string;
export declare function describeError(e: unknown): string;
export declare function materialize(v: unknown): unknown;
export declare function applyTextMutation(text: string, m: { op: string; [key: string]: unknown }): string;
export declare function applyObjectMutation(box: { root: unknown }, m: { op: string; [key: string]: unknown }): void;
