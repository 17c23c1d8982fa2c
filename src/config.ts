// The portal's configuration, validated once at start-up.
import { z } from 'zod';

export const PortalConfigSchema = z.object({
  /** Public base URL of the host app, used in links sent by email (no trailing slash). */
  appUrl: z.url().transform((url) => url.replace(/\/+$/, '')),
  /** Where the host mounts the client router. */
  portalPath: z.string().regex(/^\/[a-z0-9/_-]*$/i).default('/portal'),
  /** Where the host mounts the admin router, inside its own settings area. */
  adminPath: z.string().regex(/^\/[a-z0-9/_-]*$/i).default('/settings/client-portal'),
  /** Where the host mounts the staff notifications router (any staff user, not only admins). */
  notificationsPath: z.string().regex(/^\/[a-z0-9/_-]*$/i).default('/client-portal/notifications'),
  /** Signs the session cookie and keys the one-time-code HMAC. */
  sessionSecret: z.string().min(32, 'sessionSecret must be at least 32 characters'),
  /** Secure cookies: on in production, off for http://localhost. */
  secureCookies: z.boolean().default(false),
  sessionMaxAgeHours: z.number().int().positive().max(24 * 90).default(24 * 14),
});

export type PortalConfig = z.infer<typeof PortalConfigSchema>;
export type PortalConfigInput = z.input<typeof PortalConfigSchema>;
