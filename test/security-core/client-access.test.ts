// What one person of a client company may see: the four layers of src/core/policies/client-access.ts
// (workspace switch → company → role → person), the most restrictive winning and the first layer
// that hides a permission named as the reason; the person's own settings that every other check
// reads; and the SQL form of the same rule (personMay, for mail sent without a request), held to
// the TypeScript one for every role, permission and override on a real database.
// Under a host's client roles: opening and acting on tickets, and changing tasks, each ask their own grant.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import { personMay } from '../../src/core/client-users/queries.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { translator } from '../../src/core/i18n/translations.ts';
import { staffHiddenReason } from '../../src/core/staff/access-words.ts';
import {
  BUILT_IN_ROLE_KEYS,
  CLIENT_PERMISSIONS,
  effectiveSettings,
  FULL_ACCESS,
  managesColleagues,
  mayActOnTickets,
  mayChangeTasks,
  mayOpenTickets,
  mayReadCompanyDetails,
  resolveAccess,
  type ClientAccess,
  type ClientPermission,
  type ClientRoleKey,
  withheldBy,
} from '../../src/core/policies/client-access.ts';
import {
  canClient,
  canClientSeeLiveEvent,
  canSeeSection,
  countOpenToPerson,
  visibleSections,
} from '../../src/core/policies/portal-policy.ts';
import { DEFAULT_SETTINGS, type PortalSettings } from '../../src/core/settings/portal-settings.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const ALL_ON: PortalSettings = {
  ...DEFAULT_SETTINGS,
  showProposals: true,
  showInvoices: true,
  showTasks: true,
  showProjects: true,
  showTickets: true,
  showRequests: true,
  showAppointments: true,
  showApprovals: true,
  allowCompanyDetailsEdit: true,
  showOrders: true,
  showDevices: true,
  showContracts: true,
  allowFileUploads: true,
  allowComments: true,
  allowMessaging: true,
  allowOnlinePayments: true,
};

const access = (role: ClientRoleKey, more: Partial<ClientAccess> = {}): ClientAccess => ({ ...FULL_ACCESS, role, ...more });
const allowed = (settings: PortalSettings, a: ClientAccess) =>
  resolveAccess(settings, a)
    .filter((v) => v.allowed)
    .map((v) => v.permission);

/** Why a part is hidden, as the staff pages say it (in English here). */
const hiddenReason = (verdict: Parameters<typeof staffHiddenReason>[1], person: ClientAccess) =>
  staffHiddenReason(translator('en'), verdict, person);

describe('client access: roles and overrides', function () {
  it('gives each built-in role its permissions under a workspace that allows everything', function () {
    expect(allowed(ALL_ON, access('admin'))).to.deep.equal([...CLIENT_PERMISSIONS]);
    // Changing the company's details is the client admin's alone.
    expect(allowed(ALL_ON, access('full'))).to.deep.equal(CLIENT_PERMISSIONS.filter((p) => p !== 'companyDetails'));
    expect(allowed(ALL_ON, access('billing'))).to.deep.equal(['invoices', 'payments', 'documents', 'comments', 'knowledge', 'contracts']);
    expect(allowed(ALL_ON, access('member'))).to.deep.equal([
      'proposals',
      'tasks',
      'projects',
      'documents',
      'uploads',
      'comments',
      'messages',
      'tickets',
      'knowledge',
      'requests',
      'appointments',
      'approvals',
      'orders',
      'devices',
      'contracts',
    ]);
  });

  it('lets only the client admin manage colleagues', function () {
    expect(BUILT_IN_ROLE_KEYS.filter((role) => managesColleagues({ role }))).to.deep.equal(['admin']);
    expect(managesColleagues({ role: 'custom' })).to.equal(false);
  });

  it('never grants more than the workspace allows, whatever the role', function () {
    const off: PortalSettings = { ...ALL_ON, showInvoices: false, allowMessaging: false };
    for (const role of BUILT_IN_ROLE_KEYS) {
      const verdicts = resolveAccess(off, access(role));
      expect(verdicts.find((v) => v.permission === 'invoices')).to.include({ allowed: false, hiddenBy: 'workspace' });
      // Paying goes with invoices, whatever the payments switch says.
      expect(verdicts.find((v) => v.permission === 'payments')).to.include({ allowed: false, hiddenBy: 'workspace' });
      expect(verdicts.find((v) => v.permission === 'messages')).to.include({ allowed: false, hiddenBy: 'workspace' });
    }
  });

  it('names the outermost layer that hides a permission: workspace, then company, then role, then person', function () {
    const everything = access('member', {
      clientDenied: ['tasks', 'proposals'],
      personDenied: ['tasks', 'proposals', 'invoices', 'messages'],
    });
    const settings: PortalSettings = { ...ALL_ON, showProposals: false };
    const by = Object.fromEntries(resolveAccess(settings, everything).map((v) => [v.permission, v.hiddenBy]));
    expect(by).to.deep.equal({
      proposals: 'workspace',
      tasks: 'client',
      projects: null,
      invoices: 'role',
      payments: 'role',
      messages: 'person',
      documents: null,
      uploads: null,
      comments: null,
      tickets: null,
      knowledge: null,
      requests: null,
      appointments: null,
      approvals: null,
      companyDetails: 'role',
      orders: null,
      devices: null,
      contracts: null,
    });
    const verdicts = resolveAccess(settings, everything);
    expect(verdicts.map((v) => hiddenReason(v, everything))).to.deep.equal([
      'Hidden: switched off for the whole workspace',
      'Hidden: role Member',
      'Hidden: role Member',
      'Hidden: hidden from their company',
      null,
      null,
      null,
      null,
      'Hidden: hidden from this person',
      null,
      null,
      null,
      null,
      null,
      'Hidden: role Member',
      null,
      null,
      null,
    ]);
  });

  it('grants a custom role what it lists, and nothing once the role is gone', function () {
    const custom = access('custom', { customRole: { id: randomUUID(), name: 'Accounts payable', permissions: ['invoices', 'payments'] } });
    expect(allowed(ALL_ON, custom)).to.deep.equal(['invoices', 'payments']);
    expect(hiddenReason(resolveAccess(ALL_ON, custom)[0]!, custom)).to.equal('Hidden: role Accounts payable');
    expect(allowed(ALL_ON, access('custom', { customRole: null }))).to.deep.equal([]);
  });

  it("turns the person's access into their own settings, which every section, action and live-event check reads", function () {
    const billing = effectiveSettings(ALL_ON, access('billing'));
    expect(visibleSections(billing)).to.deep.equal(['invoices', 'documents', 'knowledge', 'contracts']);
    expect(canSeeSection(billing, 'proposals')).to.equal(false);
    expect(canSeeSection(billing, 'quotations')).to.equal(false);
    expect(canClient(billing, 'pay_online')).to.equal(true);
    expect(canClient(billing, 'upload_file')).to.equal(false);
    expect(canClientSeeLiveEvent(billing, { type: 'comment-created', data: { subjectType: 'proposal' } })).to.equal(false);
    expect(canClientSeeLiveEvent(billing, { type: 'comment-created', data: { subjectType: 'invoice' } })).to.equal(true);
    expect(canClientSeeLiveEvent(billing, { type: 'message-created', data: {} })).to.equal(false);
    const noDocuments = effectiveSettings(ALL_ON, access('full', { personDenied: ['documents'] }));
    expect(canSeeSection(noDocuments, 'documents')).to.equal(false);
    expect(canClientSeeLiveEvent(noDocuments, { type: 'document-changed', data: {} })).to.equal(false);
    // Workspace-wide settings pass through untouched.
    expect(effectiveSettings({ ...ALL_ON, portalTitle: 'Acme' }, access('billing')).portalTitle).to.equal('Acme');
    // Full access is everything but changing the company's details, the client admin's alone.
    expect(effectiveSettings(ALL_ON, FULL_ACCESS)).to.deep.equal({ ...ALL_ON, allowCompanyDetailsEdit: false });
  });

  it("counts documents the person may open, and no number at all where the host's count stopped at its limit and some are hidden", function () {
    const billing = effectiveSettings(ALL_ON, access('billing'));
    const full = effectiveSettings(ALL_ON, FULL_ACCESS);
    const attached = { proposal: 3, invoice: 2 };
    expect(countOpenToPerson(billing, 10, attached, 1000)).to.equal(7);
    expect(countOpenToPerson(full, 10, attached, 1000)).to.equal(10);
    // 1,001 read of more: its breakdown is of those rows only.
    expect(countOpenToPerson(full, 1001, attached, 1000)).to.equal(1001);
    expect(countOpenToPerson(billing, 1001, attached, 1000)).to.equal(null);
  });

  it("tells the workspace's switch from the person's own access as the reason a permission is withheld", function () {
    const billing: ClientAccess = { role: 'billing', customRole: null, clientDenied: [], personDenied: [] };
    expect(withheldBy({ ...ALL_ON, allowFileUploads: false }, billing, 'uploads')).to.equal('workspace');
    expect(withheldBy(ALL_ON, billing, 'uploads')).to.equal('access');
    expect(withheldBy(ALL_ON, { ...FULL_ACCESS, clientDenied: ['uploads'] }, 'uploads')).to.equal('access');
    expect(withheldBy(ALL_ON, { ...FULL_ACCESS, personDenied: ['uploads'] }, 'uploads')).to.equal('access');
    expect(withheldBy(ALL_ON, FULL_ACCESS, 'uploads')).to.equal(null);
  });

  describe('personMay (the same rule in SQL)', function () {
    let database: TestDatabase;
    let db: Knex;
    const workspaceId = 'w-access';

    before(async function () {
      database = await createTestDatabase();
      db = createKnex(database.url);
      await migratePortal(db);
    });
    after(async function () {
      await db?.destroy();
      await database?.drop();
    });

    it('agrees with resolveAccess for every role, permission and override', async function () {
      const roleId = randomUUID();
      const goneRoleId = randomUUID();
      await db('client_roles').insert({
        workspace_id: workspaceId,
        id: roleId,
        name: 'Accounts payable',
        permissions: ['invoices', 'payments'],
      });
      const roles: Array<{ role: ClientRoleKey; id: string | null }> = [
        ...BUILT_IN_ROLE_KEYS.map((role) => ({ role, id: null })),
        { role: 'custom', id: roleId },
        { role: 'custom', id: goneRoleId },
      ];
      const expected = new Map<string, ClientAccess>();
      let n = 0;
      for (const { role, id } of roles) {
        for (const permission of CLIENT_PERMISSIONS) {
          for (const variant of ['plain', 'person', 'client'] as const) {
            n++;
            const clientId = `c-${n}`;
            const userId = randomUUID();
            const personDenied: ClientPermission[] = variant === 'person' ? [permission] : [];
            const clientDenied: ClientPermission[] = variant === 'client' ? [permission] : [];
            await db('client_users').insert({
              id: userId,
              workspace_id: workspaceId,
              client_id: clientId,
              contact_id: `k-${n}`,
              email: `p${n}@example.test`,
              status: 'active',
              role,
              client_role_id: id,
              denied_permissions: personDenied,
            });
            if (clientDenied.length)
              await db('portal_client_access').insert({ workspace_id: workspaceId, client_id: clientId, denied_permissions: clientDenied });
            const customRole = id === roleId ? { id: roleId, name: 'Accounts payable', permissions: ['invoices', 'payments'] } : null;
            expected.set(userId, { role, customRole, clientDenied, personDenied });
          }
        }
      }
      for (const permission of CLIENT_PERMISSIONS) {
        const rows: Array<{ id: string }> = await db('client_users as u')
          .where('u.workspace_id', workspaceId)
          .andWhere(personMay(db, 'u', workspaceId, permission))
          .select('u.id');
        const inSql = new Set(rows.map((row) => row.id));
        const inPolicy = [...expected]
          .filter(([, a]) => resolveAccess(ALL_ON, a).find((v) => v.permission === permission)!.allowed)
          .map(([id]) => id);
        expect([...inSql].sort(), permission).to.deep.equal(inPolicy.sort());
        expect(inSql.size, `${permission}: some people are allowed and some are not`).to.be.within(1, expected.size - 1);
      }
    });
  });
});

describe("company details under a host's client roles", function () {
  const grants = (...names: string[]) => ({ hostGrants: new Set(names) });
  it('reads them with client read, and changes them with client update, whatever the portal role', function () {
    expect(mayReadCompanyDetails(grants())).to.equal(false);
    expect(mayReadCompanyDetails(grants('client:read'))).to.equal(true);
    expect(mayReadCompanyDetails({})).to.equal(true);
    const admin = (...names: string[]) => access('admin', grants(...names));
    const edits = (a: ClientAccess) => resolveAccess(ALL_ON, a).find((v) => v.permission === 'companyDetails')!;
    expect(edits(admin('client:read'))).to.include({ allowed: false, hiddenBy: 'host' });
    expect(edits(admin('client:read', 'client:update'))).to.include({ allowed: true });
    // Beside the host, its client update decides, not the portal's Client admin role.
    for (const role of ['full', 'billing', 'member'] as const) {
      expect(edits(access(role, grants('client:read', 'client:update'))), role).to.include({ allowed: true });
      expect(edits(access(role, grants('client:read'))), role).to.include({ allowed: false, hiddenBy: 'host' });
    }
    // Without host roles the portal's decide: the client admin's alone.
    expect(edits(access('full'))).to.include({ allowed: false, hiddenBy: 'role' });
    // What the agency hides from the person still hides it.
    expect(edits(access('full', { ...grants('client:update'), personDenied: ['companyDetails'] }))).to.include({ hiddenBy: 'person' });
    // Off for the workspace: nobody changes them, whatever the host grants.
    expect(
      resolveAccess({ ...ALL_ON, allowCompanyDetailsEdit: false }, admin('client:read', 'client:update')).find(
        (v) => v.permission === 'companyDetails',
      ),
    ).to.include({ hiddenBy: 'workspace' });
  });
});

describe("tickets under a host's client roles", function () {
  const grants = (...names: string[]) => ({ hostGrants: new Set(names) });
  it('reads with ticket read, opens with ticket create, and answers, closes, reopens and rates with ticket update', function () {
    expect(mayOpenTickets(grants('ticket:read'))).to.equal(false);
    expect(mayActOnTickets(grants('ticket:read'))).to.equal(false);
    expect(mayOpenTickets(grants('ticket:read', 'ticket:create'))).to.equal(true);
    expect(mayActOnTickets(grants('ticket:read', 'ticket:create'))).to.equal(false);
    expect(mayActOnTickets(grants('ticket:read', 'ticket:update'))).to.equal(true);
    // A host that keeps no client roles leaves it to the portal's access.
    expect(mayOpenTickets({})).to.equal(true);
    expect(mayActOnTickets({})).to.equal(true);
  });
});

describe("tasks under a host's client roles", function () {
  const grants = (...names: string[]) => ({ hostGrants: new Set(names) });
  it('sees tasks with project read and marks them done or reopens them only with project update', function () {
    expect(mayChangeTasks(grants('project:read'))).to.equal(false);
    expect(mayChangeTasks(grants('project:read', 'project:update'))).to.equal(true);
    // A host that keeps no client roles leaves it to the portal's access.
    expect(mayChangeTasks({})).to.equal(true);
  });
});
