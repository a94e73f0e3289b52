/**
 * npm run bench — DB36 scored four ways on the same generated records, after
 * checking that all agree on every total: shequ-rubric totals only, with the
 * full trace, a hand-written integer scorer, and json-rules-engine. Beside
 * them a floor for a full trace of this shape (trace-floor.ts). Also loading +
 * validating + compiling the rubric.
 *
 * Each way of delivering records (JSON-parsed, built key by key) is timed in
 * a process of its own: V8 tunes property reads to the objects a process has
 * seen, and a service sees one kind. The load timings run in a third.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';
import { compile, exportRubric, parseRubric, parseRubricJson, score, scoreTotals } from '../src/index.js';
import { generateRecords } from './generate.js';
import { scoreDb36 } from './handwritten-db36.js';
import { scoreDb36Checked } from './handwritten-db36-checked.js';
import { buildEngine, scoreWithEngine } from './json-rules-engine-db36.js';
import { bareTracer } from './trace-floor.js';

const N = Number(process.env.BENCH_RECORDS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const JRE_RECORDS = Number(process.env.BENCH_JRE_RECORDS ?? 2_000);
const JRE_ROUNDS = Number(process.env.BENCH_JRE_ROUNDS ?? 3);
const rubricText = readFileSync(new URL('../../rubrics/jiangxi-db36-t-1609-2022.yaml', import.meta.url) /* run from bench/.out */, 'utf8');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const hundredths = (s: string) => Math.round(Number(s) * 100); // display comparison only; the library's strings are exact

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const row = (name: string, perSec: number, base: number, target?: string) =>
  `${name.padEnd(36)} ${Math.round(perSec).toLocaleString('en').padStart(12)} /s   ${(perSec / base).toFixed(3).padStart(8)} × hand-written${target ? `   ${target}` : ''}`;

/** Scores the records delivered one way, checking agreement first, and prints the rates. */
async function timeRecords(source: 'json' | 'built') {
  const built = generateRecords(N);
  // As JSON.parse gives them (how a service or a file delivers evidence), or as the generator built them
  // key by key, which leaves V8 objects of 80 keys in dictionary mode, where every property read is a hash lookup.
  const records = source === 'json' ? (JSON.parse(JSON.stringify(built)) as typeof built) : built;
  const compiled = compile(parseRubric(rubricText));
  // No generated code: what runs where a Content-Security-Policy forbids new Function.
  const jitless = compile(parseRubric(rubricText), { jitless: true });

  // 1. Every scorer agrees on every total before anything is timed; the floor holds the same tree of items and sections as a full trace.
  const engine = source === 'json' ? buildEngine() : undefined;
  const bare = bareTracer(compiled);
  type Node = { id: string; sections?: Node[]; items?: { id: string; evidence: unknown }[] };
  const shape = (sections: Node[]): string => sections.map((n) => `${n.id}(${(n.items ?? []).map((i) => i.id).join(',')}|${shape(n.sections ?? [])})`).join(';');
  let checked = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const hand = scoreDb36(r);
    const checkedHand = scoreDb36Checked(r);
    if (checkedHand?.total !== hand.total) throw new Error(`record ${i}: the checking hand-written scorer gives ${checkedHand?.total}, the plain one ${hand.total}`);
    const totals = scoreTotals(compiled, r);
    const full = score(compiled, r);
    if (i < 100 && shape(bare(r).sections as Node[]) !== shape(full.sections as Node[])) throw new Error(`record ${i}: the floor's items and sections are not the full trace's`);
    if (scoreTotals(jitless, r).total !== totals.total) throw new Error(`record ${i}: jitless totals differ`);
    if (hundredths(totals.total) !== hand.total || totals.total !== full.total || totals.grade?.id !== hand.stars || full.grade?.id !== hand.stars) {
      throw new Error(`record ${i}: totals ${totals.total} ${totals.grade?.id}, full ${full.total}, hand-written ${hand.total / 100} ${hand.stars}`);
    }
    if (engine && i < JRE_RECORDS) {
      const jre = await scoreWithEngine(engine, r);
      if (jre !== hand.total) throw new Error(`record ${i}: json-rules-engine ${jre / 100}, hand-written ${hand.total / 100}`);
    }
    checked++;
  }

  // 2. Throughput: each rate is the median of rounds, after a warm-up round; the fastest round is kept
  // too: on a shared machine it is the one least disturbed by neighbours.
  const rate = (fn: () => void) => {
    fn();
    const rounds = Array.from({ length: ROUNDS }, () => time(fn));
    return { median: (N / median(rounds)) * 1000, fastest: (N / Math.min(...rounds)) * 1000 };
  };
  let sink = 0;
  const hand = rate(() => {
    for (const r of records) sink += scoreDb36(r).total;
  });
  const checkedHand = rate(() => {
    for (const r of records) sink += scoreDb36Checked(r)?.total ?? 0;
  });
  const totalsOnly = rate(() => {
    for (const r of records) sink += scoreTotals(compiled, r).total.length;
  });
  const totalsJitless = rate(() => {
    for (const r of records) sink += scoreTotals(jitless, r).total.length;
  });
  const fullTrace = rate(() => {
    for (const r of records) sink += score(compiled, r).total.length;
  });
  const floor = rate(() => {
    for (const r of records) sink += bare(r).sections.length;
  });
  let jre: number | undefined;
  if (engine) {
    // Fewer records (the engine is slow), in rounds too: the median round, after a warm-up.
    const jreRecords = records.slice(0, JRE_RECORDS);
    await Promise.all(jreRecords.slice(0, 200).map((r) => scoreWithEngine(engine, r)));
    const rounds: number[] = [];
    for (let k = 0; k < JRE_ROUNDS; k++) {
      const t0 = process.hrtime.bigint();
      for (const r of jreRecords) sink += await scoreWithEngine(engine, r);
      rounds.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    jre = (JRE_RECORDS / median(rounds)) * 1000;
  }

  const base = hand.median;
  console.log(source === 'json' ? 'records as JSON.parse gives them:' : 'records built key by key (V8 dictionary-mode objects):');
  console.log(`  (${checked.toLocaleString('en')} totals agreeing before timing)`);
  console.log(row('hand-written integer scorer', base, base));
  console.log(row('hand-written, checking its input', checkedHand.median, base));
  const totalsTarget = `target ≥ 1.0 × hand-written: ${totalsOnly.median / base >= 1 ? 'met' : 'not met'}; ${(totalsOnly.median / checkedHand.median).toFixed(3)} × the checking one`;
  console.log(row('shequ-rubric, totals only', totalsOnly.median, base, totalsTarget));
  console.log(row('shequ-rubric, totals only, jitless', totalsJitless.median, base));
  console.log(row('shequ-rubric, full trace', fullTrace.median, base, `target ≥ 0.5 × hand-written: ${fullTrace.median / base >= 0.5 ? 'met' : 'not met'}`));
  console.log(row('floor: hand-written + bare objects', floor.median, base, 'nothing worded or computed: a floor for a trace of one object per item and section'));
  if (jre !== undefined) console.log(row(`json-rules-engine (${JRE_RECORDS.toLocaleString('en')} records × ${JRE_ROUNDS})`, jre, base));
  const [fh, ft, fx] = [hand.fastest, totalsOnly.fastest, fullTrace.fastest];
  console.log(
    `  fastest of ${ROUNDS} rounds: hand-written ${Math.round(fh).toLocaleString('en')} /s, totals only ${Math.round(ft).toLocaleString('en')} /s (${(ft / fh).toFixed(3)} ×), full trace ${Math.round(fx).toLocaleString('en')} /s (${(fx / fh).toFixed(3)} ×)`,
  );
  if (jre !== undefined) console.log(`  shequ-rubric totals only ÷ json-rules-engine: ${(totalsOnly.median / jre).toFixed(1)} × (target ≥ 300: ${totalsOnly.median / jre >= 300 ? 'met' : 'not met'})`);
  console.log('');
  if (sink === -1) console.log(sink);
}

/** Loading + validating + compiling DB36, after warm-up. */
function timeLoading() {
  // From its YAML (read by the plain reader, and for comparison by yaml 2's parser alone), and from its
  // JSON export (what `shequ-rubric export` writes and dist/rubrics ships), read with JSON.parse.
  const rubricJson = JSON.stringify(exportRubric(rubricText), null, 2);
  const loadTime = (load: () => unknown) => {
    for (let i = 0; i < 30; i++) load();
    return median(Array.from({ length: 100 }, () => time(load)));
  };
  const load = loadTime(() => compile(parseRubric(rubricText)));
  const loadYamlOnly = loadTime(() => compile(parseRubric(rubricText, { plainReader: false })));
  const loadJson = loadTime(() => compile(parseRubricJson(rubricJson)));
  console.log(`load + validate + compile DB36 (median of 100 after warm-up), target < 10 ms:`);
  console.log(`  from its YAML (${Math.round(rubricText.length / 1000)} K characters):        ${load.toFixed(2).padStart(6)} ms (${load < 10 ? 'met' : 'not met'})`);
  console.log(`    the same with yaml 2's parser alone (plainReader: false): ${loadYamlOnly.toFixed(2)} ms`);
  console.log(`  from its JSON export (${Math.round(rubricJson.length / 1000)} K characters): ${loadJson.toFixed(2).padStart(6)} ms (${loadJson < 10 ? 'met' : 'not met'})`);
}

async function main() {
  const part = process.argv[2];
  if (part === 'json' || part === 'built') return timeRecords(part);
  if (part === 'load') return timeLoading();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`DB36/T 1609—2022, ${N.toLocaleString('en')} generated communities (seed 20221623)`);
  console.log(`machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  for (const p of ['json', 'built', 'load']) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), p], { stdio: 'inherit' });
    if (child.status !== 0) {
      process.exitCode = child.status ?? 1;
      return;
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
