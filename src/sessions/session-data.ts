// What the portal keeps in its own session (never the host's).
import 'express-session';

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
