import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A temporary directory for one test file, removed afterwards, and a way to write files into it. */
export function tempDir(prefix: string): { readonly dir: string; write(name: string, text: string): string } {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    write(name, text) {
      // Called within a test, tempDir's hooks never run: the file went to the working directory (rows.jsonl at the root).
      if (!dir) throw new Error(`tempDir: no directory to write ${name} in; call tempDir in a file or a describe, not in a test`);
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
  };
}
