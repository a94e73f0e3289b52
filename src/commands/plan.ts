import { compile, type CompiledRubric } from '../compile.js';
import { loadCostsFile, type CostsFile } from '../costs-file.js';
import { RubricError, type Issue } from '../issues.js';
import { loadEvidenceFile, loadRubricFile } from '../node.js';
import { checkEvidenceFile } from './evidence-check.js';
import { checkItemIds } from './item-ids.js';
import { formatPlan, plan, type Plan } from '../plan.js';
import { lang, missingPolicy, out, UsageError, type Command } from './command.js';
import { checkOutput, outPath, writeOutput } from './output-file.js';

/** Checks --target against the rubric's grades: a wrong id is a usage error. */
export function checkTarget(compiled: CompiledRubric, target: unknown): string | undefined {
  if (target === undefined) return undefined;
  const ids = (compiled.rubric.grades?.bands ?? []).map((b) => b.id);
  if (typeof target !== 'string' || !ids.includes(target)) {
    throw new UsageError(ids.length ? `--target takes a grade of ${compiled.rubric.id}: ${ids.join(', ')} (not "${String(target)}")` : `the rubric ${compiled.rubric.id} has no grades`);
  }
  return target;
}

/** Loads the rubric, evidence and costs named on the command line and plans. */
export async function planFromFiles(values: Record<string, unknown>, files: string[]): Promise<{ plan: Plan; compiled: CompiledRubric; doc: Awaited<ReturnType<typeof loadEvidenceFile>>; missing: 'error' | 'zero'; hints: Issue[] }> {
  const missing = missingPolicy(values.missing);
  const [rubricFile, evidenceFile] = files as [string, string];
  const compiled = compile(await loadRubricFile(rubricFile));
  const target = checkTarget(compiled, values.target);
  const fixed = checkItemIds(compiled, values.fixed, '--fixed');
  const doc = await loadEvidenceFile(evidenceFile);
  const hints = checkEvidenceFile(compiled, doc, missing);
  let costs: CostsFile | undefined;
  if (values.costs !== undefined) costs = await loadCostsFile(String(values.costs));
  try {
    const p = plan(compiled, doc.evidence, {
      ...(target ? { target } : {}),
      ...(costs ? { costs: costs.costs } : {}),
      ...(fixed ? { fixed } : {}),
      missing,
      ...(doc.community !== undefined ? { community: doc.community } : {}),
    });
    return { plan: p, compiled, doc, missing, hints };
  } catch (e) {
    if (e instanceof RubricError && costs && e.issues.every((i) => i.path[0] === 'items' || i.path[0] === 'rubric')) throw costs.place(e.issues);
    throw e;
  }
}

export const planCommand: Command = {
  summary: '<rubric.yaml> <evidence.yaml|json>  plan the improvements that reach a grade',
  usage: `Usage: shequ-rubric plan <rubric.yaml> <evidence.yaml|json> [options]

For a community below a grade, finds the improvements that reach it: which
items, from which outcome to which, the points each gives and the evidence
change that achieves it. Without costs: the fewest changes (ties: the least
overshoot, then rubric order). With a costs file: the cheapest set, found
exactly. Blocking gates must pass; every plan is checked by re-scoring the
changed evidence.

Options:
--target <grade id>   the grade to reach (default: the next grade up)
--costs <costs.yaml>  what raising each item costs (see the README)
--fixed <id,…>        items the plan must not change (honours won, say: bonus-honours);
                      repeat it or separate ids with commas
--json                print the plan as JSON
--out <file>          write the changed evidence (the plan applied) as JSON
--lang zh|en          language (default zh)
--missing zero        score items without evidence as 0 instead of failing

Exit codes: 0 planned (or the target is met already), 1 out of reach (the
reasons are printed), problems in the files or an --out file that cannot be
written, 2 usage.`,
  options: { target: { type: 'string' }, costs: { type: 'string' }, fixed: { type: 'string', multiple: true }, json: { type: 'boolean' }, out: { type: 'string' }, lang: { type: 'string' }, missing: { type: 'string' } },
  args: { fixed: ['rubric', 'evidence'], takes: 'a rubric file and an evidence file' },
  async run(values, files) {
    const language = lang(values.lang);
    const outFile = outPath(values.out);
    if (outFile !== undefined) await checkOutput(outFile);
    const { plan: p, compiled, doc } = await planFromFiles(values, files);
    // The changed evidence as an evidence document: the rubric and community kept, so it scores and batches as the original did.
    const changed = { rubric: doc.rubric ?? compiled.rubric.id, ...(doc.community !== undefined ? { community: doc.community } : {}), evidence: p.evidence };
    if (outFile !== undefined && p.evidence) await writeOutput(outFile, `${JSON.stringify(changed, null, 2)}\n`);
    out(values.json ? JSON.stringify(p, null, 2) : formatPlan(p, { lang: language }));
    return p.status === 'unreachable' ? 1 : 0;
  },
};
