// What every server that hosts the portal sets up the same way: the reference CRM's (npm start)
// and the standalone portal server beside a CRM that is not Node (npm run portal -- serve).
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import { replayedHeaders } from '../../src/index.ts';

/** TRUST_PROXY as Express takes it: true/false, a hop count, or a list of addresses and names. */
export function trustProxySetting(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** A strict CSP (no inline script or style, nothing from elsewhere) and the usual headers, as helmet sets them. */
export function hostHelmet(secureCookies: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Over plain HTTP (local demo) upgrading would break every request.
        upgradeInsecureRequests: secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: secureCookies ? { maxAge: 15_552_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

/** hostHelmet's headers: they depend on nothing in the request, so helmet runs once and they are replayed on each answer. */
export function hostSecurityHeaders(secureCookies: boolean): RequestHandler {
  return replayedHeaders(hostHelmet(secureCookies));
}
