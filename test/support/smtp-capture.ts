// A real SMTP server inside the test process: the portal's mailer connects and delivers over SMTP,
// and tests read back what arrived. mailparser is not installed, so parseMessage below decodes the
// MIME that nodemailer writes: headers with encoded words, quoted-printable/base64/7bit/8bit bodies
// and nested multipart parts.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMessage {
  /** Envelope recipients, lower-cased. */
  to: string[];
  /** Envelope sender. */
  from: string;
  subject: string;
  /** The text/plain part, decoded, with LF line ends. */
  text: string;
  /** The text/html part, decoded, when the message has one. */
  html?: string;
  /** Top-level headers, names lower-cased, values decoded. */
  headers: Record<string, string>;
  raw: string;
}

export interface SmtpCapture {
  /** smtp://127.0.0.1:PORT, ready for createMailer({ smtpUrl }). */
  url: string;
  /** Every message received since start or the last clear(), oldest first. */
  messages: CapturedMessage[];
  waitForMessage(predicate: (message: CapturedMessage) => boolean, timeoutMs?: number): Promise<CapturedMessage>;
  clear(): void;
  stop(): Promise<void>;
}

// --- MIME, on "binary" strings (one char per byte) so that byte-level decoding stays exact -------

interface Part {
  headers: Record<string, string>;
  body: string;
}

function splitHeadBody(binary: string): Part {
  const match = /\r?\n\r?\n/.exec(binary);
  const head = match ? binary.slice(0, match.index) : binary;
  const body = match ? binary.slice(match.index + match[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // The first occurrence wins: trace headers added later in transit come first in the file.
    headers[name] ??= line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function contentType(headers: Record<string, string>): { type: string; params: Record<string, string> } {
  const [type = 'text/plain', ...rest] = (headers['content-type'] ?? 'text/plain').split(';');
  const params: Record<string, string> = {};
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    params[item.slice(0, eq).trim().toLowerCase()] = item
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params };
}

// A soft line break is the "=" at a line's end alone: a space before it is the text's own
// ("their client =\r\nportal" is "their client portal").
function decodeQuotedPrintable(binary: string): string {
  return binary.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function bytesToText(binary: string, charset = 'utf-8'): string {
  const bytes = Buffer.from(binary, 'latin1');
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function decodeBody(part: Part): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(part.body)
      : encoding === 'base64'
        ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('latin1')
        : part.body;
  return bytesToText(bytes, contentType(part.headers).params.charset).replace(/\r\n/g, '\n').trimEnd();
}

/** RFC 2047 encoded words (=?charset?B|Q?...?=); whitespace between two of them is dropped. */
function decodeHeaderValue(binary: string): string {
  const value = bytesToText(binary);
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_m, charset: string, encoding: string, text: string) =>
      encoding.toLowerCase() === 'b'
        ? bytesToText(Buffer.from(text, 'base64').toString('latin1'), charset)
        : bytesToText(decodeQuotedPrintable(text.replace(/_/g, ' ')), charset),
    );
}

/** Walks a part and its multipart children, keeping the first text/plain and text/html bodies. */
function collectBodies(part: Part, found: { text?: string; html?: string }): void {
  const { type, params } = contentType(part.headers);
  if (type.startsWith('multipart/') && params.boundary) {
    const delimiter = `--${params.boundary}`;
    const sections = part.body.split(new RegExp(`\\r?\\n?${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // sections[0] is the preamble; a section starting with "--" is the closing delimiter's epilogue.
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      collectBodies(splitHeadBody(section.replace(/^[ \t]*\r?\n/, '')), found);
    }
    return;
  }
  const disposition = (part.headers['content-disposition'] ?? '').toLowerCase();
  if (disposition.startsWith('attachment')) return;
  if (type === 'text/plain' && found.text === undefined) found.text = decodeBody(part);
  if (type === 'text/html' && found.html === undefined) found.html = decodeBody(part);
}

export function parseMessage(raw: Buffer | string, to: string[], from: string): CapturedMessage {
  const binary = typeof raw === 'string' ? Buffer.from(raw, 'utf8').toString('latin1') : raw.toString('latin1');
  const top = splitHeadBody(binary);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(top.headers)) headers[name] = decodeHeaderValue(value);
  const found: { text?: string; html?: string } = {};
  collectBodies(top, found);
  return {
    to,
    from,
    subject: headers.subject ?? '',
    text: found.text ?? '',
    ...(found.html !== undefined ? { html: found.html } : {}),
    headers,
    raw: bytesToText(binary),
  };
}

// --- the server ------------------------------------------------------------------------------------

/** `port` 0 (the default) picks a free one; a fixed port lets a test bring "the mail server" back where it was. */
export async function startSmtpCapture(options: { port?: number } = {}): Promise<SmtpCapture> {
  const messages: CapturedMessage[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: STARTTLS would make nodemailer upgrade to a self-signed certificate.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push(parseMessage(Buffer.concat(chunks), to, from));
        for (const wake of [...waiters]) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitForMessage(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = messages.map((m) => `"${m.subject}" to ${m.to.join(', ')}`).join('; ') || 'none';
          reject(new Error(`No matching email within ${timeoutMs} ms. Received: ${seen}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    clear() {
      messages.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
