// Two instances on one database under load: FAULTS_LOAD_CLIENTS simulated clients (default 200),
// spread over two workspaces, for FAULTS_LOAD_SECONDS (default 30) each alternate between the two
// instances on every request with one session, and view pages, comment, message, upload and accept
// a proposal of their own. At the end: no error answers, and the database holds exactly the writes
// the clients were told succeeded (nothing lost, nothing twice). Sessions and CSRF tokens hold across
// instances (every client switches instance on every request), and so does a rate limit: wrong
// passwords alternating between the instances are stopped at the same count as on one instance.
//
// 30 s is enough for that: the clients are at some 25 requests a second within the first three
// seconds and stay there; every client has its turn to accept its proposal and makes a few more
// requests, each on the other instance than the one before; each kind of write is made dozens of
// times at least; and nothing the clients meet turns over within minutes
// (rate-limit windows are 10 minutes and more, sessions do not roll), so a longer run repeats the
// same requests without reaching anything new.
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { insertClientUser } from '../../src/core/client-users/queries.ts';
import { SIGN_IN_LIMITS } from '../../src/core/rate-limits/limiter.ts';
import { createInvoice } from '../../plugins/reference-crm/queries/invoices.ts';
import { createOffer } from '../../plugins/reference-crm/queries/offers.ts';
import { PROPOSALS } from '../../plugins/reference-crm/queries/proposals.ts';
import { flagsFileFor } from '../support/portal-harness.ts';
import { smallPdf } from '../support/upload-fixtures.ts';
import { report, skipFaultsUnlessPossible } from './faults-support.ts';
import { startPrivateCluster, type PrivateCluster } from './support/cluster.ts';
import { Browser, startInstance, type Answer, type Instance } from './support/instances.ts';

const CLIENTS = Number(process.env.FAULTS_LOAD_CLIENTS ?? 200);
const SECONDS = Number(process.env.FAULTS_LOAD_SECONDS ?? 30);
const PASSWORD = 'load-test-password-2026';
const WORKSPACES = ['demo', 'acme'];

interface LoadUser {
  email: string;
  slug: string;
  invoiceId: number;
  proposalId: number;
}

interface Tally {
  requests: number;
  errors: string[];
  comments: Set<string>;
  messages: Set<string>;
  uploads: Set<string>;
  decisions: Set<number>;
  latencies: number[];
}

describe('faults: two instances, concurrent clients', function () {
  this.timeout(120_000 + (SECONDS + 240) * 1000);
  let cluster: PrivateCluster | undefined;
  const instances: Instance[] = [];
  let db: Knex | undefined;
  const users: LoadUser[] = [];
  let limitedEmail = '';
  let limitedSlug = '';

  before(async function () {
    skipFaultsUnlessPossible(this);
    cluster = await startPrivateCluster();
    const databaseUrl = await cluster.createDatabase('portal');
    const env = { DATABASE_URL: databaseUrl, FLAGS_FILE: flagsFileFor(WORKSPACES) };
    instances.push(await startInstance(env));
    db = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 4 } });

    // Seeded before the second instance starts and before any request, so no instance has cached
    // the settings: uploads on in both workspaces.
    const workspaces = await db('workspaces').whereIn('slug', WORKSPACES).select<{ id: number; slug: string }[]>('id', 'slug');
    for (const ws of workspaces) {
      await db('workspace_client_portal_settings')
        .insert({ workspace_id: String(ws.id), allow_file_uploads: true })
        .onConflict('workspace_id')
        .merge({ allow_file_uploads: true });
    }
    const passwordHash = await hashPassword(PASSWORD);
    for (let n = 0; n <= CLIENTS; n += 1) {
      const ws = workspaces[n % workspaces.length]!;
      const clients = await db('clients').where({ workspace_id: ws.id }).orderBy('id').select<{ id: number }[]>('id');
      const clientId = clients[n % clients.length]!.id;
      const email = `load-${n}@clients.test`;
      const [contact] = await db('contacts')
        .insert({ workspace_id: ws.id, client_id: clientId, name: `Load Client ${n}`, email })
        .returning<{ id: number }[]>('id');
      await insertClientUser(db, {
        workspaceId: String(ws.id),
        clientId: String(clientId),
        contactId: String(contact!.id),
        email,
        status: 'active',
        passwordHash,
      });
      if (n === CLIENTS) {
        limitedEmail = email; // kept out of the load, for the rate-limit check
        limitedSlug = ws.slug;
        continue;
      }
      const invoice =
        (await db('invoices')
          .where({ workspace_id: ws.id, client_id: clientId })
          .whereNot('status', 'draft')
          .orderBy('id')
          .first<{ id: number } | undefined>('id')) ??
        (await createInvoice(db, {
          workspaceId: ws.id,
          clientId,
          status: 'sent',
          currency: 'EUR',
          issueDate: '2026-11-01',
          dueDate: '2026-12-01',
          notes: '',
          items: [{ description: 'Work', quantity: 1, unitPriceCents: 10_000 }],
        }));
      const proposal = await createOffer(db, PROPOSALS, {
        workspaceId: ws.id,
        clientId,
        title: `Proposal for load client ${n}`,
        body: 'Work under load.',
        status: 'sent',
        currency: 'EUR',
        validUntil: new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10),
        items: [{ description: 'Work', quantity: 1, unitPriceCents: 10_000 }],
      });
      users.push({ email, slug: ws.slug, invoiceId: invoice!.id, proposalId: proposal.id });
    }
    instances.push(await startInstance(env));
  });
  after(async function () {
    await db?.destroy();
    await Promise.all(instances.map((instance) => instance.stop()));
    cluster?.destroy();
  });

  it(`serves ${CLIENTS} clients for ${SECONDS} s across both instances with no errors and every write stored once`, async function () {
    const bases = instances.map((instance) => instance.url);
    const tally: Tally = {
      requests: 0,
      errors: [],
      comments: new Set(),
      messages: new Set(),
      uploads: new Set(),
      decisions: new Set(),
      latencies: [],
    };
    const pdf = smallPdf('Uploaded under load');

    // Sign in, a few at a time (argon2 is the cost), each on the instance its number picks.
    const browsers: Browser[] = users.map(
      (_user, i) => new Browser(bases[i % 2]!, `10.${4 + Math.floor(i / 250)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`, 30_000),
    );
    for (let i = 0; i < users.length; i += 10) {
      await Promise.all(users.slice(i, i + 10).map((user, j) => browsers[i + j]!.signIn(user.slug, user.email, PASSWORD)));
    }

    const check = (answer: Answer, what: string, ok: number[] = [200, 303]): boolean => {
      tally.requests += 1;
      tally.latencies.push(answer.ms);
      if (ok.includes(answer.status)) return true;
      tally.errors.push(`${what}: ${answer.status} ${answer.text.replace(/\s+/g, ' ').slice(0, 160)}`);
      return false;
    };

    const deadline = performance.now() + SECONDS * 1000;
    const run = async (user: LoadUser, browser: Browser, n: number) => {
      const base = `/portal/${user.slug}`;
      let turn = n;
      // Every request goes to the other instance than the one before.
      const next = () => {
        turn += 1;
        return bases[turn % 2]!;
      };
      let decided = false;
      // Drawn so that a whole pause (12 s at most) and an answer still fit before the end: every
      // client has its turn to accept, however short the run.
      const decideAt = performance.now() + Math.random() * Math.max(0, SECONDS * 1000 - 16_000);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3000));
      while (performance.now() < deadline) {
        const roll = Math.random();
        const tag = `${user.email}#${turn}`;
        // What the request was, for an error that comes without an answer (a timeout).
        let what = '';
        try {
          if (!decided && performance.now() > decideAt) {
            decided = true;
            what = 'accept page';
            const page = await browser.get(`${base}/proposals/${user.proposalId}/accept`, next());
            const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(page.text)?.[1];
            if (check(page, 'accept page', [200]) && fingerprint) {
              what = 'accept';
              const res = await browser.post(
                `${base}/proposals/${user.proposalId}/accept`,
                { typedName: `Load Client ${n}`, consent: 'yes', fingerprint },
                next(),
              );
              if (check(res, 'accept', [303])) tally.decisions.add(user.proposalId);
            }
          } else if (roll < 0.55) {
            const page = ['/', '/invoices', '/messages', '/documents', `/invoices/${user.invoiceId}`, '/account'][
              Math.floor(Math.random() * 6)
            ]!;
            what = `GET ${page}`;
            check(await browser.get(`${base}${page}`, next()), what, [200]);
          } else if (roll < 0.72) {
            const body = `comment ${tag}`;
            what = 'comment';
            if (check(await browser.post(`${base}/invoices/${user.invoiceId}/comments`, { body }, next()), 'comment'))
              tally.comments.add(body);
          } else if (roll < 0.9) {
            const body = `message ${tag}`;
            what = 'message';
            if (check(await browser.post(`${base}/messages`, { body }, next()), 'message')) tally.messages.add(body);
          } else {
            const name = `load-${tag.replace(/[^a-z0-9]+/gi, '-')}.pdf`;
            const form = new FormData();
            what = 'upload';
            form.append('_csrf', browser.csrf ?? '');
            form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), name);
            const res = await browser.request('POST', `${base}/documents/uploads`, form, { 'x-csrf-token': browser.csrf ?? '' }, next());
            if (check(res, 'upload')) tally.uploads.add(name);
          }
        } catch (err) {
          tally.requests += 1;
          tally.errors.push(`${user.email} ${what}: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}`);
        }
        // A person's pace: 4-12 s between actions (about 25 requests a second from 200 clients).
        await new Promise((resolve) => setTimeout(resolve, 4000 + Math.random() * 8000));
      }
    };
    const started = performance.now();
    await Promise.all(users.map((user, n) => run(user, browsers[n]!, n)));
    const elapsed = (performance.now() - started) / 1000;

    expect(tally.errors.slice(0, 10), `${tally.errors.length} errors of ${tally.requests} requests`).to.deep.equal([]);
    expect(instances.map((i) => i.child.exitCode)).to.deep.equal([null, null]);

    const emails = users.map((u) => u.email);
    const stored = async (table: string, column: string, prefix: string) => {
      const rows = await db!(table).where(column, 'like', `${prefix}%`).select<Record<string, string>[]>(column);
      return rows.map((r) => r[column]!);
    };
    const comments = await stored('client_comments', 'body', 'comment load-');
    const messages = await stored('portal_messages', 'body', 'message load-');
    const uploads = await stored('client_uploads', 'filename', 'load-');
    const decisions = (
      await db!('portal_offer_decisions')
        .whereIn(
          'offer_id',
          users.map((u) => String(u.proposalId)),
        )
        .select<{ offer_id: string }[]>('offer_id')
    ).map((r) => Number(r.offer_id));
    const accepted = await db!('proposals')
      .whereIn(
        'id',
        users.map((u) => u.proposalId),
      )
      .where('status', 'accepted')
      .count<{ n: string }[]>({ n: '*' });

    const sameSet = (what: string, rows: Array<string | number>, told: Set<string | number>) => {
      expect(rows.length - new Set(rows).size, `${what} stored twice`).to.equal(0);
      expect([...told].filter((x) => !rows.includes(x)).length, `${what} lost`).to.equal(0);
      expect(rows.filter((x) => !told.has(x)).length, `${what} stored without the client being told`).to.equal(0);
    };
    sameSet('comments', comments, tally.comments);
    sameSet('messages', messages, tally.messages);
    sameSet('uploads', uploads, tally.uploads);
    sameSet('decisions', decisions, tally.decisions as Set<number>);
    expect(Number(accepted[0]!.n)).to.equal(tally.decisions.size);
    expect(emails.length).to.equal(CLIENTS);

    // A rate limit holds across instances: wrong passwords alternating between them.
    const attacker = new Browser(bases[0]!, '10.99.0.1');
    const limit = SIGN_IN_LIMITS.passwordFailuresPerAccount.points;
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i += 1) {
      const base = bases[i % 2]!;
      await attacker.get(`/portal/${limitedSlug}/sign-in`, base);
      statuses.push(
        (await attacker.post(`/portal/${limitedSlug}/sign-in/password`, { email: limitedEmail, password: 'wrong-password-0000' }, base))
          .status,
      );
    }
    expect(
      statuses.slice(0, limit).every((s) => s !== 429),
      `the first ${limit} attempts are answered: ${statuses}`,
    ).to.equal(true);
    expect(statuses[limit], `attempt ${limit + 1} is refused across instances: ${statuses}`).to.equal(429);

    const sorted = [...tally.latencies].sort((a, b) => a - b);
    const pct = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!);
    report(
      `two instances, ${CLIENTS} clients, ${Math.round(elapsed)} s: ${tally.requests} requests (${Math.round(tally.requests / elapsed)}/s), ${tally.errors.length} errors; ` +
        `p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; writes told/stored: comments ${tally.comments.size}/${comments.length}, messages ${tally.messages.size}/${messages.length}, ` +
        `uploads ${tally.uploads.size}/${uploads.length}, decisions ${tally.decisions.size}/${decisions.length}; 0 lost, 0 twice; password limit ${limit} held across instances`,
    );
  });
});
