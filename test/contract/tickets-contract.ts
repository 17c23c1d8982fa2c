// The contract every TicketsPort keeps, as one suite each host runs against its own database
// (tickets-contract.test.ts: the reference CRM, Dolibarr's real schema with its Ticket module's
// tables, Alga PSA's real schema). It covers what the tickets pages rely on without knowing the
// host: a ticket opened by a contact is listed, found and counted as open; the list's tabs, its
// search on the ref and the subject (any case) and its keyset pages, each ticket once; another
// company's ticket never found, listed, answered or closed; the agency's answer in the
// conversation and its internal note never; a reply; close and reopen (the pages refuse a reply on
// a closed ticket themselves, 409, so a port need not).
// The files and the rating are the portal's own (portal_ticket_attachments, portal_ticket_ratings),
// whatever the host: the tickets feature's tests cover them.
import { expect } from 'chai';
import { opened } from '../support/opened-ticket.ts';
import type { TicketsPort, TicketSummary } from '../../src/features/tickets/port.ts';

interface TicketsContractParty {
  /** A client company of the workspace. */
  clientId: string;
  /** An active contact of it, who opens, reads and answers its tickets. */
  contactId: string;
}

export interface TicketsContractSetup {
  tickets: TicketsPort;
  workspaceId: string;
  /** Another workspace of the host (its ids never answer for workspaceId's). */
  otherWorkspaceId: string;
  client: TicketsContractParty;
  /** A second company of the same workspace. */
  other: TicketsContractParty;
  /** Staff answer the ticket as the host's own screens write an answer the client sees. */
  agencyAnswer(ticketId: string, body: string): Promise<void>;
  /** Staff write a note only staff see, as the host's own screens write one. */
  internalNote(ticketId: string, body: string): Promise<void>;
  close(): Promise<void>;
}

/** Runs the contract; `unavailable` is why this host's database cannot be made here (the suite then skips, saying so). */
export function describeTicketsContract(name: string, setup: () => Promise<TicketsContractSetup>, unavailable: string | null = null) {
  describe(`TicketsPort contract: ${name}`, function () {
    this.timeout(180_000);
    let s: TicketsContractSetup;
    const page = { limit: 50, after: null };
    // A marker in every subject, so the checks read only the tickets this suite opened.
    const marker = `Zq${name.replace(/[^A-Za-z]/g, '').slice(0, 6)}`;

    const open = async (party: TicketsContractParty, subject: string): Promise<TicketSummary> => {
      const made = opened(
        await s.tickets.create(s.workspaceId, party.clientId, party.contactId, {
          subject: `${marker} ${subject}`,
          description: `About ${subject}`,
          categoryId: null,
          typeId: null,
          priorityId: null,
        }),
      );
      return made;
    };
    const listed = async (party: TicketsContractParty, filter: Parameters<TicketsPort['list']>[3]) =>
      (await s.tickets.list(s.workspaceId, party.clientId, party.contactId, filter, page)).items.map((ticket) => ticket.id);

    before(async function () {
      // Dolibarr's and Alga's real schemas load with psql into a PostgreSQL server (DATABASE_URL);
      // the embedded engine is not one. The reason is printed as a test of its own below, and
      // CI's PostgreSQL pass runs the contract on all three hosts.
      if (unavailable) this.skip();
      s = await setup();
    });
    after(async function () {
      await s?.close();
    });

    if (unavailable) it(`is skipped: ${unavailable}`, () => {});

    it('opens a ticket that is then listed, found and counted as open', async function () {
      const before = await s.tickets.counts(s.workspaceId, s.client.clientId, s.client.contactId);
      const ticket = await open(s.client, 'The printer is down');
      expect(ticket).to.include({ state: 'open', closedAt: null });
      expect(ticket.subject).to.equal(`${marker} The printer is down`);
      expect(ticket.ref).to.be.a('string').and.not.equal('');
      expect(await listed(s.client, { state: 'open' })).to.include(ticket.id);
      expect(await listed(s.client, { state: 'all' })).to.include(ticket.id);
      expect(await listed(s.client, { state: 'closed' })).to.not.include(ticket.id);
      const detail = await s.tickets.find(s.workspaceId, s.client.clientId, s.client.contactId, ticket.id);
      expect(detail).to.deep.include({ id: ticket.id, ref: ticket.ref, state: 'open', description: 'About The printer is down' });
      expect(detail!.messages).to.deep.equal([]);
      const after = await s.tickets.counts(s.workspaceId, s.client.clientId, s.client.contactId);
      expect(after.open).to.equal(before.open + 1);
    });

    it('searches the ref and the subject in any case, and pages by keyset with every ticket once', async function () {
      const tulips = await open(s.client, 'Tulips for the shop window');
      await open(s.client, 'Roses delivery late');
      await open(s.client, 'Invoice question');
      const search = async (text: string) => listed(s.client, { state: 'all', search: text });
      expect(await search('TULIPS FOR')).to.deep.equal([tulips.id]);
      expect(await search(tulips.ref.toLowerCase())).to.include(tulips.id);
      expect(await search(`${marker} nothing like this`)).to.deep.equal([]);

      const all = await listed(s.client, { state: 'all', search: marker });
      expect(all).to.have.length.of.at.least(4);
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i += 1) {
        const result: Awaited<ReturnType<TicketsPort['list']>> = await s.tickets.list(
          s.workspaceId,
          s.client.clientId,
          s.client.contactId,
          { state: 'all', search: marker },
          { limit: 2, after },
        );
        expect(result.items.length).to.be.at.most(2);
        seen.push(...result.items.map((ticket) => ticket.id));
        after = result.next;
        if (!after) break;
      }
      expect(seen).to.deep.equal(all);
      const garbage = await s.tickets.list(
        s.workspaceId,
        s.client.clientId,
        s.client.contactId,
        { state: 'all' },
        { limit: 2, after: 'garbage' },
      );
      expect(garbage.items).to.deep.equal([]);
    });

    it("keeps another company's ticket out: not found, listed, answered or closed", async function () {
      const theirs = await open(s.other, 'Garage door stuck');
      const mine = s.client;
      expect(await s.tickets.find(s.workspaceId, mine.clientId, mine.contactId, theirs.id)).to.equal(null);
      expect(await listed(mine, { state: 'all' })).to.not.include(theirs.id);
      expect(await s.tickets.reply(s.workspaceId, mine.clientId, mine.contactId, theirs.id, 'Not mine')).to.equal(null);
      expect(await s.tickets.setState(s.workspaceId, mine.clientId, mine.contactId, theirs.id, 'closed')).to.equal(null);
      // Their own company's contact, named beside the wrong company, changes nothing either.
      expect(await s.tickets.reply(s.workspaceId, mine.clientId, s.other.contactId, theirs.id, 'Not mine')).to.equal(null);
      expect(await s.tickets.find(s.otherWorkspaceId, s.other.clientId, s.other.contactId, theirs.id)).to.equal(null);
      const still = await s.tickets.find(s.workspaceId, s.other.clientId, s.other.contactId, theirs.id);
      expect(still).to.deep.include({ state: 'open' });
      expect(still!.messages).to.deep.equal([]);
      for (const id of ['not-an-id', '0', ''])
        expect(await s.tickets.find(s.workspaceId, mine.clientId, mine.contactId, id), id).to.equal(null);
    });

    it("shows the agency's answer and the client's reply, never an internal note", async function () {
      const ticket = await open(s.client, 'Logo looks blurry');
      await s.agencyAnswer(ticket.id, 'Please send the logo as a vector file.');
      await s.internalNote(ticket.id, 'Staff only: the SMTP password is hunter2.');
      const reply = await s.tickets.reply(s.workspaceId, s.client.clientId, s.client.contactId, ticket.id, 'Here it is.');
      expect(reply).to.deep.include({ author: 'client', body: 'Here it is.' });
      const detail = await s.tickets.find(s.workspaceId, s.client.clientId, s.client.contactId, ticket.id);
      expect(detail!.messages.map((message) => [message.author, message.body])).to.deep.equal([
        ['agency', 'Please send the logo as a vector file.'],
        ['client', 'Here it is.'],
      ]);
      expect(JSON.stringify(detail)).to.not.contain('hunter2');
    });

    it('closes and reopens, and takes a reply once reopened', async function () {
      const ticket = await open(s.client, 'Contact form sends no email');
      const closed = await s.tickets.setState(s.workspaceId, s.client.clientId, s.client.contactId, ticket.id, 'closed');
      expect(closed).to.deep.include({ id: ticket.id, state: 'closed' });
      expect(closed!.closedAt).to.be.instanceOf(Date);
      expect(await listed(s.client, { state: 'closed' })).to.include(ticket.id);
      expect(await listed(s.client, { state: 'open' })).to.not.include(ticket.id);
      const reopened = await s.tickets.setState(s.workspaceId, s.client.clientId, s.client.contactId, ticket.id, 'open');
      expect(reopened).to.deep.include({ id: ticket.id, state: 'open', closedAt: null });
      expect(await s.tickets.reply(s.workspaceId, s.client.clientId, s.client.contactId, ticket.id, 'Still broken')).to.deep.include({
        author: 'client',
      });
      expect(await listed(s.client, { state: 'open' })).to.include(ticket.id);
    });
  });
}
