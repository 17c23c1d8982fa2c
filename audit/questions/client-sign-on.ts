// A5: whether the host already signs its clients in through their company's identity provider, or
// provisions them from a directory (SSO, SCIM). The portal offers both per client company (OIDC
// and SAML in portal_sso_*, SCIM in portal_scim_*); where the host already does it for some
// companies, switching the portal's on for the same company would provision a person twice.
// Read from the schema: tables and columns named for an identity provider or for provisioning,
// on the client side (the client credential, contact and company tables and those tied to them).
// The same on staff tables only (an agency's own sign-on) is reported, but does not count.
import { tokenize } from '../recognition/names.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import type { Answer, Evidence } from '../report-schema.ts';
import { answer, concept, decisionFor, type AnswerContext } from './answer-context.ts';

// "sso" and "saml" in a name; "entra" and "okta" for the providers clients' IT departments run.
const SIGN_ON_WORDS = new Set([
  'sso',
  'saml',
  'scim',
  'oidc',
  'openid',
  'entra',
  'okta',
  'idp',
  'adfs',
  'keycloak',
  'onelogin',
  'provisioning',
]);

const signOnWords = (name: string) => tokenize(name).filter((word) => SIGN_ON_WORDS.has(word));

export function clientSignOnAnswer(context: AnswerContext): Answer {
  const credentials = concept(context, 'clientCredentials');
  const clientTables = (['company', 'contact', 'clientCredentials'] as const)
    .map((id) => concept(context, id).chosenTable)
    .filter((table): table is string => Boolean(table));
  const onClientSide = (profile: TableProfile) =>
    clientTables.includes(profile.qualified) || profile.outgoing.some((link) => clientTables.includes(link.to));
  const staffTable = concept(context, 'staffUser').chosenTable;

  const forClients: Evidence[] = [];
  const elsewhere: Evidence[] = [];
  for (const profile of context.model.profiles) {
    const tableWords = signOnWords(profile.table.name);
    const columns = profile.table.columns.filter((column) => signOnWords(column.name).length > 0);
    if (tableWords.length === 0 && columns.length === 0) continue;
    // A table clients and staff share (a user type column) is the clients' where it holds their
    // credentials; the staff table otherwise is the agency's, even where some of its users are
    // tied to a company (Dolibarr's external users: the portal's clients are contacts).
    const staffOnly = profile.qualified === staffTable && profile.qualified !== credentials.chosenTable;
    const clients = !staffOnly && onClientSide(profile);
    const into = clients ? forClients : elsewhere;
    const whose = clients
      ? profile.qualified === credentials.chosenTable && credentials.rowFilter
        ? 'client users (the rows of the client user type)'
        : 'clients'
      : staffOnly
        ? "the agency's own users (staff, and any external users the CRM ties to a company), not the portal's clients"
        : 'no client table (not tied to clients)';
    if (tableWords.length > 0)
      into.push({
        kind: 'table',
        ref: profile.qualified,
        detail: `named for sign-on or provisioning ("${tableWords.join('", "')}"), for ${whose}`,
      });
    for (const column of columns.slice(0, 3))
      into.push({
        kind: 'column',
        ref: `${profile.qualified}.${column.name}`,
        detail: `named for sign-on or provisioning ("${signOnWords(column.name).join('", "')}"), on ${whose} (${column.type})`,
      });
  }
  const status = forClients.length > 0 ? 'exists' : 'missing';
  const evidence: Evidence[] =
    forClients.length > 0
      ? [...forClients, ...elsewhere].slice(0, 8)
      : [
          {
            kind: 'absence',
            ref: clientTables.join(', ') || 'client tables',
            detail:
              'no table or column of the client side named for an identity provider or for provisioning (SSO, SAML, OpenID, SCIM, Entra, Okta)',
          },
          ...elsewhere.slice(0, 4),
        ];
  return answer(
    'A5',
    "Does the CRM already sign clients in with their company's identity provider, or provision them from a directory (SSO, SCIM)?",
    status,
    evidence,
    decisionFor(status, {
      keep: "keep the host's own sign-on and provisioning for the companies that use it (above); the portal's own per company (OpenID Connect and SAML in portal_sso_*, SCIM in portal_scim_*) is for the others: switch it on for a company only where the host's is not used, so no one is provisioned twice",
      complete: "keep the host's sign-on; the portal adds its own per company where the host has none",
      add: "add sign-on per client company with the company's identity provider (OpenID Connect and SAML: portal_sso_*) and provisioning from its directory (SCIM 2.0: portal_scim_*), set up by the agency on each company's staff page",
    }),
    ['clientCredentials'],
  );
}
