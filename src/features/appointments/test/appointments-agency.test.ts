// The agency answers appointments in the reference CRM's staff pages (confirm, decline, move: PRG
// with the CSRF token) and the client hears of each: the appointment's page and list show it, a
// notification in the portal, and an email in their language with the calendar invitation
// (METHOD:REQUEST on confirm and move, one UID throughout, SEQUENCE up on the move; METHOD:CANCEL
// when the client cancels a confirmed one; words only when a request is declined). The agency
// calls off one it confirmed or moved, with a reason the client reads on the page and in the
// email (METHOD:CANCEL); a pending one it declines instead. A move to a time another booking
// holds is refused on the staff form (409), one to a time gone by or outside the opening hours
// (400), the appointment unchanged and the client told nothing.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';
import type { CapturedMessage } from '../../../../test/support/smtp-capture.ts';
import { addDays, dayInZone, wallTimeToInstant } from '../../../core/time/zoned-days.ts';

function nextWorkday(from: number): string {
  let day = addDays(dayInZone(new Date(), 'Europe/Berlin'), from);
  while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
  return day;
}

/** The message's text/calendar part, decoded and unfolded, with its method; null without one. */
function calendarOf(message: CapturedMessage): { method: string; lines: string[] } | null {
  const match = /Content-Type: text\/calendar;([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)\r?\n((?:[^\r\n]+\r?\n)*)\r?\n([\s\S]*?)\r?\n--/i.exec(
    message.raw,
  );
  if (!match) return null;
  const method = /method=("?)([A-Z]+)\1/i.exec(match[1]!)?.[2] ?? '';
  const encoding = /Content-Transfer-Encoding:\s*([\w-]+)/i.exec(match[2]!)?.[1]?.toLowerCase();
  const body = match[3]!;
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(
            body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
            'latin1',
          ).toString('utf8')
        : body;
  return { method, lines: text.replace(/\r\n[ \t]/g, '').split(/\r?\n/) };
}

describe('appointments answered by the agency', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let staff: Awaited<ReturnType<typeof signedInStaffAgent>>;
  let workspaceId: number;
  let consultation: number;
  const day = nextWorkday(3);

  const login = (email: string) => demoLogin(h, email);
  /** Maria books a time of the day; the URL of her appointment's page. */
  const book = async (time: string) => {
    const form = (await maria.get(`/portal/demo/appointments/new?serviceId=${consultation}&day=${day}`).expect(200)).text;
    const created = await maria
      .post('/portal/demo/appointments')
      .type('form')
      .send({
        _csrf: csrfFrom(form),
        serviceId: String(consultation),
        day,
        startsAt: wallTimeToInstant(day, time, 'Europe/Berlin').toISOString(),
        note: 'Grüße, Maria',
      })
      .expect(303);
    return created.headers.location as string;
  };
  /** A staff act on the appointment's staff page, as its form posts it. */
  const staffAct = async (id: string, act: string, form: Record<string, string>, status: number) => {
    const page = (await staff.get(`/appointments/${id}`).expect(200)).text;
    return staff
      .post(`/appointments/${id}/${act}`)
      .type('form')
      .send({ _csrf: csrfFrom(page), ...form })
      .expect(status);
  };
  const mailTo = (subject: RegExp) =>
    h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test') && subject.test(m.subject), 10_000);

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    consultation = (await h.crm.db('appointment_services').where({ workspace_id: workspaceId, name: 'Consultation' }).first('id')).id;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_appointments: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    staff = await signedInStaffAgent(h, 'demo');
  });
  after(async function () {
    await h?.close();
  });
  // Each test books afresh: none holds a time, a waiting booking or a day's bookings of another.
  afterEach(async function () {
    await h.crm.db('appointments').where({ workspace_id: workspaceId }).delete();
    await h.crm.db('portal_rate_limits').where('key', 'like', 'booking:%').delete();
  });

  it('confirms and moves a request: the client reads it, and gets the invitation, then its new time', async function () {
    const url = await book('10:00');
    const id = url.split('/').pop()!;
    expect((await staff.get('/appointments').expect(200)).text)
      .to.contain(`/appointments/${id}`)
      .and.contain('Pending');

    // Without the CSRF token the CRM refuses the change.
    const refused = await staff.post(`/appointments/${id}/confirm`).type('form').send({});
    expect(refused.status).to.equal(403);
    expect((await h.crm.db('appointments').where({ workspace_id: workspaceId, id }).first('status')).status).to.equal('pending');
    h.smtp.clear();
    await staffAct(id, 'confirm', {}, 303);
    expect((await maria.get(url).expect(200)).text).to.contain('Confirmed');
    const confirmed = await mailTo(/^Confirmed: Consultation/);
    expect(confirmed.text).to.contain(url);
    // The portal's absolute address once, not the app's address in front of it again.
    expect(confirmed.text).to.not.match(/https?:\/\/\S*https?:\/\//);
    const invitation = calendarOf(confirmed);
    expect(invitation, 'a text/calendar part').to.not.equal(null);
    expect(invitation!.lines.find((line) => line.startsWith('URL:'))).to.match(/^URL:https?:\/\/[^/]+\/portal\/demo\/appointments\/\d+$/);
    expect(invitation!.method).to.equal('REQUEST');
    expect(invitation!.lines).to.include.members([
      'METHOD:REQUEST',
      'SEQUENCE:0',
      'STATUS:CONFIRMED',
      `DTSTART:${wallTimeToInstant(day, '10:00', 'Europe/Berlin').toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`,
      'DESCRIPTION:Grüße\\, Maria',
    ]);
    const uid = invitation!.lines.find((line) => line.startsWith('UID:'));
    expect(uid).to.match(/^UID:appointment-\d+-\d+@/);
    // The portal's notification says what happened and for when, in the reader's own zone (here
    // New York's, chosen on their account, where the booking was Berlin's 10:00).
    const when = (time: string) =>
      new Intl.DateTimeFormat('en', {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'America/New_York',
      }).format(wallTimeToInstant(day, time, 'Europe/Berlin'));
    const inNewYork = async () => {
      const mariaRow = { workspace_id: String(workspaceId), email: 'maria@northwind.test' };
      await h.crm.db('client_users').where(mariaRow).update({ time_zone: 'America/New_York' });
      try {
        return (await maria.get('/portal/demo/notifications').expect(200)).text;
      } finally {
        await h.crm.db('client_users').where(mariaRow).update({ time_zone: null });
      }
    };
    const notifications = await inNewYork();
    expect(notifications).to.contain(`Your appointment Consultation is confirmed for ${when('10:00')}`);
    expect(notifications).to.not.contain('has an answer');

    // Telling the same again (a second call of the host) sends nothing more.
    h.smtp.clear();
    await h.crm.portal.hostRecordChanged({
      workspaceId: String(workspaceId),
      clientId: String((await h.crm.db('appointments').where({ workspace_id: workspaceId, id }).first('client_id')).client_id),
      kind: 'appointment',
      id,
      happened: 'answered',
      occurrence: 'confirmed:0',
    });

    await staffAct(id, 'move', { day, time: '14:00' }, 303);
    const moved = await mailTo(/^Moved: Consultation/);
    const update = calendarOf(moved)!;
    expect(update.method).to.equal('REQUEST');
    expect(update.lines).to.include.members(['SEQUENCE:1', uid!]);
    expect(update.lines).to.include(
      `DTSTART:${wallTimeToInstant(day, '14:00', 'Europe/Berlin').toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`,
    );
    expect(h.smtp.messages.filter((m) => /^Confirmed/.test(m.subject))).to.have.length(0);
    expect((await maria.get(url).expect(200)).text).to.contain('Moved to a new time');
    expect(await inNewYork()).to.contain(`Your appointment Consultation was moved to ${when('14:00')}`);

    // The client cancels it: the calendar's copy is cancelled with the same UID, a later sequence.
    h.smtp.clear();
    const confirm = (await maria.get(`${url}/cancel`).expect(200)).text;
    await maria
      .post(`${url}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(confirm) })
      .expect(303);
    const cancelled = await mailTo(/^Cancelled: Consultation/);
    const cancel = calendarOf(cancelled)!;
    expect(cancel.method).to.equal('CANCEL');
    expect(cancel.lines).to.include.members(['METHOD:CANCEL', 'STATUS:CANCELLED', 'SEQUENCE:2', uid!]);
  });

  it('offers the agreed appointment as an .ics download with the invitations’ UID and SEQUENCE, to its own client only', async function () {
    const url = await book('11:30');
    const id = url.split('/').pop()!;
    const calendarUrl = `${url}/calendar`;
    // Waiting for the agency: no link, and no file (nothing agreed to put in a calendar).
    expect((await maria.get(url).expect(200)).text).to.not.contain(calendarUrl);
    const pending = await maria.get(calendarUrl).expect(404);
    expect(pending.text).to.contain('There is no calendar entry for this appointment');

    h.smtp.clear();
    await staffAct(id, 'confirm', {}, 303);
    const emailed = calendarOf(await mailTo(/^Confirmed: Consultation/))!;
    expect((await maria.get(url).expect(200)).text).to.contain(`href="${calendarUrl}" download`);
    const download = async () => {
      const res = await maria.get(calendarUrl).buffer(true).expect(200);
      expect(res.headers['content-type']).to.equal('text/calendar; charset=utf-8');
      expect(res.headers['content-disposition']).to.match(/^attachment; filename="Consultation \d{4}-\d{2}-\d{2}\.ics"/);
      return (res.text ?? res.body.toString('utf8')).replace(/\r\n[ \t]/g, '').split('\r\n');
    };
    const lines = await download();
    // The emailed invitation's event: one UID and SEQUENCE, so the calendar updates it.
    const uidOf = (all: string[]) => all.find((line) => line.startsWith('UID:'));
    expect(uidOf(lines)).to.equal(uidOf(emailed.lines));
    expect(lines).to.include.members(['METHOD:PUBLISH', 'SEQUENCE:0', 'STATUS:CONFIRMED']);
    expect(lines.some((line) => line.startsWith('ATTENDEE'))).to.equal(false);
    // Moved: the same UID at the next sequence, at its new time.
    await staffAct(id, 'move', { day, time: '14:30' }, 303);
    const moved = await download();
    expect(uidOf(moved)).to.equal(uidOf(emailed.lines));
    expect(moved).to.include.members([
      'SEQUENCE:1',
      `DTSTART:${wallTimeToInstant(day, '14:30', 'Europe/Berlin').toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`,
    ]);
    // Another company's person finds nothing.
    const priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    await priya.get(calendarUrl).expect(404);
    // Called off: the file is gone with the link.
    await staffAct(id, 'cancel', { reason: 'Closed that day.' }, 303);
    expect((await maria.get(url).expect(200)).text).to.not.contain(calendarUrl);
    await maria.get(calendarUrl).expect(404);
  });

  it('declines a request in words only, and in the client’s language', async function () {
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
      .first('id');
    await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), id: user.id })
      .update({ locale: 'de' });
    try {
      const url = await book('11:00');
      h.smtp.clear();
      await staffAct(url.split('/').pop()!, 'decline', {}, 303);
      const declined = await mailTo(/^Abgelehnt: Consultation/);
      expect(declined.text).to.contain('Bitte buchen Sie eine andere Zeit');
      expect(calendarOf(declined)).to.equal(null);
      expect((await maria.get(url).expect(200)).text).to.contain('Abgelehnt');
      // A declined request cannot be confirmed afterwards.
      await staffAct(url.split('/').pop()!, 'confirm', {}, 409);
    } finally {
      await h.crm
        .db('client_users')
        .where({ workspace_id: String(workspaceId), id: user.id })
        .update({ locale: null });
    }
  });

  it('declines with a reason and other times, which the client reads and takes with one button', async function () {
    const url = await book('13:00');
    const id = url.split('/').pop()!;
    const other = nextWorkday(5);
    const at = (d: string, time: string) => wallTimeToInstant(d, time, 'Europe/Berlin');
    // Refused on the staff form, nothing written: a time gone by, one outside the hours, half a time, a held one.
    const yesterday = addDays(dayInZone(new Date(), 'Europe/Berlin'), -1);
    const past = await staffAct(id, 'decline', { offer1Day: yesterday, offer1Time: '10:00' }, 400);
    expect(past.text).to.contain('That time has passed. Choose a time still to come.');
    const late = await staffAct(id, 'decline', { offer2Day: other, offer2Time: '20:00' }, 400);
    expect(late.text).to.contain('That is outside the opening hours');
    const half = await staffAct(id, 'decline', { offer3Day: other }, 400);
    expect(half.text).to.contain('Give other time 3 both a day and a time, or neither.');
    const heldUrl = await book('13:30');
    const held = await staffAct(id, 'decline', { offer1Day: day, offer1Time: '13:30' }, 409);
    expect(held.text).to.contain('Another appointment holds that time');
    expect((await h.crm.db('appointments').where({ workspace_id: workspaceId, id }).first('status')).status).to.equal('pending');

    h.smtp.clear();
    await staffAct(
      id,
      'decline',
      {
        reason: 'Our <b>consultant</b> is away that afternoon.',
        offer1Day: other,
        offer1Time: '09:00',
        offer2Day: other,
        offer2Time: '15:00',
      },
      303,
    );
    const page = (await maria.get(url).expect(200)).text;
    expect(page).to.contain('Our &lt;b&gt;consultant&lt;/b&gt; is away that afternoon.').and.contain('Other times we can offer');
    const nine = at(other, '09:00').toISOString();
    const three = at(other, '15:00').toISOString();
    expect(page).to.contain(`value="${nine}"`).and.contain(`value="${three}"`);
    const email = await mailTo(/^Declined: Consultation/);
    expect(email.text).to.contain('Our reason: Our <b>consultant</b> is away that afternoon.').and.contain('Other times we can offer: ');
    // In the zone the client booked in, as the rest of the email.
    const { time_zone: zone } = await h.crm.db('appointments').where({ workspace_id: workspaceId, id }).first('time_zone');
    const hm = (iso: string, plus = 0) =>
      new Intl.DateTimeFormat('en', { timeStyle: 'short', timeZone: zone }).format(new Date(Date.parse(iso) + plus));
    expect(email.text)
      .to.contain(`${hm(nine)}–${hm(nine, 30 * 60_000)}`)
      .and.contain(`${hm(three)}–${hm(three, 30 * 60_000)}`);

    // A time not offered is refused in words; one offered is booked as a new request (PRG).
    const csrf = csrfFrom(page);
    const notOffered = await maria
      .post(`${url}/offers`)
      .type('form')
      .send({ _csrf: csrf, startsAt: at(other, '10:00').toISOString() })
      .expect(409);
    expect(notOffered.text).to.contain('Those times are no longer on offer');
    await maria.post(`${url}/offers`).type('form').send({ _csrf: csrf, startsAt: 'soon' }).expect(400);
    const taken = await maria.post(`${url}/offers`).type('form').send({ _csrf: csrf, startsAt: nine }).expect(303);
    const booked = taken.headers.location as string;
    expect(booked)
      .to.match(/\/appointments\/\d+$/)
      .and.not.equal(url);
    expect((await maria.get(booked).expect(200)).text).to.contain('Waiting for the agency');
    const row = await h.crm
      .db('appointments')
      .where({ workspace_id: workspaceId, id: booked.split('/').pop() })
      .first('starts_at', 'status', 'note');
    expect(row).to.deep.include({ status: 'pending', note: 'Grüße, Maria' });
    expect(row.starts_at.toISOString()).to.equal(nine);
    // The offers went with it: the other one is stale now, and the page offers none.
    const stale = await maria.post(`${url}/offers`).type('form').send({ _csrf: csrf, startsAt: three }).expect(409);
    expect(stale.text).to.contain('Those times are no longer on offer');
    expect((await maria.get(url).expect(200)).text).to.not.contain('Other times we can offer');
    const logged = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: String(workspaceId), event: 'appointment.requested' })
      .whereRaw("details->>'startsAt' = ?", nine);
    expect(logged).to.have.length(1);
    expect(heldUrl).to.not.equal(url);
  });

  it('takes one offer of two taken at once, and answers a time held meanwhile with 409', async function () {
    const other = nextWorkday(6);
    const at = (time: string) => wallTimeToInstant(other, time, 'Europe/Berlin').toISOString();
    const declineWithOffers = async () => {
      const url = await book('16:30');
      await staffAct(
        url.split('/').pop()!,
        'decline',
        { offer1Day: other, offer1Time: '09:30', offer2Day: other, offer2Time: '11:00' },
        303,
      );
      return url;
    };
    // Two tabs take the two offers at once: one is booked, the other is told the offers are gone.
    const url = await declineWithOffers();
    const tabs = await Promise.all([1, 2].map(() => signedInAgent(h.agent(), 'demo', login('maria@northwind.test'))));
    const tokens = await Promise.all(tabs.map(async (tab) => csrfFrom((await tab.get(url).expect(200)).text)));
    const answers = await Promise.all(
      tabs.map((tab, i) =>
        tab
          .post(`${url}/offers`)
          .type('form')
          .send({ _csrf: tokens[i], startsAt: at(i === 0 ? '09:30' : '11:00') }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).to.deep.equal([303, 409]);
    expect(answers.find((a) => a.status === 409)!.text).to.contain('Those times are no longer on offer');
    const booked = answers.find((a) => a.status === 303)!.headers.location as string;
    await h.crm
      .db('appointments')
      .where({ workspace_id: workspaceId, id: booked.split('/').pop() })
      .delete();

    // The offered time is booked by someone else before the client takes it: 409, the offers kept.
    const second = await declineWithOffers();
    const priyaContact = await h.crm
      .db('contacts')
      .where({ workspace_id: workspaceId, email: 'priya@bluebell.test' })
      .first('id', 'client_id');
    await h.crm.db('appointments').insert({
      workspace_id: workspaceId,
      client_id: priyaContact.client_id,
      contact_id: priyaContact.id,
      service_id: consultation,
      starts_at: at('09:30'),
      ends_at: new Date(Date.parse(at('09:30')) + 30 * 60_000),
      time_zone: 'Europe/Berlin',
    });
    const page = (await maria.get(second).expect(200)).text;
    const held = await maria
      .post(`${second}/offers`)
      .type('form')
      .send({ _csrf: csrfFrom(page), startsAt: at('09:30') })
      .expect(409);
    expect(held.text).to.contain('That time has just been taken');
    await maria
      .post(`${second}/offers`)
      .type('form')
      .send({ _csrf: csrfFrom(page), startsAt: at('11:00') })
      .expect(303);
  });

  it('lets the client ask for another time: back to the agency as a request there, notified and logged', async function () {
    const url = await book('10:30');
    const id = url.split('/').pop()!;
    await staffAct(id, 'confirm', {}, 303);
    const page = (await maria.get(url).expect(200)).text;
    expect(page).to.contain(`href="${url}/reschedule"`).and.contain('Ask for another time');
    const other = nextWorkday(4);
    const form = (await maria.get(`${url}/reschedule?day=${other}`).expect(200)).text;
    const eleven = wallTimeToInstant(other, '11:00', 'Europe/Berlin').toISOString();
    expect(form).to.contain(`value="${eleven}"`).and.contain('name="sequence" value="0"');
    // A time the agency does not offer is refused on the form; nothing moves.
    await maria
      .post(`${url}/reschedule`)
      .type('form')
      .send({
        _csrf: csrfFrom(form),
        day: other,
        startsAt: wallTimeToInstant(other, '12:15', 'Europe/Berlin').toISOString(),
        sequence: '0',
      })
      .expect(400);
    await maria
      .post(`${url}/reschedule`)
      .type('form')
      .send({ _csrf: csrfFrom(form), day: other, startsAt: eleven, sequence: '0' })
      .expect(303)
      .expect('Location', url);
    const row = await h.crm.db('appointments').where({ workspace_id: workspaceId, id }).first('status', 'starts_at', 'sequence');
    expect(row).to.deep.include({ status: 'pending', sequence: 1 });
    expect(row.starts_at.toISOString()).to.equal(eleven);
    expect((await maria.get(url).expect(200)).text).to.contain('Waiting for the agency');
    // Logged once, and the agency is notified with a link to its own page of the appointment.
    const logged = await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'appointment.rescheduled' });
    expect(logged).to.have.length(1);
    expect(logged[0].details).to.include({ appointmentId: id, startsAt: eleven });
    const notifications = (await staff.get('/client-portal/notifications').expect(200)).text;
    expect(notifications).to.contain('Asked to move an appointment').and.contain(`href="/appointments/${id}"`);
    // The form read before the move is stale now: nothing moves again.
    const stale = await maria
      .post(`${url}/reschedule`)
      .type('form')
      .send({
        _csrf: csrfFrom(form),
        day: other,
        startsAt: wallTimeToInstant(other, '14:00', 'Europe/Berlin').toISOString(),
        sequence: '0',
      })
      .expect(409);
    expect(stale.text).to.contain('This appointment changed while you were choosing');
    // A declined one is no longer standing: no way to ask for another time.
    await staffAct(id, 'decline', {}, 303);
    expect((await maria.get(url).expect(200)).text).to.not.contain(`${url}/reschedule`);
    await maria.get(`${url}/reschedule`).expect(409);
  });

  it('moves one of two reschedules sent at once, refuses the other with 409, and a held time with the form', async function () {
    const url = await book('15:00');
    const other = nextWorkday(4);
    const at = (time: string) => wallTimeToInstant(other, time, 'Europe/Berlin').toISOString();
    const tabs = await Promise.all([1, 2].map(() => signedInAgent(h.agent(), 'demo', login('maria@northwind.test'))));
    const tokens = await Promise.all(tabs.map(async (tab) => csrfFrom((await tab.get(`${url}/reschedule?day=${other}`).expect(200)).text)));
    const answers = await Promise.all(
      tabs.map((tab, i) =>
        tab
          .post(`${url}/reschedule`)
          .type('form')
          .send({ _csrf: tokens[i], day: other, startsAt: at(i === 0 ? '09:00' : '16:00'), sequence: '0' }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).to.deep.equal([303, 409]);
    expect(answers.find((a) => a.status === 409)!.text).to.contain('This appointment changed while you were choosing');
    const row = await h.crm
      .db('appointments')
      .where({ workspace_id: workspaceId, id: url.split('/').pop() })
      .first('starts_at', 'sequence');
    expect(row.sequence).to.equal(1);
    expect([at('09:00'), at('16:00')]).to.include(row.starts_at.toISOString());
    const logged = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: String(workspaceId), event: 'appointment.rescheduled' })
      .whereRaw("details->>'appointmentId' = ?", url.split('/').pop()!);
    expect(logged).to.have.length(1);

    // Another booking takes the time while the form is open: the form again, 409, nothing moved.
    const form = (await maria.get(`${url}/reschedule?day=${other}`).expect(200)).text;
    const priyaContact = await h.crm
      .db('contacts')
      .where({ workspace_id: workspaceId, email: 'priya@bluebell.test' })
      .first('id', 'client_id');
    await h.crm.db('appointments').insert({
      workspace_id: workspaceId,
      client_id: priyaContact.client_id,
      contact_id: priyaContact.id,
      service_id: consultation,
      starts_at: at('13:00'),
      ends_at: new Date(Date.parse(at('13:00')) + 30 * 60_000),
      time_zone: 'Europe/Berlin',
    });
    const taken = await maria
      .post(`${url}/reschedule`)
      .type('form')
      .send({ _csrf: csrfFrom(form), day: other, startsAt: at('13:00'), sequence: String(row.sequence) })
      .expect(409);
    expect(taken.text).to.contain('That time has just been taken; pick another.').and.contain('name="startsAt"');
  });

  it('cancels a confirmed or moved appointment with a reason the client reads, emailed with the calendar’s cancellation', async function () {
    const url = await book('09:00');
    const id = url.split('/').pop()!;
    // A request still waiting is declined, not cancelled, by the agency.
    expect((await staff.get(`/appointments/${id}`).expect(200)).text).to.not.contain('Cancel the appointment');
    await staffAct(id, 'cancel', { reason: 'Our office is closed that day.' }, 409);
    await staffAct(id, 'confirm', {}, 303);
    await staffAct(id, 'move', { day, time: '09:30' }, 303);
    expect((await staff.get(`/appointments/${id}`).expect(200)).text).to.contain('Cancel the appointment');

    // No reason, no cancellation: the client would read nothing.
    const missing = await staffAct(id, 'cancel', { reason: '  ' }, 400);
    expect(missing.text).to.contain('Say why, in words the client reads.');
    expect((await h.crm.db('appointments').where({ workspace_id: workspaceId, id }).first('status')).status).to.equal('moved');

    h.smtp.clear();
    await staffAct(id, 'cancel', { reason: 'Our consultant is ill; we are sorry.' }, 303);
    const page = (await maria.get(url).expect(200)).text;
    expect(page)
      .to.contain('Cancelled')
      .and.contain('Our consultant is ill; we are sorry.')
      .and.contain('We had to cancel this appointment');
    expect(page).to.not.contain('Cancel this appointment');
    expect((await maria.get('/portal/demo/notifications').expect(200)).text).to.contain(
      'The agency cancelled your appointment Consultation on',
    );
    const email = await mailTo(/^Cancelled by us: Consultation/);
    expect(email.text).to.contain('we had to cancel your appointment').and.contain('Our reason: Our consultant is ill; we are sorry.');
    const cancel = calendarOf(email)!;
    expect(cancel.method).to.equal('CANCEL');
    expect(cancel.lines).to.include.members(['METHOD:CANCEL', 'STATUS:CANCELLED', 'SEQUENCE:2']);
    // The staff page keeps the words, and it cannot be cancelled twice.
    expect((await staff.get(`/appointments/${id}`).expect(200)).text).to.contain('Our consultant is ill; we are sorry.');
    await staffAct(id, 'cancel', { reason: 'Again' }, 409);
  });

  it('refuses a move into the past or outside the opening hours, and tells the client nothing', async function () {
    const url = await book('16:00');
    const id = url.split('/').pop()!;
    await staffAct(id, 'confirm', {}, 303);
    await mailTo(/^Confirmed: Consultation/);
    h.smtp.clear();
    const yesterday = addDays(dayInZone(new Date(), 'Europe/Berlin'), -1);
    let sunday = day;
    while (new Date(`${sunday}T00:00:00Z`).getUTCDay() !== 0) sunday = addDays(sunday, 1);
    const past = await staffAct(id, 'move', { day: yesterday, time: '10:00' }, 400);
    expect(past.text).to.contain('That time has passed. Choose a time still to come.');
    const night = await staffAct(id, 'move', { day: sunday, time: '03:00' }, 400);
    expect(night.text).to.contain('That is outside the opening hours (Mon 09:00–12:00, Mon 13:00–17:00');
    // Starting inside, ending after closing; and in the lunch break.
    await staffAct(id, 'move', { day, time: '16:45' }, 400);
    await staffAct(id, 'move', { day, time: '12:15' }, 400);
    const row = await h.crm.db('appointments').where({ workspace_id: workspaceId, id }).first('starts_at', 'status', 'sequence');
    expect(row).to.deep.include({ status: 'confirmed', sequence: 0 });
    expect(row.starts_at.toISOString()).to.equal(wallTimeToInstant(day, '16:00', 'Europe/Berlin').toISOString());
    // Nothing reached the client: no email, no notification of a move. (The confirmation's own
    // notification email may still arrive from the background sender: only a move's would be wrong.)
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      h.smtp.messages.filter((m) => m.to.includes('maria@northwind.test') && /\bmoved\b/i.test(`${m.subject} ${m.text}`)),
    ).to.have.length(0);
    const told = await h.crm
      .db('portal_client_notifications')
      .where({ workspace_id: String(workspaceId), kind: 'appointment_answered', subject_id: id })
      .pluck('occurrence');
    expect([...new Set(told)]).to.deep.equal(['confirmed:0']);
    // Within the hours, still to come: moved.
    await staffAct(id, 'move', { day, time: '13:00' }, 303);
  });

  it('refuses to move one onto a time another booking holds, and a move without a real time', async function () {
    const first = (await book('15:00')).split('/').pop()!;
    const second = (await book('15:30')).split('/').pop()!;
    const refused = await staffAct(second, 'move', { day, time: '15:00' }, 409);
    expect(refused.text).to.contain('Another appointment holds that time');
    await staffAct(second, 'move', { day, time: '25:00' }, 400);
    await staffAct(second, 'move', { day: 'soon', time: '10:00' }, 400);
    const row = await h.crm.db('appointments').where({ workspace_id: workspaceId, id: second }).first('starts_at', 'status');
    expect(row.status).to.equal('pending');
    expect(row.starts_at.toISOString()).to.equal(wallTimeToInstant(day, '15:30', 'Europe/Berlin').toISOString());
    await staff.get(`/appointments/${first}`).expect(200);
    await staff.get('/appointments/abc').expect(404);
  });
});
