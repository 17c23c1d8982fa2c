// A binding file drafted from the audit's picks (`npm run audit -- --write-binding FILE`): for each
// concept the portal serves, the table the audit chose, its key, its links to the workspace and the
// client company, and the columns whose roles made the match. What the audit is not sure of, and
// what a schema cannot say (which status values mean accepted, which contacts may sign in, which
// hash format a password column holds, the statements the host runs on a decision), is written as
// a marked question: a "QUESTION: ..." value with the candidates, which the binding file's format
// refuses until a person answers it. Nothing is guessed: where two columns could hold a value and
// no name settles it, both are named in a question.
import type { CatalogColumn } from '../catalog/types.ts';
import type { Samples } from '../findings/samples.ts';
import type { ColumnRole } from '../recognition/column-roles.ts';
import { tokenize } from '../recognition/names.ts';
import { STAFF_TABLE_WORDS, type SchemaModel, type TableProfile } from '../recognition/schema-model.ts';
import type { AuditReport, ConceptFinding, ConceptId } from '../report-schema.ts';
import { type ColumnRef, columnKey, type ObservedByColumn } from './observed-values.ts';
import { type SharedTenant, sharedTenantColumns } from './tenant-column.ts';

/** What marks a question: the binding file's loader refuses any value that starts with it. */
export const QUESTION_MARK = 'QUESTION:';

/** A value a person must give; written as a quoted "QUESTION: ..." string. */
export class Question {
  constructor(readonly text: string) {}
}

type Flow = string | number | boolean | null | Flow[] | { [key: string]: Flow };
/** A section or a nested map, written in block style, each key with the comment lines before it. */
export class Block {
  constructor(readonly entries: Entry[]) {}
}
export interface Entry {
  key: string;
  value: Flow | Question | Block;
  comment?: string[];
}

export interface DraftInput {
  report: AuditReport;
  model: SchemaModel;
  samples: Samples;
  /** Values of the status and kind columns the draft asks about; missing ones are listed in `wanted`. */
  observed: ObservedByColumn;
}

export interface Draft {
  header: string[];
  entries: Entry[];
  /** The status and kind columns whose values the questions quote. */
  wanted: ColumnRef[];
}

const OFFER_STATES = ['open', 'accepted', 'declined', 'expired', 'withdrawn'];
const INVOICE_STATES = ['open', 'paid', 'void'];

/** Names that say which of several columns of a role holds the value; the first that fits one column wins. */
const PREFER = {
  key: [/^(id|rowid)$/],
  name: [/^name$/, /^(full_?name|display_?name|nom|company_?name|real_?name)$/],
  email: [/^e?mail$/, /^email_?address$/],
  phone: [/^phone$/, /^(phone_?number|telephone|tel)$/],
  slug: [/^slug$/, /key$/, /^code$/],
  number: [/^(number|ref|reference|doc_?number|document_?number)$/, /number$/],
  title: [/^(title|subject|name|label)$/],
  status: [/^(status|state|statut|status_id|fk_statut|stage)$/],
  currency: [/^(currency|currency_?code|currency_id|multicurrency_code)$/],
  total: [/^(amount|total|total_ttc|grand_total|total_amount|amount_total|total_inc_tax|gross)$/],
  tax: [/^(total_taxes|total_tax|tax|tax_amount|total_tva|vat_amount|total_vat)$/],
  paid: [/^(paid|paid_to_date|amount_paid|paid_amount|alloc)$/],
  balance: [/^(balance|balance_due|amount_due|remaining)$/],
  date: [/^date$/, /^(datef|datep|date_issued|issue_date|issued_at|invoice_date|quote_date|tran_date|ord_date|document_date)$/],
  due: [/^(due_date|date_due|date_lim_reglement|due_at|due)$/],
  validUntil: [/^(valid_until|expiry_date|expires_at|fin_validite|date_valid)$/],
  password: [/^(password|passwd|pass_crypted|password_hash|pwd)$/],
};

/**
 * Values a role alone does not settle: a lone column of the role is taken only when its name says
 * so (a workspace's only "name" column may be an integration's, shopify_name).
 */
const MUST_FIT = new Set<keyof typeof PREFER>(['name', 'slug', 'total']);

/**
 * The hash formats a binding file accepts for contacts' and staff's passwords (its format module
 * checks them; the audit names no binding, so it keeps the list, and a test holds the two equal).
 */
export const CONTACT_PASSWORD_FORMATS = ['bcrypt', 'php', 'argon2id'] as const;
export const STAFF_PASSWORD_FORMATS = [...CONTACT_PASSWORD_FORMATS, 'md5'] as const;

const SECTION_OF: Partial<Record<ConceptId, string>> = {
  workspace: 'workspaces',
  company: 'clients',
  contact: 'contacts',
  staffUser: 'staff',
  proposal: 'proposals',
  quotation: 'quotations',
  invoice: 'invoices',
  payment: 'payments',
  task: 'tasks',
  project: 'projects',
  ticket: 'tickets',
  kbArticle: 'knowledgeBase',
};

export function draftBinding(input: DraftInput): Draft {
  return new Drafter(input).draft();
}

/** The section's own state while it is drafted: a question whose answer may lie in another table asks for joins. */
interface SectionState {
  profile: TableProfile;
  needsJoin: string[];
}

class Drafter {
  readonly wanted: ColumnRef[] = [];
  private readonly skipped: string[] = [];
  private readonly findings: Map<ConceptId, ConceptFinding>;
  /** The column each section names its workspace by, where workspaces are a table; null with one fixed workspace. */
  private readonly tenant: string | null;
  /** Where no column's name says tenant: the columns every mapped table carries toward one table (several are asked). */
  private readonly shared: SharedTenant[];

  constructor(private readonly input: DraftInput) {
    this.findings = new Map(input.report.concepts.map((c) => [c.id, c]));
    this.shared = this.sharedTenants();
    this.tenant = this.shared.length === 1 ? this.shared[0]!.column : this.shared.length > 1 ? null : (input.model.tenant?.column ?? null);
  }

  /** The tables the draft maps to the client's records, the clients' first; the staff's table counts as people. */
  private sharedTenants(): SharedTenant[] {
    const clients = this.pick('company').profile;
    if (!clients) return [];
    const records: ConceptId[] = ['contact', 'proposal', 'quotation', 'invoice', 'task', 'project', 'ticket', 'kbArticle'];
    const tables = records.map((id) => this.pick(id).profile).filter((p): p is TableProfile => p !== undefined);
    const staff = this.pick('staffUser').profile;
    const shared = sharedTenantColumns(this.input.model, [clients, ...tables], new Set(staff ? [staff.qualified] : []));
    const named = this.input.model.tenant;
    if (!named) return shared;
    // A tenant named so (org_id) is the workspace as before, unless another column every mapped
    // table carries toward a table of its own (team_id) may be whose the records are: both asked.
    const others = shared.filter((s) => s.column !== named.column);
    if (others.length === 0) return [];
    const table = named.table ? this.input.model.byName.get(named.table) : undefined;
    return table ? [{ column: named.column, table, carriers: [] }, ...others] : others;
  }

  draft(): Draft {
    const { report } = this.input;
    const header = [
      ` Drafted by \`npm run audit -- --write-binding\` from ${report.database.name} (${report.database.hostTables} host tables).`,
      ' Every "QUESTION: ..." value is what the audit could not know or was not sure of, with its candidates:',
      ' answer each (or delete its key where the question says so), then `npm run portal -- check --binding FILE`.',
      ` ${report.sureness.text}`,
    ];
    const entries: Entry[] = [
      { key: 'binding', value: 1 },
      { key: 'crm', value: new Question('what is this CRM called, as people say it?') },
      {
        key: 'pages',
        value: new Question(
          "which of the CRM's own pages show a client, a contact, a proposal, a quotation, an invoice? Paths with {id}, such as { client: /clients/{id} }; staff pages link to them where crmUrl gives the CRM's address. Delete this key to link none.",
        ),
      },
      ...this.workspace(),
      this.clients(),
      this.contacts(),
      this.staff(),
      ...this.offer('proposal', 'proposals', OFFER_STATES),
      ...this.offer('quotation', 'quotations', OFFER_STATES),
      ...this.invoices(),
      ...this.tasks(),
      ...this.projects(),
      ...this.tickets(),
      ...this.knowledgeBase(),
    ];
    if (this.skipped.length > 0)
      header.push(
        ' Not found by the audit, so not written (add a section by hand if the host keeps them):',
        ...this.skipped.map((s) => `   ${s}`),
      );
    return { header, entries, wanted: this.wanted };
  }

  // ---- the workspace --------------------------------------------------------------------------

  /**
   * A tenant column on most tables, or one column every mapped table carries toward one table:
   * workspaces are a table. Several such columns: which is asked. None: one agency, one fixed workspace.
   */
  private workspace(): Entry[] {
    const finding = this.findings.get('workspace');
    const tenantTable = this.input.model.tenant?.table;
    if (this.shared.length > 1) return [this.askTenant()];
    if (this.shared.length === 1) return [this.sharedWorkspaces(this.shared[0]!)];
    if (!this.tenant) {
      const seen =
        finding?.chosenTable && finding.status !== 'missing'
          ? ` The audit's closest pick for workspaces, ${finding.chosenTable} (${finding.status}), is not a tenant: no column on most tables points at it.`
          : '';
      return [
        {
          key: 'workspace',
          comment: [` One agency: no column scopes the records by company.${seen}`],
          value: new Block([
            { key: 'id', value: new Question('which id does the portal give this agency (any short text, such as 1)?') },
            {
              key: 'slug',
              value: new Question("what is the agency's address in the portal (/portal/<slug>: lower-case letters, digits and -)?"),
            },
            { key: 'name', value: new Question('what is the agency called?') },
          ]),
        },
      ];
    }
    const table = finding?.chosenTable === tenantTable ? finding : undefined;
    const profile = tenantTable ? this.input.model.byName.get(tenantTable) : undefined;
    if (!profile || !table)
      return [
        {
          key: 'workspaces',
          comment: [` Most tables carry ${this.tenant}, a workspace's key.`],
          value: new Question(
            `which table holds the workspaces that ${this.tenant} points at (${tenantTable ?? 'none found'})? Answer with a section { table, key, slug, name }.`,
          ),
        },
      ];
    const state: SectionState = { profile, needsJoin: [] };
    return [
      {
        key: 'workspaces',
        comment: this.why(table, `each row of ${profile.qualified} is an agency: ${this.tenant} on most tables points at it`),
        value: this.workspacesSection(state, this.tableAndKey(table, state, 'workspaces')),
      },
    ];
  }

  /**
   * The table a column every mapped table carries points at (Midday's teams, by team_id), written
   * as the file's table of workspaces rather than as one fixed workspace with each section's
   * workspace column: the table serves each of its rows apart, as the host keeps them, needs no
   * row's key found by hand, and the file's loader then refuses a section that names no column.
   */
  private sharedWorkspaces(shared: SharedTenant): Entry {
    const { table: profile, column, carriers } = shared;
    const state: SectionState = { profile, needsJoin: [] };
    const tables = carriers.map(tableName).join(', ');
    return {
      key: 'workspaces',
      comment: [
        ` Workspaces: ${tableName(profile)}. ${column} on ${tables} (every table this file maps) points at it: each of its rows keeps its own records.`,
        ' A table of workspaces serves each row apart; to serve one of them only, write',
        ` workspace: { id: <its ${column}>, slug, name } instead, keeping each section's workspace: ${column}.`,
      ],
      value: this.workspacesSection(state, [{ key: 'table', value: tableName(profile) }, this.keyOf(profile)]),
    };
  }

  /** Several columns every mapped table carries toward a table of its own: which says whose the records are is asked. */
  private askTenant(): Entry {
    const each = this.shared.map((s) => `${s.column} (a key to ${tableName(s.table)})`);
    return {
      key: 'workspaces',
      comment: [` Every table this file maps carries ${each.join(' and ')}: either may say whose the records are.`],
      value: new Question(
        `which column says whose the records are: ${each.join(', or ')}? Answer with a section { table, key, slug, name } of the table it points at, and give each section workspace: <that column>; where neither does (one agency), replace this key with workspace: { id, slug, name } and delete each section's workspace.`,
      ),
    };
  }

  /** A table of workspaces: its table and key, then the address and name of each and the rows served. */
  private workspacesSection(state: SectionState, tableAndKey: Entry[]): Block {
    const { profile } = state;
    return this.section(state, [
      ...tableAndKey,
      {
        key: 'slug',
        value: this.one(
          state,
          'slug',
          this.columns(profile, ['code', 'login']),
          'which column gives each workspace a unique address (/portal/<slug>)?',
        ),
      },
      {
        key: 'name',
        value: this.one(state, 'name', this.columns(profile, ['name', 'label']), "which column holds the agency's name?", true),
      },
      this.liveRows(profile),
    ]);
  }

  // ---- people ---------------------------------------------------------------------------------

  private clients(): Entry {
    const { finding, profile } = this.pick('company');
    if (!finding || !profile) return { key: 'clients', value: this.missingSection(finding, 'client companies', '{ table, key, name }') };
    const state: SectionState = { profile, needsJoin: [] };
    return {
      key: 'clients',
      comment: this.why(finding),
      value: this.section(state, [
        ...this.tableAndKey(finding, state, 'clients'),
        ...this.workspaceRef(state, 'client companies'),
        {
          key: 'name',
          value: this.one(state, 'name', this.columns(profile, ['name', 'label']), "which column holds the client company's name?", true),
        },
        this.liveRows(profile),
      ]),
    };
  }

  private contacts(): Entry {
    const { finding, profile } = this.pick('contact');
    if (!finding || !profile)
      return { key: 'contacts', value: this.missingSection(finding, 'the people at the clients', '{ table, key, client, email, name }') };
    const state: SectionState = { profile, needsJoin: [] };
    const credentials = this.findings.get('clientCredentials');
    const entries: Entry[] = [
      ...this.tableAndKey(finding, state, 'contacts'),
      ...this.workspaceRef(state, 'contacts'),
      this.clientRef(state, 'contact'),
      {
        key: 'email',
        value: this.one(state, 'email', this.columns(profile, ['email']), 'which column holds the email a contact signs in with?', true),
      },
      { key: 'name', value: this.personName(state) },
    ];
    const phone = this.optional(profile, 'phone', ['phone']);
    if (phone) entries.push({ key: 'phone', value: phone });
    if (!this.sure(finding) && state.needsJoin.includes('client')) this.askThroughJoin(profile, entries, ['key', 'email', 'name', 'phone']);
    entries.push(this.signInRows(profile, credentials));
    if (credentials?.chosenTable === profile.qualified && !credentials.rowFilter && credentials.status === 'exists') {
      const column = this.one(state, 'password', this.columns(profile, ['password']), "which column holds the contacts' password hashes?");
      entries.push({
        key: 'password',
        comment: [' Contacts sign in with the password the host keeps; without this key the portal keeps its own.'],
        value: new Block([
          { key: 'column', value: column },
          { key: 'format', value: this.hashFormat(profile, column, CONTACT_PASSWORD_FORMATS) },
          {
            key: 'unset',
            value: new Question(
              'which value does the host store for a contact without a password (null counts anyway)? Delete this key if only null.',
            ),
          },
        ]),
      });
    } else if (credentials?.chosenTable && credentials.status !== 'missing') {
      entries.push({
        key: 'password',
        comment: [
          ` The client logins the audit found are in ${credentials.chosenTable}${credentials.rowFilter ? ` where ${JSON.stringify(credentials.rowFilter)}` : ''}, not in ${profile.qualified}:`,
          " a binding file reads passwords from the contacts' own table only.",
        ],
        value: new Question(
          "does the host keep the contacts' passwords in their own table? Answer { column, format, unset }, or delete this key and the portal keeps its own.",
        ),
      });
    }
    entries.push(this.writes("updateProfile (the statement that saves a contact's name and phone as the host does)"));
    return { key: 'contacts', comment: this.why(finding), value: this.section(state, entries) };
  }

  private staff(): Entry {
    const { finding, profile } = this.pick('staffUser');
    if (!this.keepsStaffPasswords(profile))
      return {
        key: 'staff',
        comment: [
          ` No table of staff or users keeps a password hash${profile ? ` (the audit's pick, ${tableName(profile)}, has none)` : ''}: the staff sign in elsewhere.`,
          ' So no one signs in to the staff pages and no staff member is emailed. Where the host does keep',
          ' its staff passwords, replace none with { table, key, email, name, password }.',
        ],
        value: 'none',
      };
    if (!finding || !profile)
      return { key: 'staff', value: this.missingSection(finding, "the agency's staff", '{ table, key, email, name, password }') };
    const state: SectionState = { profile, needsJoin: [] };
    const admins = this.columns(profile, ['staffRole']).concat(
      profile.table.columns.filter((c) => /admin|owner|superuser|(^|_)(type|role)$/.test(c.name.toLowerCase())),
    );
    const password = this.one(state, 'password', this.columns(profile, ['password']), "which column holds the staff's password hashes?");
    return {
      key: 'staff',
      comment: this.why(finding),
      value: this.section(state, [
        ...this.tableAndKey(finding, state, 'staff'),
        ...this.workspaceRef(state, 'staff'),
        {
          key: 'email',
          value: this.one(state, 'email', this.columns(profile, ['email']), 'which column holds the email staff sign in with?', true),
        },
        { key: 'name', value: this.personName(state) },
        {
          key: 'admin',
          value: new Question(
            `which staff are the agency's admins (they get the portal's emails)? A condition such as { is_admin: 1 } or { anyOf: [...] }${this.candidates(unique(admins), profile)}; delete this key if every one is.`,
          ),
        },
        this.staffRows(profile),
        {
          key: 'password',
          value:
            password instanceof Question
              ? password
              : new Block([
                  { key: 'column', value: password },
                  { key: 'format', value: this.hashFormat(profile, password, STAFF_PASSWORD_FORMATS) },
                ]),
        },
      ]),
    };
  }

  /**
   * Whether the host keeps a password the portal could verify its staff by: a password column on
   * the audit's pick for staff, or on any table named for staff or users (the pick may be another).
   */
  private keepsStaffPasswords(pick: TableProfile | undefined): boolean {
    const hasPassword = (p: TableProfile) => this.columns(p, ['password']).length > 0;
    return (
      (pick !== undefined && hasPassword(pick)) ||
      this.input.model.profiles.some((p) => p.tokens.some((t) => STAFF_TABLE_WORDS.has(t)) && hasPassword(p))
    );
  }

  // ---- records --------------------------------------------------------------------------------

  private offer(concept: 'proposal' | 'quotation', key: string, states: string[]): Entry[] {
    const { finding, profile } = this.pick(concept);
    if (!finding || !profile) return this.notFound(key, finding);
    const state: SectionState = { profile, needsJoin: [] };
    const entries: Entry[] = [
      ...this.tableAndKey(finding, state, key, true),
      ...this.workspaceRef(state, key),
      this.clientRef(state, concept),
      this.kindRows(finding, state),
      {
        key: 'number',
        value: this.one(
          state,
          'number',
          this.columns(profile, ['number']),
          `which column holds the ${concept}'s number, as the client reads it?`,
        ),
      },
    ];
    const title = this.optional(profile, 'title', ['title']);
    if (title) entries.push({ key: 'title', value: title });
    entries.push(this.status(state, states, `${concept}s`));
    entries.push(...this.money(state));
    entries.push({ key: 'date', value: this.date(state) });
    entries.push(this.validUntil(state));
    const sentAt = this.byName(profile, /(^|_)sent(_|$)/, /reminder|next/, true);
    if (sentAt) entries.push({ key: 'sentAt', value: sentAt });
    entries.push(
      this.readText(
        state,
        'body',
        this.byName(profile, /(^|_)(public_?notes?|note_public|description)$/),
        `the text the client reads with the ${concept}`,
        /comment|memo|note|description|body|text/,
      ),
      this.readText(
        state,
        'terms',
        this.byName(profile, /^(terms|conditions|terms_and_conditions|note_terms)$/, undefined, false, true),
        `the ${concept}'s terms`,
        /term|condition/,
      ),
    );
    entries.push(this.decidedAt(state));
    entries.push(...this.lines(state, concept));
    entries.push(
      this.writes(`accept and decline (the statements the host runs when a client accepts or declines a ${concept}; no key: no button)`),
    );
    return [{ key, comment: this.why(finding), value: this.section(state, entries) }];
  }

  private invoices(): Entry[] {
    const { finding, profile } = this.pick('invoice');
    if (!finding || !profile) return this.notFound('invoices', finding);
    const state: SectionState = { profile, needsJoin: [] };
    const entries: Entry[] = [
      ...this.tableAndKey(finding, state, 'invoices', true),
      ...this.workspaceRef(state, 'invoices'),
      this.clientRef(state, 'invoice'),
      this.kindRows(finding, state),
      {
        key: 'number',
        value: this.one(
          state,
          'number',
          this.columns(profile, ['number']),
          "which column holds the invoice's number, as the client reads it?",
        ),
      },
      this.status(state, INVOICE_STATES, 'invoices'),
      ...this.money(state),
    ];
    // A column named for what is paid or due is one even where its values gave it no role (alloc).
    const named = profile.table.columns.filter(
      (c) => c.category === 'N' && [...PREFER.paid, ...PREFER.balance].some((p) => p.test(c.name.toLowerCase())),
    );
    const amounts = unique([...this.columns(profile, ['amount', 'paid']), ...named]);
    for (const [name, prefer] of [
      ['paid', PREFER.paid],
      ['balance', PREFER.balance],
    ] as const) {
      const column = preferred(amounts, prefer);
      if (column) entries.push({ key: name, value: column.name });
    }
    entries.push({ key: 'date', value: this.date(state) });
    const due = this.columns(profile, ['dueDate']);
    if (due.length > 0) entries.push({ key: 'due', value: this.one(state, 'due', due, 'which column holds the date the invoice is due?') });
    entries.push(
      this.readText(
        state,
        'notes',
        this.byName(profile, /(^|_)(public_?notes?|note_public)$/),
        'the notes the client reads with the invoice',
        /comment|memo|note/,
      ),
    );
    entries.push(...this.lines(state, 'invoice'));
    entries.push(this.payments(finding, profile));
    entries.push(this.writes('recordPayment (the statement that records a payment as the host does)'));
    return [{ key: 'invoices', comment: this.why(finding), value: this.section(state, entries) }];
  }

  /**
   * The client's tasks. Whom a task is assigned to, what describes it, when it was done and what
   * marks it done are the host's: asked, with the columns that may hold them.
   */
  private tasks(): Entry[] {
    const { finding, profile } = this.pick('task');
    if (!finding || !profile) return this.notFound('tasks', finding);
    const state: SectionState = { profile, needsJoin: [] };
    const contacts = this.pick('contact').profile;
    const toContacts = contacts
      ? unique(profile.outgoing.filter((l) => l.to === contacts.qualified && l.columns.length === 1).map((l) => l.columns[0]!))
      : [];
    const entries: Entry[] = [
      ...this.tableAndKey(finding, state, 'tasks', true),
      ...this.workspaceRef(state, 'tasks'),
      this.clientRef(state, 'task'),
      this.kindRows(finding, state),
      {
        key: 'contact',
        value: new Question(
          `which column names the contact a task is assigned to (a task with none is then the whole company's)?${toContacts.length > 0 ? ` Columns with a key to ${contacts!.qualified}: ${toContacts.join(', ')}.` : ` ${tableName(profile)} has no key to the contacts.`} Delete this key if every task is the whole company's.`,
        ),
      },
      {
        key: 'title',
        value: this.one(state, 'title', this.columns(profile, ['title', 'name']), "which column holds the task's title?", true),
      },
    ];
    const described = profile.table.columns.filter(
      (c) => c.category === 'S' && /(^|_)(description|details|notes?|body)$/.test(c.name.toLowerCase()),
    );
    if (described.length > 0)
      entries.push({
        key: 'description',
        value: new Question(`which column says more than the title?${this.candidates(described, profile)}; delete this key if none.`),
      });
    const due = this.columns(profile, ['dueDate']);
    if (due.length > 0) entries.push({ key: 'due', value: this.one(state, 'due', due, 'which column holds the day the task is due?') });
    const times = profile.table.columns.filter(
      (c) => c.category === 'D' && /(^|_)(done|completed|closed|finished|updated|modified|tms)/.test(c.name.toLowerCase()),
    );
    entries.push({
      key: 'completedAt',
      value: new Question(
        `which time says when the task was done?${this.candidates(times, profile)}; delete this key if the host keeps none.`,
      ),
    });
    entries.push(this.taskStatus(state));
    const projects = this.pick('project').profile;
    const toProjects = projects
      ? unique(profile.outgoing.filter((l) => l.to === projects.qualified && l.columns.length === 1).map((l) => l.columns[0]!))
      : [];
    const projectColumns =
      toProjects.length > 0 ? toProjects : profile.table.columns.filter((c) => /^project_?id$/.test(c.name)).map((c) => c.name);
    if (projects && projectColumns.length > 0)
      entries.push({
        key: 'project',
        value: new Question(
          `which column names the project a task belongs to? Candidates: ${projectColumns.join(', ')}. Delete this key if none.`,
        ),
      });
    entries.push(this.writes('done and reopen (the statements the host runs when a task is marked done or open again; no key: no button)'));
    return [{ key: 'tasks', comment: this.why(finding), value: this.section(state, entries) }];
  }

  /** The client's projects, read only: what says a project is active, on hold or completed is asked. */
  private projects(): Entry[] {
    const { finding, profile } = this.pick('project');
    if (!finding || !profile) return this.notFound('projects', finding);
    const state: SectionState = { profile, needsJoin: [] };
    const entries: Entry[] = [
      ...this.tableAndKey(finding, state, 'projects', true),
      ...this.workspaceRef(state, 'projects'),
      this.clientRef(state, 'project'),
      this.kindRows(finding, state),
    ];
    const ref = this.optional(profile, 'number', ['number']);
    if (ref) entries.push({ key: 'ref', value: ref });
    entries.push({
      key: 'title',
      value: this.one(state, 'title', this.columns(profile, ['title', 'name']), "which column holds the project's name?", true),
    });
    const described = profile.table.columns.filter(
      (c) => c.category === 'S' && /(^|_)(public_?notes?|description|details|note_public)$/.test(c.name.toLowerCase()),
    );
    if (described.length > 0)
      entries.push({
        key: 'description',
        value: new Question(
          `which column describes the project to the client?${this.candidates(described, profile)}; delete this key if none.`,
        ),
      });
    const columns = this.columns(profile, ['status']);
    entries.push(
      columns.length > 0
        ? this.status(state, ['active', 'onHold', 'completed'], 'projects')
        : {
            key: 'status',
            value: new Block([
              {
                key: 'column',
                value: new Question(
                  `${tableName(profile)} has no status column: what says a project is active, on hold or completed (a column, or { constant: active } where every project shown is active)?`,
                ),
              },
              {
                key: 'states',
                value: new Question('which values mean active, onHold, completed? Answer with a map such as { active: [...] }.'),
              },
              { key: 'hidden', value: new Question('which values are never shown to clients? Delete this key if none.') },
            ]),
          },
    );
    const days = profile.table.columns.filter((c) => c.category === 'D');
    for (const [key, what] of [
      ['start', 'starts'],
      ['end', 'ends or is due'],
    ] as const)
      entries.push({
        key,
        value: new Question(`which day the project ${what}?${this.candidates(days, profile)}; delete this key if none.`),
      });
    return [{ key: 'projects', comment: this.why(finding), value: this.section(state, entries) }];
  }

  /** A task's status: its own column, or, where that column is a key to a table of statuses, asked through a join. */
  /**
   * Support tickets and their thread. What a schema cannot say is asked: which statuses wait on the
   * client, which messages are internal and which the client's people wrote, the choices a client
   * may make (type, priority) and how the host makes a new ticket's key.
   */
  private tickets(): Entry[] {
    const { finding, profile } = this.pick('ticket');
    if (!finding || !profile) return this.notFound('tickets', finding);
    const state: SectionState = { profile, needsJoin: [] };
    const contacts = this.pick('contact').profile;
    const toContacts = contacts
      ? unique(profile.outgoing.filter((l) => l.to === contacts.qualified && l.columns.length === 1).map((l) => l.columns[0]!))
      : [];
    const ref = this.optional(profile, 'number', ['number']);
    // The opener's name is the contact's, read through a join.
    if (toContacts.length > 0) state.needsJoin.push("opener's name");
    const entries: Entry[] = [
      ...this.tableAndKey(finding, state, 'tickets', true),
      ...this.workspaceRef(state, 'tickets'),
      this.clientRef(state, 'ticket'),
      this.ticketRows(finding, state),
      {
        key: 'openedBy',
        value: new Question(
          `which value names the person who opened the ticket?${toContacts.length > 0 ? ` Columns with a key to ${contacts!.qualified}: ${toContacts.join(', ')} (read the name through a join).` : ''} Delete this key if the host keeps none.`,
        ),
      },
      ref
        ? { key: 'ref', value: ref }
        : {
            key: 'ref',
            value: new Question(
              `which column holds the number a client quotes?${this.candidates([], profile)}; delete this key to show the key.`,
            ),
          },
      {
        key: 'subject',
        value: this.one(state, 'title', this.columns(profile, ['title', 'name']), "which column holds the ticket's subject?", true),
      },
    ];
    const described = profile.table.columns.filter(
      (c) => c.category === 'S' && /(^|_)(description|details|message|body|text)$/.test(c.name.toLowerCase()),
    );
    if (described.length > 0)
      entries.push({
        key: 'description',
        value: new Question(
          `which column holds what the client first wrote?${this.candidates(described, profile)}; delete this key if none.`,
        ),
      });
    entries.push(this.status(state, ['open', 'waiting', 'closed'], 'tickets'), {
      key: 'statusLabel',
      value: new Question("which value is the host's own name of the status, where it says more than the state? Delete this key if none."),
    });
    for (const choice of ['category', 'type', 'priority'] as const) {
      const column = profile.table.columns.find((c) => c.category === 'S' && tokenize(c.name).includes(choice));
      if (column)
        entries.push({
          key: choice,
          value: new Question(
            `which values of ${tableName(profile)}.${column.name} may a client choose, and what is each called? ${this.valuesText(profile, column.name)}. Answer { column: ${column.name}, values: { <value>: <name> } }; delete this key to offer no choice.`,
          ),
        });
    }
    const times = (fits: RegExp) => profile.table.columns.filter((c) => c.category === 'D' && fits.test(c.name.toLowerCase()));
    const opened = this.byName(profile, /^(created_?at|date_?created|datec|opened_?at|entered_?at)$/, undefined, true);
    entries.push(
      opened
        ? { key: 'openedAt', value: opened }
        : { key: 'openedAt', value: new Question(`which time says when the ticket was opened?${this.candidates(times(/./), profile)}`) },
      {
        key: 'updatedAt',
        value: new Question(
          `which time says when the ticket itself last changed?${this.candidates(times(/(updated|modified|changed|tms)/), profile)}; delete this key if none.`,
        ),
      },
      {
        key: 'closedAt',
        value: new Question(
          `which time says when the ticket was closed?${this.candidates(times(/(closed|resolved|done|updated|modified|tms)/), profile)}; delete this key if the host keeps none.`,
        ),
      },
      { key: 'messages', value: this.ticketMessages(profile) },
      {
        key: 'newKey',
        value: new Question(
          `how does the host make a new ticket's or message's key, where the database does not: hex17 (17 hex characters, as PHP's uniqid and 4 more), uuid? Delete this key where the database makes it.`,
        ),
      },
      this.writes(
        'create, reply, close and reopen (the statements the host runs when a client opens a ticket, writes on it, closes or reopens it; no key: not offered)',
      ),
    );
    return [{ key: 'tickets', comment: this.why(finding), value: this.section(state, entries) }];
  }

  /** Which tickets clients see: where a flag may mark the agency's internal ones, that is asked with the rest. */
  private ticketRows(finding: ConceptFinding, state: SectionState): Entry {
    const rows = this.kindRows(finding, state);
    const { profile } = state;
    const internal = profile.table.columns.filter((c) => c.category === 'B' && /(internal|private|hidden)/.test(c.name.toLowerCase()));
    if (rows.value instanceof Question || internal.length === 0) return rows;
    return {
      key: 'where',
      value: new Question(
        `which tickets do clients see? Rows not deleted: ${JSON.stringify(rows.value)}; ${this.hidingText(profile, internal)}. Answer with a where.`,
      ),
    };
  }

  /** The ticket's thread: its table and the key to the ticket where the audit is sure; always asked: which rows, and whose. */
  private ticketMessages(tickets: TableProfile): Block | Question {
    const { finding, profile } = this.pick('ticketMessage');
    if (!finding || !profile || !this.sure(finding))
      return new Question(
        `which table holds a ticket's messages, and which of its rows the client sees and wrote? ${finding?.chosenTable ? `The audit is unsure: ${finding.chosenTable}${finding.runnerUp?.table ? ` or ${finding.runnerUp.table}` : ''}.` : 'The audit found none.'} Answer { table, key, parent, where, body, at, fromClient, authorName }.`,
      );
    const parents = unique(profile.outgoing.filter((l) => l.to === tickets.qualified && l.columns.length === 1).map((l) => l.columns[0]!));
    const texts = profile.table.columns.filter(
      (c) => c.category === 'S' && /(message|body|text|post|content|note)/.test(c.name.toLowerCase()),
    );
    const times = profile.table.columns.filter((c) => c.category === 'D');
    return new Block([
      { key: 'table', value: tableName(profile) },
      ...(profile.table.primaryKey.length === 1 ? [{ key: 'key', value: profile.table.primaryKey[0]! }] : []),
      {
        key: 'parent',
        value:
          parents.length === 1
            ? parents[0]!
            : new Question(`which column holds the ticket's key?${parents.length > 1 ? ` Candidates: ${parents.join(', ')}.` : ''}`),
      },
      {
        key: 'where',
        value: new Question(
          `which messages does the client see (not the agency's internal notes)? ${this.hidingText(
            profile,
            profile.table.columns.filter(
              (c) => c.category === 'B' || tokenize(c.name).some((w) => ['type', 'kind', 'internal', 'private'].includes(w)),
            ),
          )}. Answer with a where.`,
        ),
      },
      { key: 'body', value: new Question(`which column holds the message's text?${this.candidates(texts, profile)}`) },
      { key: 'at', value: new Question(`which time says when it was written?${this.candidates(times, profile)}`) },
      { key: 'fromClient', value: new Question("which messages did the client's people write (the rest are the agency's)? A condition.") },
      { key: 'authorName', value: new Question("which value names the message's author?") },
    ]);
  }

  /**
   * The help articles the agency publishes: which of them clients may read, and how their body is
   * written, are the host's to say; the candidates are the status values, the tables linking an
   * article to a portal or a category, and the date and text columns.
   */
  private knowledgeBase(): Entry[] {
    const { finding, profile } = this.pick('kbArticle');
    if (!finding || !profile) return this.notFound('knowledgeBase', finding);
    const state: SectionState = { profile, needsJoin: [] };
    const status =
      this.columns(profile, ['status'])[0] ?? profile.table.columns.find((c) => /^(status|state|published|is_published)$/.test(c.name));
    const linked = profile.incoming.filter((l) => l.columns.length === 1 && l.from !== profile.qualified);
    const linkOf = (fits: RegExp) =>
      linked.flatMap((l) => {
        const from = this.input.model.byName.get(l.from);
        return from && fits.test(from.table.name.toLowerCase()) ? [`${tableName(from)} (by ${l.columns[0]})`] : [];
      });
    const dates = (fits: RegExp) => profile.table.columns.filter((c) => c.category === 'D' && fits.test(c.name.toLowerCase()));
    const texts = profile.table.columns.filter(
      (c) => c.category === 'S' && /(body|content|text|description|plain)/.test(c.name.toLowerCase()),
    );
    const language = profile.table.columns.filter((c) => /^(lang|language|locale)$/.test(c.name.toLowerCase()));
    const entries: Entry[] = [
      ...this.tableAndKey(finding, state, 'knowledgeBase', true),
      ...this.workspaceRef(state, 'help articles'),
      this.liveRows(profile),
      {
        key: 'published',
        value: new Question(
          `which articles may clients read?${status ? ` ${tableName(profile)}.${status.name}: ${this.valuesText(profile, status.name)}.` : ''} Answer with a where such as { ${status?.name ?? 'status'}: ... }.`,
        ),
      },
    ];
    const shown = linkOf(/(portal|client|customer|public|audience)/);
    if (shown.length > 0)
      entries.push({
        key: 'shownWith',
        value: new Question(
          `must another table hold a row for an article to be shown (a link to the host's own portal)? Candidates: ${shown.join(', ')}. Answer { table, on, where }; delete this key if not.`,
        ),
      });
    entries.push(
      {
        key: 'from',
        value: new Question(
          `which day is an article shown from?${this.candidates(dates(/(publish|from|start)/), profile)}; delete this key if none.`,
        ),
      },
      {
        key: 'until',
        value: new Question(
          `which day is an article no longer shown from?${this.candidates(dates(/(expir|until|end)/), profile)}; delete this key if none.`,
        ),
      },
      {
        key: 'title',
        value: this.one(state, 'title', this.columns(profile, ['title', 'name']), "which column holds the article's title?"),
      },
      { key: 'body', value: new Question(`which column holds the article's text?${this.candidates(texts, profile)}`) },
      { key: 'format', value: new Question("what does the body hold: html (an editor's), markdown or text?") },
      {
        key: 'bodyText',
        value: new Question(
          `which column holds the body as plain text, where the host keeps it too?${this.candidates(texts, profile)}; delete this key if none.`,
        ),
      },
    );
    if (language.length > 0)
      entries.push({
        key: 'language',
        value: new Question(
          `which column tags an article's language?${this.candidates(language, profile)}; delete this key if articles are in one language.`,
        ),
      });
    entries.push({
      key: 'updatedAt',
      value: new Question(
        `which time says when the article last changed?${this.candidates(dates(/(updated|modified|changed|tms)/), profile)}; delete this key if none.`,
      ),
    });
    const categories = linkOf(/categor/);
    entries.push({
      key: 'categories',
      value: new Question(
        `where are the articles' categories? ${categories.length > 0 ? `Candidates: ${categories.join(', ')}.` : 'The audit found no table of them.'} Answer { table, key, name, where, order, link: { table, article, category } }; delete this key if none.`,
      ),
    });
    return [{ key: 'knowledgeBase', comment: this.why(finding), value: this.section(state, entries) }];
  }

  private taskStatus(state: SectionState): Entry {
    const { profile } = state;
    const columns = this.columns(profile, ['status']);
    const linked = columns.flatMap((c) =>
      profile.outgoing
        .filter((l) => l.columns.length === 1 && l.columns[0] === c.name && l.to !== profile.qualified)
        .map((l) => ({ column: c.name, to: l.to })),
    );
    // Without a declared key, a status_id beside a table of the tasks' statuses (task_statuses) is one.
    const singular = profile.table.name.replace(/s$/, '');
    const named = columns
      .filter((c) => /_id$/.test(c.name))
      .flatMap((c) =>
        [`${singular}_statuses`, `${singular}_status`, `${singular}statuses`].flatMap((name) => {
          const table = this.input.model.byName.get(`${profile.table.schema}.${name}`);
          return table ? [{ column: c.name, to: table.qualified }] : [];
        }),
      );
    const found = linked.length > 0 ? linked : named;
    if (found.length !== 1) return this.status(state, ['open', 'done'], 'tasks');
    const link = { columns: [found[0]!.column], to: found[0]!.to };
    state.needsJoin.push('status');
    return {
      key: 'status',
      value: new Block([
        {
          key: 'column',
          value: new Question(
            `${tableName(profile)}.${link.columns[0]} is a key to ${link.to}: which of its columns says whether a task is open or done ("alias.column", with joins)? Statuses the host's users name themselves are better read by a fixed column (an order, a flag) than by name.`,
          ),
        },
        {
          key: 'states',
          value: new Question('which values of that column mean open, done? Answer with a map such as { open: [...], done: [...] }.'),
        },
        { key: 'hidden', value: new Question('which values are never shown to clients? Delete this key if none.') },
      ]),
    };
  }

  /** The payments applied to each invoice: written where the audit's payment pick links to the invoices by a key. */
  private payments(invoice: ConceptFinding, invoices: TableProfile): Entry {
    const { finding, profile } = this.pick('payment');
    const link = profile?.outgoing.filter((l) => l.to === invoices.qualified && l.columns.length === 1) ?? [];
    if (finding && profile && profile !== invoices && this.sure(finding) && link.length === 1) {
      const state: SectionState = { profile, needsJoin: [] };
      const payments = this.section(state, [
        ...this.tableAndKey(finding, state, 'payments'),
        { key: 'invoice', value: link[0]!.columns[0]! },
        { key: 'amount', value: this.one(state, 'total', this.columns(profile, ['amount']), 'which column holds the amount paid?') },
        { key: 'date', value: this.date(state) },
        this.liveRows(profile),
      ]);
      return { key: 'payments', value: payments };
    }
    // What ties a payment to an invoice: a table keyed to the payments (what each payment paid on
    // which invoice), a polymorphic pair, or the payments' own table when it is the invoices'.
    const bridges = profile
      ? this.input.model.profiles
          .filter(
            (p) =>
              p !== profile &&
              p.outgoing.some((l) => l.to === profile.qualified) &&
              (p.polymorphic.length > 0 || p.outgoing.some((l) => l.to === invoices.qualified)),
          )
          .map((p) => p.qualified)
      : [];
    const where = !finding?.chosenTable
      ? 'the audit found no payments'
      : finding.chosenTable === invoice.chosenTable
        ? `the payments are rows of ${finding.chosenTable} too, told apart by a kind column`
        : `the payments (${finding.chosenTable}) have no key to ${invoices.qualified}`;
    return {
      key: 'payments',
      value: new Question(
        `which rows say what each payment paid on an invoice? ${where}${bridges.length > 0 ? `; tables that tie them: ${bridges.join(', ')}` : ''}. Answer with { table, key, invoice, amount, date }, or delete this key.`,
      ),
    };
  }

  // ---- parts of a section ---------------------------------------------------------------------

  private tableAndKey(finding: ConceptFinding, state: SectionState, section: string, optional = false): Entry[] {
    const { profile } = state;
    const name = tableName(profile);
    const others = [...this.findings.values()]
      .filter((f) => f.id !== finding.id && f.chosenTable === profile.qualified && SECTION_OF[f.id])
      .map((f) => SECTION_OF[f.id]!);
    const runnerUp = finding.runnerUp?.table ?? finding.candidates.find((c) => c.table !== profile.qualified)?.table;
    const table: Entry = this.sure(finding)
      ? { key: 'table', value: name }
      : {
          key: 'table',
          value: new Question(
            `is ${name} the table of ${section}? The audit is unsure (${finding.status}, confidence ${finding.confidence.toFixed(2)}): ${name}${runnerUp ? ` or ${runnerUp}` : ''}${others.length > 0 ? `; ${name} is also the ${others.join(' and ')}' table` : ''}. The columns below are those of ${name}. Answer with the table${optional ? `, or delete the ${section} section if the host keeps none` : ''}.`,
          ),
        };
    return [table, this.keyOf(profile)];
  }

  private keyOf(profile: TableProfile): Entry {
    const pk = profile.table.primaryKey;
    const ids = profile.table.columns.filter((c) => PREFER.key.some((p) => p.test(c.name)));
    return pk.length === 1
      ? { key: 'key', value: pk[0]! }
      : {
          key: 'key',
          value: new Question(
            `which one column identifies a row of ${tableName(profile)}? ${pk.length > 1 ? `Its primary key has ${pk.length} columns (${pk.join(', ')}): the portal needs one (a column unique on its own, or a where that makes one of them unique)` : `It has no primary key${this.candidates(ids, profile)}`}.`,
          ),
        };
  }

  /** The section's column naming its workspace: the tenant column, where workspaces are a table. */
  private workspaceRef(state: SectionState, what: string): Entry[] {
    const carried = this.shared.filter((s) => state.profile.table.columns.some((c) => c.name === s.column)).map((s) => s.column);
    if (this.shared.length > 1 && carried.length > 0)
      return [
        {
          key: 'workspace',
          value: new Question(
            `which column says whose ${what} are: ${carried.join(' or ')}? Delete this key where the file has one fixed workspace.`,
          ),
        },
      ];
    if (!this.tenant) return [];
    if (state.profile.table.columns.some((c) => c.name === this.tenant)) return [{ key: 'workspace', value: this.tenant }];
    state.needsJoin.push('workspace');
    return [
      {
        key: 'workspace',
        value: new Question(
          `which column says whose ${what} are? ${state.profile.qualified} has no ${this.tenant}: a join to a table that has it (answer "alias.column" with joins).`,
        ),
      },
    ];
  }

  private clientRef(state: SectionState, concept: string): Entry {
    const clients = this.pick('company').profile;
    const { profile } = state;
    const links = clients ? profile.outgoing.filter((l) => l.to === clients.qualified && l.columns.length === 1 && l.from !== l.to) : [];
    const columns = unique(links.map((l) => l.columns[0]!));
    if (columns.length === 1) return { key: 'client', value: columns[0]! };
    if (columns.length === 0) state.needsJoin.push('client');
    return {
      key: 'client',
      value: new Question(
        columns.length > 1
          ? `which column names the ${concept}'s client company? Candidates: ${columns.join(', ')}.`
          : `which column names the ${concept}'s client company? ${profile.qualified} has no key to ${clients?.qualified ?? 'the clients'}: a join through a table that has one (answer "alias.column" with joins).`,
      ),
    };
  }

  /** Where the chosen table holds other kinds of rows too (another concept's, or ledger entries of several types). */
  private kindRows(finding: ConceptFinding, state: SectionState): Entry {
    const { profile } = state;
    const shared = [...this.findings.values()].some(
      (f) => f.id !== finding.id && f.chosenTable === profile.qualified && SECTION_OF[f.id] && f.status !== 'missing',
    );
    if (!shared && !finding.notes.some((n) => /several kinds/.test(n))) return this.liveRows(profile);
    const live = this.liveFilter(profile);
    const kinds = profile.table.columns.filter((c) => tokenize(c.name).some((w) => ['type', 'kind', 'category'].includes(w)));
    const values = kinds.map((c) => `${c.name}: ${this.valuesText(profile, c.name)}`);
    const suggested = Object.keys(live.where).length > 0 ? JSON.stringify(live.where) : null;
    const hiding = live.other.length > 0 ? ` ${this.hidingText(profile, live.other)}.` : '';
    return {
      key: 'where',
      value: new Question(
        `which rows of ${tableName(profile)} are ${SECTION_OF[finding.id]}? It holds other kinds of rows too${values.length > 0 ? ` (${values.join('; ')})` : ''}.${hiding} Answer with a where${kinds[0] ? ` such as { ${kinds[0].name}: ... }` : ''}${suggested ? `, with the live rows' ${suggested}` : ''}.`,
      ),
    };
  }

  /**
   * The rows not deleted: a deletion time is null, a deletion flag 0 or false; and the other flags
   * that may hide rows (inactive, is_disabled), which only the host's people know the meaning of.
   */
  private liveFilter(profile: TableProfile): { where: Record<string, Flow>; other: CatalogColumn[] } {
    const where: Record<string, Flow> = {};
    const other: CatalogColumn[] = [];
    for (const column of this.columns(profile, ['softDelete'])) {
      if (/^(is_?)?deleted(_?(at|on|date|time))?$/i.test(column.name)) {
        if (column.category === 'D') where[column.name] = null;
        else if (column.category === 'B') where[column.name] = false;
        else if (column.category === 'N') where[column.name] = 0;
        else other.push(column);
      } else other.push(column);
    }
    return { where, other };
  }

  /**
   * The section's where: the rows not deleted. Where another flag may hide rows too, whether an
   * inactive client or a disabled user is still served is the host's to say: asked, with its values.
   */
  private liveRows(profile: TableProfile): Entry {
    const { where, other } = this.liveFilter(profile);
    if (other.length === 0) return { key: 'where', value: where };
    return {
      key: 'where',
      value: new Question(
        `which rows of ${tableName(profile)} does the portal serve? ${Object.keys(where).length > 0 ? `Rows not deleted: ${JSON.stringify(where)}; ` : ''}${this.hidingText(profile, other)}. Answer with a where; delete this key if every row.`,
      ),
    };
  }

  /** The flags that may hide rows, with the values found (of those that are not times). */
  private hidingText(profile: TableProfile, columns: CatalogColumn[]): string {
    const each = columns.map((c) => `${c.name} ${c.type}${c.category === 'D' ? '' : ` (${this.valuesText(profile, c.name)})`}`);
    return `${each.join(', ')} may hide rows too`;
  }

  /** Where the client logins are rows of the staff's table (a type or a flag tells them apart), which rows are staff is asked. */
  private staffRows(profile: TableProfile): Entry {
    const logins = this.findings.get('clientCredentials');
    if (logins?.chosenTable !== profile.qualified || !logins.rowFilter) return this.liveRows(profile);
    const live = this.liveFilter(profile).where;
    return {
      key: 'where',
      value: new Question(
        `which rows of ${tableName(profile)} are the agency's staff? The client logins are its rows where ${JSON.stringify(logins.rowFilter)}${Object.keys(live).length > 0 ? `; rows not deleted: ${JSON.stringify(live)}` : ''}. Answer with a where.`,
      ),
    };
  }

  /** Which contacts may sign in: never guessed, the candidates are the columns that may say so. */
  private signInRows(profile: TableProfile, credentials: ConceptFinding | undefined): Entry {
    const live = this.liveFilter(profile).where;
    const flags = profile.table.columns.filter(
      (c) =>
        (c.category === 'B' ||
          ['int2', 'bit'].includes(c.baseType) ||
          /status|state|active|locked|disabled|enabled|blocked|portal|login|access/.test(c.name.toLowerCase())) &&
        !(c.name in live),
    );
    const filter =
      credentials?.chosenTable === profile.qualified && credentials.rowFilter
        ? ` The audit found the logins where ${JSON.stringify(credentials.rowFilter)}.`
        : '';
    return {
      key: 'where',
      value: new Question(
        `which contacts may sign in? ${Object.keys(live).length > 0 ? `Rows not deleted: ${JSON.stringify(live)}` : 'No column says a row is deleted'}${this.candidates(flags, profile, 'columns that may say more')}.${filter} Answer with a where.`,
      ),
    };
  }

  private status(state: SectionState, states: string[], what: string): Entry {
    const { profile } = state;
    const columns = this.columns(profile, ['status']);
    const column = this.one(state, 'status', columns, `which column says whether the ${what} are ${states.join(', ')}?`);
    const entries: Entry[] = [{ key: 'column', value: column }];
    if (column instanceof Question) {
      entries.push({
        key: 'states',
        value: new Question(
          `which values of the status column mean ${states.join(', ')}? Answer with a map such as { ${states[0]}: [...] }.`,
        ),
      });
    } else {
      const found = this.valuesText(profile, column as string);
      entries.push({
        key: 'states',
        value: new Question(
          `which values of ${tableName(profile)}.${column} mean ${states.join(', ')}? ${found}. Answer with a map such as { ${states[0]}: [...] }; a state the host does not have is left out.`,
        ),
      });
    }
    entries.push({ key: 'hidden', value: new Question(`which values are never shown to clients (drafts)? Delete this key if none.`) });
    return { key: 'status', value: new Block(entries) };
  }

  /** What a value list of a column says: the values found in the database, and those the schema lists. */
  private valuesText(profile: TableProfile, name: string): string {
    const ref = { schema: profile.table.schema, table: profile.table.name, column: name };
    if (!this.wanted.some((w) => columnKey(w) === columnKey(ref))) this.wanted.push(ref);
    const observed = this.input.observed.get(columnKey(ref));
    const column = profile.table.columns.find((c) => c.name === name);
    const listed = [
      ...(column?.enumLabels.length ? [`the schema lists ${column.enumLabels.join(', ')}`] : []),
      ...(column?.comment ? [`its comment reads "${column.comment}"`] : []),
    ];
    const found =
      observed === null
        ? 'the audit could not read its values'
        : !observed || observed.values.length === 0
          ? 'no values found in the database'
          : `values found: ${observed.values.map((v) => `${v.value} (${v.rows} row${v.rows === 1 ? '' : 's'})`).join(', ')}${observed.more ? ', and more' : ''}`;
    return [found, ...listed].join('; ');
  }

  private money(state: SectionState): Entry[] {
    const { profile } = state;
    const amounts = this.columns(profile, ['amount']);
    const total = this.one(state, 'total', amounts, 'which column holds the total to pay, taxes included?');
    const totalColumn = profile.table.columns.find((c) => c.name === total);
    const decimal =
      totalColumn &&
      (['numeric', 'float4', 'float8', 'money'].includes(totalColumn.baseType) || /^numeric\(\d+,\s*[1-9]/.test(totalColumn.type));
    const entries: Entry[] = [
      {
        key: 'amounts',
        value: decimal
          ? 'decimal'
          : new Question(
              `are the amounts decimal (12.50) or cents (1250)?${totalColumn ? ` ${totalColumn.name} is ${totalColumn.type}.` : ''}`,
            ),
      },
    ];
    const currencies = this.columns(profile, ['currency']);
    if (currencies.length === 0) state.needsJoin.push('currency');
    entries.push({
      key: 'currency',
      value: this.one(
        state,
        'currency',
        currencies,
        currencies.length === 0
          ? `which currency? ${tableName(profile)} has no currency column: a column of a joined table ("alias.column"), or a fixed { constant: EUR }.`
          : 'which column holds the currency code?',
      ),
    });
    entries.push({ key: 'total', value: total });
    const tax = preferred(amounts, PREFER.tax);
    // Amounts only: not a flag saying prices include tax (tax_included), nor a rate or a key.
    const taxes = profile.table.columns.filter(
      (c) =>
        c.category === 'N' &&
        !['int2', 'bool', 'bit'].includes(c.baseType) &&
        /tax|gst|vat|tva/.test(c.name.toLowerCase()) &&
        !/includ|rate|percent|(^|_)id$/.test(c.name.toLowerCase()),
    );
    if (tax) entries.push({ key: 'tax', value: tax.name });
    else if (taxes.length > 0)
      entries.push({
        key: 'tax',
        value: new Question(
          `which column holds the tax, or which add up to it ({ sum: [...] })?${this.candidates(taxes, profile)}. Delete this key if the tax is not kept apart.`,
        ),
      });
    return entries;
  }

  private date(state: SectionState): string | Question {
    const dates = state.profile.table.columns.filter(
      (c) =>
        c.category === 'D' &&
        !/(^|_)(created|updated|modified|deleted|due|valid|sent|viewed|reminder|next|tms|expir|last|delivery|partial)/.test(
          c.name.toLowerCase(),
        ),
    );
    return this.one(state, 'date', dates, "which date is the record's own (the lists show it, newest first)?");
  }

  private validUntil(state: SectionState): Entry {
    const { profile } = state;
    const own = this.columns(profile, ['validUntil']);
    const candidates = own.length > 0 ? own : this.columns(profile, ['dueDate']);
    const one = own.length > 0 ? preferred(own, PREFER.validUntil) : undefined;
    if (one) return { key: 'validUntil', value: one.name };
    return {
      key: 'validUntil',
      value: new Question(
        `until when may the client accept it?${this.candidates(candidates, profile)}; delete this key if it has no such date.`,
      ),
    };
  }

  /** When the client accepted or declined: a decision time of its own, else a question naming the times it has. */
  private decidedAt(state: SectionState): Entry {
    const { profile } = state;
    const own = this.columns(profile, ['decisionTime']);
    if (own.length === 1) return { key: 'decidedAt', value: own[0]!.name };
    const times =
      own.length > 0
        ? own
        : profile.table.columns.filter(
            (c) => c.category === 'D' && /(^|_)(updated|modified|accepted|signed|decided|tms)/.test(c.name.toLowerCase()),
          );
    return {
      key: 'decidedAt',
      value: new Question(
        `which time says when the client accepted or declined it?${this.candidates(times, profile)}; delete this key if the host keeps none.`,
      ),
    };
  }

  /**
   * Lines: a table keyed to the record or named for it, or an array in a JSON or text column of it.
   * Always a question, what each holds being the host's; asked where none is found too, as a
   * table of lines may be tied to the record by a key no schema declares.
   */
  private lines(state: SectionState, concept: string): Entry[] {
    const { profile } = state;
    const tables = profile.incoming
      .map((l) => this.input.model.byName.get(l.from))
      .filter(
        (p): p is TableProfile =>
          Boolean(p) && p !== profile && p!.tokens.some((w) => ['line', 'item', 'det', 'detail', 'row', 'position'].includes(w)),
      )
      .map((p) => p.qualified);
    // Without a declared key: a table named for the record's with a line word after it (sales_order_details).
    const stems = unique([profile.table.name, profile.table.name.replace(/s$/, '')].map((s) => `${s.toLowerCase()}_`));
    for (const other of this.input.model.profiles) {
      const name = other.table.name.toLowerCase();
      const stem = stems.find((s) => name.startsWith(s));
      if (
        other.table.schema === profile.table.schema &&
        stem &&
        /^(lines?|items?|det|details?|rows?|positions?)$/.test(name.slice(stem.length))
      )
        tables.push(other.qualified);
    }
    const json = profile.table.columns
      .filter(
        (c) =>
          (c.baseType === 'json' || c.baseType === 'jsonb' || c.category === 'S') &&
          /(^|_)(line_?items|lines|items)$/.test(c.name.toLowerCase()),
      )
      .map((c) => c.name);
    const where = [...unique(tables).map((t) => `table ${t}`), ...json.map((c) => `the JSON array in ${tableName(profile)}.${c}`)];
    return [
      {
        key: 'lines',
        value: new Question(
          `which holds the ${concept}'s lines, and which of its fields are description, quantity, unit price (and total, tax rate)? ${where.length > 0 ? `Candidates: ${where.join(', ')}` : 'The audit found no table of lines keyed to it, nor a JSON array of them'}. Delete this key to show no lines.`,
        ),
      },
    ];
  }

  /**
   * A text the client reads with a record: the column whose name says so; else asked, with the text
   * columns, the tables it has a key to and the audit's table of comments that may hold it.
   */
  private readText(state: SectionState, key: string, found: string | null, what: string, fits: RegExp): Entry {
    if (found) return { key, value: found };
    const { profile } = state;
    const columns = profile.table.columns.filter((c) => c.category === 'S' && fits.test(c.name.toLowerCase()));
    const keyed = profile.outgoing
      .filter((l) => l.columns.length === 1 && l.to !== profile.qualified && fits.test(l.to.toLowerCase()))
      .map((l) => `${l.to} (by ${l.columns[0]})`);
    const comments = this.pick('comment').finding;
    const commentTable =
      comments?.chosenTable && comments.status !== 'missing' && comments.chosenTable !== profile.qualified && fits.test('comment')
        ? [`the audit's table of comments, ${comments.chosenTable}`]
        : [];
    const elsewhere = [...keyed, ...commentTable];
    return {
      key,
      value: new Question(
        `which holds ${what}?${this.candidates(columns, profile)}${elsewhere.length > 0 ? `; or a column of ${elsewhere.join(', or ')}, through a join ("alias.column")` : ''}. Delete this key if none.`,
      ),
    };
  }

  private writes(what: string): Entry {
    return {
      key: 'writes',
      value: new Question(
        `which writes does the host make, as it makes them: ${what}? Parameterised statements with :id, :client, :workspace, :at; delete this key to offer none.`,
      ),
    };
  }

  private hashFormat(profile: TableProfile, column: string | Question, formats: readonly string[]): Question {
    const sample = typeof column === 'string' ? this.input.samples.hashes.get(`${profile.qualified}.${column}`) : undefined;
    const seen =
      sample === null
        ? ' The audit could not read the column.'
        : sample && sample.filled > 0
          ? ` Of ${sample.filled} value${sample.filled === 1 ? '' : 's'} sampled: ${
              Object.entries(sample.formats)
                .map(([f, n]) => `${n} ${f}`)
                .join(', ') || 'none in a known format'
            }.`
          : ' No values were found to sample.';
    return new Question(
      `which hash format does ${tableName(profile)}.${typeof column === 'string' ? column : 'its password column'} hold: ${formats.join(', ')}?${seen}`,
    );
  }

  private personName(state: SectionState): string | Question | { concat: string[] } {
    const { profile } = state;
    const person = this.columns(profile, ['personName']).filter((c) => !/civility|title/.test(c.name.toLowerCase()));
    const first = person.find((c) => /first|given|prenom|vorname/.test(c.name.toLowerCase()));
    const last = person.find((c) => /last|family|sur|nachname|^nom$/.test(c.name.toLowerCase()));
    if (first && last) return { concat: [first.name, last.name] };
    const ask = "which column holds the person's name (or { concat: [first, last] })?";
    const chosen = this.one(state, 'name', [...person, ...this.columns(profile, ['name'])], ask, true);
    if (chosen instanceof Question) return chosen;
    const column = profile.table.columns.find((c) => c.name === chosen)!;
    // name beside name2: the first may be only a first name, as a contact form fills them.
    const numbered = profile.table.columns.find((c) => c.category === 'S' && [`${chosen}2`, `${chosen}_2`].includes(c.name.toLowerCase()));
    if (numbered)
      return new Question(
        `${ask} ${chosen} has ${numbered.name} beside it: ${chosen} alone, or { concat: [${chosen}, ${numbered.name}] } where ${chosen} is a first name.`,
      );
    // A name the schema lets be empty, beside a login name: shown empty, or the login in its stead.
    const login = profile.table.columns.find(
      (c) => c !== column && c.category === 'S' && /^(user_?(id|name)|login|username)$/i.test(c.name),
    );
    if (login && (column.nullable || /^''/.test(column.default ?? '')))
      return new Question(
        `${ask} ${chosen} may be empty (${column.nullable ? 'it is nullable' : "its default is ''"}): ${chosen}, or { first: [${chosen}, ${login.name}] } to show the login name where it is.`,
      );
    return chosen;
  }

  // ---- helpers --------------------------------------------------------------------------------

  /**
   * Where the audit is unsure of a section's table and its pick has no key to the clients, the
   * table a person answers may well be the one that ties the pick to them (a row per person and
   * client): then what the pick holds is read through a join to it. Its columns are asked, each
   * with the pick's own as the answer should the pick be the table.
   */
  private askThroughJoin(profile: TableProfile, entries: Entry[], keys: string[]): void {
    const name = tableName(profile);
    for (const entry of entries)
      if (keys.includes(entry.key) && !(entry.value instanceof Question) && !(entry.value instanceof Block))
        entry.value = new Question(
          `which ${entry.key}? With ${name} as the table: ${typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value)}. With a table that ties ${name} to the clients as the table, ${entry.key === 'key' ? 'its own key' : `the column of ${name} read through the join ("alias.column")`}.`,
        );
  }

  private section(state: SectionState, all: Entry[]): Block {
    // A table with no deletion column and no other flag that may hide rows needs no where.
    const entries = all.filter((e) => !(e.key === 'where' && isEmptyMap(e.value)));
    return state.needsJoin.length > 0 ? this.withJoins(state, entries) : new Block(entries);
  }

  /** A question that may be answered from another table asks for the joins that reach it, after the key. */
  private withJoins(state: SectionState, entries: Entry[]): Block {
    const at = entries.findIndex((e) => e.key === 'key') + 1;
    const link = state.needsJoin.includes('email') ? this.emailLinkText(state.profile) : '';
    const joins: Entry = {
      key: 'joins',
      value: new Question(
        `which tables must be read with ${tableName(state.profile)} to reach its ${unique(state.needsJoin).join(', ')}? A list of { table, as, on }; delete this key if none.${link}`,
      ),
    };
    return new Block([...entries.slice(0, at), joins, ...entries.slice(at)]);
  }

  /**
   * Where a host keeps everyone's email addresses in a table of their own, linked to any record by
   * a (record id, record type) pair (EspoCRM's entity_email_address), the joins that reach a
   * person's address, written out: which type value names this table's rows is the person's to
   * say (the values found are quoted), and so is which of several addresses is the one to sign in with.
   */
  private emailLinkText(person: TableProfile): string {
    for (const link of this.input.model.profiles) {
      for (const pair of link.polymorphic) {
        const out = link.outgoing.find((o) => {
          const target = this.input.model.byName.get(o.to);
          return o.columns.length === 1 && target !== undefined && isAddressTable(target);
        });
        if (!out) continue;
        const target = this.input.model.byName.get(out.to)!;
        const flags = link.table.columns.filter((c) => c.category === 'B').map((c) => c.name);
        const typeValues = this.valuesText(link, pair.typeColumn);
        return (
          ` ${tableName(link)} links records of any table to ${tableName(target)} by ${pair.idColumn} and ${pair.typeColumn} (${typeValues}):` +
          ` such as [{ table: ${tableName(link)}, as: ee, on: { ${pair.idColumn}: ${person.table.primaryKey[0] ?? 'id'}, ${pair.typeColumn}: { constant: <the type of ${tableName(person)}'s rows> } } },` +
          ` { table: ${tableName(target)}, as: ea, on: { id: ee.${out.columns[0]} } }], with email: ea.${emailColumnOf(target)}` +
          (flags.length > 0 ? `, and ${flags.map((f) => `ee.${f}`).join(', ')} in where (which address, and which links are live)` : '')
        );
      }
    }
    return '';
  }

  private pick(concept: ConceptId): { finding: ConceptFinding | undefined; profile: TableProfile | undefined } {
    const finding = this.findings.get(concept);
    const usable = finding?.chosenTable && finding.status !== 'missing' ? finding : undefined;
    return { finding: usable ?? finding, profile: usable ? this.input.model.byName.get(usable.chosenTable!) : undefined };
  }

  private sure(finding: ConceptFinding): boolean {
    return finding.status === 'exists' && !finding.lowConfidence;
  }

  private why(finding: ConceptFinding, extra?: string): string[] {
    const lines = [` ${finding.label}: ${finding.chosenTable} (${finding.status}, confidence ${finding.confidence.toFixed(2)}).`];
    if (extra) lines.push(` ${extra}.`);
    return lines;
  }

  /** An optional section the audit found no table for is left out; the file's opening comment says so. */
  private notFound(key: string, finding: ConceptFinding | undefined): Entry[] {
    this.skipped.push(`${key} (${finding?.lookedAt ?? 'not looked for'})`);
    return [];
  }

  private missingSection(finding: ConceptFinding | undefined, what: string, shape: string): Question {
    return new Question(
      `which table holds ${what}? The audit found none${finding?.lookedAt ? ` (${finding.lookedAt})` : ''}. Answer with a section ${shape}.`,
    );
  }

  private columns(profile: TableProfile, roles: ColumnRole[]): CatalogColumn[] {
    return unique(roles.flatMap((role) => profile.roles.get(role) ?? []));
  }

  /** The one column of several that holds a value: alone, or the only one a preferred name fits; else a question naming them. */
  private one(state: SectionState, kind: keyof typeof PREFER, columns: CatalogColumn[], ask: string, mayJoin = false): string | Question {
    const lone = columns.length === 1 && (!MUST_FIT.has(kind) || PREFER[kind].some((p) => p.test(columns[0]!.name.toLowerCase())));
    const column = lone ? columns[0] : preferred(columns, PREFER[kind]);
    if (column) return column.name;
    if (mayJoin && columns.length === 0) state.needsJoin.push(kind);
    return new Question(`${ask}${this.candidates(columns, state.profile)}`);
  }

  private optional(profile: TableProfile, kind: keyof typeof PREFER, roles: ColumnRole[]): string | null {
    const columns = this.columns(profile, roles);
    if (columns.length === 1) return columns[0]!.name;
    return preferred(columns, PREFER[kind])?.name ?? null;
  }

  /** A column whose name fits, the only one (skipping what `not` names); with `temporal`, a date or time; with `text`, text. */
  private byName(profile: TableProfile, fits: RegExp, not?: RegExp, temporal = false, text = false): string | null {
    const found = profile.table.columns.filter(
      (c) =>
        fits.test(c.name.toLowerCase()) &&
        !not?.test(c.name.toLowerCase()) &&
        (!temporal || c.category === 'D') &&
        (!text || c.category === 'S'),
    );
    return found.length === 1 ? found[0]!.name : null;
  }

  private candidates(columns: CatalogColumn[], profile: TableProfile, label = 'candidates'): string {
    return columns.length > 0
      ? ` (${tableName(profile)}: ${label} ${columns.map((c) => `${c.name} ${c.type}`).join(', ')})`
      : ` (${tableName(profile)}: no column found)`;
  }
}

/** A table of email addresses: named so (email_address), each row an address. */
function isAddressTable(profile: TableProfile): boolean {
  return profile.tokens.includes('email') && profile.tokens.includes('address') && emailColumnOf(profile) !== null;
}

/** The column of an address table that holds the address itself: its email column, else `name` or `address`. */
function emailColumnOf(profile: TableProfile): string | null {
  const email = profile.roles.get('email')?.[0];
  if (email) return email.name;
  return profile.table.columns.find((c) => /^(name|address|email_?address)$/.test(c.name.toLowerCase()))?.name ?? null;
}

/** In `public`, a table is named as the host names it; elsewhere with its schema. */
function tableName(profile: TableProfile): string {
  return profile.table.schema === 'public' ? profile.table.name : profile.qualified;
}

function preferred(columns: CatalogColumn[], patterns: RegExp[]): CatalogColumn | undefined {
  for (const pattern of patterns) {
    const fits = columns.filter((c) => pattern.test(c.name.toLowerCase()));
    if (fits.length === 1) return fits[0];
  }
  return undefined;
}

function isEmptyMap(value: Entry['value']): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Block) &&
    !(value instanceof Question) &&
    Object.keys(value).length === 0
  );
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
