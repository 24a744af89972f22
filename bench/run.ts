/**
 * `npm run bench`: what RealCall's call path costs, measured side by side
 * in one run (machines are noisy, so every figure that matters is a ratio
 * against a baseline measured in the same run). Not a test: nothing here
 * passes or fails.
 *
 *   npm run bench                 everything (1 thousand and 1 million people)
 *   npm run bench -- --quick      1 thousand and 100 thousand people, shorter runs
 *   npm run bench -- --only api|pbx|revocation|web|nat
 *
 * Sections:
 * - api: the caller-name lookup and the realtime lookups against a trivial
 *   route of the same server (autocannon, server pinned to one core), and
 *   the server's resident memory.
 * - pbx: call setup through a real Asterisk with the lookup, against the same
 *   dialplan with the lookup replaced by a constant (when Asterisk is found).
 * - revocation: a disable reaching a real Asterisk with an empty outbox and
 *   with 10,000 routine expiries queued ahead of it (when Asterisk is found).
 * - web: gzipped JavaScript the softphone page loads, and page load to
 *   registered against a real Asterisk (when found).
 * - nat: call setup (click → ringing, answer → audio) with direct,
 *   relayed-UDP and relayed-TCP media for a caller behind a NAT (as root,
 *   with Asterisk, Chromium, coturn and nftables).
 */
import { parseArgs } from 'node:util';
import { runApiBench } from './api-bench';
import { runPbxBench } from './pbx-bench';
import { runRevocationBench } from './revocation-bench';
import { runNatBench } from './nat-bench';
import { runWebBench } from './web-bench';
import { printMachine, type Section } from './report';

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, only: { type: 'string' } },
  strict: true,
});
const quick = Boolean(values.quick);
const only = values.only;

const sections: Record<string, (quick: boolean) => Promise<Section>> = {
  api: runApiBench,
  pbx: runPbxBench,
  revocation: runRevocationBench,
  web: runWebBench,
  nat: runNatBench,
};

printMachine();
for (const [name, run] of Object.entries(sections)) {
  if (only && only !== name) continue;
  const section = await run(quick);
  console.log(`\n## ${section.title}\n`);
  for (const line of section.lines) console.log(line);
}
