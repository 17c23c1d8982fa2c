// The emails an appointment's person gets when the agency answers in the host (confirmed, moved,
// declined, or called off after it agreed) or the client calls it off: in their language, the day
// and time in the zone they booked in, the agency's reason where it gave one, with the calendar
// invitation (confirmed, moved: METHOD:REQUEST) or its cancellation (METHOD:CANCEL) for one that
// had been confirmed. A declined request gets words only: no invitation was ever sent for it. They
// go through the core mailer's outbox, in the caller's transaction where there is one.
import type { Knex } from 'knex';
import {
  findClientUserByContact,
  formattersFor,
  type HostWorkspace,
  isLocale,
  type Mailer,
  type ParsedHostChange,
  type PortalLinks,
  translator,
  type WorkspaceCache,
} from '../../core/index.ts';
import type { Appointment, AppointmentsPort } from './port.ts';
import { type CalendarEvent, invitationIcs } from './ics.ts';
import { reasonOf } from './presenters.ts';

/** What the email tells: the agency's answer, the client's own cancellation, or the agency calling off one it agreed to. */
type Told = 'confirmed' | 'moved' | 'declined' | 'cancelled' | 'cancelledByAgency';

export interface InvitationDeps {
  db: Knex;
  appointments: AppointmentsPort;
  mailer: Mailer;
  workspaces: Pick<WorkspaceCache, 'byId'>;
  links: PortalLinks;
  /** The portal's address: its host names the invitations (UID) and their organizer. */
  appUrl: string;
  now: () => Date;
}

/** One appointment's UID for its whole life: a move updates the event, a cancellation removes it. */
function appointmentUid(appUrl: string, workspaceId: string, appointmentId: string): string {
  return `appointment-${encodeURIComponent(workspaceId)}-${encodeURIComponent(appointmentId)}@${new URL(appUrl).hostname}`;
}

export function createInvitations(deps: InvitationDeps) {
  const host = new URL(deps.appUrl).hostname;

  /** The appointment as a calendar event: the same UID and SEQUENCE in every email and download. */
  function eventOf(workspace: HostWorkspace, appointment: Appointment, url: string): CalendarEvent {
    return {
      uid: appointmentUid(deps.appUrl, workspace.id, appointment.id),
      sequence: appointment.sequence,
      startsAt: appointment.startsAt,
      endsAt: appointment.endsAt,
      stamp: deps.now(),
      summary: `${appointment.serviceName} · ${workspace.name}`,
      description: appointment.note,
      url,
      organizer: { name: workspace.name, email: `no-reply@${host}` },
    };
  }

  /** Sends the person who booked it what became of it; nothing when no portal person stands for that contact. */
  async function tell(
    workspace: HostWorkspace,
    defaultLocale: string | null,
    appointment: Appointment,
    told: Told,
    options: { trx?: Knex.Transaction } = {},
  ): Promise<boolean> {
    if (!appointment.contactId) return false;
    const person = await findClientUserByContact(options.trx ?? deps.db, workspace.id, appointment.contactId);
    if (person?.status !== 'active') return false;
    const locale = isLocale(person.locale) ? person.locale : isLocale(defaultLocale) ? defaultLocale : 'en';
    const t = translator(locale);
    const fmt = formattersFor(locale, appointment.timeZone);
    const words = {
      service: appointment.serviceName,
      day: fmt.day(fmt.isoDay(appointment.startsAt)),
      time: `${fmt.time(appointment.startsAt)}–${fmt.time(appointment.endsAt)}`,
      zone: appointment.timeZone,
    };
    // baseOf is already absolute (the app's address or the workspace's custom domain).
    const url = `${await deps.links.baseOf(workspace)}/appointments/${encodeURIComponent(appointment.id)}`;
    const reason = reasonOf(appointment);
    // Other times offered with a decline, where the client can take one (the host's takeOffer).
    const offers =
      told === 'declined' && deps.appointments.takeOffer
        ? (appointment.offeredTimes ?? []).map(
            (slot) => `${fmt.day(fmt.isoDay(slot.startsAt))}, ${fmt.time(slot.startsAt)}–${fmt.time(slot.endsAt)}`,
          )
        : [];
    const text = [
      t(`appointments:email.${told}.body`, words),
      ...(reason ? [t('appointments:email.reason', { reason })] : []),
      ...(offers.length ? [t('appointments:email.offers', { times: offers.join('; ') })] : []),
      t('appointments:email.open', { url }),
    ].join('\n\n');
    const invitation = { ...eventOf(workspace, appointment, url), attendee: { name: person.email, email: person.email } };
    const method = told === 'confirmed' || told === 'moved' ? 'REQUEST' : told === 'declined' ? null : 'CANCEL';
    await deps.mailer.send(
      {
        to: person.email,
        subject: t(`appointments:email.${told}.subject`, words),
        text: `${text}\n`,
        ...(method ? { calendar: { method, content: invitationIcs({ ...invitation, method }) } } : {}),
      },
      options.trx ? { trx: options.trx } : {},
    );
    return true;
  }

  return {
    tell,
    /**
     * The appointment as the file "Add to calendar" downloads (METHOD:PUBLISH, see ics.ts): the
     * invitations' UID and SEQUENCE, so a calendar that has the emailed one updates it. Only for
     * one agreed (IN_CALENDAR); the caller checks.
     */
    calendarFile(workspace: HostWorkspace, appointment: Appointment, url: string): string {
      return invitationIcs({ ...eventOf(workspace, appointment, url), method: 'PUBLISH' });
    },
    /**
     * What the agency did in the host (hostRecordChanged with kind 'appointment'), told to the
     * person who booked it: the appointment read back through the port, its status deciding the
     * email. A pending one (nothing decided) is told nothing; a cancelled one the agency called
     * off (the client's own cancelling is told by the portal's handler, never by the host).
     */
    async hostChanged(change: ParsedHostChange): Promise<boolean> {
      const entry = await deps.workspaces.byId(change.workspaceId);
      if (!entry) return false;
      const appointment = await deps.appointments.find(change.workspaceId, change.clientId, change.contactId ?? '', change.id);
      if (!appointment || appointment.status === 'pending') return false;
      const told = appointment.status === 'cancelled' ? 'cancelledByAgency' : appointment.status;
      return tell(entry.workspace, entry.settings.defaultLocale ?? null, appointment, told);
    },
  };
}

export type Invitations = ReturnType<typeof createInvitations>;
