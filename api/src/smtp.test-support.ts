/**
 * A real SMTP server on 127.0.0.1 (smtp-server), keeping every message it is
 * handed, parsed with mailparser: the login-code tests send through
 * nodemailer to it, so nothing of RealCall's own is faked.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type Mail = { to: string[]; subject: string; text: string };

export type SmtpSink = {
  url: string;
  mails: Mail[];
  /** The last message to `to`; a message is kept before the server answers 250, so it is here once a send returns. */
  lastTo(to: string): Mail | undefined;
  /** Makes the server refuse every message with 451 from now on (or accept again). */
  refuse(on: boolean): void;
  close(): Promise<void>;
};

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: Mail[] = [];
  let refusing = false;
  const server = new SMTPServer({
    // Loopback only, no TLS (smtp-server's bundled certificate is expired) and no AUTH.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      // The envelope is cleared once the callback runs: read it first.
      const to = session.envelope.rcptTo.map((r) => r.address);
      if (refusing) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('try later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((parsed) => {
          mails.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '' });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    mails,
    lastTo: (to) => mails.filter((m) => m.to.includes(to)).at(-1),
    refuse(on) {
      refusing = on;
    },
    close: () => new Promise((resolveClose) => server.close(() => resolveClose())),
  };
}
