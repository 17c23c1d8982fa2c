// The portal, and the hosts that ship with it, set helmet's headers from a list worked out once at
// start-up; a response must carry exactly what helmet itself would have set, in plain and secure
// (HTTPS) mode.
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { hostHelmet, hostSecurityHeaders } from '../../plugins/shared/host-http.ts';
import { helmetFor, securityHeaders } from '../../src/core/web/security-headers.ts';

const VARYING = new Set(['date', 'etag', 'content-length', 'connection', 'keep-alive']);

async function headersOf(middleware: express.RequestHandler): Promise<Record<string, unknown>> {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.send('<p>page</p>');
  });
  const res = await request(app).get('/').expect(200);
  return Object.fromEntries(Object.entries(res.headers).filter(([name]) => !VARYING.has(name)));
}

describe('security headers', function () {
  for (const secure of [false, true]) {
    it(`are exactly helmet's (secure: ${secure}), X-Powered-By removed`, async function () {
      const ours = await headersOf(securityHeaders({ secure }));
      const helmets = await headersOf(helmetFor({ secure }));
      expect(ours).to.deep.equal(helmets);
      expect(ours).to.have.property('content-security-policy').that.contains("script-src 'self'");
      expect(ours).to.not.have.property('x-powered-by');
      if (secure) expect(ours).to.have.property('strict-transport-security');
      else expect(ours).to.not.have.property('strict-transport-security');
    });
  }

  for (const secureCookies of [false, true]) {
    it(`a host's own are exactly its helmet's (secure cookies: ${secureCookies})`, async function () {
      const hosts = await headersOf(hostHelmet(secureCookies));
      const replayed = await headersOf(hostSecurityHeaders(secureCookies));
      expect(replayed).to.deep.equal(hosts);
      expect(replayed).to.have.property('referrer-policy', 'same-origin');
      expect(replayed).to.not.have.property('x-powered-by');
    });
  }
});
