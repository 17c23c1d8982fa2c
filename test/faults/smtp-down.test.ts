// SMTP down: two instances share one database and one (real) SMTP server, which the test stops.
// Clients ask for sign-in codes on both instances meanwhile: every request succeeds at once (mail is
// a row in the outbox, written with the request), the rows wait with their failed attempt noted,
// and once the SMTP server is back on the same address both instances' workers deliver each email
// exactly once.
import { expect } from 'chai';
import pg from 'pg';
import { SEED_WORKSPACES } from '../../plugins/reference-crm/seed-data.ts';
import { report, skipFaultsUnlessPossible } from './faults-support.ts';
import { startPrivateCluster, type PrivateCluster } from './support/cluster.ts';
import { Browser, startInstance, type Instance } from './support/instances.ts';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';

describe('faults: SMTP down', function () {
  this.timeout(300_000);
  let cluster: PrivateCluster | undefined;
  let smtp: SmtpCapture | undefined;
  let smtpPort: number;
  const instances: Instance[] = [];
  let sql: pg.Client | undefined;

  before(async function () {
    skipFaultsUnlessPossible(this);
    cluster = await startPrivateCluster();
    const databaseUrl = await cluster.createDatabase('portal');
    smtp = await startSmtpCapture();
    smtpPort = Number(new URL(smtp.url).port);
    for (let i = 0; i < 2; i += 1) instances.push(await startInstance({ DATABASE_URL: databaseUrl, SMTP_URL: smtp.url }));
    sql = new pg.Client(databaseUrl);
    await sql.connect();
  });
  after(async function () {
    await sql?.end().catch(() => {});
    await Promise.all(instances.map((instance) => instance.stop()));
    await smtp?.stop();
    cluster?.destroy();
  });

  it('keeps mail in the outbox while SMTP is down and sends each email once when it is back', async function () {
    // The demo's client logins in workspace demo (the test seeded them: a production instance prints none).
    const emails = SEED_WORKSPACES.find((w) => w.slug === 'demo')!
      .clients.flatMap((c) => c.contacts)
      .filter((c) => c.demoLogin)
      .map((c) => c.email.toLowerCase());
    expect(emails.length, 'demo client logins').to.be.greaterThan(1);
    await smtp!.stop();
    smtp = undefined;

    // Each client asks for a code on one of the two instances (from its own address).
    const answers = await Promise.all(
      emails.map(async (email, i) => {
        const browser = new Browser(instances[i % 2]!.url, `10.2.0.${i + 1}`);
        await browser.get('/portal/demo/sign-in');
        return browser.post('/portal/demo/sign-in/code', { email });
      }),
    );
    expect(
      answers.map((a) => a.status < 400 && a.text.length > 0),
      'every request succeeds while SMTP is down',
    ).to.deep.equal(emails.map(() => true));
    expect(Math.max(...answers.map((a) => a.ms)), 'no request waits on SMTP').to.be.below(5_000);

    // Both workers tried and failed; the emails wait.
    const waitedSince = Date.now();
    for (;;) {
      const { rows } = await sql!.query<{ n: number }>(
        'select count(*)::int as n from portal_mail_outbox where sent_at is null and attempts > 0 and last_error is not null',
      );
      if (rows[0]!.n === emails.length) break;
      if (Date.now() - waitedSince > 30_000) throw new Error(`only ${rows[0]!.n} of ${emails.length} emails have a failed attempt`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const waiting = (await sql!.query<{ n: number }>('select count(*)::int as n from portal_mail_outbox where sent_at is null')).rows[0]!.n;
    expect(waiting).to.equal(emails.length);

    smtp = await startSmtpCapture({ port: smtpPort });
    const backAt = Date.now();
    for (const email of emails) await smtp.waitForMessage((m) => m.to.includes(email), 60_000);
    const deliveredMs = Date.now() - backAt;
    // One more poll of both workers: nothing is sent again.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const perRecipient = emails.map((email) => smtp!.messages.filter((m) => m.to.includes(email)).length);
    expect(perRecipient, 'each email delivered once').to.deep.equal(emails.map(() => 1));
    const unsent = (await sql!.query<{ n: number }>('select count(*)::int as n from portal_mail_outbox where sent_at is null')).rows[0]!.n;
    expect(unsent).to.equal(0);
    report(
      `SMTP down: ${emails.length} code requests on 2 instances all answered at once (slowest ${Math.round(Math.max(...answers.map((a) => a.ms)))} ms); ${waiting} emails waited; all delivered ${deliveredMs} ms after SMTP was back, each once`,
    );
  });
});
