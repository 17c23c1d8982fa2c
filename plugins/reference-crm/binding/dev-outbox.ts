// Development only: the emails the portal would have sent, at /dev/outbox, so the demo's
// one-time codes and links can be used without an SMTP server. Never mounted in production or
// when SMTP_URL is set. Each message lists the files it carries (an appointment's invitation) with
// their name, type and size, each a download, so a demo shows what a mail program would.
//
// Only signed-in CRM staff see it: it holds clients' sign-in codes and reset links, and a demo
// reachable by others must not hand them out. A loopback check was the other option, but behind a
// reverse proxy on the same machine every request arrives from 127.0.0.1, so it would let everyone
// in; the staff sign-in holds wherever the app runs. (The codes are also printed in the console.)
import ejs from 'ejs';
import path from 'node:path';
import { z } from 'zod';
import type { DevOutbox } from '../../../src/index.ts';
import type { CrmPlugin } from '../crm-plugin.ts';

const VIEW = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'views/dev-outbox.ejs');

/** A message's number and an attachment's place in it, as the page links them. */
const AttachmentParams = z.object({
  message: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  index: z.coerce.number().int().min(0).max(100),
});

/** "1.4 KB" or "312 bytes": what a mail program shows beside a file. */
function sizeInWords(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** An attachment's name as a Content-Disposition filename: the outbox's own names are ASCII, anything else goes. */
function asciiName(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}

export function devOutboxPlugin(outbox: DevOutbox): CrmPlugin {
  return {
    mountStaff(app, { requireStaff }) {
      app.get('/dev/outbox', requireStaff, async (_req, res) => {
        const messages = outbox.messages().map((message) => ({
          ...message,
          attachments: message.attachments.map((file, index) => ({
            name: file.name,
            contentType: file.contentType,
            size: sizeInWords(file.content.length),
            href: `/dev/outbox/${message.id}/attachments/${index}`,
          })),
        }));
        const html = await ejs.renderFile(VIEW, { messages });
        res.set('Cache-Control', 'no-store').type('html').send(html);
      });
      app.get('/dev/outbox/:message/attachments/:index', requireStaff, (req, res) => {
        const params = AttachmentParams.safeParse(req.params);
        const message = params.success ? outbox.messages().find((m) => m.id === params.data.message) : undefined;
        const file = params.success ? message?.attachments[params.data.index] : undefined;
        // The outbox keeps the latest messages only: an old link finds nothing, said in words.
        if (!file) {
          res.status(404).type('text').send('That attachment is not in the outbox (it keeps the latest emails only).');
          return;
        }
        res
          .status(200)
          .set({
            'Content-Type': `${file.contentType}; charset=utf-8`,
            'Content-Disposition': `attachment; filename="${asciiName(file.name)}"`,
            'X-Content-Type-Options': 'nosniff',
            'Cache-Control': 'no-store',
            'Content-Security-Policy': "default-src 'none'; sandbox",
          })
          .send(file.content);
      });
    },
  };
}
