/** Placeholder filled in below. */
import type { Section } from './report';
export async function runWebBench(_quick: boolean): Promise<Section> {
  return { title: 'Web', lines: ['skipped: not written yet'] };
}
