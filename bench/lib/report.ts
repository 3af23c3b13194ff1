// Tables built from throughput records, shared by the sections and run.ts's summary.
import type { Cell, Table, ThroughputRecord } from './contract.js';
import { shortCorpus } from './shared.js';
import { fmt, pct, spread } from './stats.js';

export interface LabelColumn {
  header: string;
  get(r: ThroughputRecord): string;
}

/**
 * One row per distinct label tuple, and for each corpus its MB/s and millions of tokens/s; then
 * the worst noise (half range of the passes over their median) and the output checks.
 */
export function throughputTable(records: ThroughputRecord[], corpora: string[], labels: LabelColumn[], title?: string): Table {
  const rows = new Map<string, { label: string[]; by: Map<string, ThroughputRecord> }>();
  for (const r of records) {
    const label = labels.map((l) => l.get(r));
    const key = label.join('\u0000');
    if (!rows.has(key)) rows.set(key, { label, by: new Map() });
    rows.get(key)!.by.set(r.corpus, r);
  }
  const columns = [...labels.map((l) => l.header)];
  for (const c of corpora) columns.push(`${shortCorpus(c)} MB/s`, `${shortCorpus(c)} Mtok/s`);
  columns.push('noise', 'output');
  const body: Cell[][] = [...rows.values()].map(({ label, by }) => {
    const cells: Cell[] = [...label];
    for (const c of corpora) {
      const r = by.get(c);
      cells.push(r ? fmt(r.mbps) : null, r ? fmt(r.tokensPerSecond / 1e6) : null);
    }
    const recs = [...by.values()];
    cells.push(pct(Math.max(...recs.map((r) => spread(r.seconds)))));
    cells.push(summarizeChecks(recs));
    return cells;
  });
  return { title, columns, rows: body, align: 'l'.repeat(labels.length) + 'r'.repeat(2 * corpora.length + 1) + 'l' };
}

/** 'golden 5263/5263' ×3 → 'golden ✓'; any shortfall is spelled out. */
function summarizeChecks(recs: ThroughputRecord[]): string {
  const checks = recs.map((r) => r.check ?? 'not checked');
  const parsed = checks.map((c) => /^(.*) (\d+)\/(\d+)$/.exec(c));
  if (parsed.every((m) => m && m[2] === m[3]) && new Set(parsed.map((m) => m![1])).size === 1)
    return `${parsed[0]![1]} ✓ (${parsed.reduce((a, m) => a + Number(m![3]), 0)} docs)`;
  const distinct = [...new Set(checks)];
  return distinct.length === 1 ? distinct[0]! : recs.map((r) => `${shortCorpus(r.corpus)}: ${r.check ?? '?'}`).join('; ');
}
