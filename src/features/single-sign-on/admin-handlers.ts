// The agency's single sign-on pages: the workspace's identity providers (add, edit, disable,
// enable), and on each provider's page the companies it signs in, with their email domains and
// whether passwords and codes still work for them. The client secret is a write-only field: left
// empty, the saved one stays. Every form goes back to a GET page (post/redirect/get); a refused one
// is shown again with what was typed (never the secret) and a 400: among the refusals, an issuer
// at an address the server must not request (issuer-network.ts).
import type { Request, Response } from 'express';
import {
  type FieldErrors,
  type HostAdapter,
  notFound,
  parseParam,
  type PortalConfig,
  renderAdminPage,
  staffContext,
} from '../../core/index.ts';
import { type BindingInput, type ProviderInput, ProviderIdParam, type ProvidersQueryInput, type SamlProviderInput } from './commands.ts';
import { certificatePem, type IdpMetadata, readIdpMetadata } from './idp-metadata.ts';
import type { IssuerNetwork } from './issuer-network.ts';
import type { SamlProviderFields } from './providers.ts';
import type { SamlSignIn } from './saml-sign-in.ts';
import { presentBindings, presentCompanyChoices, presentProvider } from './presenters.ts';
import type { Providers } from './providers.ts';

const PROVIDER_NOT_FOUND = 'We could not find that identity provider.';
const DEFAULT_SCOPES = 'openid email profile';

type ProviderForm = Partial<Record<'displayName' | 'issuerUrl' | 'clientId' | 'scopes', string>> & { mfaSatisfiesTwoFactor?: boolean };
type SamlForm = Partial<
  Record<
    | 'displayName'
    | 'metadataUrl'
    | 'metadataXml'
    | 'idpEntityId'
    | 'ssoUrl'
    | 'signingCertificate'
    | 'secondSigningCertificate'
    | 'emailAttribute',
    string
  >
> & { wantAssertionsSigned?: boolean; allowIdpInitiated?: boolean };
type BindingForm = Partial<Record<'clientId' | 'emailDomains' | 'signInMode', string>> & { allowSelfRegistration?: boolean };

/** What a refused form typed, as text, without the secret. */
function typed(req: Request): ProviderForm & BindingForm {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 2000) : undefined);
  const form: Record<string, unknown> = {};
  for (const key of ['displayName', 'issuerUrl', 'clientId', 'scopes', 'emailDomains', 'signInMode']) {
    const value = text(key);
    if (value !== undefined) form[key] = value;
  }
  form.mfaSatisfiesTwoFactor = body.mfaSatisfiesTwoFactor !== undefined;
  form.allowSelfRegistration = body.allowSelfRegistration !== undefined;
  return form as ProviderForm & BindingForm;
}

/** What a refused SAML form typed, as text (the metadata and certificates are public documents). */
function typedSaml(req: Request): SamlForm {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const form: Record<string, unknown> = {};
  for (const key of [
    'displayName',
    'metadataUrl',
    'metadataXml',
    'idpEntityId',
    'ssoUrl',
    'signingCertificate',
    'secondSigningCertificate',
    'emailAttribute',
  ]) {
    if (typeof body[key] === 'string') form[key] = (body[key] as string).slice(0, 60_000);
  }
  form.wantAssertionsSigned = body.wantAssertionsSigned !== undefined;
  form.allowIdpInitiated = body.allowIdpInitiated !== undefined;
  return form as SamlForm;
}

/** How long the server waits for a metadata address. */
const METADATA_TIMEOUT_MS = 10_000;

export function createSingleSignOnAdminHandlers(deps: {
  providers: Providers;
  network: Pick<IssuerNetwork, 'refusal' | 'get'>;
  adapter: Pick<HostAdapter, 'clients'>;
  config: Pick<PortalConfig, 'appUrl'>;
  saml: Pick<SamlSignIn, 'entityIdOf' | 'addressesOf' | 'settingsOf'>;
  /** In production an assertion must be signed itself: the form refuses to say otherwise. */
  production: boolean;
}) {
  const { providers, network, adapter, config, saml, production } = deps;
  /**
   * What the agency gives its SAML identity provider: the workspace's one entity id (the metadata's
   * address too), the consumer service at the portal's own address, and one at each verified
   * custom domain (all of them in the metadata).
   */
  const serviceProviderView = async (res: Response) => {
    const { entityId, consumerServices } = await saml.addressesOf(staffContext(res).workspace);
    const [acsUrl, ...atDomains] = consumerServices;
    return { entityId, acsUrl, atDomains, metadataHref: entityId };
  };
  const listHref = (res: Response) => `${staffContext(res).base}/single-sign-on`;
  /** The address an agency registers at its provider: one per workspace, whichever provider. */
  const redirectUri = (res: Response) => `${config.appUrl}${staffContext(res).portalBase}/sign-in/sso/callback`;

  const companiesOf = async (workspaceId: string) => {
    const clients = await adapter.clients.list(workspaceId);
    return { clients, names: new Map(clients.map((client) => [client.id, client.name])) };
  };
  /** The names of the bound companies only, where the host can find clients by id (a CRM may hold thousands). */
  const boundNames = async (workspaceId: string, ids: string[]) => {
    if (!adapter.clients.findByIds) return (await companiesOf(workspaceId)).names;
    const clients = ids.length > 0 ? await adapter.clients.findByIds(workspaceId, [...new Set(ids)]) : [];
    return new Map(clients.map((client) => [client.id, client.name]));
  };

  function showNew(req: Request, res: Response, form: ProviderForm = {}, errors: FieldErrors = {}, status = 200) {
    const { i18n } = staffContext(res);
    renderAdminPage(
      req,
      res,
      'single-sign-on/provider-new',
      i18n.t('singleSignOn:staff.newTitle'),
      {
        action: listHref(res),
        backHref: listHref(res),
        redirectUri: redirectUri(res),
        form: { scopes: DEFAULT_SCOPES, ...form },
        errors,
      },
      status,
    );
  }

  async function showProvider(
    req: Request,
    res: Response,
    forms: { provider?: ProviderForm; binding?: BindingForm; saml?: SamlForm } = {},
    errors: { provider?: FieldErrors; binding?: FieldErrors; saml?: FieldErrors } = {},
    status = 200,
  ) {
    const { workspace, base, i18n } = staffContext(res);
    const id = parseParam(ProviderIdParam, req.params.providerId);
    const [row, [, bindings], companies] = await Promise.all([
      providers.find(workspace.id, id),
      providers.list(workspace.id),
      companiesOf(workspace.id),
    ]);
    if (!row) throw notFound(PROVIDER_NOT_FOUND);
    const provider = presentProvider(base, row, bindings, companies.names, i18n.t);
    const notice = (res.locals.query as ProvidersQueryInput | undefined)?.notice;
    const settings = await saml.settingsOf(row);
    renderAdminPage(
      req,
      res,
      'single-sign-on/provider',
      provider.displayName,
      {
        provider,
        backHref: listHref(res),
        redirectUri: redirectUri(res),
        notice: notice ? i18n.t(`singleSignOn:staff.notices.${notice}`) : null,
        form: {
          displayName: row.display_name,
          issuerUrl: row.issuer_url,
          clientId: row.client_id,
          scopes: row.scopes,
          mfaSatisfiesTwoFactor: row.mfa_satisfies_two_factor,
          ...forms.provider,
        },
        bindingForm: { signInMode: 'any', allowSelfRegistration: false, ...forms.binding },
        bindings: presentBindings(provider.href, row.id, bindings, companies.names, i18n.t),
        companyChoices: presentCompanyChoices(companies.clients, forms.binding?.clientId),
        errors: errors.provider ?? {},
        bindingErrors: errors.binding ?? {},
        toggleAction: `${provider.href}/${row.enabled ? 'disable' : 'enable'}`,
        bindAction: `${provider.href}/bindings`,
        saml: settings
          ? {
              action: `${provider.href}/saml`,
              sp: await serviceProviderView(res),
              form: {
                displayName: row.display_name,
                metadataUrl: settings.metadata_url ?? '',
                idpEntityId: settings.idp_entity_id,
                ssoUrl: settings.sso_url,
                signingCertificate: settings.signing_certificates[0] ?? '',
                secondSigningCertificate: settings.signing_certificates[1] ?? '',
                emailAttribute: settings.email_attribute,
                wantAssertionsSigned: settings.want_assertions_signed,
                allowIdpInitiated: settings.allow_idp_initiated,
                ...forms.saml,
              },
              errors: errors.saml ?? {},
            }
          : null,
      },
      status,
    );
  }

  /** The issuer field's error when the server must not request its address, else null. */
  const issuerRefused = async (res: Response, input: ProviderInput): Promise<FieldErrors | null> =>
    (await network.refusal(input.issuerUrl)) ? { issuerUrl: staffContext(res).i18n.t('singleSignOn:errors.issuerNotPublic') } : null;

  async function showNewSaml(req: Request, res: Response, form: SamlForm = {}, errors: FieldErrors = {}, status = 200) {
    const { i18n } = staffContext(res);
    renderAdminPage(
      req,
      res,
      'single-sign-on/saml-new',
      i18n.t('singleSignOn:staff.newSamlTitle'),
      {
        action: `${listHref(res)}/saml`,
        backHref: listHref(res),
        sp: await serviceProviderView(res),
        form: { emailAttribute: 'email', wantAssertionsSigned: true, allowIdpInitiated: true, ...form },
        errors,
      },
      status,
    );
  }

  /** The metadata's text: pasted, or read from its address under the issuer rules; a field error otherwise. */
  async function metadataText(res: Response, input: SamlProviderInput): Promise<{ xml: string | null } | { errors: FieldErrors }> {
    const { t } = staffContext(res).i18n;
    if (input.metadataXml) return { xml: input.metadataXml };
    if (!input.metadataUrl) return { xml: null };
    if (await network.refusal(input.metadataUrl)) return { errors: { metadataUrl: t('singleSignOn:errors.issuerNotPublic') } };
    try {
      const answer = await network.get(input.metadataUrl, AbortSignal.timeout(METADATA_TIMEOUT_MS));
      if (!answer.ok) throw new Error(`status ${answer.status}`);
      return { xml: (await answer.text()).slice(0, 500_000) };
    } catch {
      return { errors: { metadataUrl: t('singleSignOn:errors.metadataUnreachable') } };
    }
  }

  /** The provider's SAML settings from the form: the fields typed, the metadata for the rest. */
  async function samlFields(res: Response, input: SamlProviderInput): Promise<{ fields: SamlProviderFields } | { errors: FieldErrors }> {
    const { t } = staffContext(res).i18n;
    const text = await metadataText(res, input);
    if ('errors' in text) return text;
    let metadata: IdpMetadata | null = null;
    const errors: FieldErrors = {};
    if (text.xml) {
      const read = readIdpMetadata(text.xml);
      if (read.ok) metadata = read.metadata;
      else errors[input.metadataXml ? 'metadataXml' : 'metadataUrl'] = t(`singleSignOn:errors.metadataProblem.${read.problem}`);
    }
    const certificate = (typed: string, fromMetadata: string | undefined, field: string) => {
      if (!typed) return fromMetadata ?? null;
      const pem = certificatePem(typed);
      if (!pem) errors[field] = t('singleSignOn:errors.certificate');
      return pem;
    };
    const entityId = input.idpEntityId || metadata?.entityId || '';
    const ssoUrl = input.ssoUrl || metadata?.ssoUrl || '';
    const first = certificate(input.signingCertificate, metadata?.certificates[0], 'signingCertificate');
    const second = certificate(input.secondSigningCertificate, metadata?.certificates[1], 'secondSigningCertificate');
    if (!entityId && !errors.metadataXml && !errors.metadataUrl) errors.idpEntityId = t('singleSignOn:errors.entityId');
    if (!ssoUrl && !errors.metadataXml && !errors.metadataUrl) errors.ssoUrl = t('singleSignOn:errors.samlUrl');
    if (!first && !errors.signingCertificate && !errors.metadataXml && !errors.metadataUrl)
      errors.signingCertificate = t('singleSignOn:errors.certificate');
    if (production && !input.wantAssertionsSigned) errors.wantAssertionsSigned = t('singleSignOn:errors.unsignedInProduction');
    if (Object.keys(errors).length > 0 || !first) return { errors };
    return {
      fields: {
        displayName: input.displayName,
        spEntityId: saml.entityIdOf(staffContext(res).workspace),
        idp_entity_id: entityId,
        sso_url: ssoUrl,
        signing_certificates: [...new Set([first, ...(second ? [second] : [])])],
        metadata_url: input.metadataUrl || null,
        metadata_xml: text.xml,
        want_assertions_signed: production || input.wantAssertionsSigned,
        allow_idp_initiated: input.allowIdpInitiated,
        email_attribute: input.emailAttribute,
      },
    };
  }

  const entityIdTaken = (res: Response): FieldErrors => ({ idpEntityId: staffContext(res).i18n.t('singleSignOn:errors.entityIdTaken') });

  const providerOrNotFound = async (res: Response, id: string) => {
    const row = await providers.find(staffContext(res).workspace.id, id);
    if (!row) throw notFound(PROVIDER_NOT_FOUND);
    return row;
  };

  return {
    list: async (req: Request, res: Response) => {
      const { workspace, base, i18n } = staffContext(res);
      const [rows, bindings] = await providers.list(workspace.id);
      const names = await boundNames(
        workspace.id,
        bindings.map((binding) => binding.client_id),
      );
      const notice = (res.locals.query as ProvidersQueryInput | undefined)?.notice;
      renderAdminPage(req, res, 'single-sign-on/providers', i18n.t('singleSignOn:staff.title'), {
        providers: rows.map((row) => presentProvider(base, row, bindings, names, i18n.t)),
        newHref: `${listHref(res)}/new`,
        newSamlHref: `${listHref(res)}/new-saml`,
        sp: await serviceProviderView(res),
        directoryHref: `${base}/directory-provisioning`,
        redirectUri: redirectUri(res),
        notice: notice ? i18n.t(`singleSignOn:staff.notices.${notice}`) : null,
      });
    },

    showNew: (req: Request, res: Response) => showNew(req, res),
    invalidNew: (req: Request, res: Response, errors: FieldErrors) => showNew(req, res, typed(req), errors, 400),

    add: async (req: Request, res: Response) => {
      const input = req.body as ProviderInput;
      const refused = await issuerRefused(res, input);
      if (refused) return showNew(req, res, typed(req), refused, 400);
      const id = await providers.add(staffContext(res).workspace.id, input, input.clientSecret);
      res.redirect(303, `${listHref(res)}/${encodeURIComponent(id)}?notice=added`);
    },

    showNewSaml: (req: Request, res: Response) => showNewSaml(req, res),
    invalidNewSaml: (req: Request, res: Response, errors: FieldErrors) => showNewSaml(req, res, typedSaml(req), errors, 400),

    addSaml: async (req: Request, res: Response) => {
      const resolved = await samlFields(res, req.body as SamlProviderInput);
      if ('errors' in resolved) return showNewSaml(req, res, typedSaml(req), resolved.errors, 400);
      const id = await providers.addSaml(staffContext(res).workspace.id, resolved.fields);
      if (id === 'taken') return showNewSaml(req, res, typedSaml(req), entityIdTaken(res), 400);
      res.redirect(303, `${listHref(res)}/${encodeURIComponent(id)}?notice=added`);
    },

    invalidSamlProvider: (req: Request, res: Response, errors: FieldErrors) =>
      showProvider(req, res, { saml: typedSaml(req) }, { saml: errors }, 400),

    saveSaml: async (req: Request, res: Response) => {
      const id = parseParam(ProviderIdParam, req.params.providerId);
      const resolved = await samlFields(res, req.body as SamlProviderInput);
      if ('errors' in resolved) return showProvider(req, res, { saml: typedSaml(req) }, { saml: resolved.errors }, 400);
      const saved = await providers.saveSaml(staffContext(res).workspace.id, id, resolved.fields);
      if (saved === 'taken') return showProvider(req, res, { saml: typedSaml(req) }, { saml: entityIdTaken(res) }, 400);
      if (!saved) throw notFound(PROVIDER_NOT_FOUND);
      res.redirect(303, `${listHref(res)}/${encodeURIComponent(id)}?notice=saved`);
    },

    show: (req: Request, res: Response) => showProvider(req, res),
    invalidProvider: (req: Request, res: Response, errors: FieldErrors) =>
      showProvider(req, res, { provider: typed(req) }, { provider: errors }, 400),
    invalidBinding: (req: Request, res: Response, errors: FieldErrors) =>
      showProvider(req, res, { binding: typed(req) }, { binding: errors }, 400),

    save: async (req: Request, res: Response) => {
      const id = parseParam(ProviderIdParam, req.params.providerId);
      const input = req.body as ProviderInput;
      const refused = await issuerRefused(res, input);
      if (refused) return showProvider(req, res, { provider: typed(req) }, { provider: refused }, 400);
      if (!(await providers.save(staffContext(res).workspace.id, id, input, input.clientSecret))) throw notFound(PROVIDER_NOT_FOUND);
      res.redirect(303, `${listHref(res)}/${encodeURIComponent(id)}?notice=saved`);
    },

    setEnabled: (enabled: boolean) => async (req: Request, res: Response) => {
      const id = parseParam(ProviderIdParam, req.params.providerId);
      if (!(await providers.setEnabled(staffContext(res).workspace.id, id, enabled))) throw notFound(PROVIDER_NOT_FOUND);
      res.redirect(303, `${listHref(res)}/${encodeURIComponent(id)}?notice=${enabled ? 'enabled' : 'disabled'}`);
    },

    bind: async (req: Request, res: Response) => {
      const { workspace, i18n } = staffContext(res);
      const row = await providerOrNotFound(res, parseParam(ProviderIdParam, req.params.providerId));
      const input = req.body as BindingInput;
      // Only a company of this workspace: the list came from the host, a forged id is refused.
      const company = await adapter.clients.findById(workspace.id, input.clientId);
      if (!company) {
        return showProvider(req, res, { binding: typed(req) }, { binding: { clientId: i18n.t('singleSignOn:errors.company') } }, 400);
      }
      await providers.bind(workspace.id, {
        client_id: company.id,
        provider_id: row.id,
        email_domains: input.emailDomains,
        sign_in_mode: input.signInMode,
        allow_self_registration: input.allowSelfRegistration,
      });
      res.redirect(303, `${listHref(res)}/${encodeURIComponent(row.id)}?notice=bound`);
    },

    unbind: async (req: Request, res: Response) => {
      const { workspace } = staffContext(res);
      const row = await providerOrNotFound(res, parseParam(ProviderIdParam, req.params.providerId));
      const clientId = String(req.params.clientId).slice(0, 64);
      if (!(await providers.unbind(workspace.id, row.id, clientId))) throw notFound(PROVIDER_NOT_FOUND);
      res.redirect(303, `${listHref(res)}/${encodeURIComponent(row.id)}?notice=unbound`);
    },
  };
}

export type SingleSignOnAdminHandlers = ReturnType<typeof createSingleSignOnAdminHandlers>;
