#!/usr/bin/env node
/**
 * Writes dist/rubrics/<name>.json for each bundled rubrics/<name>.yaml: the
 * rubric as exportRubric gives it, for apps that load it with
 * parseRubricJson (no YAML parser) or import it as JSON. Part of
 * `npm run build`, after tsup; test/rubric-json.test.ts checks the files.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportRubricFile } from '../dist/node.js';

const rubrics = fileURLToPath(new URL('../rubrics/', import.meta.url));
const target = fileURLToPath(new URL('../dist/rubrics/', import.meta.url));
mkdirSync(target, { recursive: true });
const files = readdirSync(rubrics).filter((f) => f.endsWith('.yaml')).sort();
for (const file of files) {
  const value = await exportRubricFile(`${rubrics}${file}`);
  writeFileSync(`${target}${basename(file, '.yaml')}.json`, `${JSON.stringify(value, null, 2)}\n`);
}
process.stdout.write(`wrote ${files.length} rubrics to dist/rubrics/ as JSON\n`);
