// One schema per single sign-on action, the staff's forms and the client's start and return. Each
// message is a key of the singleSignOn namespace, shown in the reader's language.
import { z } from 'zod';
import { checkboxField } from '../../core/index.ts';
import { mayUsePlainHttp } from './openid.ts';

const next = z.string().max(500).optional();
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export const ProviderIdParam = z.uuid();

/** Where a single sign-on starts: a provider's button, or the email typed on the sign-in page. */
export const StartCommand = z
  .object({
    providerId: z.uuid('singleSignOn:errors.provider').optional(),
    email: z.string().trim().toLowerCase().max(320).optional(),
    next,
  })
  .refine((input) => input.providerId !== undefined || (input.email ?? '').includes('@'), {
    path: ['email'],
    message: 'singleSignOn:errors.email',
  });

/** What the provider sends the browser back with: the whole address goes to the library as it came. */
export const CallbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(1024).optional(),
  error: z.string().max(200).optional(),
});

/** Why a callback was refused, as its page names it, with the status that page answers. */
export const REFUSAL_STATUS = { expired: 400, cancelled: 400, failed: 400, unverifiedEmail: 403, noAccount: 403 } as const;
export type CallbackRefusal = keyof typeof REFUSAL_STATUS;

/** The refusal page's address: the reason, and the provider to try again with where there was one. */
export const RefusedQuery = z.object({
  reason: z.enum(Object.keys(REFUSAL_STATUS) as [CallbackRefusal, ...CallbackRefusal[]]),
  provider: ProviderIdParam.optional(),
});
export type RefusedInput = z.infer<typeof RefusedQuery>;

const issuerUrl = z
  .string()
  .trim()
  .max(500, 'singleSignOn:errors.issuerUrl')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || mayUsePlainHttp(url)) && !url.search && !url.hash && !url.username;
    } catch {
      return false;
    }
  }, 'singleSignOn:errors.issuerUrl')
  .transform((value) => value.replace(/\/+$/, ''));

export const ProviderCommand = z.object({
  displayName: z.string().trim().min(1, 'singleSignOn:errors.displayName').max(80, 'singleSignOn:errors.displayName'),
  issuerUrl,
  clientId: z.string().trim().min(1, 'singleSignOn:errors.clientId').max(255, 'singleSignOn:errors.clientId'),
  /** Write-only: empty keeps the secret already saved (or none, for a public client). */
  clientSecret: z.string().max(2000, 'singleSignOn:errors.clientSecret').optional().default(''),
  scopes: z
    .string()
    .trim()
    .max(500, 'singleSignOn:errors.scopes')
    .transform((value) => value.split(/\s+/).filter(Boolean))
    .refine(
      (scopes) => scopes.includes('openid') && scopes.includes('email') && scopes.every((s) => SCOPE.test(s)),
      'singleSignOn:errors.scopes',
    )
    .transform((scopes) => [...new Set(scopes)].join(' ')),
  mfaSatisfiesTwoFactor: checkboxField,
});

export const BindingCommand = z.object({
  clientId: z.string().trim().min(1, 'singleSignOn:errors.company').max(64, 'singleSignOn:errors.company'),
  emailDomains: z
    .string()
    .max(2000, 'singleSignOn:errors.domains')
    .transform((value) => [
      ...new Set(
        value
          .toLowerCase()
          .split(/[\s,;]+/)
          .filter(Boolean)
          .map((d) => d.replace(/^@/, '')),
      ),
    ])
    .refine(
      (domains) => domains.length >= 1 && domains.length <= 20 && domains.every((d) => DOMAIN.test(d)),
      'singleSignOn:errors.domains',
    ),
  signInMode: z.enum(['any', 'sso_only'], 'singleSignOn:errors.signInMode'),
  allowSelfRegistration: checkboxField,
});

/** A button's form: only its CSRF token. */
export const ProviderActionCommand = z.object({});

export const ProvidersQuery = z.object({ notice: z.enum(['added', 'saved', 'disabled', 'enabled', 'bound', 'unbound']).optional() });

export type StartInput = z.infer<typeof StartCommand>;
export type CallbackInput = z.infer<typeof CallbackQuery>;
export type ProviderInput = z.infer<typeof ProviderCommand>;
export type BindingInput = z.infer<typeof BindingCommand>;
export type ProvidersQueryInput = z.infer<typeof ProvidersQuery>;

/** The identity provider's form post to the consumer service (HTTP-POST binding). */
export const AcsCommand = z.object({
  SAMLResponse: z
    .string()
    .max(96 * 1024)
    .regex(/^[A-Za-z0-9+/=\s]+$/),
  RelayState: z.string().max(1000).optional(),
});

/** The consumer service's move to the portal page that completes the sign-in in the visitor's session. */
export const SamlContinueQuery = z.object({ handoff: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

export type AcsInput = z.infer<typeof AcsCommand>;
export type SamlContinueInput = z.infer<typeof SamlContinueQuery>;

const optionalText = (max: number, message: string) => z.string().trim().max(max, message).optional().default('');
const samlUrl = z
  .string()
  .trim()
  .max(500, 'singleSignOn:errors.samlUrl')
  .refine((value) => {
    if (value === '') return true;
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || mayUsePlainHttp(url)) && !url.username;
    } catch {
      return false;
    }
  }, 'singleSignOn:errors.samlUrl')
  .optional()
  .default('');

/**
 * A SAML provider as staff give it: the identity provider's metadata (pasted, or its address), or
 * its fields one by one; fields typed win over the metadata's. The second certificate is the one a
 * rollover brings: both are accepted until the old one is removed.
 */
export const SamlProviderCommand = z.object({
  displayName: z.string().trim().min(1, 'singleSignOn:errors.displayName').max(80, 'singleSignOn:errors.displayName'),
  metadataUrl: samlUrl,
  metadataXml: optionalText(30 * 1024, 'singleSignOn:errors.metadata'),
  idpEntityId: optionalText(500, 'singleSignOn:errors.entityId'),
  ssoUrl: samlUrl,
  signingCertificate: optionalText(8000, 'singleSignOn:errors.certificate'),
  secondSigningCertificate: optionalText(8000, 'singleSignOn:errors.certificate'),
  emailAttribute: z.string().trim().min(1, 'singleSignOn:errors.emailAttribute').max(255, 'singleSignOn:errors.emailAttribute'),
  wantAssertionsSigned: checkboxField,
  allowIdpInitiated: checkboxField,
});
export type SamlProviderInput = z.infer<typeof SamlProviderCommand>;
