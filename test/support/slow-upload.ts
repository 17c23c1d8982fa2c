// A form with a file posted as a browser on a slow line sends it: the fields, then the file, whose
// last megabyte (and the end of the form) comes a moment after the rest. By then the server has
// refused a file over its cap, before the file ended: the moment a reader that left the file
// half-read once waited in for ever, whatever the speed of the storage behind it.
import { CookieAccessInfo } from 'cookiejar';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type request from 'supertest';

const BOUNDARY = 'slow-upload-boundary';
const HELD_BACK_BYTES = 1024 * 1024;
const PAUSE_MS = 1000;

export interface SlowUploadAnswer {
  status: number;
  text: string;
  /** The Location header; '' for none. */
  location: string;
}

/** The body as a browser sends it, cut where the held-back part starts. */
function multipart(fields: Record<string, string>, file: { field: string; filename: string; content: Buffer }): [Buffer, Buffer] {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const fileHead =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n` +
    'Content-Type: application/pdf\r\n\r\n';
  const body = Buffer.concat([Buffer.from(parts.join('') + fileHead), file.content, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
  const cut = Math.max(body.length - HELD_BACK_BYTES, 0);
  return [body.subarray(0, cut), body.subarray(cut)];
}

/**
 * Posts the fields and a PDF under `file.field` (`attachments` unless told) to `url` with the
 * agent's cookies, the file's end held back a moment, and reads the answer.
 */
export function postFileSlowly(
  agent: ReturnType<typeof request.agent>,
  url: string,
  fields: Record<string, string>,
  file: { field?: string; filename: string; content: Buffer },
  headers: Record<string, string> = {},
): Promise<SlowUploadAnswer> {
  const target = new URL(url);
  // HttpOnly cookies are sent by the browser, not read by script: ask the jar as the browser.
  const cookie = agent.jar.getCookies(new CookieAccessInfo(target.hostname, target.pathname, false, false)).toValueString();
  const [head, tail] = multipart(fields, { field: file.field ?? 'attachments', filename: file.filename, content: file.content });
  return new Promise((resolve, reject) => {
    const req = http.request(target, {
      method: 'POST',
      headers: {
        ...headers,
        Cookie: cookie,
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length': String(head.length + tail.length),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), location: res.headers.location ?? '' }),
      );
    });
    req.on('error', reject);
    req.write(head);
    void sleep(PAUSE_MS).then(() => req.end(tail));
  });
}
