// Development only: the emails the portal would have sent, at /dev/outbox, so the demo's
// one-time codes and links can be used without an SMTP server. Never mounted in production or
// when SMTP_URL is set.
import ejs from 'ejs';
import path from 'node:path';
import type { DevOutbox } from '../../src/mail/mailer.ts';
import type { CrmPlugin } from './app.ts';

const VIEW = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'views/dev-outbox.ejs');

export function devOutboxPlugin(outbox: DevOutbox): CrmPlugin {
  return {
    mountPublic(app) {
      app.get('/dev/outbox', async (_req, res) => {
        const html = await ejs.renderFile(VIEW, { messages: outbox.messages() });
        res.set('Cache-Control', 'no-store').type('html').send(html);
      });
    },
  };
}
