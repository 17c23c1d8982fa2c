// What the portal keeps in its own session (never the host's).
import 'express-session';

/** The portal's own session cookie, apart from the host's. */
export const SESSION_COOKIE = 'portal.sid';

export interface PortalSessionAuth {
  workspaceId: string;
  clientUserId: string;
  signedInAt: string;
  ip: string | null;
  userAgent: string | null;
}

declare module 'express-session' {
  interface SessionData {
    portal?: PortalSessionAuth;
    csrfToken?: string;
  }
}
