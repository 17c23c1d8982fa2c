// The contract every HostAdapter must keep, as one suite each adapter runs against its own host
// database (host-adapters.test.ts calls it once per adapter, as Backstage runs one store suite per
// database). It covers what the portal relies on without knowing the host: claims that hold
// against the schema, lookups that round-trip, string ids, case-insensitive trimmed email look-ups,
// nothing ever answered across workspaces, malformed ids treated as "not found" (never a thrown
// database error), well-formed dashboard numbers (and the optional one-read dashboard answering
// exactly as the ports it stands for), no staff user on a bare request, and the
// optional credentials and comments ports behaving as src/core/ports/host.ts documents them.
import { expect } from 'chai';
import type { Request } from 'express';
import type { Knex } from 'knex';
import { loadDashboard } from '../../src/features/dashboard/widgets.ts';
import { findClaimProblems } from '../../src/portal.ts';
import { Readable } from 'node:stream';
import type { HostAdapter, HostContact, HostWorkspace, Page, PageRequest } from '../../src/core/ports/host.ts';
import type { CommentSubjectType } from '../../src/features/messages/port.ts';
import type { ClientSummary, DashboardAsk } from '../../src/features/dashboard/port.ts';
import type { ClientTask } from '../../src/features/tasks/port.ts';
import type { DocumentListFilter } from '../../src/features/documents/port.ts';
import type { ExpiringOffer, OfferDetail, OfferKind, OfferListFilter, OfferSummary } from '../../src/features/offers/port.ts';
import type {
  InvoiceDetail,
  InvoiceListFilter,
  InvoiceStatementData,
  InvoiceSummary,
  StatementPeriod,
} from '../../src/features/invoices/port.ts';
import { loadStatement } from '../../src/features/invoices/statement.ts';
import { SINCE_ZERO, statementPeriodOf, WALK_BACK_DAYS } from '../../src/features/invoices/statement-period.ts';
import { contactOf } from '../support/host-contacts.ts';
import { countQueries } from '../support/query-counter.ts';
import { describeOfferDecisions, type OfferDecisionsFixture } from './offer-decisions-contract.ts';

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

interface AdapterContractFixture {
  /** A workspace with clients and contacts. */
  workspaceSlug: string;
  /** A second workspace with at least one client and contact, for the cross-workspace checks. */
  otherWorkspaceSlug?: string;
  /** A contact of workspaceSlug, by email. */
  knownContactEmail: string;
  /** A contact of workspaceSlug that signs in with a host-kept password (credentials port only). */
  login?: { email: string; password: string };
  /** A proposal, quotation or invoice of knownContactEmail's client (comments port only). */
  commentSubject?: { type: CommentSubjectType; id: string };
  /** Open offers to decide on (offers port only). */
  decisions?: OfferDecisionsFixture;
  /** Draft proposals, quotations and invoices in workspaceSlug (offers and invoices ports): never shown. */
  drafts?: Array<{ kind: Exclude<CommentSubjectType, 'request'>; clientId: string; id: string }>;
  /** knownContactEmail's client has at least two shared documents (documents port only). */
  documents?: { sharedCount: number };
  /**
   * knownContactEmail sees at least two open tasks (tasks port only). The host-side changes the
   * contract needs: hand a task to someone else at the company, and delete one.
   */
  tasks?: { reassign(taskId: string): Promise<void>; remove(taskId: string): Promise<void> };
}

export interface AdapterContractSetup {
  adapter: HostAdapter;
  db: Knex;
  fixture: AdapterContractFixture;
  close(): Promise<void>;
}

const MALFORMED_IDS = [
  'abc',
  '-1',
  '1.5',
  '',
  ' 1',
  '0',
  '1e3',
  '99999999999999999999',
  `1${'0'.repeat(400)}`,
  "1' or '1'='1",
  'x'.repeat(5000),
];

/** Every key named id or …Id, however deep, is a non-empty string. */
function expectStringIds(value: unknown, where = 'value'): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) expectStringIds(item, `${where}[${i}]`);
    return;
  }
  if (!value || typeof value !== 'object' || value instanceof Date) return;
  for (const [key, inner] of Object.entries(value)) {
    if ((key === 'id' || key.endsWith('Id')) && inner !== null) expect(inner, `${where}.${key}`).to.be.a('string').and.not.equal('');
    else expectStringIds(inner, `${where}.${key}`);
  }
}

function expectWellFormedSummary(summary: ClientSummary): void {
  const counts = [
    summary.proposals.open,
    summary.proposals.total,
    summary.quotations.open,
    summary.quotations.total,
    summary.invoices.unpaid,
    summary.invoices.overdue,
    summary.tasks.open,
    summary.documents.shared,
  ];
  for (const count of counts) expect(Number.isInteger(count) && count >= 0, `count ${count}`).to.equal(true);
  expect(summary.proposals.open).to.be.at.most(summary.proposals.total);
  expect(summary.quotations.open).to.be.at.most(summary.quotations.total);
  expect(summary.invoices.overdue).to.be.at.most(summary.invoices.unpaid);
  const currencies = summary.invoices.outstanding.map((total) => total.currency);
  expect(new Set(currencies).size, 'one total per currency').to.equal(currencies.length);
  for (const total of summary.invoices.outstanding) {
    expect(total.currency).to.match(/^[A-Z]{3}$/);
    expect(Number.isSafeInteger(total.cents) && total.cents > 0, `cents ${total.cents}`).to.equal(true);
  }
}

function isEmptySummary(summary: ClientSummary): boolean {
  return (
    summary.proposals.total === 0 &&
    summary.quotations.total === 0 &&
    summary.invoices.unpaid === 0 &&
    summary.invoices.outstanding.length === 0 &&
    summary.tasks.open === 0 &&
    summary.documents.shared === 0
  );
}

/** A request the host never saw: no session, no cookies. */
const bareRequest = () => ({ headers: {}, cookies: {}, signedCookies: {} }) as unknown as Request;

export function describeHostAdapterContract(name: string, setup: () => Promise<AdapterContractSetup>): void {
  describe(`host adapter contract: ${name}`, function () {
    let ctx: AdapterContractSetup;
    let adapter: HostAdapter;
    let workspace: HostWorkspace;
    let other: HostWorkspace | null;
    let known: HostContact;

    before(async function () {
      ctx = await setup();
      adapter = ctx.adapter;
      const found = await adapter.workspaces.findBySlug(ctx.fixture.workspaceSlug);
      if (!found) throw new Error(`fixture workspace ${ctx.fixture.workspaceSlug} not found`);
      workspace = found;
      other = ctx.fixture.otherWorkspaceSlug ? await adapter.workspaces.findBySlug(ctx.fixture.otherWorkspaceSlug) : null;
      const [contact] = await adapter.contacts.findByEmail(workspace.id, ctx.fixture.knownContactEmail);
      if (!contact) throw new Error(`fixture contact ${ctx.fixture.knownContactEmail} not found`);
      known = contact;
    });

    after(async function () {
      await ctx?.close();
    });

    /** The other workspace, or skip: a host with one tenant has nothing to cross. */
    function otherWorkspace(test: Mocha.Context): HostWorkspace {
      if (!other) test.skip();
      return other!;
    }

    it('has a name and claims that hold against the schema', async function () {
      expect(adapter.name).to.be.a('string').and.not.equal('');
      expect(await findClaimProblems(ctx.db, adapter)).to.deep.equal([]);
    });

    describe('workspaces', function () {
      it('finds a workspace by slug and by id, round-tripping, with a string id', async function () {
        expect(workspace.slug).to.equal(ctx.fixture.workspaceSlug);
        expect(workspace.slug).to.match(/^[a-z0-9][a-z0-9-]{0,59}$/);
        expect(workspace.name).to.be.a('string').and.not.equal('');
        expectStringIds(workspace);
        expect(await adapter.workspaces.findById(workspace.id)).to.deep.equal(workspace);
        if (workspace.brandColor !== null) expect(workspace.brandColor).to.match(/^#[0-9a-f]{6}$/i);
      });

      it('tells two workspaces apart', async function () {
        const second = otherWorkspace(this);
        expect(second.id).to.not.equal(workspace.id);
        expect(second.slug).to.not.equal(workspace.slug);
        expect(await adapter.workspaces.findById(second.id)).to.deep.equal(second);
      });

      it('answers null for an unknown or malformed slug or id', async function () {
        for (const slug of [
          'no-such-workspace',
          '',
          'x'.repeat(5000),
          `${workspace.slug}-x`,
          workspace.slug.toUpperCase() === workspace.slug ? 'Q' : workspace.slug.toUpperCase(),
        ]) {
          expect(await adapter.workspaces.findBySlug(slug), slug.slice(0, 40)).to.equal(null);
        }
        for (const id of [...MALFORMED_IDS, '2147483647']) {
          expect(await adapter.workspaces.findById(id), id.slice(0, 40)).to.equal(null);
        }
      });
    });

    describe('clients', function () {
      it("lists the workspace's clients and finds each by id", async function () {
        const clients = await adapter.clients.list(workspace.id);
        expect(clients).to.not.be.empty;
        expectStringIds(clients);
        expect(clients.every((client) => client.workspaceId === workspace.id)).to.equal(true);
        expect(clients.map((client) => client.id)).to.include(known.clientId);
        for (const client of clients) expect(await adapter.clients.findById(workspace.id, client.id)).to.deep.equal(client);
      });

      it('answers null for an unknown client', async function () {
        expect(await adapter.clients.findById(workspace.id, '2147483647')).to.equal(null);
      });

      it("finds clients by ids, leaving out unknown ids and other workspaces' clients", async function () {
        // Optional in the port: without it, staff pages list every client to name a few.
        if (!adapter.clients.findByIds) this.skip();
        const clients = await adapter.clients.list(workspace.id);
        const some = clients.slice(0, 2);
        const found = await adapter.clients.findByIds!(workspace.id, [...some.map((client) => client.id), '2147483647', 'not-an-id']);
        expect([...found].sort((a, b) => a.id.localeCompare(b.id))).to.deep.equal([...some].sort((a, b) => a.id.localeCompare(b.id)));
        expect(await adapter.clients.findByIds!(workspace.id, [])).to.deep.equal([]);
        const second = other;
        if (second) {
          const theirs = await adapter.clients.list(second.id);
          expect(theirs).to.not.be.empty;
          expect(
            await adapter.clients.findByIds!(
              workspace.id,
              theirs.map((client) => client.id),
            ),
          ).to.deep.equal([]);
        }
      });

      it("gives a client's letterhead, each line filled, and none for another workspace's or a malformed id (optional clients.letterhead)", async function () {
        // Optional in the port: a host that gives no letterhead prints the PDFs without the seller
        // and client blocks, so there is nothing to hold it to. Every host in the contract has it today.
        if (!adapter.clients.letterhead) this.skip();
        const [client] = await adapter.clients.list(workspace.id);
        const parties = await adapter.clients.letterhead!(workspace.id, client!.id);
        expect(parties).to.not.equal(null);
        const lines = [...(parties!.seller?.addressLines ?? []), ...(parties!.buyer?.addressLines ?? [])];
        expect(
          lines.every((line) => typeof line === 'string' && line.trim() === line && line !== ''),
          String(lines),
        ).to.equal(true);
        for (const id of ['2147483647', 'not-an-id', '']) expect(await adapter.clients.letterhead!(workspace.id, id)).to.equal(null);
        if (other) {
          const [theirs] = await adapter.clients.list(other.id);
          if (theirs) expect(await adapter.clients.letterhead!(workspace.id, theirs.id)).to.equal(null);
        }
      });
    });

    describe('contacts', function () {
      it('finds a contact by id and by email, ignoring case and surrounding spaces', async function () {
        expectStringIds(known);
        expect(known.workspaceId).to.equal(workspace.id);
        expect(known.email.toLowerCase()).to.equal(ctx.fixture.knownContactEmail.toLowerCase());
        expect(known.name).to.be.a('string').and.not.equal('');
        expect(await adapter.contacts.findById(workspace.id, known.id)).to.deep.equal(known);
        const shouted = await adapter.contacts.findByEmail(workspace.id, `  ${ctx.fixture.knownContactEmail.toUpperCase()} `);
        expect(shouted.map((contact) => contact.id)).to.include(known.id);
        expect(shouted.every((contact) => contact.workspaceId === workspace.id)).to.equal(true);
        expect(await adapter.contacts.findByEmail(workspace.id, 'nobody-here@example.invalid')).to.deep.equal([]);
      });

      it("lists contacts, all of them or one client's", async function () {
        const all = await adapter.contacts.list(workspace.id);
        expectStringIds(all);
        expect(all.map((contact) => contact.id)).to.include(known.id);
        expect(all.every((contact) => contact.workspaceId === workspace.id)).to.equal(true);
        const ofClient = await adapter.contacts.list(workspace.id, { clientId: known.clientId });
        expect(ofClient.map((contact) => contact.id)).to.include(known.id);
        expect(ofClient.every((contact) => contact.clientId === known.clientId)).to.equal(true);
        expect(ofClient.length).to.be.at.most(all.length);
        expect(await adapter.contacts.list(workspace.id, { clientId: '2147483647' })).to.deep.equal([]);
      });

      it('updates the profile (name and phone) and reads it back', async function () {
        const original = { name: known.name, phone: known.phone };
        try {
          const updated = await adapter.contacts.updateProfile!(workspace.id, known.id, {
            name: 'Renée Contract-Test',
            phone: '+33 1 23 45 67 89',
          });
          expect(updated).to.include({ id: known.id, name: 'Renée Contract-Test', phone: '+33 1 23 45 67 89', email: known.email });
          expect(await adapter.contacts.findById(workspace.id, known.id)).to.deep.equal(updated);
          const cleared = await adapter.contacts.updateProfile!(workspace.id, known.id, { name: 'Renée Contract-Test', phone: null });
          expect(cleared?.phone).to.equal(null);
        } finally {
          const restored = await adapter.contacts.updateProfile!(workspace.id, known.id, original);
          expect(restored).to.deep.equal(known);
        }
        expect(await adapter.contacts.updateProfile!(workspace.id, '2147483647', { name: 'Nobody', phone: null })).to.equal(null);
      });

      it('changes the contact email inside the transaction it is given, and only in its workspace (optional contacts.updateEmail)', async function () {
        const updateEmail = adapter.contacts.updateEmail?.bind(adapter.contacts);
        // Optional port: without it the portal refuses email changes with a reason (its own tests cover that).
        if (!updateEmail) this.skip();
        const changed = 'contract-new-address@example.test';
        // Rolled back with the transaction: the portal's own change and the contact's go together.
        await ctx.db
          .transaction(async (trx) => {
            const inside = await updateEmail(workspace.id, known.id, changed, { trx });
            expect(inside).to.include({ id: known.id, email: changed });
            throw new Error('roll back');
          })
          .catch((err: Error) => expect(err.message).to.equal('roll back'));
        expect(await adapter.contacts.findById(workspace.id, known.id)).to.deep.equal(known);
        try {
          const committed = await ctx.db.transaction((trx) => updateEmail(workspace.id, known.id, changed, { trx }));
          expect(committed).to.include({ id: known.id, email: changed, name: known.name });
          expect((await adapter.contacts.findByEmail(workspace.id, changed)).map((c) => c.id)).to.deep.equal([known.id]);
        } finally {
          expect(await updateEmail(workspace.id, known.id, known.email)).to.deep.equal(known);
        }
        expect(await updateEmail(workspace.id, '2147483647', changed)).to.equal(null);
        for (const bad of MALFORMED_IDS)
          expect(await updateEmail(workspace.id, bad, changed), JSON.stringify(bad.slice(0, 20))).to.equal(null);
        if (other) {
          const [theirs] = await adapter.contacts.list(other.id);
          expect(await updateEmail(workspace.id, theirs!.id, changed)).to.equal(null);
          expect(await updateEmail(other.id, known.id, changed)).to.equal(null);
          expect(await adapter.contacts.findById(other.id, theirs!.id)).to.deep.equal(theirs);
        }
        expect(await adapter.contacts.findById(workspace.id, known.id)).to.deep.equal(known);
      });
    });

    describe('workspace isolation', function () {
      it("answers nothing about another workspace's clients and contacts", async function () {
        const second = otherWorkspace(this);
        const theirClients = await adapter.clients.list(second.id);
        const theirContacts = await adapter.contacts.list(second.id);
        expect(theirClients, 'the other workspace needs a client').to.not.be.empty;
        expect(theirContacts, 'the other workspace needs a contact').to.not.be.empty;
        const ourClientIds = new Set((await adapter.clients.list(workspace.id)).map((client) => client.id));
        const ourContactIds = new Set((await adapter.contacts.list(workspace.id)).map((contact) => contact.id));
        for (const client of theirClients) {
          expect(client.workspaceId).to.equal(second.id);
          expect(ourClientIds.has(client.id)).to.equal(false);
          expect(await adapter.clients.findById(workspace.id, client.id)).to.equal(null);
          expect(await adapter.contacts.list(workspace.id, { clientId: client.id })).to.deep.equal([]);
        }
        for (const contact of theirContacts) {
          expect(ourContactIds.has(contact.id)).to.equal(false);
          expect(await adapter.contacts.findById(workspace.id, contact.id)).to.equal(null);
          // The same person may be a contact in both workspaces; the answer holds only ours.
          const byEmail = await adapter.contacts.findByEmail(workspace.id, contact.email);
          expect(byEmail.every((found) => found.workspaceId === workspace.id && !theirContacts.some((c) => c.id === found.id))).to.equal(
            true,
          );
        }
        expect(known.workspaceId).to.not.equal(second.id);
        expect(await adapter.contacts.findById(second.id, known.id)).to.equal(null);
      });

      it("does not update another workspace's contact", async function () {
        const second = otherWorkspace(this);
        const [theirs] = await adapter.contacts.list(second.id);
        expect(await adapter.contacts.updateProfile!(workspace.id, theirs!.id, { name: 'Hijacked Name', phone: null })).to.equal(null);
        expect(await adapter.contacts.findById(second.id, theirs!.id)).to.deep.equal(theirs);
        expect(await adapter.contacts.updateProfile!(second.id, known.id, { name: 'Hijacked Name', phone: null })).to.equal(null);
        expect(await adapter.contacts.findById(workspace.id, known.id)).to.deep.equal(known);
      });

      it('summarises nothing for a client of another workspace', async function () {
        const second = otherWorkspace(this);
        const [theirs] = await adapter.contacts.list(second.id);
        const summary = await adapter.summaries.forClient(workspace.id, theirs!.clientId, theirs!.id);
        expectWellFormedSummary(summary);
        expect(isEmptySummary(summary)).to.equal(true);
      });
    });

    describe('malformed ids', function () {
      it('answer null or [] everywhere, without throwing', async function () {
        for (const bad of MALFORMED_IDS) {
          const label = bad.slice(0, 40);
          expect(await adapter.clients.list(bad), label).to.deep.equal([]);
          expect(await adapter.clients.findById(workspace.id, bad), label).to.equal(null);
          expect(await adapter.clients.findById(bad, known.clientId), label).to.equal(null);
          expect(await adapter.contacts.findById(workspace.id, bad), label).to.equal(null);
          expect(await adapter.contacts.findById(bad, known.id), label).to.equal(null);
          expect(await adapter.contacts.findByEmail(bad, known.email), label).to.deep.equal([]);
          expect(await adapter.contacts.list(bad), label).to.deep.equal([]);
          expect(await adapter.contacts.list(workspace.id, { clientId: bad }), label).to.deep.equal([]);
          expect(await adapter.contacts.updateProfile!(workspace.id, bad, { name: 'Nobody', phone: null }), label).to.equal(null);
          expect(await adapter.contacts.updateProfile!(bad, known.id, { name: 'Nobody', phone: null }), label).to.equal(null);
          const summaries = [
            await adapter.summaries.forClient(bad, known.clientId, known.id),
            await adapter.summaries.forClient(workspace.id, bad, known.id),
          ];
          for (const summary of summaries) {
            expectWellFormedSummary(summary);
            expect(isEmptySummary(summary), label).to.equal(true);
          }
        }
        expect(await adapter.contacts.findByEmail(workspace.id, ''), 'empty email').to.deep.equal([]);
        expect(await adapter.contacts.findByEmail(workspace.id, `${'x'.repeat(5000)}@example.com`), 'long email').to.deep.equal([]);
        expect(await adapter.contacts.findById(workspace.id, known.id)).to.deep.equal(known);
      });
    });

    describe('summaries', function () {
      it("counts a client's records as non-negative integers with well-formed money", async function () {
        const clients = await adapter.clients.list(workspace.id);
        for (const client of clients) {
          const [contact] = await adapter.contacts.list(workspace.id, { clientId: client.id });
          expectWellFormedSummary(await adapter.summaries.forClient(workspace.id, client.id, contact?.id ?? known.id));
        }
        expectWellFormedSummary(await adapter.summaries.forClient(workspace.id, known.clientId, known.id));
      });

      it('answers forDashboard exactly as forClient and the list ports do, for every ask (optional summaries.forDashboard)', async function () {
        if (!adapter.summaries.forDashboard) this.skip(); // Optional: the dashboard then calls forClient and each list port.
        const portByPort: HostAdapter = { ...adapter, summaries: { forClient: adapter.summaries.forClient.bind(adapter.summaries) } };
        const has = {
          proposals: Boolean(adapter.offers),
          quotations: Boolean(adapter.offers),
          invoices: Boolean(adapter.invoices),
          documents: Boolean(adapter.documents),
          tasks: Boolean(adapter.tasks),
          projects: Boolean(adapter.projects),
          tickets: Boolean(adapter.tickets),
        };
        const none = {
          proposals: false,
          quotations: false,
          invoices: false,
          documents: false,
          tasks: false,
          projects: false,
          tickets: false,
        };
        const asks: DashboardAsk[] = [
          { ...has, rows: 5 },
          { ...has, rows: 1 },
          { ...none, rows: 5 },
          ...(Object.keys(has) as Array<keyof typeof has>).filter((list) => has[list]).map((list) => ({ ...none, [list]: true, rows: 3 })),
        ];
        const who: Array<{ clientId: string; contactId: string; label: string }> = [];
        for (const client of await adapter.clients.list(workspace.id)) {
          const [contact] = await adapter.contacts.list(workspace.id, { clientId: client.id });
          if (contact) who.push({ clientId: client.id, contactId: contact.id, label: client.name });
        }
        if (other) {
          const [theirs] = await adapter.contacts.list(other.id);
          if (theirs) who.push({ clientId: theirs.clientId, contactId: theirs.id, label: 'a client of another workspace' });
        }
        who.push(
          { clientId: 'not-an-id', contactId: known.id, label: 'a malformed client id' },
          { clientId: known.clientId, contactId: '0', label: 'a malformed contact id' },
        );
        let listed = 0;
        for (const { clientId, contactId, label } of who) {
          for (const ask of asks) {
            const together = await adapter.summaries.forDashboard!(workspace.id, clientId, contactId, ask);
            const apart = await loadDashboard(portByPort, { workspaceId: workspace.id, clientId, contactId }, ask);
            expect(together, `${label}, ${JSON.stringify(ask)}`).to.deep.equal(apart);
            listed += [together.proposals, together.quotations, together.invoices, together.documents, together.tasks].reduce(
              (sum, list) => sum + (list?.length ?? 0),
              0,
            );
          }
        }
        expect(listed, 'rows compared').to.be.greaterThan(0);
      });
    });

    describe('documents (when the host shares them)', function () {
      before(function () {
        if (!adapter.documents || !ctx.fixture.documents) this.skip(); // A host without the port has no shared documents to check.
      });

      it("lists the client's shared documents newest first, each opening as a stream of its stated size", async function () {
        const page = await adapter.documents!.list(workspace.id, known.clientId, {}, { limit: 50 });
        expect(page.items.length).to.equal(ctx.fixture.documents!.sharedCount);
        expectStringIds(page.items);
        const times = page.items.map((doc) => doc.sharedAt.getTime());
        expect(times).to.deep.equal([...times].sort((a, b) => b - a));
        for (const doc of page.items) {
          expect(doc.name).to.be.a('string').and.not.equal('');
          expect(doc.contentType).to.match(/^[a-z]+\/[a-z0-9.+-]+$/);
          const opened = await adapter.documents!.open(workspace.id, known.clientId, doc.id);
          expect(opened, doc.name).to.not.equal(null);
          expect(opened!.name).to.equal(doc.name);
          const bytes = await drain(opened!.content);
          expect(bytes.length, doc.name).to.equal(doc.sizeBytes).and.equal(opened!.sizeBytes);
        }
      });

      it('pages by keyset without repeating or skipping, and filters by the record a document belongs to', async function () {
        const all = await adapter.documents!.list(workspace.id, known.clientId, {}, { limit: 50 });
        const walked: string[] = [];
        let after: string | null = null;
        do {
          const page = await adapter.documents!.list(workspace.id, known.clientId, {}, { limit: 1, after });
          walked.push(...page.items.map((doc) => doc.id));
          after = page.next;
        } while (after && walked.length < 100);
        expect(walked).to.deep.equal(all.items.map((doc) => doc.id));
        const linked = all.items.find((doc) => doc.record);
        if (linked) {
          const filtered = await adapter.documents!.list(
            workspace.id,
            known.clientId,
            { record: { type: linked.record!.type, id: linked.record!.id } },
            { limit: 50 },
          );
          expect(filtered.items.map((doc) => doc.id)).to.include(linked.id);
          expect(filtered.items.every((doc) => doc.record?.id === linked.record!.id)).to.equal(true);
        }
      });

      it('shares nothing across clients or workspaces', async function () {
        const [doc] = (await adapter.documents!.list(workspace.id, known.clientId, {}, { limit: 1 })).items;
        const otherClient = (await adapter.clients.list(workspace.id)).find((client) => client.id !== known.clientId);
        if (otherClient) {
          expect(await adapter.documents!.open(workspace.id, otherClient.id, doc!.id)).to.equal(null);
          const theirs = await adapter.documents!.list(workspace.id, otherClient.id, {}, { limit: 50 });
          expect(theirs.items.map((d) => d.id)).to.not.include(doc!.id);
        }
        const second = other;
        if (second) {
          expect(await adapter.documents!.open(second.id, known.clientId, doc!.id)).to.equal(null);
          expect((await adapter.documents!.list(second.id, known.clientId, {}, { limit: 50 })).items).to.deep.equal([]);
        }
      });

      it("takes a client's file into the host when it offers to (accept), for that client only, not shared back", async function () {
        // Optional: a host without accept keeps client uploads in the portal only.
        if (!adapter.documents!.accept) this.skip();
        const content = Buffer.from('%PDF-1.4\n% a file from the client\n%%EOF\n');
        const file = (name: string) => ({
          name,
          contentType: 'application/pdf',
          sizeBytes: content.length,
          uploadedBy: 'Contract Test',
          content: Readable.from([content]),
        });
        const before = (await adapter.documents!.list(workspace.id, known.clientId, {}, { limit: 50 })).items.length;
        const taken = await adapter.documents!.accept(workspace.id, known.clientId, file('from-the-client.pdf'));
        expect(taken?.id, "the host's id for the file").to.be.a('string').and.not.equal('');
        // Not shared back: the client's list of what the agency shares is unchanged.
        expect((await adapter.documents!.list(workspace.id, known.clientId, {}, { limit: 50 })).items.length).to.equal(before);
        if (other)
          expect(
            await adapter.documents!.accept(other.id, known.clientId, file('elsewhere.pdf')),
            'a client of another workspace',
          ).to.equal(null);
        expect(await adapter.documents!.accept(workspace.id, MALFORMED_IDS[0]!, file('nobody.pdf'))).to.equal(null);
      });

      it('answers nothing for malformed ids, records and cursors', async function () {
        for (const id of MALFORMED_IDS) {
          expect(await adapter.documents!.open(workspace.id, known.clientId, id), id.slice(0, 40)).to.equal(null);
          expect(await adapter.documents!.open(id, known.clientId, '1'), id.slice(0, 40)).to.equal(null);
          expect((await adapter.documents!.list(workspace.id, id, {}, { limit: 5 })).items, id.slice(0, 40)).to.deep.equal([]);
          expect(
            (await adapter.documents!.list(workspace.id, known.clientId, { record: { type: 'invoice', id } }, { limit: 5 })).items,
          ).to.deep.equal([]);
        }
        for (const after of ['not-a-cursor', 'eyJ4IjoxfQ', '', 'x'.repeat(5000)]) {
          const page = await adapter.documents!.list(workspace.id, known.clientId, {}, { limit: 5, after });
          if (after === '') continue; // An empty cursor is the first page.
          expect(page.items, after.slice(0, 20)).to.deep.equal([]);
        }
      });
    });

    describe('tasks (when the host keeps them)', function () {
      before(function () {
        if (!adapter.tasks || !ctx.fixture.tasks) this.skip(); // A host without the port has no tasks section.
      });

      const openTasks = async () =>
        (await adapter.tasks!.list(workspace.id, known.clientId, known.id, { status: 'open' }, { limit: 100 })).items;
      const doneTasks = async () =>
        (await adapter.tasks!.list(workspace.id, known.clientId, known.id, { status: 'done' }, { limit: 100 })).items;

      it('lists open tasks by due date (undated last) and done ones apart, each found by id', async function () {
        const open = await openTasks();
        expect(open.length).to.be.at.least(2);
        expectStringIds(open);
        expect(open.every((task) => task.status === 'open')).to.equal(true);
        const dues = open.map((task) => task.dueDate ?? '9999-12-31');
        expect(dues).to.deep.equal([...dues].sort());
        for (const task of open) {
          if (task.dueDate !== null) expect(task.dueDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
          expect(await adapter.tasks!.find(workspace.id, known.clientId, known.id, task.id)).to.deep.equal(task);
        }
        expect((await doneTasks()).every((task) => task.status === 'done')).to.equal(true);
      });

      it('marks a task done and reopens it, moving it between the lists', async function () {
        const [task] = await openTasks();
        const done = await adapter.tasks!.setStatus(workspace.id, known.clientId, known.id, task!.id, 'done');
        expect(done).to.include({ id: task!.id, status: 'done' });
        expect(done!.completedAt).to.be.instanceOf(Date);
        expect((await openTasks()).map((t) => t.id)).to.not.include(task!.id);
        expect((await doneTasks()).map((t) => t.id)).to.include(task!.id);
        expect(await adapter.tasks!.setStatus(workspace.id, known.clientId, known.id, task!.id, 'done'), 'twice is harmless').to.include({
          status: 'done',
        });
        const reopened = await adapter.tasks!.setStatus(workspace.id, known.clientId, known.id, task!.id, 'open');
        expect(reopened).to.include({ id: task!.id, status: 'open', completedAt: null });
        expect((await openTasks()).map((t) => t.id)).to.include(task!.id);
      });

      it('pages open tasks by keyset without repeating or skipping', async function () {
        const all = (await openTasks()).map((task) => task.id);
        const walked: string[] = [];
        let after: string | null = null;
        do {
          const page = await adapter.tasks!.list(workspace.id, known.clientId, known.id, { status: 'open' }, { limit: 1, after });
          walked.push(...page.items.map((task) => task.id));
          after = page.next;
        } while (after && walked.length < 200);
        expect(walked).to.deep.equal(all);
      });

      it('keeps tasks inside their client and workspace, for reading and for writing', async function () {
        const [task] = await openTasks();
        const otherClient = (await adapter.clients.list(workspace.id)).find((client) => client.id !== known.clientId);
        const stranger = otherClient ? (await adapter.contacts.list(workspace.id, { clientId: otherClient.id }))[0] : undefined;
        if (otherClient && stranger) {
          expect(await adapter.tasks!.find(workspace.id, otherClient.id, stranger.id, task!.id)).to.equal(null);
          expect(await adapter.tasks!.setStatus(workspace.id, otherClient.id, stranger.id, task!.id, 'done')).to.equal(null);
          // The contact's id with another company's: still nothing.
          expect(await adapter.tasks!.find(workspace.id, otherClient.id, known.id, task!.id)).to.equal(null);
        }
        if (other) {
          expect(await adapter.tasks!.find(other.id, known.clientId, known.id, task!.id)).to.equal(null);
          expect(await adapter.tasks!.setStatus(other.id, known.clientId, known.id, task!.id, 'done')).to.equal(null);
          expect((await adapter.tasks!.list(other.id, known.clientId, known.id, { status: 'open' }, { limit: 50 })).items).to.deep.equal(
            [],
          );
        }
        expect((await adapter.tasks!.find(workspace.id, known.clientId, known.id, task!.id))?.status).to.equal('open');
      });

      it('answers nothing for malformed ids and cursors', async function () {
        for (const id of MALFORMED_IDS) {
          expect(await adapter.tasks!.find(workspace.id, known.clientId, known.id, id), id.slice(0, 40)).to.equal(null);
          expect(await adapter.tasks!.setStatus(workspace.id, known.clientId, known.id, id, 'done'), id.slice(0, 40)).to.equal(null);
          expect(await adapter.tasks!.find(workspace.id, known.clientId, id, '1'), id.slice(0, 40)).to.equal(null);
          expect((await adapter.tasks!.list(workspace.id, id, known.id, { status: 'open' }, { limit: 5 })).items).to.deep.equal([]);
        }
        for (const after of ['not-a-cursor', 'eyJ4IjoxfQ', 'x'.repeat(5000)]) {
          expect(
            (await adapter.tasks!.list(workspace.id, known.clientId, known.id, { status: 'open' }, { limit: 5, after })).items,
          ).to.deep.equal([]);
          expect(
            (await adapter.tasks!.list(workspace.id, known.clientId, known.id, { status: 'done' }, { limit: 5, after })).items,
          ).to.deep.equal([]);
        }
      });

      it('loses a task the host reassigns to someone else or deletes: gone from lists, not found, not changeable', async function () {
        const [first, second] = await openTasks();
        const gone = async (task: ClientTask) => {
          expect((await openTasks()).map((t) => t.id)).to.not.include(task.id);
          expect(await adapter.tasks!.find(workspace.id, known.clientId, known.id, task.id)).to.equal(null);
          expect(await adapter.tasks!.setStatus(workspace.id, known.clientId, known.id, task.id, 'done')).to.equal(null);
        };
        await ctx.fixture.tasks!.reassign(first!.id);
        await gone(first!);
        await ctx.fixture.tasks!.remove(second!.id);
        await gone(second!);
      });
    });

    describe("search on the lists (the filters' search)", function () {
      /** Every item of a list, `limit` at a time, following the cursors. */
      async function all<T>(fetch: (page: PageRequest) => Promise<Page<T>>, limit: number): Promise<T[]> {
        const items: T[] = [];
        let after: string | null = null;
        for (let pages = 0; pages < 200; pages += 1) {
          const page: Page<T> = await fetch({ limit, after });
          items.push(...page.items);
          if (!page.next) return items;
          after = page.next;
        }
        throw new Error('the cursor never reached the last page');
      }
      /** Part of a text, its case turned, as a person might type it. */
      const typed = (text: string) => {
        const part = text.length > 4 ? text.slice(1, -1) : text;
        return [...part].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
      };
      const contains =
        (needle: string) =>
        (...texts: string[]) =>
          texts.some((text) => text.toLowerCase().includes(needle.toLowerCase()));
      // LIKE's own characters, and a backslash: each must match only itself. Without escaping, `%`
      // and `_` would match every row.
      const LITERALS = ['%', '_', '\\', '0%', '_0'];
      const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

      it('finds invoices by number and offers by number or title: the same rows in the same order, page by page', async function () {
        // Skipped for a host that keeps neither offers nor invoices: there is no list to search.
        if (!adapter.offers && !adapter.invoices) this.skip();
        let searched = 0;
        for (const client of await adapter.clients.list(workspace.id)) {
          if (adapter.invoices) {
            const list = (filter: InvoiceListFilter) => (page: PageRequest) =>
              adapter.invoices!.list(workspace.id, client.id, filter, page);
            const whole = await all(list({}), 100);
            for (const needle of [...whole.slice(0, 2).map((invoice) => typed(invoice.number)), ...LITERALS]) {
              const expected = ids(whole.filter((invoice) => contains(needle)(invoice.number)));
              expect(ids(await all(list({ search: needle }), 100)), `invoices of ${client.name} matching ${needle}`).to.deep.equal(
                expected,
              );
              expect(ids(await all(list({ search: needle }), 1)), `by one, matching ${needle}`).to.deep.equal(expected);
              const paid = await all(list({ status: ['paid'] }), 100);
              expect(ids(await all(list({ status: ['paid'], search: needle }), 100)), 'with a status').to.deep.equal(
                ids(paid.filter((invoice) => contains(needle)(invoice.number))),
              );
              if (expected.length > 0) searched += 1;
            }
          }
          for (const kind of adapter.offers ? (adapter.offers.kinds ?? ['proposal', 'quotation']) : []) {
            const list = (filter: OfferListFilter) => (page: PageRequest) =>
              adapter.offers!.list(workspace.id, client.id, kind, filter, page);
            const whole = await all(list({}), 100);
            const needles = [...whole.slice(0, 1).flatMap((offer) => [typed(offer.number), typed(offer.title)]), ...LITERALS];
            for (const needle of needles) {
              const expected = ids(whole.filter((offer) => contains(needle)(offer.number, offer.title)));
              expect(ids(await all(list({ search: needle }), 100)), `${kind}s of ${client.name} matching ${needle}`).to.deep.equal(
                expected,
              );
              expect(ids(await all(list({ search: needle }), 1)), `by one, matching ${needle}`).to.deep.equal(expected);
              if (expected.length > 0) searched += 1;
            }
          }
        }
        expect(searched, 'the fixture needs records to find').to.be.above(0);
      });

      it('finds shared documents by file name and tasks by title, in their lists only', async function () {
        if (adapter.documents && ctx.fixture.documents) {
          const list = (filter: DocumentListFilter) => (page: PageRequest) =>
            adapter.documents!.list(workspace.id, known.clientId, filter, page);
          const whole = await all(list({}), 100);
          expect(whole.length, 'the fixture shares documents').to.be.above(0);
          for (const needle of [typed(whole[0]!.name), ...LITERALS]) {
            const expected = ids(whole.filter((doc) => contains(needle)(doc.name)));
            expect(ids(await all(list({ search: needle }), 100)), `documents matching ${needle}`).to.deep.equal(expected);
            expect(ids(await all(list({ search: needle }), 1)), `by one, matching ${needle}`).to.deep.equal(expected);
          }
        }
        if (adapter.tasks && ctx.fixture.tasks) {
          for (const status of ['open', 'done'] as const) {
            const list = (search?: string) => (page: PageRequest) =>
              adapter.tasks!.list(workspace.id, known.clientId, known.id, { status, ...(search ? { search } : {}) }, page);
            const whole = await all(list(), 100);
            for (const needle of [...whole.slice(0, 1).map((task) => typed(task.title)), ...LITERALS]) {
              const expected = ids(whole.filter((task) => contains(needle)(task.title)));
              expect(ids(await all(list(needle), 100)), `${status} tasks matching ${needle}`).to.deep.equal(expected);
              expect(ids(await all(list(needle), 1)), `by one, matching ${needle}`).to.deep.equal(expected);
            }
          }
        }
      });
    });

    describe('staff', function () {
      it("sees no staff user on a request without the host's session", async function () {
        expect(await adapter.staff.current(bareRequest())).to.equal(null);
        expect(await adapter.staff.current({ ...bareRequest(), session: {} } as unknown as Request)).to.equal(null);
      });

      it('lists the staff of one workspace only, with string ids (when the host lists its staff)', async function () {
        // Optional: a host without it has conversations that cannot be assigned, and no staff emails.
        if (!adapter.staff.list) this.skip(); // A host without a staff list (the second host has no staff pages) has nothing to list.
        const staff = await adapter.staff.list!(workspace.id);
        expect(staff.length).to.be.greaterThan(0);
        for (const member of staff) {
          expect(member.workspaceId).to.equal(workspace.id);
          expect(member.id).to.be.a('string');
          expect(member.email).to.match(/@/);
          expect(['admin', 'member']).to.include(member.role);
        }
        expect(await adapter.staff.list!('not-a-workspace')).to.deep.equal([]);
        const elsewhere = ctx.fixture.otherWorkspaceSlug ? await adapter.workspaces.findBySlug(ctx.fixture.otherWorkspaceSlug) : null;
        if (elsewhere) {
          const theirs = new Set((await adapter.staff.list!(elsewhere.id)).map((m) => m.id));
          expect(staff.filter((m) => theirs.has(m.id))).to.deep.equal([]);
        }
      });
    });

    describe('credentials (when the host keeps client logins)', function () {
      // A host that keeps no client passwords has no such port; the portal keeps its own then,
      // and there is nothing of the adapter's to check.
      function credentialsOrSkip(test: Mocha.Context) {
        if (!adapter.credentials) test.skip();
        if (!ctx.fixture.login) throw new Error(`${name} has a credentials port: its fixture must name a login`);
        return { credentials: adapter.credentials!, login: ctx.fixture.login };
      }

      it('finds a login by email, ignoring case and spaces, in its workspace only', async function () {
        const { credentials, login } = credentialsOrSkip(this);
        const found = await credentials.findLogin(workspace.id, `  ${login.email.toUpperCase()} `);
        expect(found).to.not.equal(null);
        expectStringIds(found);
        expect(found!.workspaceId).to.equal(workspace.id);
        expect(found!.email.toLowerCase()).to.equal(login.email.toLowerCase());
        expect(await adapter.contacts.findById(workspace.id, found!.id)).to.deep.equal(found);
        expect(await credentials.findLogin(workspace.id, 'nobody-here@example.invalid')).to.equal(null);
        for (const bad of MALFORMED_IDS) expect(await credentials.findLogin(bad, login.email), bad.slice(0, 40)).to.equal(null);
        if (other) {
          const elsewhere = await credentials.findLogin(other.id, login.email);
          if (elsewhere) expect(contactOf(elsewhere)?.workspaceId).to.equal(other.id);
          if (elsewhere) expect(elsewhere.id).to.not.equal(found!.id);
        }
      });

      it('verifies the right password only, and says nothing about unknown emails', async function () {
        const { credentials, login } = credentialsOrSkip(this);
        const contact = await credentials.findLogin(workspace.id, login.email);
        expect(contactOf(await credentials.verifyPassword(workspace.id, login.email.toUpperCase(), login.password))?.id).to.equal(
          contact!.id,
        );
        expect(await credentials.verifyPassword(workspace.id, login.email, `${login.password}x`)).to.equal(null);
        expect(await credentials.verifyPassword(workspace.id, login.email, '')).to.equal(null);
        expect(await credentials.verifyPassword(workspace.id, 'nobody-here@example.invalid', login.password)).to.equal(null);
        expect(await credentials.verifyPassword('abc', login.email, login.password)).to.equal(null);
        if (other) {
          const elsewhere = await credentials.verifyPassword(other.id, login.email, login.password);
          if (elsewhere) expect(contactOf(elsewhere)?.workspaceId).to.equal(other.id);
        }
      });

      it('sets a new password that then verifies, and reports whether one is set', async function () {
        const { credentials, login } = credentialsOrSkip(this);
        const contact = (await credentials.findLogin(workspace.id, login.email))!;
        expect(await credentials.hasPassword(workspace.id, contact.id)).to.equal(true);
        expect(await credentials.hasPassword(workspace.id, '2147483647')).to.equal(false);
        for (const bad of MALFORMED_IDS) expect(await credentials.hasPassword(workspace.id, bad), bad.slice(0, 40)).to.equal(false);
        if (other) expect(await credentials.hasPassword(other.id, contact.id)).to.equal(false);
        const next = 'contract-suite-password-1';
        try {
          await credentials.setPassword(workspace.id, contact.id, next);
          expect(contactOf(await credentials.verifyPassword(workspace.id, login.email, next))?.id).to.equal(contact.id);
          expect(await credentials.verifyPassword(workspace.id, login.email, login.password)).to.equal(null);
        } finally {
          await credentials.setPassword(workspace.id, contact.id, login.password);
        }
        expect(contactOf(await credentials.verifyPassword(workspace.id, login.email, login.password))?.id).to.equal(contact.id);
      });

      it('refuses to set a password on a contact it cannot find', async function () {
        const { credentials } = credentialsOrSkip(this);
        for (const bad of ['2147483647', 'abc']) {
          const outcome = await credentials.setPassword(workspace.id, bad, 'some-password-123').then(
            () => 'written',
            () => 'refused',
          );
          expect(outcome, bad).to.equal('refused');
        }
        if (other) {
          const outcome = await credentials.setPassword(other.id, known.id, 'some-password-123').then(
            () => 'written',
            () => 'refused',
          );
          expect(outcome).to.equal('refused');
        }
      });
    });

    describe('offers and invoices (when the host has them)', function () {
      const KINDS: OfferKind[] = ['proposal', 'quotation'];

      /** Every item of a list, one page of `limit` at a time, following the cursors. */
      async function walk<T>(fetch: (page: PageRequest) => Promise<Page<T>>, limit: number): Promise<T[]> {
        const all: T[] = [];
        let after: string | null = null;
        for (let pages = 0; pages < 200; pages += 1) {
          const page: Page<T> = await fetch({ limit, after });
          expect(page.items.length, 'a page never holds more than its limit').to.be.at.most(limit);
          all.push(...page.items);
          if (!page.next) return all;
          expect(page.items.length, 'a page with a next cursor is full').to.equal(limit);
          after = page.next;
        }
        throw new Error('the cursor never reached the last page');
      }

      const offersOf = (workspaceId: string, clientId: string, kind: OfferKind, status?: OfferSummary['status'][]) => (page: PageRequest) =>
        adapter.offers!.list(workspaceId, clientId, kind, status ? { status } : {}, page);
      const invoicesOf = (workspaceId: string, clientId: string, status?: InvoiceSummary['status'][]) => (page: PageRequest) =>
        adapter.invoices!.list(workspaceId, clientId, status ? { status } : {}, page);

      function expectTotals(detail: OfferDetail | InvoiceDetail) {
        const sum = detail.lines.reduce((total, line) => total + line.totalCents, 0);
        expect(detail.subtotalCents, `${detail.number}: subtotal = sum of lines`).to.equal(sum);
        expect(detail.totalCents, `${detail.number}: total = subtotal + tax`).to.equal(detail.subtotalCents + detail.taxCents);
        expect(detail.currency).to.match(/^[A-Z]{3}$/);
        for (const line of detail.lines) {
          expect(Number.isSafeInteger(line.totalCents) && Number.isSafeInteger(line.unitPriceCents)).to.equal(true);
          expect(line.description).to.be.a('string').and.not.equal('');
        }
      }

      function portsOrSkip(test: Mocha.Context) {
        if (!adapter.offers && !adapter.invoices) test.skip();
      }

      it("lists a client's records newest first, page by page, with no duplicates or gaps", async function () {
        portsOrSkip(this);
        const clients = await adapter.clients.list(workspace.id);
        let paged = 0;
        for (const client of clients) {
          for (const kind of adapter.offers ? KINDS : []) {
            const whole = await walk(offersOf(workspace.id, client.id, kind), 100);
            const byOne = await walk(offersOf(workspace.id, client.id, kind), 1);
            const byTwo = await walk(offersOf(workspace.id, client.id, kind), 2);
            expect(
              byOne.map((o) => o.id),
              `${kind}s of ${client.name} by one`,
            ).to.deep.equal(whole.map((o) => o.id));
            expect(
              byTwo.map((o) => o.id),
              `${kind}s of ${client.name} by two`,
            ).to.deep.equal(whole.map((o) => o.id));
            expect(new Set(whole.map((o) => o.id)).size).to.equal(whole.length);
            expectStringIds(whole);
            for (const offer of whole) expect(offer.kind).to.equal(kind);
            if (whole.length > 1) paged += 1;
          }
          if (adapter.invoices) {
            const whole = await walk(invoicesOf(workspace.id, client.id), 100);
            const byOne = await walk(invoicesOf(workspace.id, client.id), 1);
            expect(
              byOne.map((i) => i.id),
              `invoices of ${client.name} by one`,
            ).to.deep.equal(whole.map((i) => i.id));
            expect(new Set(whole.map((i) => i.id)).size).to.equal(whole.length);
            expectStringIds(whole);
            for (let i = 1; i < whole.length; i += 1) expect(whole[i - 1]!.issueDate >= whole[i]!.issueDate, 'newest first').to.equal(true);
            for (const invoice of whole) {
              expect(invoice.balanceCents).to.equal(invoice.status === 'open' ? Math.max(0, invoice.totalCents - invoice.paidCents) : 0);
            }
            if (whole.length > 1) paged += 1;
          }
        }
        expect(paged, 'the fixture needs a client with two or more records of a kind').to.be.above(0);
      });

      it('filters by status, and finds each listed record with lines whose totals add up', async function () {
        portsOrSkip(this);
        for (const client of await adapter.clients.list(workspace.id)) {
          for (const kind of adapter.offers ? KINDS : []) {
            const whole = await walk(offersOf(workspace.id, client.id, kind), 100);
            for (const status of ['open', 'accepted', 'declined', 'expired', 'withdrawn'] as const) {
              const only = await walk(offersOf(workspace.id, client.id, kind, [status]), 100);
              expect(only.map((o) => o.id)).to.deep.equal(whole.filter((o) => o.status === status).map((o) => o.id));
            }
            for (const offer of whole) {
              const detail = await adapter.offers!.find(workspace.id, client.id, kind, offer.id);
              expect(detail, `${kind} ${offer.number}`).to.not.equal(null);
              expect(detail).to.deep.include(offer);
              expect(detail!.clientId).to.equal(client.id);
              expect(detail!.body).to.be.a('string');
              expectTotals(detail!);
              const otherKind = kind === 'proposal' ? 'quotation' : 'proposal';
              const crossed = await adapter.offers!.find(workspace.id, client.id, otherKind, offer.id);
              if (crossed) expect(crossed.kind).to.equal(otherKind);
            }
          }
          if (adapter.invoices) {
            const whole = await walk(invoicesOf(workspace.id, client.id), 100);
            for (const status of ['open', 'paid', 'void'] as const) {
              const only = await walk(invoicesOf(workspace.id, client.id, [status]), 100);
              expect(only.map((i) => i.id)).to.deep.equal(whole.filter((i) => i.status === status).map((i) => i.id));
            }
            for (const invoice of whole) {
              const detail = await adapter.invoices!.find(workspace.id, client.id, invoice.id);
              expect(detail, `invoice ${invoice.number}`).to.not.equal(null);
              expect(detail).to.deep.include(invoice);
              expectTotals(detail!);
              const paid = detail!.payments.reduce((sum, payment) => sum + payment.amountCents, 0);
              expect(detail!.paidCents, `${invoice.number}: paid = sum of payments`).to.equal(paid);
              expectStringIds(detail!.payments);
              for (const payment of detail!.payments) expect(payment.paidAt).to.be.instanceOf(Date);
            }
          }
        }
      });

      it('never shows a draft', async function () {
        portsOrSkip(this);
        const drafts = ctx.fixture.drafts ?? [];
        expect(drafts, 'the fixture must name its drafts').to.not.be.empty;
        for (const draft of drafts) {
          if (draft.kind === 'invoice') {
            if (!adapter.invoices) continue;
            expect(await adapter.invoices.find(workspace.id, draft.clientId, draft.id), `invoice ${draft.id}`).to.equal(null);
            expect((await walk(invoicesOf(workspace.id, draft.clientId), 100)).map((i) => i.id)).to.not.include(draft.id);
          } else {
            if (!adapter.offers) continue;
            expect(await adapter.offers.find(workspace.id, draft.clientId, draft.kind, draft.id), `${draft.kind} ${draft.id}`).to.equal(
              null,
            );
            expect((await walk(offersOf(workspace.id, draft.clientId, draft.kind), 100)).map((o) => o.id)).to.not.include(draft.id);
          }
        }
      });

      it('lists as overdue exactly the open invoices the summary counts overdue, page by page', async function () {
        // A host without invoices (the port is optional) has no overdue list to compare.
        if (!adapter.invoices) this.skip();
        const port = adapter.invoices!;
        const overdueOf = (clientId: string, status?: InvoiceSummary['status'][]) => (page: PageRequest) =>
          port.list(workspace.id, clientId, { overdue: true, ...(status ? { status } : {}) }, page);
        let seen = 0;
        for (const client of await adapter.clients.list(workspace.id)) {
          const [contact] = await adapter.contacts.list(workspace.id, { clientId: client.id });
          const summary = await adapter.summaries.forClient(workspace.id, client.id, contact?.id ?? known.id);
          const open = await walk(invoicesOf(workspace.id, client.id, ['open']), 100);
          const overdue = await walk(overdueOf(client.id), 100);
          expect(overdue.length, `overdue invoices of ${client.name}`).to.equal(summary.invoices.overdue);
          // A sublist of the open ones, in their order.
          const openIds = open.map((i) => i.id);
          expect(overdue.map((i) => i.id)).to.deep.equal(openIds.filter((id) => overdue.some((i) => i.id === id)));
          for (const invoice of overdue) expect(invoice.dueDate, `${invoice.number} has a due date`).to.be.a('string');
          expect(
            (await walk(overdueOf(client.id), 1)).map((i) => i.id),
            'by one',
          ).to.deep.equal(overdue.map((i) => i.id));
          expect(await walk(overdueOf(client.id, ['paid', 'void']), 100), 'overdue and settled: none').to.deep.equal([]);
          expect((await walk(overdueOf(client.id, ['open']), 100)).map((i) => i.id)).to.deep.equal(overdue.map((i) => i.id));
          seen += overdue.length;
        }
        expect(seen, 'the fixture needs an overdue invoice').to.be.above(0);
      });

      it("answers statement() for every period with what list() and find() answer, only the client's own (when the host has it)", async function () {
        // Optional port: without it the portal pages through list() and find(), which is what this compares with.
        if (!adapter.invoices?.statement) this.skip();
        const port = adapter.invoices!;
        // A host whose fixture has one workspace still answers the periods; the other workspace where there is one.
        const second = other;
        const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
        // One payment may settle several invoices (Dolibarr's llx_paiement): its shares share the id.
        const byShare = (a: { id: string; invoiceId: string }, b: { id: string; invoiceId: string }) =>
          byId(a, b) || a.invoiceId.localeCompare(b.invoiceId);
        const sorted = (data: InvoiceStatementData) => ({
          ...data,
          invoices: [...data.invoices].sort(byId),
          payments: [...data.payments].sort(byShare),
        });
        const periods: StatementPeriod[] = [
          statementPeriodOf(SINCE_ZERO, 'Europe/Berlin'),
          { from: '1970-01-01', before: null, timeZone: 'UTC' },
          ...[2025, 2026, 2027].map((year) => statementPeriodOf(`year:${year}`, 'America/New_York')),
        ];
        let listed = 0;
        const counts = new Set<number>();
        const counter = countQueries();
        try {
          for (const client of await adapter.clients.list(workspace.id)) {
            for (const period of periods) {
              let statement!: InvoiceStatementData;
              const counted = await counter.measure(async () => {
                statement = await port.statement!(workspace.id, client.id, period);
              });
              counts.add(counted.count);
              const slow = await loadStatement({ ...port, statement: undefined }, workspace.id, client.id, period);
              expect(sorted(statement), `${client.name} ${JSON.stringify(period)}`).to.deep.equal(sorted(slow));
              const days = statement.invoices.map((invoice) => invoice.issueDate);
              expect(days, 'oldest issued first').to.deep.equal([...days].sort());
              const times = statement.payments.map((payment) => payment.paidAt.getTime());
              expect(times, 'oldest paid first').to.deep.equal([...times].sort((a, b) => a - b));
              listed += statement.invoices.length;
              if (second)
                expect(await port.statement!(second.id, client.id, period), `${client.name} from the other workspace`).to.deep.include({
                  broughtForward: [],
                  invoices: [],
                  payments: [],
                });
            }
          }
        } finally {
          counter.stop();
        }
        // The same number for every client and period, however long its history, but for the
        // walk back to the last zero, which a host may read a range of days at a time (statementOf).
        expect(Math.max(...counts) - Math.min(...counts), `statements per statement of account: ${[...counts]}`).to.be.at.most(
          WALK_BACK_DAYS.length,
        );
        expect(listed, 'the fixture needs invoices').to.be.above(0);
        expect(await port.statement!(workspace.id, 'not-an-id', periods[0]!)).to.deep.include({
          broughtForward: [],
          invoices: [],
          payments: [],
        });
      });

      it('answers expiringSoon() with the open offers list() shows, of every client, whose valid-until lies in the window (when the host has it)', async function () {
        // Optional port: a host without it sends no offer reminders, so there is nothing to check.
        if (!adapter.offers?.expiringSoon) this.skip();
        const port = adapter.offers!;
        const open: ExpiringOffer[] = [];
        for (const client of await adapter.clients.list(workspace.id)) {
          for (const kind of port.kinds ?? KINDS) {
            for (const offer of await walk(offersOf(workspace.id, client.id, kind, ['open']), 100)) {
              if (offer.validUntil)
                open.push({
                  kind,
                  id: offer.id,
                  clientId: client.id,
                  number: offer.number,
                  title: offer.title,
                  validUntil: offer.validUntil,
                });
            }
          }
        }
        expect(open, 'the fixture needs an open offer with a valid-until date').to.not.be.empty;
        const key = (offer: ExpiringOffer) => `${offer.kind}|${offer.id}`;
        const sorted = (offers: ExpiringOffer[]) => [...offers].sort((a, b) => key(a).localeCompare(key(b)));
        const all = await port.expiringSoon!(workspace.id, { from: '1900-01-01', through: '2999-12-31' });
        expectStringIds(all);
        expect(sorted(all)).to.deep.equal(sorted(open));
        // Both ends of the window are included, and nothing outside it is.
        const days = [...new Set(open.map((offer) => offer.validUntil))].sort();
        const day = days[0]!;
        expect(sorted(await port.expiringSoon!(workspace.id, { from: day, through: day }))).to.deep.equal(
          sorted(open.filter((offer) => offer.validUntil === day)),
        );
        const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        expect(await port.expiringSoon!(workspace.id, { from: '1900-01-01', through: dayBefore })).to.deep.equal([]);
        // Another workspace's answer names none of our clients; a malformed workspace id or window answers nothing.
        if (other) {
          const ours = new Set((await adapter.clients.list(workspace.id)).map((client) => client.id));
          for (const offer of await port.expiringSoon!(other.id, { from: '1900-01-01', through: '2999-12-31' }))
            expect(ours.has(offer.clientId), `${offer.kind} ${offer.id}`).to.equal(false);
        }
        for (const bad of MALFORMED_IDS)
          expect(await port.expiringSoon!(bad, { from: '1900-01-01', through: '2999-12-31' }), bad.slice(0, 40)).to.deep.equal([]);
        expect(await port.expiringSoon!(workspace.id, { from: 'soon', through: "2999-12-31' or '1'='1" })).to.deep.equal([]);
      });

      it("answers nothing about another client's or another workspace's records", async function () {
        portsOrSkip(this);
        const second = otherWorkspace(this);
        const ours = await adapter.clients.list(workspace.id);
        const theirs = await adapter.clients.list(second.id);
        const records: Array<{ kind: Exclude<CommentSubjectType, 'request'>; clientId: string; id: string }> = [];
        for (const client of ours) {
          for (const kind of adapter.offers ? KINDS : []) {
            for (const offer of await walk(offersOf(workspace.id, client.id, kind), 100))
              records.push({ kind, clientId: client.id, id: offer.id });
          }
          if (adapter.invoices)
            for (const invoice of await walk(invoicesOf(workspace.id, client.id), 100))
              records.push({ kind: 'invoice', clientId: client.id, id: invoice.id });
        }
        expect(records, 'the fixture needs visible records').to.not.be.empty;
        const find = (workspaceId: string, clientId: string, record: (typeof records)[number]) =>
          record.kind === 'invoice'
            ? adapter.invoices!.find(workspaceId, clientId, record.id)
            : adapter.offers!.find(workspaceId, clientId, record.kind, record.id);
        for (const record of records) {
          for (const client of ours.filter((c) => c.id !== record.clientId)) {
            expect(await find(workspace.id, client.id, record), `${record.kind} ${record.id} as client ${client.id}`).to.equal(null);
          }
          expect(await find(second.id, record.clientId, record), `${record.kind} ${record.id} from the other workspace`).to.equal(null);
          for (const client of theirs) expect(await find(second.id, client.id, record)).to.equal(null);
        }
        // A client of another workspace, asked for in ours, has nothing here.
        for (const client of theirs) {
          for (const kind of adapter.offers ? KINDS : [])
            expect((await adapter.offers!.list(workspace.id, client.id, kind, {}, { limit: 100 })).items).to.deep.equal([]);
          if (adapter.invoices) expect((await adapter.invoices.list(workspace.id, client.id, {}, { limit: 100 })).items).to.deep.equal([]);
        }
      });

      it('treats malformed ids and cursors as nothing, without throwing', async function () {
        portsOrSkip(this);
        for (const bad of MALFORMED_IDS) {
          const label = bad.slice(0, 40);
          if (adapter.offers) {
            for (const kind of KINDS) {
              expect(await adapter.offers.find(workspace.id, known.clientId, kind, bad), label).to.equal(null);
              expect(await adapter.offers.find(bad, known.clientId, kind, '1'), label).to.equal(null);
              expect(await adapter.offers.find(workspace.id, bad, kind, '1'), label).to.equal(null);
              expect(await adapter.offers.list(bad, known.clientId, kind, {}, { limit: 10 }), label).to.deep.equal({
                items: [],
                next: null,
              });
              expect(await adapter.offers.list(workspace.id, bad, kind, {}, { limit: 10 }), label).to.deep.equal({ items: [], next: null });
              expect(await adapter.offers.list(workspace.id, known.clientId, kind, {}, { limit: 10, after: bad }), label).to.deep.equal({
                items: [],
                next: null,
              });
            }
            expect(await adapter.offers.find(workspace.id, known.clientId, 'proposal', '2147483647')).to.equal(null);
          }
          if (adapter.invoices) {
            expect(await adapter.invoices.find(workspace.id, known.clientId, bad), label).to.equal(null);
            expect(await adapter.invoices.find(bad, known.clientId, '1'), label).to.equal(null);
            expect(await adapter.invoices.list(bad, known.clientId, {}, { limit: 10 }), label).to.deep.equal({ items: [], next: null });
            expect(await adapter.invoices.list(workspace.id, bad, {}, { limit: 10 }), label).to.deep.equal({ items: [], next: null });
            expect(await adapter.invoices.list(workspace.id, known.clientId, {}, { limit: 10, after: bad }), label).to.deep.equal({
              items: [],
              next: null,
            });
          }
        }
      });
    });

    describe('comments (when the host keeps them)', function () {
      // Without the port the portal keeps comments in its own client_comments table, which is
      // the portal's code, not the adapter's.
      function commentsOrSkip(test: Mocha.Context) {
        if (!adapter.comments) test.skip();
        if (!ctx.fixture.commentSubject) throw new Error(`${name} has a comments port: its fixture must name a comment subject`);
        return { comments: adapter.comments!, subject: ctx.fixture.commentSubject };
      }

      it("adds a client's comment and lists it last, with its author", async function () {
        const { comments, subject } = commentsOrSkip(this);
        const before = await comments.list(workspace.id, subject);
        const body = `Contract suite comment ${Date.now()}`;
        const added = await comments.add(workspace.id, {
          subjectType: subject.type,
          subjectId: subject.id,
          body,
          authorContactId: known.id,
        });
        expectStringIds(added);
        expect(added).to.include({
          subjectType: subject.type,
          subjectId: subject.id,
          body,
          authorContactId: known.id,
          authorName: known.name,
        });
        expect(added.createdAt).to.be.instanceOf(Date);
        const after = await comments.list(workspace.id, subject);
        expect(after).to.have.length(before.length + 1);
        expect(after.at(-1)).to.deep.equal(added);
        for (const comment of after) {
          expectStringIds(comment);
          expect(comment).to.include({ subjectType: subject.type, subjectId: subject.id });
          expect(comment.authorName).to.be.a('string').and.not.equal('');
        }
      });

      it('keeps comments inside their workspace', async function () {
        const { comments, subject } = commentsOrSkip(this);
        const second = otherWorkspace(this);
        const theirs = (await comments.list(second.id, subject)).map((comment) => comment.id);
        const ours = (await comments.list(workspace.id, subject)).map((comment) => comment.id);
        expect(theirs.filter((id) => ours.includes(id))).to.deep.equal([]);
        const [stranger] = await adapter.contacts.list(second.id);
        const outcome = await comments
          .add(workspace.id, { subjectType: subject.type, subjectId: subject.id, body: 'From elsewhere', authorContactId: stranger!.id })
          .then(
            () => 'written',
            () => 'refused',
          );
        expect(outcome).to.equal('refused');
      });

      it('lists nothing for a malformed or unknown subject', async function () {
        const { comments, subject } = commentsOrSkip(this);
        for (const bad of [...MALFORMED_IDS, '2147483647']) {
          expect(await comments.list(workspace.id, { type: subject.type, id: bad }), bad.slice(0, 40)).to.deep.equal([]);
        }
        expect(await comments.list('abc', subject)).to.deep.equal([]);
      });
    });

    describeOfferDecisions(name, () => ({ adapter, db: ctx.db, workspace, other, fixture: ctx.fixture.decisions }));
  });
}
