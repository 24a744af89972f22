/** Small helpers for printing benchmark tables the same way everywhere. */
import { cpus, totalmem } from 'node:os';

export type Section = { title: string; lines: string[] };

export function printMachine(): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`# RealCall benchmarks — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
}

/** A Markdown table with right-aligned numbers. */
export function table(head: string[], rows: (string | number)[][]): string[] {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    fmt(head),
    `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`,
    ...cells.slice(1).map(fmt),
  ];
}

export const ms = (v: number) => v.toFixed(2);
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
