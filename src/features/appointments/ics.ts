// An appointment as an iCalendar invitation (RFC 5545, with RFC 5546's METHOD): written by hand,
// as it is small. What calendars rely on:
// - one UID per appointment for its whole life, so a move updates the event and a cancellation
//   removes it instead of adding another; SEQUENCE goes up with each revision (the host counts);
// - METHOD:REQUEST with STATUS:CONFIRMED for an invitation or its new time, METHOD:CANCEL with
//   STATUS:CANCELLED when it is called off;
// - METHOD:PUBLISH for the file a client downloads ("Add to calendar"): RFC 5546 3.2.1 makes
//   PUBLISH the method with "no interactivity" between publisher and reader, so a calendar files
//   the event without asking for a reply (REQUEST would have it offer to answer the organizer's
//   no-reply address, and some calendars file a REQUEST only from the mail that carried it).
//   PUBLISH has no ATTENDEE (3.2.1: "MUST NOT" be present); its UID and SEQUENCE are the
//   invitations', so importing it over an emailed invitation updates that event, not a second one;
// - times in UTC (DTSTART:20270406T080000Z, form #2 of RFC 5545 3.3.5), so no VTIMEZONE is needed
//   and every calendar shows them in its reader's zone;
// - TEXT values escaped (backslash, semicolon, comma, line breaks: 3.3.11), parameter values
//   quoted without double quotes in them (3.2), lines ending CRLF and folded at 75 octets without
//   splitting a UTF-8 character (3.1).

/** The event itself, whichever way it travels: an email's invitation or a downloaded file. */
export interface CalendarEvent {
  uid: string;
  sequence: number;
  startsAt: Date;
  endsAt: Date;
  /** When this revision was written (DTSTAMP). */
  stamp: Date;
  summary: string;
  description: string;
  url?: string;
  organizer: { name: string; email: string };
}

/** An invitation or its cancellation goes to an attendee; a published event names none. */
export type Invitation = CalendarEvent &
  ({ method: 'REQUEST' | 'CANCEL'; attendee: { name: string; email: string } } | { method: 'PUBLISH' });

const OCTETS_PER_LINE = 75;

/** A UTC date-time as iCalendar writes it: 20270406T080000Z. */
export function icsDateTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** A TEXT value: backslash, semicolon and comma escaped, each line break as \n. */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value (CN): quoted, without the double quotes and control characters a quoted value may not hold. */
function paramValue(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  return `"${text.replace(/["\u0000-\u001f\u007f]/g, '')}"`;
}

/** A content line folded at 75 octets: CRLF and a space before each continuation, never inside a character. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // A continuation line starts with the space, which counts toward its 75.
    const limit = parts.length === 0 ? OCTETS_PER_LINE : OCTETS_PER_LINE - 1;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

export function invitationIcs(invitation: Invitation): string {
  const cancel = invitation.method === 'CANCEL';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Client portal//Appointments//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${invitation.method}`,
    'BEGIN:VEVENT',
    `UID:${invitation.uid}`,
    `SEQUENCE:${invitation.sequence}`,
    `DTSTAMP:${icsDateTime(invitation.stamp)}`,
    `DTSTART:${icsDateTime(invitation.startsAt)}`,
    `DTEND:${icsDateTime(invitation.endsAt)}`,
    `SUMMARY:${escapeText(invitation.summary)}`,
    `DESCRIPTION:${escapeText(invitation.description)}`,
    ...(invitation.url ? [`URL:${invitation.url}`] : []),
    `ORGANIZER;CN=${paramValue(invitation.organizer.name)}:mailto:${invitation.organizer.email}`,
    ...(invitation.method === 'PUBLISH'
      ? []
      : [
          `ATTENDEE;CN=${paramValue(invitation.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=${cancel ? 'DECLINED' : 'ACCEPTED'}:mailto:${invitation.attendee.email}`,
        ]),
    `STATUS:${cancel ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
