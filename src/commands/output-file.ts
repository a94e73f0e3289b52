import { constants, createWriteStream, type WriteStream } from 'node:fs';
import { access, lstat, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsReason } from '../fs-reason.js';
import { OutputError, UsageError } from './command.js';

/** The --out value: a file name (an empty one is a usage error, not "no such directory"). */
export function outPath(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError('--out needs a file name');
  return value;
}

/** Why a write failed: opening a file in a directory that does not exist says ENOENT, which reads "no such file" elsewhere. */
function cannotWrite(path: string, e: unknown): OutputError {
  return new OutputError(path, (e as { code?: unknown } | null)?.code === 'ENOENT' ? 'no such directory' : fsReason(e));
}

/**
 * Checks, before any work and without creating anything, that --out can be
 * written: not a directory, in a directory that exists and may be written.
 * The write itself can still fail (a full disk); writeOutput and openOutput
 * say so in the same words.
 */
export async function checkOutput(path: string): Promise<void> {
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory()) throw new OutputError(path, 'is a directory');
  if (target) {
    await access(path, constants.W_OK).catch((e: unknown) => {
      throw cannotWrite(path, e);
    });
    return;
  }
  const dir = dirname(path);
  const parent = await stat(dir).catch((e: unknown) => {
    throw cannotWrite(path, e);
  });
  if (!parent.isDirectory()) throw new OutputError(path, `${dir} is not a directory`);
  await access(dir, constants.W_OK).catch((e: unknown) => {
    throw cannotWrite(path, e);
  });
}

/** Whether a failed write may remove the path: only a regular file, never /dev/full, a pipe, a terminal or a symbolic link. */
const removable = (path: string): Promise<boolean> =>
  lstat(path)
    .then((s) => s.isFile())
    .catch(() => false);

/** Closes a file a failed write left half written, and removes it. */
async function discard(path: string, handle: FileHandle): Promise<void> {
  await handle.close().catch(() => undefined);
  if (await removable(path)) await unlink(path).catch(() => undefined);
}

/** Writes the whole text to --out; when that fails, nothing half written stays behind. */
export async function writeOutput(path: string, text: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'w');
  } catch (e) {
    throw cannotWrite(path, e);
  }
  try {
    await handle.writeFile(text, 'utf8');
  } catch (e) {
    await discard(path, handle);
    throw cannotWrite(path, e);
  }
  await handle.close().catch((e: unknown) => {
    throw cannotWrite(path, e);
  });
}

/** An --out file open as a stream, for results written row by row. */
export interface OutputStream {
  stream: WriteStream;
  /** Settles as the work does, or rejects with an OutputError as soon as a write fails (the work may be waiting on 'drain'). */
  guard<T>(work: Promise<T>): Promise<T>;
  /** Closes the stream and removes the file, after a failed run. */
  discard(): Promise<void>;
}

/** Opens --out for writing row by row; a path that cannot be opened is an OutputError, and so is every later write error. */
export async function openOutput(path: string): Promise<OutputStream> {
  const stream = createWriteStream(path);
  // Listened to from the start: a write error is never an unhandled 'error' event, and fails the run through guard.
  let failure: OutputError | undefined;
  stream.on('error', (e) => {
    failure ??= cannotWrite(path, e);
  });
  // Settles with the work, or rejects when the stream fails first (the work may be waiting on a 'drain' that never
  // comes). A listener per call, removed when it settles: a race against one long-pending promise would keep a
  // reaction for every row of a batch (10^6 rows grew the heap by hundreds of MiB).
  const guard = <T>(work: Promise<T>): Promise<T> =>
    failure
      ? Promise.reject(failure)
      : new Promise<T>((resolve, reject) => {
          const onError = () => reject(failure);
          stream.once('error', onError);
          work.then(
            (v) => {
              stream.off('error', onError);
              resolve(v);
            },
            (e: unknown) => {
              stream.off('error', onError);
              reject(e);
            },
          );
        });
  await guard(new Promise<void>((resolve) => stream.once('ready', () => resolve())));
  const regular = await removable(path);
  return {
    stream,
    guard,
    async discard() {
      stream.destroy();
      if (regular) await unlink(path).catch(() => undefined);
    },
  };
}
