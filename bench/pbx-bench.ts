/** Placeholder filled in below once the SIP tool's load runner is available. */
import type { Section } from './report';
export async function runPbxBench(_quick: boolean): Promise<Section> {
  return { title: 'PBX: call setup', lines: ['skipped: not written yet'] };
}
