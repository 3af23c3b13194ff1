/**
 * The per-alpha weight tables of both samplers: built on first use of an alpha, kept for the last
 * ALPHA_TABLES alphas (a table is as large as the trie, so a few, least recently used out; a
 * caller alternating two or three alphas never rebuilds). Each engine says how a table is built
 * (a Float64Array in JS, a region of linear memory in WASM); the evicted table is handed back for
 * reuse.
 */
export const ALPHA_TABLES = 3;

export class AlphaTables<T> {
  /** Most recently used first. */
  private readonly entries: { alpha: number; table: T }[] = [];

  constructor(private readonly build: (alpha: number, reuse: T | undefined) => T) {}

  get(alpha: number): T {
    const { entries } = this;
    if (entries.length > 0 && entries[0]!.alpha === alpha) return entries[0]!.table;
    const at = entries.findIndex((e) => e.alpha === alpha);
    let entry = at >= 0 ? entries.splice(at, 1)[0] : undefined;
    if (!entry) entry = { alpha, table: this.build(alpha, entries.length >= ALPHA_TABLES ? entries.pop()!.table : undefined) };
    entries.unshift(entry);
    return entry.table;
  }
}
