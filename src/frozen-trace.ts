import type { ItemTrace } from './kinds/define.js';

/**
 * Item traces are frozen: a scored value's trace is shared by every result
 * that scores the same value (see score-fast.ts and item-memo.ts), so no
 * result may change it under another. What the trace holds of its own
 * (evidence, reason, detail, rounding, parts) is frozen with it; the title
 * is the rubric's, and left as the rubric has it.
 */
export function freezeTrace(trace: ItemTrace): ItemTrace {
  if (Object.isFrozen(trace)) return trace;
  freezeValue(trace.evidence);
  Object.freeze(trace.reason);
  if (trace.detail) Object.freeze(trace.detail);
  if (trace.rounded) Object.freeze(trace.rounded);
  if (trace.parts) {
    for (const part of trace.parts) freezeTrace(part);
    Object.freeze(trace.parts);
  }
  return Object.freeze(trace);
}

/** Freezes an echoed evidence value (plain JSON: objects, lists, primitives) and everything in it. */
function freezeValue(v: unknown): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) freezeValue(v[i]);
  // An echo is a plain object of its own keys: for-in lists them without building an array.
  else for (const key in v) freezeValue((v as Record<string, unknown>)[key]);
  Object.freeze(v);
}
