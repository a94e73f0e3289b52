/**
 * shequ-rubric — community-service quality rubrics as data.
 * The core entry: no Node built-ins, runs in browsers.
 */
export { Dec } from './decimal.js';
export { ISSUE_CODES, RubricError, type Issue, type IssueCode, type PathSegment } from './issues.js';
export { parseRange, inRange, rangeToString, type Range } from './range.js';
export { parseRubric, safeParseRubric, safeParseRubricObject, parseRubricJson, safeParseRubricJson, exportRubric, safeExportRubric, type LoadOptions, type SafeResult } from './load.js';
export { safeParseEvidence, type EvidenceDocument } from './evidence.js';
export { type Resolver, type RubricFile } from './extends.js';
export { compile, type CompiledRubric, type CompileOptions, type MissingPolicy } from './compile.js';
export { checkEvidence, type ScoreOptions } from './evaluate.js';
export { evidenceHints, hintText } from './evidence-hints.js';
export { score, safeScore } from './score.js';
export { scoreTotals, safeScoreTotals, totalsOf } from './totals.js';
export { explain, type ExplainOptions, type Lang } from './explain.js';
export { formatIssues, formatPath, type FormatOptions } from './format-issues.js';
export { buildSchemas, type Rubric, type Section, type Gate, type Band, type RubricSchemas } from './schema.js';
export { FAST_MAX_ENTRIES, fastCases, type FieldReader } from './kinds/fast.js';
// The zod the library is built with (zod 4): a kind's schemas are joined into the library's, so a kind makes them with this one.
export { z } from 'zod';
export { defineRuleKind, type RuleKind, type AnyRuleKind, type ItemBase, type ItemTrace, type Outcome, type Bilingual, type KindDoc, type FastScorer, type FastContext, type FastTrace, type FastTracer } from './kinds/define.js';
export { builtinKinds } from './kinds/index.js';
export * as kindSchemas from './kinds/shared.js';
export type { ScoreResult, ScoreTotals, SectionTrace, GateResult, GradeResult, CriteriaCount } from './result.js';
export { readYaml, type ReadOptions, type SourceText } from './source.js';
export { sha256, canonicalJson, rubricDigest } from './digest.js';
export {
  applicableVersion,
  appliesOn,
  effectivePeriod,
  describePeriod,
  isCalendarDate,
  versionProblems,
  RubricCollection,
  VersionError,
  type EffectivePeriod,
  type RubricLike,
  type VersionErrorCode,
  type VersionProblem,
} from './versions.js';
export { rubricJsonSchema, evidenceJsonSchema, RUBRIC_SCHEMA_ID, type JsonSchema, type RubricJsonSchemaOptions, type EvidenceJsonSchemaOptions } from './json-schema.js';
export {
  diffRubrics,
  diffImpact,
  formatDiff,
  formatImpact,
  compareValues,
  type RubricDiff,
  type RubricRef,
  type ItemDiff,
  type SectionDiff,
  type SectionMaximum,
  type EntryDiff,
  type FieldChange,
  type EvidenceCase,
  type Impact,
  type ImpactOptions,
  type ImpactSummary,
  type CommunityImpact,
  type ItemMovement,
  type ItemCause,
  type GateMovement,
  type GateCause,
  type ScoredSide,
  type FailedSide,
  type DiffTextOptions,
} from './diff.js';
export { plan, planOptions, applyOptions, formatPlan, stepLine, type Plan, type PlanOptions, type PlanOption, type PlanStep, type PlanReason, type PlanReasonCode, type PlanTarget, type ItemOptions, type FormatPlanOptions } from './plan.js';
export { builtinPlanners, type KindPlanner, type AnyKindPlanner, type PlanCandidate, type PlannerContext } from './plan-kinds.js';
export { safeParseCosts, safeParseCostsObject, costOf, type Costs, type CostValue, type ItemCost } from './costs.js';
export { report, reportMarkdown, reportHtml, htmlEscape, mdEscape, percentOf, unmetItems, type ReportFormat, type ReportOptions } from './report.js';
