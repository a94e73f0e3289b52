#!/usr/bin/env node
/**
 * npm run fuzz — 10^5 random cases against the build (dist/), in worker
 * threads, each case given a time budget. See scripts/fuzz-core.mjs for the
 * cases. Needs the built package (npm run build).
 *
 *   node scripts/fuzz.mjs [--cases 100000] [--seed N] [--workers N]
 *                         [--budget 1000] [--hang 30000] [--huge 100000] [--deep 5000]
 *   node scripts/fuzz.mjs --seed N --case I     replays one case, prints its input and every problem
 *
 * Prints the number of cases, their outcomes, the slow ones (over --budget
 * ms spent in the library's calls) and every problem: an exception that is not a RubricError, an issue
 * code outside ISSUE_CODES, a malformed result, scoreTotals disagreeing with
 * score, or a case still running after --hang ms (its worker is stopped and
 * the run goes on). Exits 1 if there is any.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { boundedJson, caseArbitrary, caseInput, describeCase, prepareCorpus, runCase } from './fuzz-core.mjs';

const repo = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** Problems that break the library's contract (the rest of the report is information). */
const FAILURES = new Set(['prototype-polluted', 'exception', 'not-a-rubric-error', 'no-issues', 'unknown-code', 'bad-issue', 'bad-result', 'unserialisable', 'format-issues', 'inconsistent', 'harness']);

/**
 * A worker's limits: the stack of a main thread (about 1 MB, where a worker
 * has 4 by default), so that a case overflows the stack in the fuzzer
 * exactly where it would in an application; and a heap that stops a
 * runaway case without stopping the run.
 */
const WORKER_LIMITS = { stackSizeMb: 1, maxOldGenerationSizeMb: 3_072 };

function parseArgs(argv) {
  const args = { cases: 100_000, seed: undefined, workers: Math.max(1, availableParallelism()), budget: 1_000, hang: 30_000, huge: 100_000, deep: 5_000, case: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s) : [a, undefined];
    const name = flag.replace(/^--/, '');
    if (!(name in args) || !flag.startsWith('--')) {
      console.error(`fuzz: unknown option ${a}\nusage: node scripts/fuzz.mjs [--cases N] [--seed N] [--workers N] [--budget ms] [--hang ms] [--huge N] [--deep N] [--case I]`);
      process.exit(2);
    }
    const value = Number(inline ?? argv[++i]);
    if (!Number.isSafeInteger(value) || value < 0) {
      console.error(`fuzz: --${name} needs a whole number`);
      process.exit(2);
    }
    args[name] = value;
  }
  args.seed ??= Math.floor(Math.random() * 2 ** 31);
  args.workers = Math.max(1, Math.min(args.workers, args.cases || 1));
  return args;
}

/** A seed per case, so any case can be drawn again alone. */
function caseSeed(seed, i) {
  const mix = (h) => {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  return mix((mix(seed >>> 0) + Math.imul(i, 0x9e3779b1)) >>> 0) | 0;
}

/** test/support/evidence.ts (random valid evidence per rubric), compiled on the fly against dist/. */
async function loadEvidenceGenerators() {
  const ts = (await import('typescript')).default;
  const source = readFileSync(repo('test/support/evidence.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
  const dist = pathToFileURL(repo('dist/index.js')).href;
  const rewritten = js.replace(/(from\s*|import\s*\(\s*)(['"])([^'"]+)\2/g, (_m, lead, _q, spec) => {
    if (spec === 'fast-check') return `${lead}${JSON.stringify(import.meta.resolve('fast-check'))}`;
    if (spec === '../../src/index.js') return `${lead}${JSON.stringify(dist)}`;
    throw new Error(`fuzz: test/support/evidence.ts imports ${spec}, which the fuzz script does not map`);
  });
  return import(`data:text/javascript;base64,${Buffer.from(rewritten).toString('base64')}`);
}

async function setUp(args) {
  if (!existsSync(repo('dist/index.js'))) {
    console.error('fuzz: dist/ is missing: run npm run build first');
    process.exit(2);
  }
  const lib = await import(pathToFileURL(repo('dist/index.js')).href);
  const { arbitraryRubricEvidence } = await loadEvidenceGenerators();
  const corpus = prepareCorpus(lib, { repoRoot: repo(''), validEvidence: arbitraryRubricEvidence, hugeMax: args.huge, deepMax: args.deep });
  return { corpus, arbitrary: caseArbitrary(corpus) };
}

const drawCase = (arbitrary, seed, i) => fc.sample(arbitrary, { seed: caseSeed(seed, i), numRuns: 1 })[0];

// ---------------------------------------------------------------------------
// Worker: runs cases i = start, start + stride, … below end.

async function work() {
  const { args, start, stride } = workerData;
  const { corpus, arbitrary } = await setUp(args);
  parentPort.postMessage({ t: 'ready', seeds: corpus.seeds.length });
  for (let i = start; i < args.cases; i += stride) {
    parentPort.postMessage({ t: 'start', i });
    let c;
    try {
      c = drawCase(arbitrary, args.seed, i);
    } catch (e) {
      parentPort.postMessage({ t: 'done', i, type: 'harness', seed: '', ms: 0, outcomes: [], codes: [], problems: [{ step: 'draw', kind: 'harness', detail: String(e) }] });
      continue;
    }
    const r = runCase(corpus, c);
    parentPort.postMessage({ t: 'done', i, type: c.type, seed: corpus.seeds[c.seed].name, ms: r.ms, totalMs: r.totalMs, outcomes: r.outcomes, codes: [...r.codes], problems: r.problems, summary: r.problems.length || r.ms > args.budget ? describeCase(corpus, c) : undefined });
  }
  parentPort.postMessage({ t: 'end' });
}

// ---------------------------------------------------------------------------
// Main: the workers, a watchdog, the report.

async function main(args) {
  if (args.case !== undefined) return replay(args);
  const started = performance.now();
  console.log(`fuzz: ${args.cases} cases against dist/, seed ${args.seed}, ${args.workers} workers, budget ${args.budget} ms of library time per case, hang limit ${args.hang} ms per case`);
  const stats = { cases: 0, byType: new Map(), msByType: new Map(), totalMsByType: new Map(), steps: new Map(), codes: new Map(), slow: [], problems: [], hangs: [], rubricErrorsThrown: 0 };
  const bump = (map, key, n = 1) => map.set(key, (map.get(key) ?? 0) + n);
  let lastReport = 0;

  await new Promise((resolveAll) => {
    let running = 0;
    const workers = [];
    const spawn = (w, start) => {
      if (start >= args.cases) return;
      running++;
      const worker = new Worker(new URL(import.meta.url), { workerData: { args, start, stride: args.workers }, resourceLimits: WORKER_LIMITS });
      const slot = { worker, current: undefined, since: 0, ended: false };
      workers[w] = slot;
      const finish = () => {
        if (slot.ended) return;
        slot.ended = true;
        if (--running === 0) resolveAll();
      };
      worker.on('message', (m) => {
        if (m.t === 'start') {
          slot.current = m.i;
          slot.since = performance.now();
        } else if (m.t === 'done') {
          slot.current = undefined;
          stats.cases++;
          bump(stats.byType, m.type);
          bump(stats.msByType, m.type, m.ms);
          bump(stats.totalMsByType, m.type, m.totalMs);
          for (const o of m.outcomes) bump(stats.steps, o);
          for (const code of m.codes) bump(stats.codes, code);
          if (m.outcomes.some((o) => o.endsWith(':threw'))) stats.rubricErrorsThrown++;
          if (m.ms > args.budget) stats.slow.push({ i: m.i, ms: m.ms, type: m.type, seed: m.seed, summary: m.summary });
          for (const p of m.problems) stats.problems.push({ i: m.i, ...p, summary: m.summary });
          if (stats.cases - lastReport >= Math.max(1_000, Math.floor(args.cases / 20))) {
            lastReport = stats.cases;
            process.stderr.write(`  … ${stats.cases} cases, ${((performance.now() - started) / 1000).toFixed(0)} s, ${stats.problems.length} problems\n`);
          }
        } else if (m.t === 'end') {
          worker.terminate();
          finish();
        }
      });
      worker.on('error', (e) => {
        stats.problems.push({ i: slot.current ?? -1, step: 'worker', kind: 'exception', detail: 'the worker died', error: String(e?.stack ?? e) });
        finish();
        if (slot.current !== undefined) spawn(w, slot.current + args.workers);
      });
      worker.on('exit', () => finish());
    };
    for (let w = 0; w < args.workers; w++) spawn(w, w);
    const watchdog = setInterval(() => {
      for (let w = 0; w < workers.length; w++) {
        const slot = workers[w];
        if (!slot || slot.ended || slot.current === undefined) continue;
        const ms = performance.now() - slot.since;
        if (ms > args.hang) {
          const i = slot.current;
          stats.hangs.push({ i, ms });
          stats.cases++;
          process.stderr.write(`  case ${i} still running after ${(ms / 1000).toFixed(1)} s: stopped (replay: node scripts/fuzz.mjs --seed ${args.seed} --case ${i})\n`);
          slot.ended = true;
          slot.worker.terminate();
          running--;
          spawn(w, i + args.workers);
          if (running === 0) resolveAll();
        }
      }
    }, 250);
    watchdog.unref();
  });

  const seconds = (performance.now() - started) / 1000;
  const failures = stats.problems.filter((p) => FAILURES.has(p.kind));
  const exceptions = stats.problems.filter((p) => p.kind === 'exception' || p.kind === 'not-a-rubric-error');
  const ok = [...stats.steps].filter(([k]) => k.endsWith(':ok')).reduce((n, [, v]) => n + v, 0);
  const errors = [...stats.steps].filter(([k]) => k.endsWith(':error') || k.endsWith(':threw')).reduce((n, [, v]) => n + v, 0);
  console.log(`\ncases: ${stats.cases} in ${seconds.toFixed(1)} s (${[...stats.byType].sort().map(([t, n]) => `${t} ${n}, mean ${((stats.msByType.get(t) ?? 0) / n).toFixed(1)} ms in the library, ${((stats.totalMsByType.get(t) ?? 0) / n).toFixed(1)} ms in all`).join('; ')})`);
  console.log(`calls: ${ok + errors} checked — ${ok} results, ${errors} RubricErrors (${stats.rubricErrorsThrown} cases where a safe* call threw one instead of returning it)`);
  console.log(`steps: ${[...stats.steps].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`issue codes seen (${stats.codes.size} of the library's codes): ${[...stats.codes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const slowest = stats.slow.sort((a, b) => b.ms - a.ms);
  console.log(`slow cases (over ${args.budget} ms in the library): ${slowest.length}${slowest.length ? `; slowest ${slowest.slice(0, 5).map((s) => `#${s.i} ${s.type} on ${s.seed} ${s.ms.toFixed(0)} ms`).join(', ')}` : ''}`);
  for (const s of slowest.slice(0, 3)) console.log(`  #${s.i}: ${s.summary}\n  replay: node scripts/fuzz.mjs --seed ${args.seed} --case ${s.i}`);
  console.log(`hangs (over ${args.hang} ms, stopped): ${stats.hangs.length}${stats.hangs.length ? ` (${stats.hangs.map((h) => `#${h.i}`).join(', ')})` : ''}`);
  const shown = new Map();
  for (const p of failures) {
    // Three examples of each kind of problem, each with the command that replays it.
    const key = `${p.kind}|${p.step}`;
    if ((shown.get(key) ?? 0) >= 3) continue;
    bump(shown, key);
    console.log(`\nPROBLEM ${p.kind} in ${p.step} (case #${p.i}): ${p.detail}${p.error ? `\n  ${p.error.replace(/\n/g, '\n  ')}` : ''}\n  ${p.summary ?? ''}\n  replay: node scripts/fuzz.mjs --seed ${args.seed} --case ${p.i}`);
  }
  const groups = new Map();
  for (const p of failures) bump(groups, `${p.kind} in ${p.step}`);
  if (groups.size) console.log(`\nproblems by kind: ${[...groups].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const other = failures.filter((p) => !exceptions.includes(p)).length;
  console.log(`\nnon-library exceptions: ${exceptions.length}`);
  console.log(`other contract failures: ${other} (bad issue codes or results, totals disagreeing with score)`);
  const failed = exceptions.length + other + stats.hangs.length;
  console.log(`fuzz: ${stats.cases} cases, ${exceptions.length} non-library exceptions, ${other} other failures, ${stats.hangs.length} hangs, ${slowest.length} slow — ${failed ? 'FAILED' : 'ok'}`);
  return failed ? 1 : 0;
}

/** One case again, with its input written to a file and every problem in full. */
async function replay(args) {
  const { corpus, arbitrary } = await setUp(args);
  const c = drawCase(arbitrary, args.seed, args.case);
  console.log(`case #${args.case} of seed ${args.seed}: ${describeCase(corpus, c)}`);
  const input = caseInput(corpus, c);
  const file = join(tmpdir(), `shequ-fuzz-${args.seed}-${args.case}.${input.text !== undefined ? 'yaml' : 'json'}`);
  try {
    // Shared references can make a value far larger written out than in memory: the text is bounded.
    writeFileSync(file, input.text ?? boundedJson(input.value, { bigint: (v) => `${v}n`, nonFinite: String, space: 2 }));
    console.log(`input written to ${file}${input.text === undefined ? ' (as JSON: NaN, Infinity and bigint shown as strings)' : ''}`);
  } catch (e) {
    console.log(`the input could not be written: ${e}`);
  }
  const r = runCase(corpus, c);
  console.log(`took ${r.ms.toFixed(1)} ms in the library, ${r.totalMs.toFixed(1)} ms in all; steps: ${r.outcomes.join(', ')}; codes: ${[...r.codes].join(', ') || 'none'}`);
  for (const p of r.problems) console.log(`PROBLEM ${p.kind} in ${p.step}: ${p.detail}${p.paths ? ` (at ${p.paths.join(', ')})` : ''}${p.error ? `\n  ${p.error.replace(/\n/g, '\n  ')}` : ''}`);
  return r.problems.some((p) => FAILURES.has(p.kind)) || r.totalMs > args.hang ? 1 : 0;
}

if (isMainThread) {
  process.exitCode = await main(parseArgs(process.argv.slice(2)));
} else {
  await work();
}
