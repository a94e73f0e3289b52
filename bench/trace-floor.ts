import type { CompiledRubric, Section } from '../src/index.js';
import type { Db36Evidence } from './generate.js';
import { scoreDb36 } from './handwritten-db36.js';

/**
 * A floor for the full trace, not a scorer: the hand-written scorer, then
 * one bare object per item and per section of DB36, shaped as the library's
 * (id, title, points, max, met, evidence, clause; sections with their items),
 * with nothing computed for them: no per-item points, no reasons, no decimal
 * texts, no criteria counts, nothing frozen. It reads the record in one
 * for-in pass and builds the sections from flat arrays, the cheapest way
 * found; a trace with an object per item and per section costs about this
 * much at least. The bench prints it beside the real one.
 */
interface FlatSection {
  id: string;
  title: Section['title'];
  max: string;
  clause: string | undefined;
  itemStart: number;
  itemEnd: number;
  children: number[];
}

export function bareTracer(compiled: CompiledRubric): (record: Db36Evidence) => { total: string; sections: unknown[] } {
  const items: { id: string; title: unknown; max: string; clause: string | undefined }[] = [];
  const flat: FlatSection[] = [];
  const walk = (s: Section): number => {
    const at = flat.length;
    const f: FlatSection = { id: s.id, title: s.title, max: s.max.toString(), clause: s.clause, itemStart: items.length, itemEnd: 0, children: [] };
    flat.push(f);
    for (const item of s.items ?? []) items.push({ id: item.id, title: item.title, max: compiled.maxOf(item).toString(), clause: item.clause });
    f.itemEnd = items.length;
    for (const child of s.sections ?? []) f.children.push(walk(child));
    return at;
  };
  const top = compiled.rubric.sections.map(walk);
  const indexOf = new Map(items.map((item, i) => [item.id, i]));
  // The key order of the last record, learnt: records from one source list their keys alike.
  let keyAt: string[] = [];
  let itemAt: number[] = [];
  return (record) => {
    const hand = scoreDb36(record);
    const traces = new Array<unknown>(items.length);
    let i = 0;
    let learnt = true;
    for (const key in record) {
      // A key where the last record had it is read by position; any other by name.
      let at: number;
      if (keyAt[i] === key) at = itemAt[i] as number;
      else {
        at = indexOf.get(key) as number;
        learnt = false;
      }
      const item = items[at] as (typeof items)[number];
      const evidence = record[key];
      traces[at] = { id: item.id, title: item.title, points: '0', max: item.max, met: evidence === true, evidence, clause: item.clause };
      i++;
    }
    if (!learnt) {
      keyAt = Object.keys(record);
      itemAt = keyAt.map((key) => indexOf.get(key) as number);
    }
    const built = new Array<unknown>(flat.length);
    for (let k = flat.length - 1; k >= 0; k--) {
      const f = flat[k] as FlatSection;
      let sections: unknown[] | undefined;
      if (f.children.length) {
        sections = new Array<unknown>(f.children.length);
        for (let c = 0; c < f.children.length; c++) sections[c] = built[f.children[c] as number];
      }
      built[k] = {
        id: f.id,
        title: f.title,
        points: '0',
        max: f.max,
        clause: f.clause,
        sections,
        items: f.itemEnd > f.itemStart ? traces.slice(f.itemStart, f.itemEnd) : undefined,
      };
    }
    const sections = new Array<unknown>(top.length);
    for (let k = 0; k < top.length; k++) sections[k] = built[top[k] as number];
    return { total: String(hand.total), sections };
  };
}
