/**
 * `npm run sip -- <command>`: the SIP test tool's command line (see
 * src/cli/main.ts for the commands, src/index.ts for the library). This is
 * the only file that touches the process: argv, the environment, Ctrl-C,
 * the exit status.
 */
import { main } from './src/cli/main';

const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());

const status = await main(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  signal: interrupt.signal,
});
process.exitCode = status;
