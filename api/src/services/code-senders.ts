/**
 * How one-time login codes reach people. Pluggable per kind of login:
 * - e-mail over SMTP (nodemailer), when REALCALL_SMTP_URL is set;
 * - phone numbers through an SMS gateway's HTTP webhook, when
 *   REALCALL_SMS_WEBHOOK_URL is set (a JSON POST `{ to, text }`, with
 *   `Authorization: Bearer <REALCALL_SMS_WEBHOOK_TOKEN>` when given);
 * - in development only, a sender that writes the code to the API's log
 *   for a kind that has no real sender, so a development install works
 *   without a mail server.
 * A kind with no sender cannot be proven; `/api/health` says which can.
 */
import { createTransport } from 'nodemailer';
import type { LoginKind } from '../../../db/schema';
import type { Config } from '../config';

export type CodeMessage = { kind: LoginKind; to: string; code: string; expiresAt: Date };
export type CodeSender = { describe: string; send(message: CodeMessage): Promise<void> };
export type CodeSenders = Partial<Record<LoginKind, CodeSender>>;

const text = (m: CodeMessage) =>
  `Your RealCall code is ${m.code}. It proves that ${m.to} is yours and works until ` +
  `${m.expiresAt.toISOString().slice(11, 16)} UTC. If you did not ask for it, ignore this message.`;

export function smtpSender(url: string, from: string): CodeSender {
  const transport = createTransport(url);
  return {
    describe: `SMTP ${new URL(url).host}`,
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: `RealCall code ${m.code}`, text: text(m) });
    },
  };
}

export function webhookSender(url: string, token: string | undefined): CodeSender {
  return {
    describe: `webhook ${new URL(url).host}`,
    async send(m) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ to: m.to, text: text(m) }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`the SMS webhook answered ${res.status}`);
    },
  };
}

/** Development only: the code goes to the API's own log. */
export function logSender(log: (line: string) => void): CodeSender {
  return {
    describe: 'the API log (development)',
    send(m) {
      log(`[login-code] ${m.kind} ${m.to}: ${m.code} (until ${m.expiresAt.toISOString()})`);
      return Promise.resolve();
    },
  };
}

/** The senders the configuration asks for. */
export function sendersFromConfig(config: Config, log: (line: string) => void): CodeSenders {
  const senders: CodeSenders = {};
  if (config.codes.smtpUrl) senders.email = smtpSender(config.codes.smtpUrl, config.codes.mailFrom);
  if (config.codes.smsWebhookUrl)
    senders.phone = webhookSender(config.codes.smsWebhookUrl, config.codes.smsWebhookToken);
  if (config.env === 'development') {
    senders.email ??= logSender(log);
    senders.phone ??= logSender(log);
  }
  return senders;
}
