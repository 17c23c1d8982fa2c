// What Alga PSA's staff decide on a client's appointment request in Alga's own pages reaches the
// person who asked, when the portal runs beside Alga (which cannot call it): the news port reads
// the decisions after its cursor, and each is told once, with the portal's notification and the
// email in the client's zone carrying the calendar invitation (approved, and moved on Alga's
// calendar: METHOD:REQUEST each). Staff calling off an approved one in Alga's schedule (deleting
// its entry) reaches the client as the agency's cancellation, with METHOD:CANCEL; the client's own
// cancelling is no news. Nothing from before the portal began to
// follow the workspace is told, and a request still pending is no news.
import { expect } from 'chai';
import { wallTimeToInstant } from '../../src/core/time/zoned-days.ts';
import { insertClientUser } from '../../src/core/client-users/queries.ts';
import { saveSettings } from '../../src/core/settings/queries.ts';
import { hostNewsPass, type PortalOnHost } from '../support/portal-on-host.ts';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { ALGA_ZONE, algaWorkday, setUpAlgaBooking } from './appointment-setup.ts';

const reason = unavailable();

describe('alga-psa host: staff decisions on appointment requests reach the client with the calendar invitation', function () {
  this.timeout(180_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let smtp: SmtpCapture;
  let service: string;
  let decidedEarlier: string;
  const day = algaWorkday(3);
  const at = (time: string) => wallTimeToInstant(day, time, ALGA_ZONE);

  const pass = () => hostNewsPass(host.db, running);
  const told = () =>
    host
      .db('portal_client_notifications')
      .where({ workspace_id: host.seed.tenant, kind: 'appointment_answered' })
      .orderBy('id')
      .select('subject_id');
  const mails = async () => {
    await running.portal.drainOutbox();
    return smtp.messages;
  };
  const book = async (time: string) => {
    const port = host.adapter().appointments!;
    const made = await host.db.transaction((trx) =>
      port.request(
        host.seed.tenant,
        host.seed.clients.bakery,
        host.seed.contacts.claire,
        { serviceId: service, startsAt: at(time), note: '', timeZone: ALGA_ZONE },
        new Date(),
        { trx },
      ),
    );
    if (!made || 'refused' in made) throw new Error(`not booked at ${time}`);
    return made.id;
  };
  /** As Alga's staff approve it: the request approved, by whom and when. */
  const approve = (id: string) =>
    host.db('appointment_requests').where({ tenant: host.seed.tenant, appointment_request_id: id }).update({
      status: 'approved',
      approved_by_user_id: host.seed.users.admin,
      approved_at: host.db.fn.now(),
      updated_at: host.db.fn.now(),
    });

  before(async function () {
    // Skipped, with the reason printed below, where no real Alga PSA database can be made (psql and DATABASE_URL).
    if (reason) this.skip();
    host = await startAlgaHost();
    smtp = await startSmtpCapture();
    ({ service } = await setUpAlgaBooking(host.db, host.seed.tenant, host.seed.users.tech));
    // Decided in Alga before the portal was set up beside it.
    decidedEarlier = await book('10:00');
    await approve(decidedEarlier);
    ({ running } = await portalBesideAlga(host, { smtpUrl: smtp.url }));
    await running.portal.migrate();
    await insertClientUser(host.db, {
      workspaceId: host.seed.tenant,
      clientId: host.seed.clients.bakery,
      contactId: host.seed.contacts.claire,
      email: 'claire@harbor.example',
      status: 'active',
    });
    await saveSettings(host.db, host.seed.tenant, { showAppointments: true }, host.seed.users.admin);
  });
  after(async function () {
    await running?.close();
    await host?.close();
    await smtp?.stop();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('tells an approval once, with the invitation, and a move on Alga’s calendar once more', async function () {
    // The first read starts where the portal began: what was decided before is no news.
    await pass();
    const pending = await book('14:00');
    const approved = await book('11:00');
    smtp.clear();
    await pass();
    expect(await told(), 'nothing decided yet').to.deep.equal([]);

    await approve(approved);
    await pass();
    await pass();
    expect((await told()).map((row) => row.subject_id)).to.deep.equal([approved]);
    const first = (await mails()).filter((m) => m.to.includes('claire@harbor.example'));
    expect(first.map((m) => m.subject)).to.deep.equal([
      'Confirmed: Printer maintenance visit on ' +
        new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`)),
    ]);
    expect(first[0]!.raw).to.match(/text\/calendar;[^\r\n]*method=REQUEST/i);

    // Staff move it on Alga's calendar: a new decision, told once more.
    const request = await host
      .db('appointment_requests')
      .where({ tenant: host.seed.tenant, appointment_request_id: approved })
      .first('schedule_entry_id');
    await host
      .db('schedule_entries')
      .where({ tenant: host.seed.tenant, entry_id: request.schedule_entry_id })
      .update({ scheduled_start: at('15:00'), scheduled_end: at('16:00'), updated_at: host.db.fn.now() });
    smtp.clear();
    await pass();
    await pass();
    expect((await told()).map((row) => row.subject_id)).to.deep.equal([approved, approved]);
    const moved = (await mails()).filter((m) => m.to.includes('claire@harbor.example'));
    expect(moved.map((m) => m.subject)).to.have.length(1);
    expect(moved[0]!.subject).to.match(/^Moved: Printer maintenance visit/);
    expect(moved[0]!.raw).to.match(/text\/calendar;[^\r\n]*method=REQUEST/i);
    expect((await told()).map((row) => row.subject_id))
      .to.not.include(pending)
      .and.not.include(decidedEarlier);
  });

  it('tells a cancellation by Alga’s staff as the agency’s, with the calendar’s cancellation, and not the client’s own', async function () {
    await pass();
    const approved = await book('09:00');
    const ownCancel = await book('13:00');
    await approve(approved);
    await approve(ownCancel);
    await pass();
    const before = (await told()).length;
    // The client calls one off in the portal: the portal told it already; the news tells nothing.
    await host.db.transaction((trx) =>
      host.adapter().appointments!.cancel(host.seed.tenant, host.seed.clients.bakery, host.seed.contacts.claire, ownCancel, { trx }),
    );
    // Staff delete the other's entry in Alga's schedule, as its deleteScheduleEntry does for an approved request.
    const request = await host
      .db('appointment_requests')
      .where({ tenant: host.seed.tenant, appointment_request_id: approved })
      .first('schedule_entry_id');
    await host.db.transaction(async (trx) => {
      await trx('schedule_entry_assignees').where({ tenant: host.seed.tenant, entry_id: request.schedule_entry_id }).delete();
      await trx('schedule_entries').where({ tenant: host.seed.tenant, entry_id: request.schedule_entry_id }).delete();
      await trx('appointment_requests').where({ tenant: host.seed.tenant, appointment_request_id: approved }).update({
        status: 'cancelled',
        declined_reason: 'Cancelled by MSP',
        schedule_entry_id: null,
        online_meeting_provider: null,
        online_meeting_url: null,
        online_meeting_id: null,
        updated_at: new Date(),
      });
    });
    await mails(); // The approvals' emails out first.
    smtp.clear();
    await pass();
    await pass();
    const after = (await told()).map((row) => row.subject_id).slice(before);
    expect(after).to.deep.equal([approved]);
    const notification = await host
      .db('portal_client_notifications')
      .where({ workspace_id: host.seed.tenant, kind: 'appointment_answered', subject_id: approved })
      .orderBy('id', 'desc')
      .first('occurrence');
    expect(notification.occurrence).to.match(/^cancelled:/);
    const cancelled = (await mails()).filter((m) => m.to.includes('claire@harbor.example'));
    expect(cancelled.map((m) => m.subject)).to.have.length(1);
    expect(cancelled[0]!.subject).to.match(/^Cancelled by us: Printer maintenance visit/);
    expect(cancelled[0]!.text).to.contain('we had to cancel your appointment');
    expect(cancelled[0]!.raw).to.match(/text\/calendar;[^\r\n]*method=CANCEL/i);
  });
});
