// The sign-in emails (src/features/account/sign-in/emails.ts) word for word: the code, reset and
// invitation emails name the workspace (an invitation from a client admin names their company
// instead, one in the agency's own name no person), carry the code or the link, say how long it
// works and what to do if unasked; the HTML part is the same lines, escaped, one paragraph per
// line, with blank lines left out; the client's chosen language wins over the workspace's.
import { expect } from 'chai';
import { codeEmail, emailLocale, invitationEmail, resetEmail } from '../../src/features/account/sign-in/emails.ts';
import type { HostWorkspace } from '../../src/core/ports/host.ts';

const workspace: HostWorkspace = { id: '7', slug: 'demo', name: 'Dupont & <Fils>', logoUrl: null, brandColor: null };

describe('sign-in emails', function () {
  it('the code email: subject with the code, the code on its own line, validity and where to enter it', function () {
    const mail = codeEmail({
      to: 'maria@northwind.test',
      workspace,
      code: '482913',
      minutes: 10,
      signInUrl: 'https://portal.test/portal/demo/sign-in',
    });
    expect(mail.to).to.equal('maria@northwind.test');
    expect(mail.subject).to.equal('Your sign-in code for Dupont & <Fils>: 482913');
    expect(mail.text).to.equal(
      [
        'Your sign-in code for the Dupont & <Fils> client portal is:',
        '',
        '482913',
        '',
        'It works once, for 10 minutes. Enter it at https://portal.test/portal/demo/sign-in',
        'If you did not ask for it, you can ignore this email.',
      ].join('\n'),
    );
    expect(mail.html).to.equal(
      [
        '<p>Your sign-in code for the Dupont &amp; &lt;Fils&gt; client portal is:</p>',
        '',
        '<p>482913</p>',
        '',
        '<p>It works once, for 10 minutes. Enter it at https://portal.test/portal/demo/sign-in</p>',
        '<p>If you did not ask for it, you can ignore this email.</p>',
      ].join('\n'),
    );
  });

  it('the reset email: the link, how long it works, and that the password stays if unasked', function () {
    const mail = resetEmail({
      to: 'maria@northwind.test',
      workspace,
      minutes: 60,
      url: 'https://portal.test/portal/demo/password/reset/abc',
    });
    expect(mail.subject).to.equal('Reset your Dupont & <Fils> portal password');
    expect(mail.text.split('\n')).to.deep.equal([
      'Someone asked to reset the password of your Dupont & <Fils> client portal account.',
      'Choose a new password here (the link works once, for 60 minutes):',
      'https://portal.test/portal/demo/password/reset/abc',
      'If it was not you, ignore this email: your password stays as it is.',
    ]);
    expect(mail.html?.split('\n')[0]).to.equal(
      '<p>Someone asked to reset the password of your Dupont &amp; &lt;Fils&gt; client portal account.</p>',
    );
  });

  it('the invitation email: greets the contact, names who invited them, the link and its days', function () {
    const mail = invitationEmail({
      to: 'tom@northwind.test',
      workspace,
      contactName: 'Tom Becker',
      invitedBy: { kind: 'staff', name: 'Dana Whitfield' },
      days: 7,
      url: 'https://portal.test/portal/demo/invitation/xyz',
    });
    expect(mail.subject).to.equal('Dupont & <Fils> invited you to their client portal');
    expect(mail.text.split('\n')).to.deep.equal([
      'Hello Tom Becker,',
      'Dana Whitfield at Dupont & <Fils> invited you to their client portal, where you can follow your proposals, invoices, tasks and documents.',
      'Set your password here (the link works once, for 7 days):',
      'https://portal.test/portal/demo/invitation/xyz',
    ]);
    expect(mail).to.not.have.property('replyTo');
  });

  it('an invitation from a client admin names their company, not the agency, in English and German', function () {
    const input = {
      to: 'tom@northwind.test',
      workspace,
      contactName: 'Tom Becker',
      invitedBy: { kind: 'colleague', name: 'Maria García', company: 'Northwind Traders' } as const,
      days: 7,
      url: 'https://portal.test/portal/demo/invitation/xyz',
    };
    const mail = invitationEmail(input);
    expect(mail.subject).to.equal('Maria García at Northwind Traders invited you to your company’s client portal');
    expect(mail.text.split('\n')[1]).to.equal(
      'Maria García at Northwind Traders invited you to the client portal Dupont & <Fils> keeps for Northwind Traders, where you can follow your company’s proposals, invoices, tasks and documents.',
    );
    const german = invitationEmail({ ...input, locale: 'de' });
    expect(german.subject).to.equal('Maria García von Northwind Traders hat Sie in das Kundenportal Ihres Unternehmens eingeladen');
    expect(german.text.split('\n')[1]).to.equal(
      'Maria García von Northwind Traders hat Sie in das Kundenportal eingeladen, das Dupont & <Fils> für Northwind Traders führt. Dort verfolgen Sie die Angebote, Rechnungen, Aufgaben und Dokumente Ihres Unternehmens.',
    );
    expect(german.text).to.not.contain('Maria García von Dupont');
  });

  it('an invitation in the agency’s own name names no one, and replies go to the agency’s address', function () {
    const mail = invitationEmail({
      to: 'tom@northwind.test',
      workspace,
      contactName: 'Tom Becker',
      invitedBy: { kind: 'agency' },
      days: 7,
      url: 'https://portal.test/portal/demo/invitation/xyz',
      replyTo: '"Dupont & Fils" <bonjour@dupont.test>',
    });
    expect(mail.subject).to.equal('Dupont & <Fils> invited you to their client portal');
    expect(mail.text.split('\n')[1]).to.equal(
      'Dupont & <Fils> invited you to their client portal, where you can follow your proposals, invoices, tasks and documents.',
    );
    expect(mail.replyTo).to.equal('"Dupont & Fils" <bonjour@dupont.test>');
  });

  it('in German when the client chose German, whatever the workspace speaks', function () {
    const locale = emailLocale('de', 'en');
    expect(locale).to.equal('de');
    expect(emailLocale('xx', 'de')).to.equal('de');
    expect(emailLocale(null, null)).to.equal('en');
    const mail = codeEmail({
      to: 'maria@northwind.test',
      workspace,
      code: '482913',
      minutes: 10,
      signInUrl: 'https://portal.test/s',
      locale,
    });
    expect(mail.subject).to.contain('482913').and.not.contain('Your sign-in code');
    expect(resetEmail({ to: 'a@b.test', workspace, minutes: 60, url: 'u', locale }).subject).to.not.equal(
      resetEmail({ to: 'a@b.test', workspace, minutes: 60, url: 'u' }).subject,
    );
  });
});
