// The host port of appointments clients book (AppointmentsPort): what the portal needs from the host
// CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host binding implements
// it; the declaration at the end adds it to HostAdapter, so the core names no feature.
import type { HostId, HostWrite, Page, PageRequest } from '../../core/index.ts';

/** A time a client may book: free in the agency's hours, far enough ahead (offeredSlots works them out, slots.ts). */
export interface AppointmentSlot {
  startsAt: Date;
  endsAt: Date;
}

/** Where an appointment stands: asked for, agreed, refused by the agency, agreed at a new time, called off. */
export type AppointmentStatus = 'pending' | 'confirmed' | 'declined' | 'moved' | 'cancelled';

/** What a client may book time for, and for how long. */
export interface AppointmentService {
  id: HostId;
  name: string;
  minutes: number;
}

export interface Appointment {
  id: HostId;
  serviceId: HostId;
  serviceName: string;
  /** The client's person who asked for it; null when the agency booked it or the contact is gone. */
  contactId: HostId | null;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  note: string;
  /** The client's IANA zone when they asked: the invitation's and the emails'. */
  timeZone: string;
  /** Optional: why the agency declined it, where it did and the host keeps its words; null or absent otherwise. */
  declineReason?: string | null;
  /**
   * Optional: why the agency called off one it had confirmed or moved, where it did and the host
   * keeps its words; null or absent otherwise (the client cancelled it, or the host keeps none).
   */
  cancelReason?: string | null;
  /**
   * Optional: with a declined one, the other times the agency offered instead, soonest first,
   * until the client takes one (AppointmentsPort.takeOffer); absent where the host keeps none.
   */
  offeredTimes?: AppointmentSlot[];
  /** The invitation's revision (iCalendar SEQUENCE): up on each move. */
  sequence: number;
  requestedAt: Date;
}

export interface NewAppointment {
  serviceId: HostId;
  startsAt: Date;
  note: string;
  timeZone: string;
}

/**
 * Why a host does not book a time: another booking holds it now ('taken', refused in the
 * database, so two clients asking at once never both get it), or it is not a time the agency
 * offers for that service ('unavailable').
 */
export interface AppointmentRefusal {
  refused: 'taken' | 'unavailable';
}

/**
 * Why a host does not book a time the agency offered: another booking holds it now ('taken'), or
 * the offer is no longer there to take ('stale': one of the times was taken already, in another
 * tab or by a colleague, or the agency withdrew them).
 */
export interface OfferRefusal {
  refused: 'taken' | 'stale';
}

/**
 * Why a host does not move an appointment to the time a client asked for: another booking holds
 * it ('taken'), it is not a time the agency offers ('unavailable'), or the appointment changed
 * since the client read it (`changed`: another reschedule, or the agency's answer, came first).
 */
export interface RescheduleRefusal {
  refused: 'taken' | 'unavailable' | 'changed';
}

/**
 * Appointments a client books with the agency, as the host keeps them: every query scoped by
 * workspace and client (another company's appointment is not found). The agency confirms,
 * declines, moves or calls them off in the host's own screens and tells the portal
 * (hostRecordChanged, or its news port): those writes are the host's, so the port has none of them.
 */
export interface AppointmentsPort {
  /**
   * The services this client may book, in the host's order (a host may offer some only under a
   * contract). Optional `languages`, the reader's in order: a host that names its services in
   * several gives the first of them it has, else the service's own name.
   */
  services(workspaceId: HostId, clientId: HostId, languages?: readonly string[]): Promise<AppointmentService[]>;
  /** Free times for the service starting in [from, to), soonest first; null when the service is not the host's. */
  freeSlots(workspaceId: HostId, serviceId: HostId, from: Date, to: Date, now: Date): Promise<AppointmentSlot[] | null>;
  /**
   * Coming up (ends after now, soonest first) or past (latest first). Optional `languages`, as
   * services(): the service's name in the reader's language where the host keeps one.
   */
  list(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    when: 'upcoming' | 'past',
    now: Date,
    page: PageRequest,
    languages?: readonly string[],
  ): Promise<Page<Appointment>>;
  /** `languages` as list(). */
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId, languages?: readonly string[]): Promise<Appointment | null>;
  /** Null when the client or contact is not the workspace's. */
  request(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    wanted: NewAppointment,
    now: Date,
    write?: HostWrite,
  ): Promise<Appointment | AppointmentRefusal | null>;
  /** The client calls it off; null when it is not the client's or no longer standing. */
  cancel(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId, write?: HostWrite): Promise<Appointment | null>;
  /**
   * Optional, where the host keeps the times offered with a decline (Appointment.offeredTimes):
   * books the offered time starting at `startsAt` for the contact, as `request` books one (a new
   * appointment waiting for the agency), and takes every offer of the declined request away, so
   * an offer is taken once. Null when the declined request is not the client's.
   */
  takeOffer?(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    id: HostId,
    startsAt: Date,
    now: Date,
    write?: HostWrite,
  ): Promise<Appointment | OfferRefusal | null>;
  /**
   * Optional: the client asks for another time for a pending or confirmed appointment still to
   * come, as the host's own screens record a move request. `sequence` is the revision the client
   * read (Appointment.sequence): where it has changed since, nothing is moved ('changed'), so of
   * two reschedules at once one wins. Null when it is not the client's or no longer standing.
   */
  reschedule?(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    id: HostId,
    wanted: { startsAt: Date; sequence: number },
    now: Date,
    write?: HostWrite,
  ): Promise<Appointment | RescheduleRefusal | null>;
  /**
   * Optional: the appointment's page on the agency's side, as TicketsPort.staffPageOf: staff
   * notifications of the client's acts on it link there. Null when the host has none to give.
   */
  staffPageOf?(id: HostId): string | null;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Appointments clients book with the agency; without it the appointments section does not exist. */
    appointments?: AppointmentsPort;
  }
}
