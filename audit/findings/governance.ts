// Who controls what clients see, and who may do what: a portal settings table of the host's own, a
// generic settings store the schema cannot see into, per-record visibility switches, and access
// control tables (staff-only or also for clients).
import { hasRole } from '../recognition/column-roles.ts';
import { PORTAL_WORDS } from '../recognition/vocabulary.ts';
import type { Evidence } from '../report-schema.ts';
import {
  absence,
  chosenProfile,
  clientSideTables,
  columnEvidence,
  linksTo,
  list,
  type DraftFinding,
  type FindingsContext,
} from './context.ts';

const SETTINGS_WORDS = new Set([
  'setting',
  'config',
  'configuration',
  'const',
  'option',
  'preference',
  'parameter',
  'param',
  'einstellung',
  'parametre',
]);

/** Record-level "show to client" switches on the tables clients would see. */
function visibilityEvidence(context: FindingsContext): Evidence[] {
  const evidence: Evidence[] = [];
  for (const id of ['proposal', 'quotation', 'invoice', 'task', 'document', 'comment'] as const) {
    const profile = chosenProfile(context, id);
    for (const column of profile?.roles.get('visibility') ?? []) {
      if (profile) evidence.push(columnEvidence(profile.qualified, column, `per-record switch deciding whether the client sees a ${id}`));
    }
  }
  return evidence;
}

export function portalSettingsFinding(context: FindingsContext): DraftFinding {
  const portalTables: Evidence[] = [];
  const genericSettings: string[] = [];
  for (const profile of context.model.profiles) {
    const portalWord = profile.tokens.find((t) => PORTAL_WORDS.has(t));
    const switches = [...(profile.roles.get('settingSwitch') ?? []), ...(profile.roles.get('portalFlag') ?? [])];
    if (portalWord && (switches.length > 0 || hasRole(profile.roles, 'branding'))) {
      portalTables.push({
        kind: 'table',
        ref: profile.qualified,
        detail: `portal settings ("${portalWord}"): ${list([...new Set(switches.map((c) => c.name))])}`,
      });
    } else if (profile.tokens.some((t) => SETTINGS_WORDS.has(t))) {
      genericSettings.push(profile.qualified);
    }
  }
  const visibility = visibilityEvidence(context);
  const notes: string[] = [];
  if (visibility.length > 0)
    notes.push(`per-record visibility switches exist (${list(visibility.map((e) => e.ref))}), but no workspace-level control`);
  const generic: Evidence[] = genericSettings.map((table) => ({
    kind: 'table',
    ref: table,
    detail: 'generic settings store: portal switches kept there as rows would not show in the schema',
  }));
  const lookedAt = 'tables named portal/extranet with switch or branding columns, settings tables, and per-record visibility columns';
  const base = { id: 'portalSettings' as const, label: 'Workspace control of the client portal', candidates: [], lookedAt };
  if (portalTables.length > 0) {
    return {
      ...base,
      status: 'exists',
      chosenTable: portalTables[0]?.ref ?? null,
      confidence: 0.7,
      lowConfidence: false,
      evidence: [...portalTables, ...visibility],
      notes,
    };
  }
  return {
    ...base,
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    evidence: [absence('host tables', 'no client-portal settings table'), ...visibility, ...generic],
    notes,
  };
}

const ACL_WORDS = new Set([
  'permission',
  'right',
  'acl',
  'role',
  'grant',
  'droit',
  'berechtigung',
  'privilege',
  'ability',
  'policy',
  'access',
]);

export function permissionsFinding(context: FindingsContext): DraftFinding {
  const clientTables = clientSideTables(context);
  const aclTables: Evidence[] = [];
  let clientAware = false;
  for (const profile of context.model.profiles) {
    const word = profile.tokens.find((t) => ACL_WORDS.has(t));
    if (!word) continue;
    const toClient = linksTo(profile, clientTables);
    clientAware ||= Boolean(toClient);
    aclTables.push({
      kind: 'table',
      ref: profile.qualified,
      detail: toClient
        ? `access rules linked to clients (${toClient.columns.join(', ')} → ${toClient.to})`
        : `access rules ("${word}"), for staff: no link to clients`,
    });
  }
  // Record scoping: a proposal/invoice row names its workspace and its client, so access can be limited to both.
  const scoping: Evidence[] = [];
  const tenant = context.model.tenant;
  for (const id of ['proposal', 'quotation', 'invoice'] as const) {
    const profile = chosenProfile(context, id);
    if (!profile) continue;
    const toClient = linksTo(profile, clientTables);
    const tenantColumn = tenant && profile.table.columns.some((c) => c.name === tenant.column) ? tenant.column : null;
    if (toClient || tenantColumn) {
      scoping.push({
        kind: 'table',
        ref: profile.qualified,
        detail: `rows name ${[tenantColumn ? `their workspace (${tenantColumn})` : null, toClient ? `their client (${toClient.columns.join(', ')})` : null].filter(Boolean).join(' and ')}`,
      });
    }
  }
  const visibility = visibilityEvidence(context);
  const lookedAt =
    'access-control tables (permission, right, acl, role, grant, droit, berechtigung) and whether proposal/quotation/invoice rows carry their workspace and client';
  const base = { id: 'permissions' as const, label: 'Client permissions on records', candidates: [], lookedAt };
  const evidence = [...aclTables.slice(0, 6), ...scoping, ...visibility];
  if (clientAware)
    return { ...base, status: 'exists', chosenTable: aclTables[0]?.ref ?? null, confidence: 0.6, lowConfidence: true, evidence, notes: [] };
  if (scoping.length > 0 || aclTables.length > 0) {
    return {
      ...base,
      status: 'partial',
      chosenTable: null,
      confidence: 0.6,
      lowConfidence: false,
      evidence,
      notes: ['records can be scoped to a workspace and client, but no rule says what a client may see or do'],
    };
  }
  return {
    ...base,
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    evidence: [absence('host tables', 'no access-control tables and no client scoping on records')],
    notes: [],
  };
}
