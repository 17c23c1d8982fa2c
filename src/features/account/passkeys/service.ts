// The two WebAuthn ceremonies, through @simplewebauthn/server: registering a passkey for a signed-in
// client user, and signing in with one. The relying party is the portal at the address the person
// came in at (the portal's own, config.appUrl, or the workspace's custom domain): its host name is
// the RP ID and its origin the only one accepted. Challenges are made here and kept in the session
// by the handlers; nothing the browser says about them is trusted.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Knex } from 'knex';
import type { ClientUserRow, HostWorkspace } from '../../../core/index.ts';
import { findPasskeyByCredential, insertPasskey, listPasskeys, type PasskeyRow, recordPasskeyUse } from './queries.ts';

/** How long a ceremony's challenge holds: the browser's prompt is open for at most this long. */
export const CHALLENGE_MINUTES = 5;
/** A person keeps at most this many passkeys: each is a way in, and the list must stay readable. */
export const MAX_PASSKEYS = 20;

/** Who the passkeys belong to: the portal at one origin. */
export interface RelyingParty {
  origin: string;
  rpId: string;
  name: string;
}

export function relyingPartyAt(origin: string, workspace: HostWorkspace): RelyingParty {
  const url = new URL(origin);
  return { origin: url.origin, rpId: url.hostname, name: workspace.name };
}

const fromBase64Url = (value: string) => new Uint8Array(Buffer.from(value, 'base64url'));
const toBase64Url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const transportsOf = (row: PasskeyRow) => (row.transports ? row.transports.split(',') : []) as AuthenticatorTransport[];
type AuthenticatorTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

export type PasskeySignInResult =
  | { ok: true; passkey: PasskeyRow; userVerified: boolean }
  | { ok: false; reason: 'unknown_passkey' | 'invalid_assertion' | 'replayed'; passkey?: PasskeyRow };

export type RegistrationResult = { ok: true } | { ok: false; reason: 'invalid' | 'duplicate' };

export class PasskeyService {
  constructor(private readonly db: Knex) {}

  /** Creation options for a new passkey of this person: discoverable, verified where the device can. */
  async registrationOptions(rp: RelyingParty, user: ClientUserRow, displayName: string) {
    const existing = await listPasskeys(this.db, user.workspace_id, user.id);
    return generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.rpId,
      userName: user.email,
      userDisplayName: displayName,
      // The client user's id, not their email: the authenticator keeps it, and gives it back at sign-in.
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      // The same authenticator twice would only be a second name for one key.
      excludeCredentials: existing.map((row) => ({ id: row.credential_id, transports: transportsOf(row) })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      timeout: CHALLENGE_MINUTES * 60_000,
    });
  }

  /** Checks the authenticator's answer against the challenge this session made, and stores the passkey. */
  async register(
    rp: RelyingParty,
    user: ClientUserRow,
    challenge: string,
    response: RegistrationResponseJSON,
    name: string,
  ): Promise<RegistrationResult> {
    let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification: false,
      });
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (!verification.verified) return { ok: false, reason: 'invalid' };
    const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
    const stored = await insertPasskey(this.db, {
      workspaceId: user.workspace_id,
      clientUserId: user.id,
      credentialId: credential.id,
      publicKey: toBase64Url(credential.publicKey),
      signCount: credential.counter,
      transports: (credential.transports ?? []).join(','),
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
      name,
    });
    return stored ? { ok: true } : { ok: false, reason: 'duplicate' };
  }

  /** Request options for a sign-in with any passkey of this portal (discoverable: no email asked). */
  signInOptions(rp: RelyingParty) {
    return generateAuthenticationOptions({ rpID: rp.rpId, userVerification: 'preferred', timeout: CHALLENGE_MINUTES * 60_000 });
  }

  /** Request options for one person's passkeys, as their second factor after a password, code or link. */
  secondFactorOptions(rp: RelyingParty, rows: PasskeyRow[]) {
    return generateAuthenticationOptions({
      rpID: rp.rpId,
      allowCredentials: rows.map((row) => ({ id: row.credential_id, transports: transportsOf(row) })),
      userVerification: 'preferred',
      timeout: CHALLENGE_MINUTES * 60_000,
    });
  }

  /**
   * Finds the passkey by its credential id within this workspace, checks the signature, the
   * challenge, the origin and the counter, and records the use (once: a second use of the same
   * counter loses the conditional update).
   */
  async signIn(
    workspaceId: string,
    rp: RelyingParty,
    challenge: string,
    response: AuthenticationResponseJSON,
  ): Promise<PasskeySignInResult> {
    const passkey = await findPasskeyByCredential(this.db, workspaceId, response.id);
    if (!passkey) return { ok: false, reason: 'unknown_passkey' };
    // The authenticator names the person it made the passkey for; it must be the passkey's owner.
    if (response.response.userHandle && response.response.userHandle !== toBase64Url(new TextEncoder().encode(passkey.client_user_id)))
      return { ok: false, reason: 'invalid_assertion', passkey };
    const counter = Number(passkey.sign_count);
    let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        credential: { id: passkey.credential_id, publicKey: fromBase64Url(passkey.public_key), counter, transports: transportsOf(passkey) },
        requireUserVerification: false,
      });
    } catch (err) {
      // The library refuses a counter that did not move past the stored one: a copied authenticator, or a replay.
      const replayed = err instanceof Error && /counter/i.test(err.message);
      return { ok: false, reason: replayed ? 'replayed' : 'invalid_assertion', passkey };
    }
    if (!verification.verified) return { ok: false, reason: 'invalid_assertion', passkey };
    const info = verification.authenticationInfo;
    if (!(await recordPasskeyUse(this.db, workspaceId, passkey.id, counter, info.newCounter, info.credentialBackedUp)))
      return { ok: false, reason: 'replayed', passkey };
    return { ok: true, passkey, userVerified: info.userVerified };
  }
}
