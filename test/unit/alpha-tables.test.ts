// The samplers' per-alpha weight tables: built once per alpha while it stays among the last
// ALPHA_TABLES used, the least recently used one evicted and its table handed back for reuse.
import { describe, expect, it } from 'vitest';
import { ALPHA_TABLES, AlphaTables } from '../../src/engine/alpha-tables.js';

describe('AlphaTables', () => {
  it('builds a table once per alpha while it stays among the last ALPHA_TABLES used', () => {
    const built: [number, string | undefined][] = [];
    const tables = new AlphaTables<string>((alpha, reuse) => {
      built.push([alpha, reuse]);
      return `table ${alpha}`;
    });
    const alphas = Array.from({ length: ALPHA_TABLES }, (_, i) => 0.1 * (i + 1));
    for (let round = 0; round < 3; round++) for (const a of alphas) expect(tables.get(a)).toBe(`table ${a}`);
    expect(built).toEqual(alphas.map((a) => [a, undefined]));
  });

  it('evicts the least recently used alpha and hands its table to the next build', () => {
    const built: [number, string | undefined][] = [];
    const tables = new AlphaTables<string>((alpha, reuse) => {
      built.push([alpha, reuse]);
      return `table ${alpha}`;
    });
    const alphas = Array.from({ length: ALPHA_TABLES }, (_, i) => i);
    for (const a of alphas) tables.get(a);
    tables.get(0); // 0 is now the most recent; 1 the least
    tables.get(99);
    expect(built.at(-1)).toEqual([99, 'table 1']);
    built.length = 0;
    tables.get(0);
    tables.get(99);
    expect(built).toEqual([]); // both still kept
    tables.get(1);
    expect(built).toEqual([[1, `table ${ALPHA_TABLES > 2 ? 2 : 0}`]]);
  });
});
