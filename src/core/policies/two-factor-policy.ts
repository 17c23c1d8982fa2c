// Who must, and who may, use two-factor authentication.
import type { PortalSettings } from '../settings/portal-settings.ts';

/** Paths a client who must still set up two-factor may reach (relative to the workspace portal). */
const SETUP_PATHS = /^\/account\/(two-factor(\/.*)?|confirmation-code)$/;

/** With the workspace requiring two-factor, a client without it reaches only the set-up pages. */
export function mustSetUpTwoFactor(settings: PortalSettings, enabled: boolean): boolean {
  return settings.requireTwoFactor && !enabled;
}

export function isTwoFactorSetupPath(path: string): boolean {
  return SETUP_PATHS.test(path);
}

/** A client may switch two-factor off unless the workspace requires it. */
export function mayRemoveTwoFactor(settings: PortalSettings): boolean {
  return !settings.requireTwoFactor;
}
