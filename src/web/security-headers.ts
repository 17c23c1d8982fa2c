// Security headers for every portal and admin response: a strict CSP (scripts and styles only
// from our own origin, nothing inline; branding colours come from a stylesheet URL), no framing,
// no referrer leaking tokens in reset links.
import helmet from 'helmet';

export function securityHeaders(options: { secure: boolean }) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(options.secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.secure,
    crossOriginEmbedderPolicy: false,
  });
}
