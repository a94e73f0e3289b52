/**
 * Which item each key of an evidence record names, found in the for-in pass
 * that reads the record. Records from one source share their key order (a
 * file's columns, a form's fields), so the last record's order is tried
 * first: one string comparison instead of a map lookup. A cache: a key names
 * the same item whichever way it is found.
 */
export class KeyOrder {
  private keys: readonly string[];
  private indices: readonly (number | undefined)[];
  private stale = false;

  constructor(private readonly itemIndex: ReadonlyMap<string, number>) {
    this.keys = [...itemIndex.keys()];
    this.indices = [...itemIndex.values()];
  }

  /** The item index of a record's own key, the `at`-th in for-in order (undefined: it names no item). */
  indexOf(key: string, at: number): number | undefined {
    if (this.keys[at] === key) return this.indices[at];
    this.stale = true;
    return this.itemIndex.get(key);
  }

  /** After a record was read to its end: its order is the one tried first from now on. */
  learn(record: object): void {
    if (!this.stale) return;
    this.keys = Object.keys(record);
    this.indices = this.keys.map((k) => this.itemIndex.get(k));
    this.stale = false;
  }
}
