/** `register`: one REGISTER (challenge included), its status and time, then unregister. */
import { describeRegistration, register } from '../register';
import {
  callerAccount,
  COMMON,
  CREDENTIALS,
  CREDENTIALS_HELP,
  describeAccount,
  EXIT,
  ms,
  parse,
  seconds,
  type Io,
} from './shared';

export const REGISTER_USAGE = `Usage: npm run sip -- register [credentials] [--timeout 10] [--json] [--verbose]

Registers, reports the final status and the time from REGISTER to it, then unregisters.
Exit status 0 when registered, 1 otherwise.

${CREDENTIALS_HELP}`;

export async function registerCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...COMMON, ...CREDENTIALS });
  if (values.help) {
    io.out(REGISTER_USAGE);
    return EXIT.ok;
  }
  const timeoutMs = seconds(values.timeout, 10, '--timeout');
  const { account } = await callerAccount(values, io, timeoutMs);
  const result = await register(account, { timeoutMs, log: values.verbose ? io.err : undefined });
  if (values.json) {
    io.out(JSON.stringify({ command: 'register', account: describeAccount(account), ...result }, null, 2));
  } else {
    const where = `${account.user}@${account.domain} via ${account.wsUrl}`;
    io.out(
      result.ok
        ? `${where}: ${describeRegistration(result)} in ${ms(result.ms)} (WebSocket connect ${ms(result.connectMs)})`
        : `${where}: ${describeRegistration(result)} (after ${ms(result.ms)})`,
    );
  }
  return result.ok ? EXIT.ok : EXIT.failed;
}
