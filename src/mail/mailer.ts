// Email through nodemailer. With SMTP_URL it sends for real; without it, a development outbox
// keeps the last messages in memory and logs each one, so the demo's codes and links work offline.
import nodemailer from 'nodemailer';
import type { Mailer, MailMessage } from '../ports/services.ts';

export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  sentAt: Date;
}

export interface DevOutbox {
  /** Newest first. */
  messages(): OutboxMessage[];
}

const OUTBOX_SIZE = 50;

export function createMailer(options: { smtpUrl?: string | undefined; from: string; logger?: (line: string) => void }): Mailer & { outbox?: DevOutbox } {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(message: MailMessage) {
        await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, ...(message.html ? { html: message.html } : {}) });
      },
    };
  }
  const kept: OutboxMessage[] = [];
  const log = options.logger ?? ((line: string) => console.log(line));
  return {
    async send(message: MailMessage) {
      kept.unshift({ to: message.to, subject: message.subject, text: message.text, sentAt: new Date() });
      kept.length = Math.min(kept.length, OUTBOX_SIZE);
      log(`[mail] to ${message.to}: ${message.subject}\n${message.text.replace(/^/gm, '  ')}`);
    },
    outbox: { messages: () => [...kept] },
  };
}
