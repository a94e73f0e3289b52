/**
 * shequ-rubric — community-service quality rubrics as data.
 * The core entry: no Node built-ins, runs in browsers.
 */
export { Dec } from './decimal.js';
export { ISSUE_CODES, RubricError, type Issue, type IssueCode, type PathSegment } from './issues.js';
export { parseRange, inRange, rangeToString, type Range } from './range.js';
export { parseRubric, safeParseRubric, safeParseRubricObject, type LoadOptions, type SafeResult } from './load.js';
export { safeParseEvidence, type EvidenceDocument } from './evidence.js';
export { type Resolver, type RubricFile } from './extends.js';
export { compile, type CompiledRubric, type CompileOptions, type MissingPolicy } from './compile.js';
export { score, safeScore, checkEvidence, type ScoreOptions } from './evaluate.js';
export { explain, type ExplainOptions, type Lang } from './explain.js';
export { formatIssues, formatPath, type FormatOptions } from './format-issues.js';
export { buildSchemas, type Rubric, type Section, type Gate, type Band, type RubricSchemas } from './schema.js';
export { defineRuleKind, type RuleKind, type AnyRuleKind, type ItemBase, type ItemTrace, type Outcome, type Bilingual, type KindDoc } from './kinds/define.js';
export { builtinKinds } from './kinds/index.js';
export * as kindSchemas from './kinds/shared.js';
export type { ScoreResult, SectionTrace, GateResult, GradeResult, CriteriaCount } from './result.js';
export { readYaml, type ReadOptions, type SourceText } from './source.js';
