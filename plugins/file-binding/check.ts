// `npm run portal -- check --binding FILE`: the file against the live database, read-only. It says
// what would stop the portal (a table or column that is not there, a statement PostgreSQL refuses,
// a status value no state holds, a join that repeats rows), and then, per section, what one client
// would see and the statements that read it, so a developer sees the portal's view before serving it.
import type { Knex } from 'knex';
import { findClaimProblems, type OfferKind } from '../../src/index.ts';
import { createFileBinding, type FileBinding } from './adapter.ts';
import { type BindingFile, type Join, settingNames, type Value, type Where } from './format.ts';
import { columnTypeProblems } from './column-types.ts';
import { BindingFileError, type LineOf, readBindingFileWithLines } from './load.ts';
import { readColumnTypes } from './keys.ts';
import { articleCount } from './queries/knowledge.ts';
import { indexColumns, indexParts, joinedRows, prepareError, statusValues, unsetSettings } from './queries/inspect.ts';
import { baseColumnOf, recordQuery } from './queries/records.ts';

export interface CheckReport {
  /** What stops the portal from serving with this file; empty when it may. */
  problems: string[];
  /** What one client would see, and the statements sent for it. */
  lines: string[];
}

/** A name as SQL writes it quoted: public.invoices → "public"."invoices". */
const quoted = (name: string) =>
  name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

/** Status values found that the file's map leaves out, each said with how many rows hold it. */
async function uncoveredStatuses(
  db: Knex,
  name: string,
  concept: {
    table: string;
    key: string;
    joins?: Join[];
    where?: Where;
    status: { column: Value; states: Partial<Record<string, unknown[]>>; hidden?: unknown[] | undefined };
  },
): Promise<string[]> {
  const covered = new Set(
    [...Object.values(concept.status.states).flatMap((values) => values ?? []), ...(concept.status.hidden ?? [])].map(String),
  );
  const found = await statusValues(db, concept, concept.status.column);
  return found
    .filter((row) => row.value === null || !covered.has(row.value))
    .map(
      (row) =>
        `${name}.status: the value ${row.value === null ? 'null' : JSON.stringify(row.value)} (${row.rows} row${row.rows === 1 ? '' : 's'}) is in no state: add it to states, or to hidden if such rows are never shown`,
    );
}

async function repeatedRows(
  db: Knex,
  name: string,
  concept: { table: string; key: string; joins?: Join[] | undefined; where?: Where | undefined },
): Promise<string[]> {
  if (!concept.joins?.length) return [];
  const { rows, records } = await joinedRows(db, concept);
  return rows === records
    ? []
    : [`${name}.joins: ${rows} rows for ${records} records: a join matches several rows of one record; join on a key`];
}

/** The columns a section's statements test for equality: its client, its workspace and its `where`'s own columns. */
interface ClientConcept {
  table: string;
  client: Value;
  workspace?: Value | undefined;
  where?: Where | undefined;
}

/**
 * Whether a host index serves a client's records by `column`: its key columns before `column` are
 * all equalities the statements have (client, workspace, the concept's `where`), the client among them.
 */
async function clientIndexExists(db: Knex, concept: ClientConcept, client: string, column: string): Promise<boolean> {
  const workspace = concept.workspace === undefined ? null : baseColumnOf(concept.workspace);
  const equalities = new Set([
    client,
    ...(workspace ? [workspace] : []),
    ...Object.keys(concept.where ?? {}).filter((c) => !c.includes('.')),
  ]);
  const serves = (columns: Array<string | null>) => {
    const at = columns.indexOf(column);
    const before = columns.slice(0, at);
    return at > 0 && before.includes(client) && before.every((c) => c !== null && equalities.has(c));
  };
  return (await indexColumns(db, concept.table)).some(serves);
}

/**
 * Whether a host index gives a client's records newest first (by the list's date). Else the index
 * to ask the host's administrator for; the portal never creates one on a host table.
 */
async function indexAdvice(db: Knex, name: string, concept: ClientConcept & { date: Value }): Promise<string | null> {
  const client = baseColumnOf(concept.client);
  const date = baseColumnOf(concept.date);
  if (client === null || date === null) return null;
  const types = await readColumnTypes(db, [{ table: concept.table, column: date }]);
  if (types.get(`${concept.table}.${date}`) !== 'date')
    return `${name}: the list's date (${date}) is not a date column of ${concept.table}, so each page sorts every row of the client.`;
  if (await clientIndexExists(db, concept, client, date)) return null;
  return `${name}: no index on ${concept.table} gives a client's records newest first, so each page reads all of a client's rows. The host's administrator may create one (the portal never alters a host table): create index concurrently on ${quoted(concept.table)} (${quoted(client)}, ${quoted(date)});`;
}

/**
 * Whether a host index gives a client's records of one status, where the status is a column of the
 * concept's table. Else the index to ask for: without it, counting a client's open records (a few
 * among years of paid ones) reads their rows until it has them all.
 */
async function countAdvice(db: Knex, name: string, concept: ClientConcept & { status: { column: Value } }): Promise<string | null> {
  const client = baseColumnOf(concept.client);
  const status = baseColumnOf(concept.status.column);
  if (client === null || status === null) return null;
  if (await clientIndexExists(db, concept, client, status)) return null;
  return `${name}: no index on ${concept.table} gives a client's records by status, so the dashboard's counts read a client's rows until they find the open ones. The host's administrator may create one (the portal never alters a host table): create index concurrently on ${quoted(concept.table)} (${quoted(client)}, ${quoted(status)});`;
}

/** Column types whose cast to text is the column itself to PostgreSQL, so an index on the column serves. */
const TEXT_TYPES = new Set(['text', 'character varying']);

/** An index part as written or as PostgreSQL prints it, without quotes, brackets or spaces. */
const bare = (part: string) => part.toLowerCase().replace(/[\s"()]/g, '');

/**
 * Whether host indexes serve the list's search, text in the number (or title) or an amount of the
 * total (see filteredRows): a trigram index (pg_trgm) on each text, as the statement casts it, and
 * an index on the total after the client's equalities. Else the statements to ask the host's
 * administrator for: without them, each search reads every row of the client.
 */
async function searchAdvice(
  db: Knex,
  name: string,
  concept: {
    table: string;
    client: Value;
    number: Value;
    title?: Value | undefined;
    total: Value;
    workspace?: Value | undefined;
    where?: Where | undefined;
  },
): Promise<string | null> {
  const client = baseColumnOf(concept.client);
  if (client === null) return null;
  const texts = [concept.number, ...(concept.title === undefined ? [] : [concept.title])]
    .map(baseColumnOf)
    .filter((column) => column !== null);
  const total = baseColumnOf(concept.total);
  const columns = [...texts, ...(total === null ? [] : [total])];
  const types = await readColumnTypes(
    db,
    columns.map((column) => ({ table: concept.table, column })),
  );
  const indexes = await indexParts(db, concept.table);
  const statements: string[] = [];
  for (const column of texts) {
    const type = types.get(`${concept.table}.${column}`);
    if (type === undefined) continue;
    const part = TEXT_TYPES.has(type) ? quoted(column) : `(${quoted(column)}::text)`;
    const served = indexes.some((index) =>
      index.parts.some((p) => bare(p.definition) === bare(part) && /^(gin|gist)_trgm_ops$/.test(p.opclass)),
    );
    if (!served) statements.push(`create index concurrently on ${quoted(concept.table)} using gin (${part} gin_trgm_ops);`);
  }
  const type = total === null ? undefined : types.get(`${concept.table}.${total}`);
  if (total !== null && type !== undefined) {
    const part = type === 'numeric' ? quoted(total) : `(${quoted(total)}::numeric)`;
    const workspace = concept.workspace === undefined ? null : baseColumnOf(concept.workspace);
    const equalities = new Set([client, ...(workspace ? [workspace] : []), ...Object.keys(concept.where ?? {})].map(bare));
    const served = indexes.some((index) => {
      const parts = index.parts.map((p) => bare(p.definition));
      const at = parts.indexOf(bare(part));
      return index.method === 'btree' && at >= 0 && parts.slice(0, at).every((p) => equalities.has(p));
    });
    if (!served) statements.push(`create index concurrently on ${quoted(concept.table)} (${quoted(client)}, ${part});`);
  }
  if (statements.length === 0) return null;
  const trigrams = statements.some((statement) => statement.includes('gin_trgm_ops'));
  return `${name}: no index serves the list's search (text in the number${concept.title === undefined ? '' : ' or title'}, or the amount), so each search reads all of a client's rows. The host's administrator may create ${statements.length === 1 ? 'it' : 'them'} (the portal never alters a host table): ${[...(trigrams ? ['create extension if not exists pg_trgm;'] : []), ...statements].join(' ')}`;
}

/** The sections the file maps, with their concept. */
function recordSections(file: BindingFile) {
  return [
    ...(file.proposals ? [{ name: 'proposals', kind: 'offer' as const, offer: 'proposal' as OfferKind, concept: file.proposals }] : []),
    ...(file.quotations ? [{ name: 'quotations', kind: 'offer' as const, offer: 'quotation' as OfferKind, concept: file.quotations }] : []),
    ...(file.invoices ? [{ name: 'invoices', kind: 'invoice' as const, offer: null, concept: file.invoices }] : []),
  ];
}

async function problemsOf(db: Knex, binding: FileBinding, lineOf: LineOf): Promise<string[]> {
  const { file } = binding;
  const problems = await findClaimProblems(db, binding.adapter);
  if (problems.length > 0) return problems;
  // Before any statement compares or casts them: PostgreSQL's refusal would name no line.
  problems.push(...(await columnTypeProblems(db, file, lineOf)));
  if (problems.length > 0) return problems;
  for (const [index, write] of binding.writes.entries())
    for (const [n, statement] of write.statements.entries()) {
      const error = await prepareError(db, `portal_check_${index}_${n}`, statement.sql);
      if (error) problems.push(`${write.name}${write.statements.length > 1 ? ` (statement ${n + 1})` : ''}: ${error}`);
    }
  const others = [
    ...(file.tasks ? [{ name: 'tasks', concept: file.tasks }] : []),
    ...(file.projects ? [{ name: 'projects', concept: file.projects }] : []),
    ...(file.tickets ? [{ name: 'tickets', concept: file.tickets }] : []),
  ];
  for (const section of [...recordSections(file), ...others]) {
    problems.push(...(await uncoveredStatuses(db, section.name, section.concept)));
    problems.push(...(await repeatedRows(db, section.name, section.concept)));
  }
  if (file.knowledgeBase) problems.push(...(await repeatedRows(db, 'knowledgeBase', file.knowledgeBase)));
  for (const [name, concept] of [
    ['clients', file.clients],
    ['contacts', file.contacts],
    ...(file.staff ? [['staff', file.staff] as const] : []),
  ] as const)
    problems.push(...(await repeatedRows(db, name, concept)));
  // The letterhead reads the client's row with its own joins; an account is one row of its table.
  if (file.letterhead?.joins)
    problems.push(
      ...(await repeatedRows(db, 'letterhead', { ...file.clients, joins: [...(file.clients.joins ?? []), ...file.letterhead.joins] })),
    );
  if (file.invoices?.bank) problems.push(...(await repeatedRows(db, 'invoices.bank', file.invoices.bank)));
  return problems;
}

/** What one client sees: the workspace's, the client asked for or the first with a contact. */
async function viewOf(db: Knex, binding: FileBinding, ask: { workspace?: string; client?: string }): Promise<string[]> {
  const { adapter, file } = binding;
  const workspaces = await binding.workspaces();
  const lines = [`Workspaces: ${workspaces.length === 0 ? 'none' : workspaces.map((w) => `${w.slug} (${w.name})`).join(', ')}`];
  const workspace = ask.workspace ? workspaces.find((w) => w.slug === ask.workspace) : workspaces[0];
  if (!workspace) return [...lines, ask.workspace ? `No workspace has the slug ${ask.workspace}.` : ''];
  const [clients, contacts, staff] = await Promise.all([
    adapter.clients.list(workspace.id),
    adapter.contacts.list(workspace.id),
    adapter.staff.list?.(workspace.id) ?? [],
  ]);
  lines.push(
    `${workspace.slug}: ${clients.length} clients, ${contacts.length} contacts with an email, ${file.staff ? `${staff.length} staff (${staff.filter((s) => s.role === 'admin').length} admins)` : 'no staff sign-in (staff: none)'}`,
  );
  const clientId = ask.client ?? contacts[0]?.clientId ?? clients[0]?.id;
  const client = clientId ? clients.find((c) => c.id === clientId) : undefined;
  if (!client) return [...lines, ask.client ? `No client ${ask.client} in ${workspace.slug}.` : 'No client to show.'];
  const theirs = contacts.filter((c) => c.clientId === client.id);
  lines.push(
    '',
    `What ${client.name} (client ${client.id}) would see, signed in as ${theirs.map((c) => c.email).join(', ') || 'none of its contacts (none has an email)'}:`,
  );
  for (const section of recordSections(file)) {
    const page =
      section.kind === 'offer'
        ? await adapter.offers!.list(workspace.id, client.id, section.offer!, {}, { limit: 5 })
        : await adapter.invoices!.list(workspace.id, client.id, {}, { limit: 5 });
    const rows = page.items.map((item) => `${item.number || item.id} ${item.status} ${money(item.totalCents, item.currency)}`);
    lines.push(`  ${section.name}: ${rows.length === 0 ? 'none' : rows.join('; ')}${page.next ? '; more' : ''}`);
    const statement = recordQuery(
      db,
      section.kind === 'offer'
        ? { kind: 'offer', concept: section.concept }
        : { kind: 'invoice', concept: section.concept as NonNullable<BindingFile['invoices']> },
      binding.rule,
      workspace.id,
      client.id,
      {},
      21,
    )
      .toSQL()
      .toNative();
    lines.push(`    ${statement.sql}`, `    with ${JSON.stringify(statement.bindings)}`);
  }
  if (file.tasks && adapter.tasks) {
    const contact = theirs[0];
    const tasks = contact ? await adapter.tasks.list(workspace.id, client.id, contact.id, { status: 'open' }, { limit: 5 }) : null;
    const titles = tasks?.items.map((task) => task.title) ?? [];
    lines.push(`  tasks (open): ${titles.length === 0 ? 'none' : titles.join('; ')}${tasks?.next ? '; more' : ''}`);
  }
  if (file.projects && adapter.projects) {
    const contact = theirs[0];
    const projects = contact ? await adapter.projects.list(workspace.id, client.id, contact.id, { state: 'all' }, { limit: 5 }) : null;
    const rows = projects?.items.map((project) => `${project.ref} ${project.state}`) ?? [];
    lines.push(`  projects: ${rows.length === 0 ? 'none' : rows.join('; ')}${projects?.next ? '; more' : ''}`);
  }
  if (file.knowledgeBase && adapter.knowledgeBase) {
    // In every language: the check has no reader, so no language is preferred.
    const reader = { ws: workspace.id, client: client.id, languages: [] };
    const [articles, categories] = await Promise.all([
      articleCount(db, file.knowledgeBase, binding.rule, reader, 1000),
      adapter.knowledgeBase.categories(workspace.id, client.id, []),
    ]);
    lines.push(
      `  help articles: ${articles === 1000 ? '1000 or more' : articles}${categories.length > 0 ? ` in ${categories.map((c) => `${c.name} (${c.articles})`).join(', ')}` : ''}`,
    );
  }
  if (file.tickets && adapter.tickets) {
    const contact = theirs[0];
    const tickets = contact ? await adapter.tickets.list(workspace.id, client.id, contact.id, { state: 'all' }, { limit: 5 }) : null;
    const rows = tickets?.items.map((ticket) => `${ticket.ref} ${ticket.state} ${ticket.subject}`) ?? [];
    lines.push(`  tickets: ${rows.length === 0 ? 'none' : rows.join('; ')}${tickets?.next ? '; more' : ''}`);
    const first = tickets?.items[0];
    const thread = first && contact ? await adapter.tickets.find(workspace.id, client.id, contact.id, first.id) : null;
    if (thread)
      lines.push(
        `    ${thread.ref}: ${thread.messages.length} message${thread.messages.length === 1 ? '' : 's'} the client sees (${thread.messages.filter((m) => m.author === 'client').length} theirs)`,
      );
    const offered = adapter.tickets.offers ?? [];
    lines.push(`    the client may: ${offered.length === 0 ? 'only read (no ticket write declared)' : offered.join(', ')}`);
  }
  lines.push(...(await documentDetails(db, binding, workspace.id, client.id)));
  const advice = [];
  for (const section of recordSections(file))
    advice.push(
      await indexAdvice(db, section.name, section.concept),
      await searchAdvice(db, section.name, section.concept),
      await countAdvice(db, section.name, section.concept),
    );
  if (advice.some(Boolean)) lines.push('', 'Indexes:', ...advice.filter((line) => line !== null).map((line) => `  ${line}`));
  const writes = binding.writes.map((write) => write.name);
  lines.push('', `Writes declared: ${writes.length === 0 ? 'none (clients read only)' : writes.join(', ')}`);
  const unmapped = ['proposals', 'quotations', 'invoices', 'tasks', 'projects', 'tickets', 'knowledgeBase'].filter(
    (name) => file[name as 'invoices' | 'tasks' | 'projects' | 'tickets' | 'knowledgeBase'] === undefined,
  );
  if (unmapped.length > 0)
    lines.push(`Not mapped, so off in the portal: ${unmapped.join(', ')}, and every section the format has no place for yet.`);
  return lines;
}

const listed = (values: Array<string | null | undefined> | null | undefined) => values?.filter(Boolean).join(', ') || 'none';

/**
 * The documents' details one client's records carry: the letterhead, and the bank account, VAT
 * mention and payment terms of the client's latest invoice; then the settings the file reads that
 * the workspace has no row for (a name misspelt, or a setup not done), which print as empty.
 */
async function documentDetails(db: Knex, binding: FileBinding, workspaceId: string, clientId: string): Promise<string[]> {
  const { adapter, file } = binding;
  const lines: string[] = [];
  if (file.letterhead && adapter.clients.letterhead) {
    const parties = await adapter.clients.letterhead(workspaceId, clientId);
    const seller = parties?.seller;
    const buyer = parties?.buyer;
    if (seller)
      lines.push(
        `  letterhead, seller: ${listed([seller.legalName, ...(seller.addressLines ?? [])])}; VAT ${seller.vatId ?? 'none'}; registration ${seller.registrationNumber ?? 'none'}`,
      );
    if (buyer) lines.push(`  letterhead, client: ${listed(buyer.addressLines)}; tax id ${buyer.taxId ?? 'none'}`);
  }
  const invoices = file.invoices;
  if (invoices && adapter.invoices && (invoices.bank || invoices.vatExemption || invoices.paymentTerms || invoices.paymentTermsByCode)) {
    const [latest] = (await adapter.invoices.list(workspaceId, clientId, {}, { limit: 1 })).items;
    const invoice = latest ? await adapter.invoices.find(workspaceId, clientId, latest.id) : null;
    if (invoice) {
      const bank = invoice.bank;
      lines.push(
        `  ${invoice.number}: bank account ${bank ? listed([bank.iban, bank.bic, bank.bankName, bank.accountHolder]) : 'none'}; VAT mention ${invoice.vatExemption ? listed([invoice.vatExemption.reason, invoice.vatExemption.note]) : 'none'}; payment terms ${invoice.paymentTerms ?? 'none'}${invoice.paymentTermsByLocale ? ` (by its code: ${Object.values(invoice.paymentTermsByLocale).join(' / ')})` : ''}`,
      );
    }
  }
  const unset = file.settings ? await unsetSettings(db, file.settings, settingNames(file), binding.rule.fixedId ?? workspaceId) : [];
  if (unset.length > 0) lines.push(`  settings with no row in this workspace (read as empty): ${unset.join(', ')}`);
  return lines;
}

/**
 * A statement PostgreSQL refused while reading what a client would see, said as the file's problem:
 * what the columns checked beforehand did not catch (a text column holding what is not a number).
 * The statement itself is left out: the database's message and its code say what was refused.
 */
function refusedStatement(err: unknown): string | null {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  const message = (err as Error).message;
  // Knex puts the statement before the database's own words: `select … - cannot cast type …`.
  const at = message.lastIndexOf(' - ');
  const said = at < 0 ? message : message.slice(at + 3);
  return `the database refused a statement the file makes (${said}; PostgreSQL error ${code}): a value is read from a column whose rows do not hold what its key expects (see the keys' types in docs/bind-your-crm.md)`;
}

export async function checkBindingFile(db: Knex, path: string, ask: { workspace?: string; client?: string } = {}): Promise<CheckReport> {
  let binding: FileBinding;
  let lineOf: LineOf;
  try {
    const read = readBindingFileWithLines(path);
    lineOf = read.lineOf;
    binding = await createFileBinding(db, read.file, { name: `file:${path}` });
  } catch (err) {
    if (err instanceof BindingFileError) return { problems: err.problems, lines: [] };
    return { problems: [(err as Error).message], lines: [] };
  }
  try {
    const problems = await problemsOf(db, binding, lineOf);
    if (problems.length > 0) return { problems, lines: [] };
    return { problems, lines: await viewOf(db, binding, ask) };
  } catch (err) {
    const refused = refusedStatement(err);
    if (refused === null) throw err;
    return { problems: [refused], lines: [] };
  }
}
