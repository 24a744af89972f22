/** The command line: picks the command, turns usage mistakes into exit 64 and failures into one line. */
import { ANSWER_USAGE, answerCommand } from './answer-command';
import { CALL_USAGE, callCommand } from './call-command';
import { LOAD_USAGE, loadCommand } from './load-command';
import { REGISTER_USAGE, registerCommand } from './register-command';
import { EXIT, UsageError, type Io } from './shared';
import { SPOOF_USAGE, spoofCommand } from './spoof-command';

const COMMANDS = {
  register: { run: registerCommand, usage: REGISTER_USAGE },
  call: { run: callCommand, usage: CALL_USAGE },
  answer: { run: answerCommand, usage: ANSWER_USAGE },
  spoof: { run: spoofCommand, usage: SPOOF_USAGE },
  load: { run: loadCommand, usage: LOAD_USAGE },
} as const;

export const USAGE = `RealCall SIP test tool: proves from outside that a RealCall PBX behaves.

Usage: npm run sip -- <command> [flags]

  register                 register once; status and time
  call <extension>         place a call; with a callee, check what it was shown
  answer                   wait for calls and print what each carried
  spoof                    try forging the caller's identity; fails if any gets through
  load register|call       many registrations or calls; set-up time percentiles

Every command takes --json (one JSON document on stdout), --timeout <seconds> and --verbose
(sip.js's log on stderr). \`npm run sip -- <command> --help\` for its flags.`;

/** Runs one command line; resolves with the exit status. Never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name as keyof typeof COMMANDS] as (typeof COMMANDS)[keyof typeof COMMANDS] | undefined;
  if (!command) {
    io.err(`unknown command: ${name}\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${name}: ${error.message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    io.err(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}
