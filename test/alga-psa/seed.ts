// Rows an Alga PSA installation would hold, inserted the way Alga's own code writes them: two
// tenants (each with tenant_settings branding), the MSP roles and the three client portal roles
// its seeds create (Admin, Finance, User) with their client permissions as Alga's seeds grant them
// (CLIENT_ROLE_GRANTS), internal users and client users whose hashed_password is Alga's PBKDF2 "salt:hash"
// (computed here independently of the binding, with WebCrypto as Alga's encryption.ts does),
// clients and contacts (phones in contact_phone_numbers), quotes in Alga's statuses with
// quote_items in cents, invoices with invoice_charges and invoice_payments in cents, a project
// with phases, board columns (project_status_mappings over tenant statuses) and tasks, and
// client-visible documents (external_files + documents + document_associations) with their files
// under the local storage root.
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';

/** The deployment's NEXTAUTH_SECRET in these tests. */
export const NEXTAUTH_SECRET = 'alga-test-nextauth-secret-0123456789';
export const CLAIRE_PASSWORD = 'Claire-alga-2026!';
export const ADMIN_PASSWORD = 'Alice-alga-2026!';

/** Alga's hashPassword: 12 random bytes of salt as hex; PBKDF2-SHA512, 10,000 rounds, 64 bytes, over secret + salt. */
export async function algaHash(password: string, secret = NEXTAUTH_SECRET): Promise<string> {
  const salt = randomBytes(12).toString('hex');
  const te = new TextEncoder();
  const key = await webcrypto.subtle.importKey('raw', te.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await webcrypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-512', iterations: 10_000, salt: te.encode(secret + salt) },
    key,
    512,
  );
  return `${salt}:${Buffer.from(bits).toString('hex')}`;
}

/**
 * The client permissions each of Alga's client roles holds, as Alga's seeds grant them
 * (server/seeds/dev/48_role_permissions.cjs: client Admin, Finance and User): resource:action.
 */
const GRANTED: Record<'Admin' | 'Finance' | 'User', readonly string[]> = {
  Admin: [
    'billing:create billing:read billing:update',
    'client:create client:read client:update client:delete',
    'project:create project:read project:update project:delete',
    'ticket:create ticket:read ticket:update',
    'time_management:create time_management:read time_management:update time_management:delete',
    'user:create user:read user:update user:delete user:reset_password',
    'settings:create settings:read settings:update settings:delete',
    'document:create document:read document:update',
  ],
  Finance: [
    'billing:read',
    'client:create client:read client:update',
    'project:read',
    'ticket:create ticket:read ticket:update',
    'time_management:read',
    'user:read',
    'settings:read',
    'document:create document:read document:update',
  ],
  User: [
    'client:create client:read client:update',
    'project:read',
    'ticket:create ticket:read ticket:update',
    'time_management:read',
    'document:create document:read document:update',
  ],
};

const spread = (lines: readonly string[]) => lines.flatMap((line) => line.split(' '));
export const CLIENT_ROLE_GRANTS: Record<keyof typeof GRANTED, readonly string[]> = {
  Admin: spread(GRANTED.Admin),
  Finance: spread(GRANTED.Finance),
  User: spread(GRANTED.User),
};

export interface AlgaSeed {
  tenant: string;
  /** The tenant's client roles (roles.client) by name, and its client permissions by resource:action. */
  clientRoles: { Admin: string; Finance: string; User: string };
  clientPermissions: Record<string, string>;
  otherTenant: string;
  users: { admin: string; tech: string; disabledStaff: string; claire: string; sophie: string; otherAdmin: string };
  clients: { bakery: string; garage: string; inactive: string; otherTenantClient: string };
  contacts: { claire: string; sophie: string; paul: string; disabled: string; otherTenantContact: string };
  quotes: { accept: string; race: string; decline: string; accepted: string; draft: string; template: string };
  invoices: { unpaid: string; partlyPaid: string; paid: string; draft: string; garageOpen: string; credited: string };
  tasks: { claireDue: string; companyWide: string; undated: string; sophies: string; done: string; hiddenProject: string };
  mappings: { todo: string; done: string };
  documents: { first: string; second: string; internal: string; garage: string };
  sharedWithBakery: number;
}

async function insert(db: Knex, table: string, row: Record<string, unknown>, key: string): Promise<string> {
  const [inserted] = await db(table).insert(row).returning(key);
  return String((inserted as Record<string, string>)[key]);
}

export async function seedAlga(db: Knex, storageRoot: string): Promise<AlgaSeed> {
  const tenant = await insert(
    db,
    'tenants',
    { client_name: 'Northwind IT', email: 'office@northwind.example', created_at: '2026-01-02T09:00:00Z' },
    'tenant',
  );
  const otherTenant = await insert(
    db,
    'tenants',
    { client_name: 'Contoso Managed Services', email: 'office@contoso.example', created_at: '2026-01-03T09:00:00Z' },
    'tenant',
  );
  await db('tenant_settings').insert({
    tenant,
    settings: { branding: { logoUrl: 'https://cdn.northwind.example/logo.png', primaryColor: '#1F6FEB' } },
  });

  // Roles as Alga's seeds create them: MSP roles (msp true) and client portal roles (client true).
  const role = (t: string, role_name: string, msp: boolean, client: boolean) =>
    insert(db, 'roles', { tenant: t, role_name, msp, client, description: role_name }, 'role_id');
  const mspAdmin = await role(tenant, 'Admin', true, false);
  await role(tenant, 'Technician', true, false);
  const clientAdminRole = await role(tenant, 'Admin', false, true);
  const clientFinanceRole = await role(tenant, 'Finance', false, true);
  const clientUserRole = await role(tenant, 'User', false, true);
  // Alga's client permissions (permissions.client, msp false), one row per resource and action, and
  // each client role's grants (role_permissions).
  const clientPermissions: Record<string, string> = {};
  for (const grant of new Set(Object.values(CLIENT_ROLE_GRANTS).flat())) {
    const [resource, action] = grant.split(':');
    clientPermissions[grant] = await insert(
      db,
      'permissions',
      { tenant, resource, action, msp: false, client: true, description: grant },
      'permission_id',
    );
  }
  const clientRoles = { Admin: clientAdminRole, Finance: clientFinanceRole, User: clientUserRole };
  for (const [name, grants] of Object.entries(CLIENT_ROLE_GRANTS)) {
    await db('role_permissions').insert(
      grants.map((grant) => ({ tenant, role_id: clientRoles[name as keyof typeof clientRoles], permission_id: clientPermissions[grant] })),
    );
  }
  const otherAdminRole = await role(otherTenant, 'Admin', true, false);

  const user = async (t: string, row: Record<string, unknown>) =>
    insert(
      db,
      'users',
      { tenant: t, two_factor_enabled: false, is_google_user: false, is_inactive: false, created_at: '2026-01-04T09:00:00Z', ...row },
      'user_id',
    );
  const admin = await user(tenant, {
    username: 'alice',
    email: 'alice@northwind.example',
    first_name: 'Alice',
    last_name: 'Admin',
    hashed_password: await algaHash(ADMIN_PASSWORD),
    user_type: 'internal',
  });
  const tech = await user(tenant, {
    username: 'bob',
    email: 'bob@northwind.example',
    first_name: 'Bob',
    last_name: 'Tech',
    hashed_password: await algaHash('Bob-alga-2026!'),
    user_type: 'internal',
  });
  const disabledStaff = await user(tenant, {
    username: 'gone',
    email: 'gone@northwind.example',
    first_name: 'Former',
    last_name: 'Staff',
    hashed_password: await algaHash('Gone-alga-2026!'),
    user_type: 'internal',
    is_inactive: true,
  });
  const otherAdmin = await user(otherTenant, {
    username: 'carol',
    email: 'carol@contoso.example',
    first_name: 'Carol',
    last_name: 'Contoso',
    hashed_password: await algaHash('Carol-alga-2026!'),
    user_type: 'internal',
  });
  await db('user_roles').insert([
    { tenant, user_id: admin, role_id: mspAdmin },
    { tenant: otherTenant, user_id: otherAdmin, role_id: otherAdminRole },
  ]);

  const client = (t: string, client_name: string, is_inactive = false) =>
    insert(
      db,
      'clients',
      { tenant: t, client_name, is_inactive, default_currency_code: 'USD', billing_cycle: 'monthly', client_type: 'company' },
      'client_id',
    );
  const bakery = await client(tenant, 'Harbor Bakery');
  const garage = await client(tenant, 'Summit Garage');
  const inactive = await client(tenant, 'Old Client LLC', true);
  const otherTenantClient = await client(otherTenant, 'Harbor Bakery');

  const contact = async (t: string, client_id: string, full_name: string, email: string, extra: Record<string, unknown> = {}) => {
    const id = await insert(
      db,
      'contacts',
      { tenant: t, client_id, full_name, email, is_inactive: false, is_client_admin: false, ...extra },
      'contact_name_id',
    );
    await db('contact_phone_numbers').insert({
      tenant: t,
      contact_name_id: id,
      phone_number: '+1 555 0100',
      canonical_type: 'work',
      is_default: true,
      display_order: 0,
    });
    return id;
  };
  const claire = await contact(tenant, bakery, 'Claire Martin', 'claire@harbor.example', { is_client_admin: true });
  const sophie = await contact(tenant, bakery, 'Sophie Martin', 'sophie@harbor.example');
  const paul = await contact(tenant, garage, 'Paul Dupont', 'paul@summit.example');
  const disabled = await contact(tenant, bakery, 'Former Employee', 'former@harbor.example', { is_inactive: true });
  await contact(tenant, inactive, 'Jean Old', 'jean@old.example');
  // The same person's email in another tenant: nothing may answer across tenants.
  const otherTenantContact = await contact(otherTenant, otherTenantClient, 'Claire Martin', 'claire@harbor.example');

  // Client logins as Alga's portal invitation acceptance creates them (username = email, lower case).
  const clientUser = async (contactId: string, email: string, first: string, last: string, roleId: string, password: string) => {
    const id = await user(tenant, {
      username: email,
      email,
      first_name: first,
      last_name: last,
      hashed_password: await algaHash(password),
      user_type: 'client',
      contact_id: contactId,
    });
    await db('user_roles').insert({ tenant, user_id: id, role_id: roleId });
    return id;
  };
  const claireUser = await clientUser(claire, 'claire@harbor.example', 'Claire', 'Martin', clientAdminRole, CLAIRE_PASSWORD);
  const sophieUser = await clientUser(sophie, 'sophie@harbor.example', 'Sophie', 'Martin', clientUserRole, 'Sophie-alga-2026!');
  await user(otherTenant, {
    username: 'claire@harbor.example',
    email: 'claire@harbor.example',
    first_name: 'Claire',
    last_name: 'Martin',
    hashed_password: await algaHash(CLAIRE_PASSWORD),
    user_type: 'client',
    contact_id: otherTenantContact,
  });

  // Quotes: sent ones are open to the client; Alga's quote numbers are Q-<nnnn>.
  let quoteNo = 0;
  const quote = async (client_id: string, status: string, title: string, created: string, extra: Record<string, unknown> = {}) => {
    quoteNo += 1;
    const sent = ['draft', 'pending_approval', 'approved'].includes(status) ? null : created;
    return insert(
      db,
      'quotes',
      {
        tenant,
        client_id,
        contact_id: null,
        quote_number: `Q-${String(quoteNo).padStart(4, '0')}`,
        title,
        description: `${title}: scope of work`,
        status,
        version: 1,
        quote_date: created,
        valid_until: '2099-12-31T00:00:00Z',
        subtotal: 120000,
        discount_total: 0,
        tax: 9600,
        total_amount: 129600,
        currency_code: 'USD',
        client_notes: 'Prices valid for 30 days.',
        terms_and_conditions: 'Net 30.',
        is_template: false,
        sent_at: sent,
        created_by: admin,
        updated_by: admin,
        created_at: created,
        updated_at: created,
        ...extra,
      },
      'quote_id',
    );
  };
  const accepted = await quote(bakery, 'accepted', 'Firewall replacement', '2026-01-10T10:00:00Z', {
    accepted_at: '2026-01-12T10:00:00Z',
    accepted_by: claireUser,
  });
  const accept = await quote(bakery, 'sent', 'Managed backup', '2026-02-01T10:00:00Z');
  const race = await quote(bakery, 'sent', 'Laptop refresh', '2026-02-02T10:00:00Z');
  const draft = await quote(bakery, 'draft', 'Draft network audit', '2026-02-03T10:00:00Z');
  const template = await quote(bakery, 'sent', 'Template: standard onboarding', '2026-02-04T10:00:00Z', {
    is_template: true,
    quote_number: null,
  });
  const decline = await quote(garage, 'sent', 'Wi-Fi survey', '2026-02-05T10:00:00Z');
  for (const quoteId of [accept, race, decline, accepted]) {
    await db('quote_items').insert([
      {
        tenant,
        quote_id: quoteId,
        service_name: 'Managed services',
        description: 'Monthly managed services',
        quantity: 2,
        unit_price: 50000,
        total_price: 100000,
        tax_amount: 8000,
        net_amount: 100000,
        tax_rate: 8,
        display_order: 1,
        created_by: admin,
      },
      {
        tenant,
        quote_id: quoteId,
        service_name: 'Onboarding',
        description: 'One-off onboarding',
        quantity: 1,
        unit_price: 20000,
        total_price: 20000,
        tax_amount: 1600,
        net_amount: 20000,
        tax_rate: 8,
        display_order: 2,
        created_by: admin,
      },
      {
        tenant,
        quote_id: quoteId,
        service_name: 'Extra monitoring',
        description: 'Optional, not selected',
        quantity: 1,
        unit_price: 9900,
        total_price: 9900,
        is_optional: true,
        is_selected: false,
        // A pending optional item keeps the rate Alga resolved for it, with no tax of its own yet.
        tax_rate: 8,
        display_order: 3,
        created_by: admin,
      },
    ]);
  }

  // Invoices in cents; Alga numbers them INV-<nnnnnn>.
  let invoiceNo = 0;
  const invoice = async (client_id: string, status: string, total: number, date: string, extra: Record<string, unknown> = {}) => {
    invoiceNo += 1;
    const id = await insert(
      db,
      'invoices',
      {
        tenant,
        client_id,
        invoice_number: `INV-${String(invoiceNo).padStart(6, '0')}`,
        invoice_date: date,
        due_date: '2099-12-31T00:00:00Z',
        subtotal: Math.round(total / 1.08),
        tax: total - Math.round(total / 1.08),
        total_amount: total,
        status,
        currency_code: 'USD',
        is_manual: true,
        invoice_type: 'standard',
        ...extra,
      },
      'invoice_id',
    );
    await db('invoice_charges').insert({
      tenant,
      invoice_id: id,
      description: 'Managed services',
      quantity: 1,
      unit_price: Math.round(total / 1.08),
      total_price: total,
      net_amount: Math.round(total / 1.08),
      tax_amount: total - Math.round(total / 1.08),
      tax_rate: 8,
      is_manual: true,
    });
    return id;
  };
  const unpaid = await invoice(bakery, 'sent', 150000, '2026-03-01T00:00:00Z');
  const partlyPaid = await invoice(bakery, 'partially_applied', 100000, '2026-02-01T00:00:00Z', { due_date: '2026-02-15T00:00:00Z' });
  const paid = await invoice(bakery, 'paid', 50000, '2026-01-15T00:00:00Z');
  const draftInvoice = await invoice(bakery, 'draft', 70000, '2026-03-05T00:00:00Z');
  const credited = await invoice(bakery, 'sent', 30000, '2026-01-20T00:00:00Z', { credit_applied: 10000 });
  const garageOpen = await invoice(garage, 'sent', 80000, '2026-03-02T00:00:00Z');
  await db('invoice_payments').insert([
    {
      tenant,
      invoice_id: partlyPaid,
      amount: 40000,
      payment_method: 'check',
      payment_date: '2026-02-10T00:00:00Z',
      reference_number: 'CHK-1001',
    },
    {
      tenant,
      invoice_id: paid,
      amount: 50000,
      payment_method: 'credit_card',
      payment_date: '2026-01-20T00:00:00Z',
      reference_number: 'ch_1',
    },
  ]);

  // A project whose tasks Alga shows in its client portal (client_portal_config.show_tasks), and one that does not.
  const taskStatus = (name: string, is_closed: boolean, order_number: number) =>
    insert(
      db,
      'statuses',
      { tenant, name, status_type: 'project_task', item_type: 'project_task', order_number, is_closed, created_by: admin },
      'status_id',
    );
  const projectStatus = await insert(
    db,
    'statuses',
    { tenant, name: 'In progress', status_type: 'project', item_type: 'project', order_number: 1, is_closed: false, created_by: admin },
    'status_id',
  );
  const todoStatus = await taskStatus('To Do', false, 1);
  const doneStatus = await taskStatus('Done', true, 2);
  const project = (project_name: string, number: string, showTasks: boolean) =>
    insert(
      db,
      'projects',
      {
        tenant,
        client_id: bakery,
        project_name,
        status: projectStatus,
        wbs_code: number.replace(/\D/g, ''),
        project_number: number,
        is_inactive: false,
        client_portal_config: {
          show_tasks: showTasks,
          show_phases: false,
          show_budget_hours: false,
          visible_task_fields: ['task_name', 'due_date', 'status'],
          show_phase_completion: false,
        },
      },
      'project_id',
    );
  const website = await project('Office move', 'PRJ-0001', true);
  const hidden = await project('Internal audit', 'PRJ-0002', false);
  const phase = (project_id: string, wbs: string) =>
    insert(
      db,
      'project_phases',
      { tenant, project_id, phase_name: 'Phase 1', status: 'active', order_number: 1, wbs_code: wbs },
      'phase_id',
    );
  const websitePhase = await phase(website, '1.1');
  const hiddenPhase = await phase(hidden, '2.1');
  const mapping = (project_id: string, status_id: string, display_order: number) =>
    insert(
      db,
      'project_status_mappings',
      { tenant, project_id, status_id, display_order, is_visible: true, is_standard: false },
      'project_status_mapping_id',
    );
  const todo = await mapping(website, todoStatus, 1);
  const done = await mapping(website, doneStatus, 2);
  const hiddenTodo = await mapping(hidden, todoStatus, 1);
  let wbs = 0;
  const task = (phase_id: string, task_name: string, mappingId: string, due: string | null, assigned_to: string | null) => {
    wbs += 1;
    return insert(
      db,
      'project_tasks',
      {
        tenant,
        phase_id,
        task_name,
        description: `${task_name}.`,
        project_status_mapping_id: mappingId,
        due_date: due,
        assigned_to,
        wbs_code: `1.1.${wbs}`,
        order_key: `a${wbs}`,
      },
      'task_id',
    );
  };
  const claireDue = await task(websitePhase, 'Approve floor plan', todo, '2026-04-01T00:00:00Z', claireUser);
  const companyWide = await task(websitePhase, 'Book the movers', todo, '2026-05-01T00:00:00Z', tech);
  const undated = await task(websitePhase, 'Label the boxes', todo, null, null);
  const sophies = await task(websitePhase, 'Sign the lease annex', todo, '2026-03-20T00:00:00Z', sophieUser);
  const doneTask = await task(websitePhase, 'Pick a date', done, '2026-02-01T00:00:00Z', null);
  const hiddenProject = await task(hiddenPhase, 'Review access logs', hiddenTodo, '2026-04-10T00:00:00Z', null);

  // Documents: Alga's upload writes the file through its storage provider, an external_files row,
  // a documents row pointing at it, and an association with the client.
  let order = 0;
  const document = async (client_id: string, name: string, body: string, visible: boolean, entered: string) => {
    order += 1;
    const storagePath = `${tenant}/${randomBytes(8).toString('hex')}/${name}`;
    mkdirSync(path.dirname(path.join(storageRoot, storagePath)), { recursive: true });
    writeFileSync(path.join(storageRoot, storagePath), body);
    const file = await insert(
      db,
      'external_files',
      {
        tenant,
        file_name: name,
        original_name: name,
        mime_type: 'application/pdf',
        file_size: Buffer.byteLength(body),
        storage_path: storagePath,
        uploaded_by_id: admin,
      },
      'file_id',
    );
    const id = await insert(
      db,
      'documents',
      {
        tenant,
        document_name: name,
        user_id: admin,
        created_by: admin,
        order_number: order,
        entered_at: entered,
        updated_at: entered,
        file_id: file,
        mime_type: 'application/pdf',
        file_size: Buffer.byteLength(body),
        is_client_visible: visible,
      },
      'document_id',
    );
    await db('document_associations').insert({ tenant, document_id: id, entity_id: client_id, entity_type: 'client' });
    return id;
  };
  const first = await document(bakery, 'network-diagram.pdf', '%PDF-1.4 network diagram', true, '2026-02-01T10:00:00Z');
  const second = await document(bakery, 'service-agreement.pdf', '%PDF-1.4 service agreement', true, '2026-02-10T10:00:00Z');
  const internal = await document(bakery, 'internal-notes.pdf', '%PDF-1.4 internal', false, '2026-02-11T10:00:00Z');
  const garageDoc = await document(garage, 'garage-plan.pdf', '%PDF-1.4 garage', true, '2026-02-12T10:00:00Z');

  return {
    tenant,
    clientRoles,
    clientPermissions,
    otherTenant,
    users: { admin, tech, disabledStaff, claire: claireUser, sophie: sophieUser, otherAdmin },
    clients: { bakery, garage, inactive, otherTenantClient },
    contacts: { claire, sophie, paul, disabled, otherTenantContact },
    quotes: { accept, race, decline, accepted, draft, template },
    invoices: { unpaid, partlyPaid, paid, draft: draftInvoice, garageOpen, credited },
    tasks: { claireDue, companyWide, undated, sophies, done: doneTask, hiddenProject },
    mappings: { todo, done },
    documents: { first, second, internal, garage: garageDoc },
    sharedWithBakery: 2,
  };
}
