// Email through nodemailer. With an SMTP URL it sends for real; without one, a development outbox
// keeps the latest messages in memory and logs each one, so the demo's one-time codes and links
// work on a laptop with no mail server.
import nodemailer from 'nodemailer';
import type { Mailer, MailMessage } from '../ports/services.ts';

/** A file a message carries, as a mail program shows it: its name, type and bytes. */
interface OutboxAttachment {
  name: string;
  /** The MIME type as sent, with its parameters (text/calendar; method=REQUEST). */
  contentType: string;
  content: Buffer;
}

interface OutboxMessage {
  /** The message's number in this run: its attachments' downloads name it. */
  id: number;
  to: string;
  subject: string;
  text: string;
  attachments: OutboxAttachment[];
  sentAt: Date;
}

export interface DevOutbox {
  /** The kept messages, newest first (a copy). */
  messages(): OutboxMessage[];
  clear(): void;
}

/** What nodemailer names the calendar part it also attaches as a file (icalEvent's filename). */
const INVITATION_FILE = 'invitation.ics';

/** The files a message carries: so far only its calendar invitation, named as SMTP sends it. */
function attachmentsOf(message: MailMessage): OutboxAttachment[] {
  if (!message.calendar) return [];
  return [
    {
      name: INVITATION_FILE,
      contentType: `text/calendar; method=${message.calendar.method}`,
      content: Buffer.from(message.calendar.content, 'utf8'),
    },
  ];
}

export interface MailerOptions {
  /** e.g. smtp://user:pass@mail.example.com:587 or smtps://...; unset → development outbox. */
  smtpUrl?: string | undefined;
  /** The From header, e.g. `Client portal <portal@agency.example>`. */
  from: string;
  /** Where the development outbox reports each message. Defaults to console.log. */
  logger?: ((line: string) => void) | undefined;
}

// Enough to find a recent code in a demo; bounded so a long-running dev server does not grow.
export const OUTBOX_SIZE = 50;

export function createMailer(options: MailerOptions): Mailer & { outbox?: DevOutbox } {
  if (!options.from.trim()) throw new Error('The mailer needs a From address.');
  if (options.smtpUrl) return smtpMailer(options.smtpUrl, options.from);
  return devOutboxMailer(options.logger ?? ((line) => console.log(line)));
}

function smtpMailer(smtpUrl: string, from: string): Mailer {
  let protocol: string;
  try {
    protocol = new URL(smtpUrl).protocol;
  } catch {
    throw new Error('SMTP URL is not a valid URL (expected smtp://host:port or smtps://host:port).');
  }
  // Checked here so a typo fails at start-up, not at the first sign-in; the URL itself is not
  // repeated in the message because it may carry a password.
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    throw new Error(`SMTP URL must start with smtp:// or smtps://, not ${protocol}//.`);
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message: MailMessage) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        // nodemailer's calendar part: text/calendar with the method, also attached as a file.
        ...(message.calendar
          ? { icalEvent: { method: message.calendar.method, filename: INVITATION_FILE, content: message.calendar.content } }
          : {}),
      });
    },
  };
}

function devOutboxMailer(logger: (line: string) => void): Mailer & { outbox: DevOutbox } {
  const kept: OutboxMessage[] = [];
  let sent = 0;
  return {
    async send(message: MailMessage) {
      sent += 1;
      kept.unshift({
        id: sent,
        to: message.to,
        subject: message.subject,
        text: message.text,
        attachments: attachmentsOf(message),
        sentAt: new Date(),
      });
      if (kept.length > OUTBOX_SIZE) kept.length = OUTBOX_SIZE;
      // One call per message, text indented under the heading, so a code stays readable in a busy log.
      const body = message.text.trimEnd().replace(/^/gm, '  ');
      logger(`mail to ${message.to}: ${message.subject}\n${body}`);
    },
    outbox: {
      messages: () => kept.map((m) => ({ ...m, attachments: [...m.attachments] })),
      clear: () => {
        kept.length = 0;
      },
    },
  };
}
