// Markdown tables, padded so RESULTS.md also reads well as plain text.
import type { Cell, Table } from './contract.js';

const text = (c: Cell): string => (c === null || c === undefined ? '—' : String(c)).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(t: Table): string {
  const cols = t.columns.length;
  const align = t.align ?? 'l' + 'r'.repeat(Math.max(0, cols - 1));
  const rows = t.rows.map((r) => Array.from({ length: cols }, (_, i) => text(r[i] ?? null)));
  const width = t.columns.map((h, i) =>
    Math.max(
      3,
      [...rows.map((r) => r[i]!), h].reduce((w, s) => Math.max(w, [...s].length), 0),
    ),
  );
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, width[i]! - [...s].length));
    return align[i] === 'r' ? fill + s : s + fill;
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [t.title ? `**${t.title}**\n` : '', line(t.columns.map(text)), rule, ...rows.map(line)].filter((x) => x !== '').join('\n');
}
