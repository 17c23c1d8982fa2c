// Rows into what the staff pages show. The client secret never leaves the database: a provider
// shows only whether it has one.
import type { HostClient, Translate } from '../../core/index.ts';
import type { BindingRow, ProviderRow } from './queries.ts';

export interface ProviderView {
  id: string;
  href: string;
  displayName: string;
  issuerUrl: string;
  clientId: string;
  scopes: string;
  hasSecret: boolean;
  mfaSatisfiesTwoFactor: boolean;
  enabled: boolean;
  status: string;
  companies: string;
}

export interface BindingView {
  clientId: string;
  company: string;
  domains: string;
  mode: string;
  selfRegistration: string;
  removeAction: string;
}

const companyName = (companies: Map<string, string>, clientId: string) => companies.get(clientId) ?? clientId;

export function presentProvider(
  base: string,
  row: ProviderRow,
  bindings: readonly BindingRow[],
  companies: Map<string, string>,
  t: Translate,
): ProviderView {
  const own = bindings.filter((binding) => binding.provider_id === row.id);
  return {
    id: row.id,
    href: `${base}/single-sign-on/${encodeURIComponent(row.id)}`,
    displayName: row.display_name,
    issuerUrl: row.issuer_url,
    clientId: row.client_id,
    scopes: row.scopes,
    hasSecret: row.client_secret_sealed !== null,
    mfaSatisfiesTwoFactor: row.mfa_satisfies_two_factor,
    enabled: row.enabled,
    status: t(row.enabled ? 'singleSignOn:staff.enabled' : 'singleSignOn:staff.disabled'),
    companies: own.length > 0 ? own.map((binding) => companyName(companies, binding.client_id)).join(', ') : '—',
  };
}

export function presentBindings(
  providerHref: string,
  providerId: string,
  bindings: readonly BindingRow[],
  companies: Map<string, string>,
  t: Translate,
): BindingView[] {
  return bindings
    .filter((binding) => binding.provider_id === providerId)
    .map((binding) => ({
      clientId: binding.client_id,
      company: companyName(companies, binding.client_id),
      domains: binding.email_domains.join(', '),
      mode: t(`singleSignOn:staff.modes.${binding.sign_in_mode}`),
      selfRegistration: t(binding.allow_self_registration ? 'singleSignOn:staff.yes' : 'singleSignOn:staff.no'),
      removeAction: `${providerHref}/bindings/${encodeURIComponent(binding.client_id)}/remove`,
    }));
}

/** The companies a provider may be bound to, by name. */
export function presentCompanyChoices(clients: readonly HostClient[], selected: string | undefined) {
  return [...clients]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((client) => ({ value: client.id, label: client.name, selected: client.id === selected }));
}
