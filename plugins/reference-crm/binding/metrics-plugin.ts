// The portal's Prometheus metrics at /metrics, for a scraper holding METRICS_TOKEN
// (`Authorization: Bearer <token>`). Without a token configured the route does not exist.
//
// Not a loopback check: behind a reverse proxy on the same machine every request arrives from
// 127.0.0.1, so it would publish the metrics to everyone (see dev-outbox.ts). Not the staff
// sign-in: a scraper has no browser session. A token works wherever the app runs.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { CustomerPortal } from '../../../src/index.ts';
import type { CrmPlugin } from '../crm-plugin.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function metricsPlugin(portal: Pick<CustomerPortal, 'metricsHandler'>, options: { token: string }): CrmPlugin {
  const expected = digest(`Bearer ${options.token}`);
  const requireToken: RequestHandler = (req, res, next) => {
    // Compared as fixed-length digests: neither the length nor the content leaks through timing.
    if (timingSafeEqual(digest(req.get('Authorization') ?? ''), expected)) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer').set('Cache-Control', 'no-store').type('text').send('A metrics token is required.');
  };
  return {
    mountPublic(app) {
      app.get('/metrics', requireToken, portal.metricsHandler);
    },
  };
}
