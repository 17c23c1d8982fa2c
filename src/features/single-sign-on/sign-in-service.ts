// Who a single sign-on signs in. The provider proves a person (its ID token, checked by the
// library in openid.ts); the portal then decides whether that person is one of its client users:
// an enabled client user of a company bound to this provider, found by the provider account seen
// before (`sub`) or else by a verified email of one of the binding's domains, which is then
// remembered. A company that allows it gets a portal account for a contact of its own at the first
// sign-in; nobody else is created. Every refusal is logged with its reason; the person reads one
// message that does not say which check failed.
import type { Knex } from 'knex';
import {
  type ClientUserRow,
  findClientUserByEmail,
  findClientUserById,
  type HostAdapter,
  type HostWorkspace,
  insertActivity,
  insertClientUser,
  mayUsePortal,
  type RequestMeta,
} from '../../core/index.ts';
import type { VerifiedClaims } from './openid.ts';
import { type BindingRow, findBinding, findIdentityUser, type ProviderRow, rememberIdentity } from './queries.ts';

/** The `amr` values that say the provider asked more than a password (RFC 8176). */
const MULTI_FACTOR_AMR = new Set(['mfa', 'otp', 'hwk']);

export type RefusalReason = 'unverified_email' | 'no_email' | 'domain_not_bound' | 'no_account' | 'other_company' | 'disabled';

export type MatchResult = { ok: true; user: ClientUserRow; secondFactorDone: boolean } | { ok: false; reason: RefusalReason };

/** The domain part of an email, lower case; null for something that is not one. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  const domain =
    at > 0
      ? email
          .slice(at + 1)
          .trim()
          .toLowerCase()
      : '';
  return domain.length > 0 ? domain : null;
}

/** Whether the provider's own multi-factor counts as the portal's second factor for this sign-in. */
function providerDidMultiFactor(provider: Pick<ProviderRow, 'mfa_satisfies_two_factor'>, amr: readonly string[]): boolean {
  return provider.mfa_satisfies_two_factor && amr.some((value) => MULTI_FACTOR_AMR.has(value));
}

export function createSingleSignOnMatcher(deps: { db: Knex; adapter: HostAdapter }) {
  const { db, adapter } = deps;

  /** The company's binding, when it binds this provider and lists the email's domain. */
  async function bindingFor(workspaceId: string, provider: ProviderRow, clientId: string, domain: string): Promise<BindingRow | null> {
    const binding = await findBinding(db, workspaceId, clientId);
    if (!binding || binding.provider_id !== provider.id) return null;
    return binding.email_domains.includes(domain) ? binding : null;
  }

  /** A contact of a company that allows self-registration becomes a client user at its first sign-in. */
  async function register(workspace: HostWorkspace, provider: ProviderRow, email: string, domain: string): Promise<ClientUserRow | null> {
    const contacts = await adapter.contacts.findByEmail(workspace.id, email);
    for (const contact of contacts) {
      const binding = await bindingFor(workspace.id, provider, contact.clientId, domain);
      if (!binding?.allow_self_registration) continue;
      try {
        return await insertClientUser(db, {
          workspaceId: workspace.id,
          clientId: contact.clientId,
          contactId: contact.id,
          email,
          status: 'active',
        });
      } catch {
        // Two first sign-ins at once: the other request created it.
        return findClientUserByEmail(db, workspace.id, email);
      }
    }
    return null;
  }

  async function refuse(
    workspace: HostWorkspace,
    provider: ProviderRow,
    meta: RequestMeta,
    reason: RefusalReason,
    who: { user?: ClientUserRow | null; email?: string | null },
  ): Promise<MatchResult> {
    await insertActivity(db, {
      workspaceId: workspace.id,
      event: 'sign_in.failed',
      clientUserId: who.user?.id ?? null,
      clientId: who.user?.client_id ?? null,
      email: who.user?.email ?? who.email ?? null,
      details: { method: 'sso', providerId: provider.id, reason },
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    return { ok: false, reason };
  }

  return {
    async match(workspace: HostWorkspace, provider: ProviderRow, claims: VerifiedClaims, meta: RequestMeta): Promise<MatchResult> {
      const email = claims.email;
      if (!email) return refuse(workspace, provider, meta, 'no_email', {});
      // An email the provider did not verify could be anyone's: it matches nobody, not even a
      // provider account seen before (its email may have been changed to someone else's).
      if (!claims.emailVerified) return refuse(workspace, provider, meta, 'unverified_email', { email });
      const domain = emailDomain(email);
      if (!domain) return refuse(workspace, provider, meta, 'no_email', { email });

      const rememberedId = await findIdentityUser(db, workspace.id, provider.id, claims.sub);
      let user = rememberedId ? await findClientUserById(db, workspace.id, rememberedId) : null;
      user ??= await findClientUserByEmail(db, workspace.id, email);
      user ??= await register(workspace, provider, email, domain);
      if (!user) return refuse(workspace, provider, meta, 'no_account', { email });
      // The company bound to this provider, from one of its domains, is checked on every sign-in:
      // a binding removed or narrowed since the account was remembered stops it.
      const binding = await bindingFor(workspace.id, provider, user.client_id, domain);
      if (!binding) {
        const bound = await findBinding(db, workspace.id, user.client_id);
        return refuse(workspace, provider, meta, bound?.provider_id === provider.id ? 'domain_not_bound' : 'other_company', { user });
      }
      if (!mayUsePortal(user.status)) return refuse(workspace, provider, meta, 'disabled', { user });
      await rememberIdentity(db, workspace.id, provider.id, claims.sub, user.id);
      return { ok: true, user, secondFactorDone: providerDidMultiFactor(provider, claims.amr) };
    },
  };
}

export type SingleSignOnMatcher = ReturnType<typeof createSingleSignOnMatcher>;
