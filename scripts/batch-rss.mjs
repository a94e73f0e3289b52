#!/usr/bin/env node
/**
 * Peak memory of `shequ-rubric batch` on generated rows: memory must stay
 * flat however many rows there are. Generates a deterministic CSV (see
 * batch-data.mjs), scores it in a child process (node dist/cli.js batch …
 * --stats, which prints process.resourceUsage().maxRSS; also under
 * /usr/bin/time -v when present) for a tenth of the rows and for all of them,
 * and prints the figures. Run `npm run build` first.
 *
 *   node scripts/batch-rss.mjs [rows] [--rubric small|db36] [--keep]
 *
 * rows defaults to 1 000 000; --rubric small (default) is a six-item rubric,
 * db36 the bundled DB36/T 1609—2022 rubric (about 100 columns a row).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDb36, generateSmall } from './batch-data.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const which = option('--rubric', 'small');
if (!['small', 'db36'].includes(which)) throw new Error('--rubric takes small or db36');
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first');
const dir = mkdtempSync(join(tmpdir(), 'shequ-batch-rss-'));
const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function measure(n) {
  return (which === 'db36' ? generateDb36 : generateSmall)(dir, n).then(({ rubric, file }) => {
    const out = join(dir, `results-${n}.csv`);
    const command = [process.execPath, cli, 'batch', rubric, file, '--out', out, '--stats'];
    const started = performance.now();
    const r = time ? spawnSync(time, ['-v', ...command], { encoding: 'utf8', maxBuffer: 1 << 26 }) : spawnSync(command[0], command.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 });
    const seconds = (performance.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`batch exited ${r.status}:\n${r.stderr.slice(0, 4000)}`);
    const stats = /stats: (\d+) rows in ([\d.]+) s, peak RSS ([\d.]+) MiB/.exec(r.stderr);
    const timeRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    const result = {
      rows: n,
      input: `${(statSync(file).size / 1048576).toFixed(1)} MiB`,
      seconds: Number(seconds.toFixed(1)),
      peakRssMiB: stats ? Number(stats[3]) : undefined,
      timeMaxRssMiB: timeRss ? Number((Number(timeRss[1]) / 1024).toFixed(1)) : undefined,
    };
    rmSync(file);
    rmSync(out);
    return result;
  });
}

try {
  const results = [];
  for (const n of [Math.max(1, Math.round(rows / 10)), rows]) {
    const r = await measure(n);
    results.push(r);
    console.log(
      `${which}: ${r.rows.toLocaleString('en')} rows (${r.input} CSV) in ${r.seconds} s — peak RSS ${r.peakRssMiB} MiB (process.resourceUsage)${r.timeMaxRssMiB !== undefined ? `, ${r.timeMaxRssMiB} MiB (/usr/bin/time -v)` : ''}`,
    );
  }
  console.log(JSON.stringify({ rubric: which, node: process.version, results }));
} finally {
  if (!flag('--keep')) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
