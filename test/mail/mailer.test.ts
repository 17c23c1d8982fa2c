// The mailer: the development outbox (kept newest first, bounded, logged so a code is visible) and
// real SMTP delivery, read back from an in-process SMTP server, including non-ASCII and HTML mail.
import { expect } from 'chai';
import net from 'node:net';
import { createMailer, OUTBOX_SIZE } from '../../src/core/mail/mailer.ts';
import { parseMessage, startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('mailer: development outbox', () => {
  it('keeps messages newest first and logs each with its text', async () => {
    const lines: string[] = [];
    const mailer = createMailer({ from: 'Portal <portal@localhost>', logger: (line) => lines.push(line) });
    await mailer.send({ to: 'ann@client.test', subject: 'Your sign-in code', text: 'Your code is 482913.\nIt expires in 10 minutes.' });
    await mailer.send({ to: 'bob@client.test', subject: 'Invitation', text: 'Open http://localhost:3000/portal/demo/invite/abc' });

    const kept = mailer.outbox!.messages();
    expect(kept.map((m) => m.to)).to.deep.equal(['bob@client.test', 'ann@client.test']);
    expect(kept[1]).to.include({ subject: 'Your sign-in code', text: 'Your code is 482913.\nIt expires in 10 minutes.' });
    expect(kept[1]!.sentAt).to.be.instanceOf(Date);

    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^mail to ann@client\.test: Your sign-in code\n/);
    expect(lines[0]).to.contain('482913');
    expect(lines[1]).to.contain('/portal/demo/invite/abc');
  });

  it(`keeps only the latest ${OUTBOX_SIZE}`, async () => {
    const mailer = createMailer({ from: 'portal@localhost', logger: () => {} });
    for (let i = 1; i <= OUTBOX_SIZE + 5; i++) await mailer.send({ to: `c${i}@client.test`, subject: `#${i}`, text: '' });
    const kept = mailer.outbox!.messages();
    expect(kept).to.have.length(OUTBOX_SIZE);
    expect(kept[0]!.subject).to.equal(`#${OUTBOX_SIZE + 5}`);
    expect(kept.at(-1)!.subject).to.equal('#6');
  });

  it('hands out copies and can be cleared', async () => {
    const mailer = createMailer({ from: 'portal@localhost', logger: () => {} });
    await mailer.send({ to: 'a@client.test', subject: 'Hello', text: 'x' });
    mailer.outbox!.messages()[0]!.subject = 'changed';
    expect(mailer.outbox!.messages()[0]!.subject).to.equal('Hello');
    mailer.outbox!.clear();
    expect(mailer.outbox!.messages()).to.deep.equal([]);
  });

  it('refuses to start without a From address', () => {
    expect(() => createMailer({ from: '  ' })).to.throw(/From address/);
  });
});

describe('mailer: SMTP', () => {
  let smtp: SmtpCapture;
  before(async () => {
    smtp = await startSmtpCapture();
  });
  after(async () => {
    await smtp.stop();
  });
  beforeEach(() => smtp.clear());

  it('delivers a real message that is read back with subject and text', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'Client portal <portal@agency.test>' });
    expect(mailer.outbox).to.equal(undefined);
    await mailer.send({ to: 'Ann@Client.test', subject: 'Your sign-in code', text: 'Your code is 482913.\nIt expires in 10 minutes.' });

    const message = await smtp.waitForMessage((m) => m.to.includes('ann@client.test'), 5000);
    expect(message.from).to.equal('portal@agency.test');
    expect(message.subject).to.equal('Your sign-in code');
    expect(message.text).to.equal('Your code is 482913.\nIt expires in 10 minutes.');
    expect(message.headers.from).to.equal('Client portal <portal@agency.test>');
    expect(message.html).to.equal(undefined);
  });

  it('round-trips non-ASCII, long lines and an HTML alternative', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'portal@agency.test' });
    const longLine = `Pay here: https://portal.test/invoices/42?token=${'a1b2c3=d4'.repeat(12)} — thanks`;
    const text = `Bonjour Zoë,\nvotre devis « Q-2026-007 » est prêt.\n${longLine}`;
    await mailer.send({ to: 'zoe@client.test', subject: 'Devis prêt — 1 250,00 €', text, html: '<p>Bonjour <strong>Zoë</strong></p>' });

    const message = await smtp.waitForMessage((m) => m.to.includes('zoe@client.test'), 5000);
    expect(message.subject).to.equal('Devis prêt — 1 250,00 €');
    expect(message.text).to.equal(text);
    expect(message.html).to.equal('<p>Bonjour <strong>Zoë</strong></p>');
  });

  it('waitForMessage fails with what did arrive', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'portal@agency.test' });
    await mailer.send({ to: 'someone@client.test', subject: 'Other', text: 'x' });
    await smtp.waitForMessage(() => true, 5000);
    const err = await smtp
      .waitForMessage((m) => m.to.includes('nobody@client.test'), 200)
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(err?.message).to.match(/No matching email within 200 ms. Received: "Other" to someone@client.test/);
  });

  it('rejects a send when the SMTP server is unreachable', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, from: 'portal@agency.test' });
    const err = await mailer.send({ to: 'a@client.test', subject: 's', text: 't' }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/ECONNREFUSED|connect/i);
  });

  it('refuses a URL that is not SMTP', () => {
    expect(() => createMailer({ smtpUrl: 'http://mail.test', from: 'portal@agency.test' })).to.throw(/smtp:\/\/ or smtps:\/\//);
    expect(() => createMailer({ smtpUrl: 'not a url', from: 'portal@agency.test' })).to.throw(/not a valid URL/);
  });
});

describe('smtp-capture: parseMessage', () => {
  it('decodes base64 parts, folded encoded-word headers and skips attachments', () => {
    const raw = [
      'From: a@test',
      'Subject: =?UTF-8?B?w4ljaMOpYW5jZQ==?=',
      ' =?UTF-8?Q?_proche?=',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      'preamble',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('Échéance le 30/11.').toString('base64'),
      '--inner--',
      '--outer',
      'Content-Type: text/plain',
      'Content-Disposition: attachment; filename=x.txt',
      '',
      'not the body',
      '--outer--',
      '',
    ].join('\r\n');
    const message = parseMessage(raw, ['b@test'], 'a@test');
    expect(message.subject).to.equal('Échéance proche');
    expect(message.text).to.equal('Échéance le 30/11.');
  });
});
