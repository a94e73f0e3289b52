import type { Bilingual, ItemTrace } from './kinds/define.js';

/** A result is plain JSON: decimals are exact strings ("5.28"). */
export interface CriteriaCount {
  met: number;
  total: number;
  /** met ÷ total, exact decimal string, or null when there are no criteria. */
  share: string | null;
}

/** A section scored; like ItemTrace, an optional field that does not apply is undefined (JSON leaves it out). */
export interface SectionTrace {
  id: string;
  title: Bilingual;
  points: string;
  max: string;
  bonus?: true;
  /** Points before the section's cap, when the cap bit. */
  uncapped?: string;
  clause?: string;
  criteria?: CriteriaCount;
  sections?: SectionTrace[];
  items?: ItemTrace[];
}

export interface GateResult {
  id: string;
  title: Bilingual;
  subject: string;
  range: string;
  /** The subject's value, or null when it could not be read (missing evidence). */
  value: string | null;
  passed: boolean;
  effect: 'block' | 'report';
  clause?: string;
}

export interface GradeResult {
  id: string;
  label: Bilingual;
  /** The band's range; absent when a gate decided the grade. */
  range?: string;
  passing: boolean;
  /** Set when a blocking gate failed and decided the grade. */
  gate?: string;
}

export interface ScoreResult {
  /**
   * The rubric scored against. `digest` is its content digest ("sha256:…",
   * see digest.ts): `score` always sets it; it is optional only for results
   * written before it existed.
   */
  rubric: { id: string; version: string; title: Bilingual; digest?: string };
  community?: unknown;
  total: string;
  base: string;
  bonus: string;
  max: string;
  maxWithBonus: string;
  /** total ÷ max (exact; a non-terminating value ends in "…"); null when max is 0. */
  ratio: string | null;
  rated: boolean;
  grade: GradeResult | null;
  gates: GateResult[];
  criteria?: CriteriaCount;
  sections: SectionTrace[];
}

/** Totals only (scoreTotals): the same numbers as a full result, without traces or criteria counts; sections flattened in rubric order. */
export type ScoreTotals = Omit<ScoreResult, 'sections' | 'criteria'> & { sections: { id: string; points: string }[] };
