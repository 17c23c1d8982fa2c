// Development only: the emails the portal would have sent, at /dev/outbox, so the demo's
// one-time codes and links can be used without an SMTP server. Never mounted in production or
// when SMTP_URL is set.
//
// Only signed-in CRM staff see it: it holds clients' sign-in codes and reset links, and a demo
// reachable by others must not hand them out. A loopback check was the other option, but behind a
// reverse proxy on the same machine every request arrives from 127.0.0.1, so it would let everyone
// in; the staff sign-in holds wherever the app runs. (The codes are also printed in the console.)
import ejs from 'ejs';
import path from 'node:path';
import type { DevOutbox } from '../../../src/index.ts';
import type { CrmPlugin } from '../crm-plugin.ts';

const VIEW = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'views/dev-outbox.ejs');

export function devOutboxPlugin(outbox: DevOutbox): CrmPlugin {
  return {
    mountStaff(app, { requireStaff }) {
      app.get('/dev/outbox', requireStaff, async (_req, res) => {
        const html = await ejs.renderFile(VIEW, { messages: outbox.messages() });
        res.set('Cache-Control', 'no-store').type('html').send(html);
      });
    },
  };
}
