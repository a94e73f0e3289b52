#!/usr/bin/env node
/**
 * Writes schema/rubric.schema.json: the JSON Schema of the rubric format,
 * generated from the library's zod schemas (run `npm run build` first).
 * With --check, writes nothing and exits 1 when the shipped file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rubricJsonSchema } from '../dist/index.js';

const target = fileURLToPath(new URL('../schema/rubric.schema.json', import.meta.url));
const text = `${JSON.stringify(rubricJsonSchema(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== text) {
    process.stderr.write('schema/rubric.schema.json is stale: run `npm run schema`\n');
    process.exit(1);
  }
  process.stdout.write('schema/rubric.schema.json is up to date\n');
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
