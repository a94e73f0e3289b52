import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { THREE_MISTAKES, pos, rubricYaml } from './support/rubric-text.js';
import { tempDir } from './support/temp.js';
import { cliPath, hasStackTrace, runCli } from './support/cli.js';

/* ------------------------------------------------------------------ helpers */

const root = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const run = (...args: string[]): Run => runCli(args);

const JIANGXI = 'rubrics/jiangxi-db36-t-1609-2022.yaml';
const STRONG = 'examples/jiangxi-strong.yaml';
const MIDDLING = 'examples/jiangxi-middling.yaml';

const temp = tempDir('shequ-cli-');
const write = temp.write;
beforeAll(() => {
  expect(existsSync(cliPath), 'dist/cli.js is built').toBe(true);
});

/* ------------------------------------------------------------------ validate */

describe('validate', () => {
  const bundled = readdirSync(join(root, 'rubrics'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `rubrics/${f}`);

  it('the bundled rubrics include the Jiangxi one used below', () => {
    expect(bundled).toContain(JIANGXI);
  });

  it.each(bundled)('%s is valid (exit 0)', (file) => {
    const r = run('validate', file);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`✓ ${file}`);
  });

  it('counts the items that take evidence, and their parts apart', () => {
    expect(run('validate', 'rubrics/binjiang-2023-draft.yaml').stdout).toContain('21 items (61 with their parts), maximum 100');
    expect(run('validate', JIANGXI).stdout).toContain('80 items, maximum 100 (+ bonus 5)');
    expect(run('validate', 'rubrics/six-type.yaml').stdout).toContain('103 items, criteria met or not, no points');
  });

  it('a rubric with three mistakes prints three error blocks with file:line:col and exits 1', () => {
    const text = THREE_MISTAKES;
    const file = write('three.yaml', text);
    const r = run('validate', file);
    expect(r.status).toBe(1);
    const headers = r.stderr.split('\n').filter((l) => l.includes('error['));
    expect(headers).toHaveLength(3);
    for (const h of headers) expect(h).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error\\[`));
    const type = pos(text, 'places: "two"', '"two"');
    const range = pos(text, '"at least 3"');
    expect(r.stderr).toContain(`${file}:${type.line}:${type.column}: error[invalid-type]`);
    expect(r.stderr).toContain(`${file}:${range.line}:${range.column}: error[invalid-range]`);
    expect(r.stderr).toMatch(new RegExp(`:${pos(text, 'pionts').line}:\\d+: error\\[unknown-key\\]: .*did you mean "points"`));
    expect(r.stderr).toContain('3 problems');
  });

  it('a good file and a bad file: both reported, exit 1', () => {
    const bad = write('bad-max.yaml', rubricYaml().replace('max: 1\nsections', 'max: 2\nsections'));
    const r = run('validate', JIANGXI, bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`✓ ${JIANGXI}`);
    expect(r.stderr).toContain('error[max-mismatch]');
    expect(r.stderr).toContain(`✗ ${bad}`);
  });

  it('a file that does not exist exits 1', () => {
    const r = run('validate', join(temp.dir, 'nope.yaml'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[file-not-found]');
  });
});

/* ------------------------------------------------------------------ score */

describe('score', () => {
  it('prints 总分 and the grade (exit 0)', () => {
    const r = run('score', JIANGXI, STRONG);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // examples/jiangxi-strong.yaml, worked by hand in its header: 97.5 + bonus 3 = 100.5, five stars (≥ 92)
    expect(r.stdout).toMatch(/总分: 100\.5 \/ 100/);
    expect(r.stdout).toMatch(/等级: 五星/);
  });

  it('--item shows only those items, --unmet only those below their maximum; a wrong id is a usage error with did-you-mean', () => {
    const items = (text: string) => text.split('\n').filter((l) => /^\s+[✓✗●○◐] /.test(l)).map((l) => l.trim().split(' ')[1]);
    const some = run('score', JIANGXI, STRONG, '--item', '4.5,1.3', '--item', '2.1a');
    expect(some.status).toBe(0);
    expect(items(some.stdout)).toEqual(['1.3', '2.1a', '4.5']);
    const unmet = run('score', JIANGXI, STRONG, '--unmet');
    expect(items(unmet.stdout)).toEqual(['2.1a', '3.7a', '5.3d', 'bonus-honours']);
    for (const args of [['--item', '4.5', '--json'], ['--unmet', '--summary'], ['--item', ',']]) {
      const r = run('score', JIANGXI, STRONG, ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/not with --json|not with --summary|takes item ids/);
    }
    const wrong = run('score', JIANGXI, STRONG, '--item', '4.6');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--item takes item ids of jiangxi-db36-t-1609-2022: there is no item "4.6" (did you mean "4.5"?)');
  });

  it('--json prints JSON whose total is a string', () => {
    const r = run('score', JIANGXI, STRONG, '--json');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as { total: unknown; base: unknown; bonus: unknown; grade: { id: string } | null; sections: unknown[] };
    expect(typeof result.total).toBe('string');
    expect(result.total).toBe('100.5');
    expect(result.base).toBe('97.5');
    expect(result.bonus).toBe('3');
    expect(result.grade?.id).toBe('five-star');
    expect(result.sections.length).toBeGreaterThan(0);
  });

  it('--lang en prints "Total"', () => {
    const r = run('score', JIANGXI, STRONG, '--lang', 'en');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Total: 100\.5 \/ 100/m);
    expect(r.stdout).not.toContain('总分');
  });

  it('--summary leaves out the item lines', () => {
    const full = run('score', JIANGXI, STRONG);
    const summary = run('score', JIANGXI, STRONG, '--summary');
    expect(summary.status).toBe(0);
    expect(summary.stdout).toMatch(/总分: 100\.5/);
    expect(full.stdout).toMatch(/ 1\.1a 1 \/ 1 /);
    expect(summary.stdout).not.toMatch(/ 1\.1a 1 \/ 1 /);
  });

  it('evidence with a bad value exits 1 and names the evidence file with line:col', () => {
    const original = readFileSync(join(root, STRONG), 'utf8');
    const line = original.split('\n').find((l) => l.startsWith('  "4.5":'));
    expect(line, 'examples/jiangxi-strong.yaml gives "4.5"').toBeDefined();
    const text = original.replace(line as string, '  "4.5": 1.2');
    const file = write('bad-evidence.yaml', text);
    const at = pos(text, '"4.5": 1.2', '1.2');
    const r = run('score', JIANGXI, file);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:${at.line}:${at.column}: error[out-of-range]`);
    expect(r.stderr).toContain('"4.5": 1.2');
  });

  it('every bad value in the evidence is reported in one run', () => {
    const original = readFileSync(join(root, STRONG), 'utf8');
    const text = original
      .replace(/^ {2}"4\.5":.*$/m, '  "4.5": 1.2')
      .replace(/^ {2}"1\.2": true/m, '  "1.2": yes please')
      .replace(/^ {2}"5\.1b": 15/m, '  "5.1b": -1');
    const file = write('bad-evidence-3.yaml', text);
    const r = run('score', JIANGXI, file);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith(`${file}:`) && l.includes('error['))).toHaveLength(3);
  });

  it('evidence for another rubric is refused (exit 1)', () => {
    const r = run('score', JIANGXI, 'examples/zhoushan-good.yaml');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[rubric-mismatch]');
  });
});

/* ------------------------------------------------------------------ usage */

describe('a reader that stops early', () => {
  const piped = (command: string) => spawnSync('bash', ['-c', `"${process.execPath}" "${cliPath}" ${command} | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: root, encoding: 'utf8' });

  it('closes the pipe: a command that has written everything stops quietly with its own status, no EPIPE trace', () => {
    const r = piped(`export ${JIANGXI}`);
    expect(r.stdout).toBe('{\n');
    expect(r.stderr).toContain('status 0');
    expect(r.stderr).not.toContain('EPIPE');
  });

  it('a run cut short exits 141 (as a tool killed by SIGPIPE), never 0 as if it had passed', () => {
    const line = JSON.stringify({ evidence: { coverage: 92, 'response-time': 1.5, satisfaction: 90, completion: 96, utilisation: 85 } });
    const file = write('many.jsonl', `${Array.from({ length: 5000 }, () => line).join('\n')}\n`);
    const r = piped(`batch rubrics/service-quality-kpis.yaml ${file}`);
    expect(r.stderr).toContain('status 141');
    expect(r.stderr).not.toContain('EPIPE');
  });
});

describe('usage errors exit 2, help exits 0', () => {
  it.each([
    ['no command', []],
    ['an unknown command', ['bogus']],
    ['an unknown option', ['score', '--bogus', JIANGXI, STRONG]],
    ['score without arguments', ['score']],
    ['score with one argument', ['score', JIANGXI]],
    ['score with three arguments', ['score', JIANGXI, STRONG, STRONG]],
    ['validate without arguments', ['validate']],
    ['--lang fr', ['score', JIANGXI, STRONG, '--lang', 'fr']],
    ['--missing maybe', ['score', JIANGXI, STRONG, '--missing', 'maybe']],
    ['test --bogus', ['test', '--bogus']],
  ])('%s → 2', (_label, args) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/Usage/);
  });

  it.each(['validate', 'score', 'test'])('%s --help → 0 with its usage', (command) => {
    const r = run(command, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Usage: shequ-rubric ${command}`);
    expect(run(command, '-h').status).toBe(0);
  });

  it('--help → 0', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('shequ-rubric validate');
  });
});

/* ------------------------------------------------------------------ test */

describe('test', () => {
  it('test/fixtures/zhoushan passes (exit 0)', () => {
    const r = run('test', 'test/fixtures/zhoushan');
    expect(r.status).toBe(0);
    const summary = /fixtures: (\d+) passed, (\d+) failed/.exec(r.stdout);
    expect(summary).not.toBeNull();
    expect(Number(summary?.[1])).toBeGreaterThan(0);
    expect(summary?.[2]).toBe('0');
    expect(r.stdout).not.toContain('✗');
  });

  it('a wrong expected total exits 1 and prints expected, actual and an item trace line', () => {
    const dir = join(temp.dir, 'fixtures');
    rmSync(dir, { recursive: true, force: true });
    const rubric = relative(dir, join(root, 'rubrics/zhoushan-2017.yaml'));
    const evidence = relative(dir, join(root, 'examples/zhoushan-good.yaml'));
    // examples/zhoushan-good.yaml: class 1 = 52.18, class 2 = 40 × 88.2 / 100 = 35.28, total 87.46
    const text = [
      `rubric: ${rubric}`,
      'cases:',
      '  - name: right total',
      `    evidenceFrom: ${evidence}`,
      '    expect: { total: 87.46, grade: good }',
      '  - name: wrong total',
      `    evidenceFrom: ${evidence}`,
      '    expect: { total: 90 }',
      '',
    ].join('\n');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'wrong.yaml');
    writeFileSync(file, text);
    const r = run('test', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('✓');
    expect(r.stdout).toMatch(/✗ .*wrong total/);
    // In Chinese by default: the fixture's key as written, the sentence worded.
    expect(r.stdout).toMatch(/total：应为 90，实为 87\.46/);
    expect(run('test', file, '--lang', 'en').stdout).toMatch(/total: expected 90, got 87\.46/);
    // Ⅱ-3 at state B: 4 × 0.66 = 2.64 of 4
    expect(r.stdout).toMatch(/^\s+II-3 2\.64\/4: /m);
    expect(r.stdout).toMatch(/fixtures: 1 passed, 1 failed/);
  });

  it('prints the traces in Chinese by default, as every command does; --lang en in English', () => {
    const dir = join(temp.dir, 'fixtures-lang');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'wrong.yaml');
    const rubric = relative(dir, join(root, 'rubrics/zhoushan-2017.yaml'));
    const evidence = relative(dir, join(root, 'examples/zhoushan-good.yaml'));
    writeFileSync(file, `rubric: ${rubric}\ncases:\n  - name: wrong total\n    evidenceFrom: ${evidence}\n    expect: { total: 90 }\n`);
    const byDefault = run('test', file);
    const zh = run('test', file, '--lang', 'zh');
    const en = run('test', file, '--lang', 'en');
    expect(byDefault.status).toBe(1);
    expect(byDefault.stdout).toBe(zh.stdout);
    const trace = (out: string) => /^\s+II-3 2\.64\/4: (.*)$/m.exec(out)?.[1] ?? '';
    expect(trace(byDefault.stdout)).toMatch(/\p{Script=Han}/u);
    expect(trace(en.stdout)).not.toMatch(/\p{Script=Han}/u);
    expect(trace(en.stdout)).not.toBe('');
  });

  it('a fixture whose rubric cannot be found exits 1', () => {
    const file = write('lost.yaml', 'rubric: ./no-such-rubric.yaml\ncases:\n  - name: x\n    expect: { total: 1 }\n');
    const r = run('test', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[file-not-found]');
  });
});

/* ------------------------------------------------------------------ --out */

describe('an --out file that cannot be written: one line naming it and why, exit 1', () => {
  /** Every command that writes a file, with arguments that are otherwise good. */
  const writers: [string, string[], string][] = [
    ['export', ['export', JIANGXI], 'x.json'],
    ['template', ['template', JIANGXI], 'x.yaml'],
    ['template --format csv', ['template', JIANGXI, STRONG, '--format', 'csv'], 'x.csv'],
    ['plan', ['plan', JIANGXI, MIDDLING], 'x.json'],
    ['report', ['report', JIANGXI, MIDDLING], 'x.md'],
    ['batch', ['batch', JIANGXI, 'test/data/jiangxi-communities'], 'x.csv'],
  ];
  const expectOneLine = (r: Run, message: string) => {
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.stdout).toBe('');
    expect(hasStackTrace(r.stderr)).toBe(false);
  };

  it.each(writers)('%s into a directory that does not exist', (_label, args, name) => {
    const out = join(temp.dir, 'no-such-dir', name);
    expectOneLine(run(...args, '--out', out), `cannot write ${out}: no such directory`);
    expect(existsSync(join(temp.dir, 'no-such-dir'))).toBe(false);
  });

  it.each(writers)('%s onto a directory', (_label, args, name) => {
    const out = join(temp.dir, `dir-${name}`);
    mkdirSync(out, { recursive: true });
    expectOneLine(run(...args, '--out', out), `cannot write ${out}: is a directory`);
  });

  it.each(writers)('%s under a file taken for a directory', (_label, args, name) => {
    const out = join(JIANGXI, name);
    expectOneLine(run(...args, '--out', out), `cannot write ${out}: ${JIANGXI} is not a directory`);
  });

  it('an empty --out is a usage error (exit 2), not a file in the current directory', () => {
    const r = run('export', JIANGXI, '--out=');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--out needs a file name\n\nUsage: shequ-rubric export/);
  });

  it('template leaves no empty file behind when the evidence has problems', () => {
    const bad = write('bad-for-template.yaml', readFileSync(join(root, STRONG), 'utf8').replace(/^ {2}"4\.5":.*$/m, '  "4.5": 1.2'));
    const out = join(temp.dir, 'not-written.csv');
    const r = run('template', JIANGXI, bad, '--format', 'csv', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[out-of-range]');
    expect(existsSync(out)).toBe(false);
  });

  it('batch checks --out before reading any row, and leaves no file when the input cannot be read', () => {
    const out = join(temp.dir, 'never.csv');
    const r = run('batch', JIANGXI, join(temp.dir, 'no-such-input.csv'), '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[file-not-found]');
    expect(existsSync(out)).toBe(false);
  });

  const linux = process.platform === 'linux';

  it.runIf(linux && existsSync('/dev/full'))('a write that fails (a full disk: /dev/full) is reported the same way, and the device is left alone', () => {
    expectOneLine(run('export', JIANGXI, '--out', '/dev/full'), 'cannot write /dev/full: no space left on device');
    const link = join(temp.dir, 'full.csv');
    if (!existsSync(link)) symlinkSync('/dev/full', link);
    expectOneLine(run('batch', JIANGXI, 'test/data/jiangxi-communities', '--out', link), `cannot write ${link}: no space left on device`);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  /** Runs the command with files limited to 4 KiB (ulimit -f), so that a long write fails part way. */
  const limited = (args: string[]) => {
    const quoted = args.map((a) => `'${a}'`).join(' ');
    const r = spawnSync('bash', ['-c', `ulimit -f 4; exec "${process.execPath}" "${cliPath}" ${quoted}`], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it.runIf(linux).each([
    ['export', ['export', JIANGXI], 'big.json'],
    ['batch', ['batch', JIANGXI, 'test/data/jiangxi-communities', '--items'], 'big.csv'],
  ])('%s: a write that fails part way removes the half-written file', (_label, args, name) => {
    const out = join(temp.dir, name);
    expectOneLine(limited([...args, '--out', out]), `cannot write ${out}: file too large`);
    expect(existsSync(out)).toBe(false);
  });
});

/* ------------------------------------------------------------------ arguments */

describe('positional arguments', () => {
  it.each([
    ['score', JIANGXI, STRONG],
    ['plan', JIANGXI, MIDDLING],
    ['report', JIANGXI, MIDDLING],
    ['batch', JIANGXI, 'test/data/jiangxi-communities'],
    ['diff', JIANGXI, JIANGXI],
    ['export', JIANGXI],
    ['schema'],
  ])('%s with one argument too many names it (exit 2)', (command, ...args) => {
    const r = run(command, ...args, 'extra.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^unexpected argument "extra\\.yaml": ${command} takes .+\\n\\nUsage: shequ-rubric ${command}`));
    expect(r.stdout).toBe('');
  });

  it('two too many are both named', () => {
    const r = run('score', JIANGXI, STRONG, 'a.yaml', 'b.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^unexpected arguments "a\.yaml", "b\.yaml": score takes a rubric file and an evidence file\n/);
  });

  it('too few still says what the command needs', () => {
    expect(run('score', JIANGXI).stderr).toMatch(/^score needs a rubric file and an evidence file\n/);
    expect(run('report').stderr).toMatch(/^report needs a rubric file and an evidence file\n/);
    expect(run('template').stderr).toMatch(/^template needs a rubric file\n/);
  });

  it('commands that take any number of files take them all', () => {
    expect(run('validate', JIANGXI, 'rubrics/zhoushan-2017.yaml').status).toBe(0);
    expect(run('template', JIANGXI, STRONG, MIDDLING, '--format', 'csv').status).toBe(0);
  });
});

describe('the rubric and the evidence given the other way round', () => {
  const hint = (command: string, usage: string) => `hint: ${STRONG} looks like an evidence file, not a rubric: the rubric comes first (shequ-rubric ${command} ${usage})`;

  it.each([
    ['score', '<rubric.yaml> <evidence.yaml|json>', STRONG],
    ['plan', '<rubric.yaml> <evidence.yaml|json>', STRONG],
    ['report', '<rubric.yaml> <evidence.yaml|json>', STRONG],
    ['batch', '<rubric.yaml> <evidence.csv|evidence.jsonl|dir>', STRONG],
  ])('%s: the problems end with a hint that the rubric comes first (exit 1)', (command, usage) => {
    const r = run(command, STRONG, JIANGXI);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(hint(command, usage));
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('a rubric where the evidence goes is named as a rubric', () => {
    const r = run('score', JIANGXI, 'rubrics/zhoushan-2017.yaml');
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('hint: rubrics/zhoushan-2017.yaml looks like a rubric, not an evidence file (shequ-rubric score <rubric.yaml> <evidence.yaml|json>)');
  });

  it('validate and diff say an evidence file is not a rubric', () => {
    const v = run('validate', STRONG);
    expect(v.status).toBe(1);
    expect(v.stderr).toContain(`✗ ${STRONG}: 9 problems\nhint: ${STRONG} looks like an evidence file, not a rubric\n`);
    const d = run('diff', JIANGXI, STRONG);
    expect(d.status).toBe(1);
    expect(d.stderr).toContain(`hint: ${STRONG} looks like an evidence file, not a rubric (evidence goes after --evidence)`);
  });

  it('a rubric with mistakes, or evidence with mistakes, gets no such hint', () => {
    const rubric = run('score', write('three-for-hint.yaml', THREE_MISTAKES), STRONG);
    expect(rubric.status).toBe(1);
    expect(rubric.stderr).not.toContain('hint:');
    const evidence = run('score', JIANGXI, write('bad-value.yaml', readFileSync(join(root, STRONG), 'utf8').replace(/^ {2}"4\.5":.*$/m, '  "4.5": 1.2')));
    expect(evidence.status).toBe(1);
    expect(evidence.stderr).not.toContain('hint:');
  });
});

/* ------------------------------------------------------------------ files */

describe('a directory where a file is expected', () => {
  it.each([
    ['the rubric', ['score', 'rubrics', STRONG], 'rubrics'],
    ['the evidence', ['score', JIANGXI, 'examples'], 'examples'],
    ['a costs file', ['plan', JIANGXI, MIDDLING, '--costs', 'examples'], 'examples'],
    ['validate', ['validate', 'rubrics'], 'rubrics'],
  ])('%s: says it is a directory (invalid-type, not file-not-found), exit 1', (_label, args, dir) => {
    const r = run(...args);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${dir}: error[invalid-type]: ${dir} is a directory, not a file\n`);
    expect(r.stderr).not.toContain('file-not-found');
    expect(r.stderr).not.toContain('EISDIR');
  });
});
