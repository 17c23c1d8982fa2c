// The invitation's iCalendar text, as RFC 5545 writes it: CRLF line ends, lines folded at 75
// octets without splitting a character (and unfolding back to the text), TEXT values escaped,
// times in UTC, the method and status that go together, a stable UID and the given SEQUENCE.
import { expect } from 'chai';
import { escapeText, foldLine, icsDateTime, invitationIcs } from '../ics.ts';

const unfold = (ics: string) => ics.replace(/\r\n /g, '');

describe('appointment invitations (iCalendar)', function () {
  const base = {
    uid: 'appointment-1-42@portal.example',
    sequence: 3,
    startsAt: new Date('2027-04-06T08:00:00Z'),
    endsAt: new Date('2027-04-06T08:30:00Z'),
    stamp: new Date('2027-04-01T12:34:56.789Z'),
    summary: 'Beratung · Müller, Schmidt; Partner',
    description: 'Zeile eins\nZeile zwei, mit Komma; und \\ Schrägstrich',
    url: 'https://portal.example/portal/demo/appointments/42',
    organizer: { name: 'Agentur "Nord"', email: 'no-reply@portal.example' },
    attendee: { name: 'maria@northwind.test', email: 'maria@northwind.test' },
  };

  it('writes a request with CRLF lines, UTC times, the UID and the sequence', function () {
    const ics = invitationIcs({ ...base, method: 'REQUEST' });
    expect(ics.endsWith('\r\n')).to.equal(true);
    expect(ics.replace(/\r\n/g, '')).to.not.contain('\n');
    const lines = unfold(ics).split('\r\n');
    expect(lines[0]).to.equal('BEGIN:VCALENDAR');
    expect(lines).to.include.members([
      'METHOD:REQUEST',
      'UID:appointment-1-42@portal.example',
      'SEQUENCE:3',
      'DTSTART:20270406T080000Z',
      'DTEND:20270406T083000Z',
      'DTSTAMP:20270401T123456Z',
      'STATUS:CONFIRMED',
      'SUMMARY:Beratung · Müller\\, Schmidt\\; Partner',
      'DESCRIPTION:Zeile eins\\nZeile zwei\\, mit Komma\\; und \\\\ Schrägstrich',
      'END:VCALENDAR',
    ]);
    // A parameter value is quoted, without the double quotes it may not hold.
    expect(lines).to.include('ORGANIZER;CN="Agentur Nord":mailto:no-reply@portal.example');
    expect(lines.indexOf('BEGIN:VEVENT')).to.be.greaterThan(lines.indexOf('METHOD:REQUEST'));
  });

  it('writes a cancellation with its own method and status', function () {
    const lines = unfold(invitationIcs({ ...base, method: 'CANCEL' })).split('\r\n');
    expect(lines).to.include.members(['METHOD:CANCEL', 'STATUS:CANCELLED', 'UID:appointment-1-42@portal.example', 'SEQUENCE:3']);
    expect(lines).to.not.include('STATUS:CONFIRMED');
  });

  it('publishes a download without an attendee, with the invitation’s UID and sequence', function () {
    const { attendee: _attendee, ...event } = base;
    const lines = unfold(invitationIcs({ ...event, method: 'PUBLISH' })).split('\r\n');
    expect(lines).to.include.members(['METHOD:PUBLISH', 'STATUS:CONFIRMED', 'UID:appointment-1-42@portal.example', 'SEQUENCE:3']);
    expect(lines.filter((line) => line.startsWith('ATTENDEE'))).to.deep.equal([]);
    expect(lines.filter((line) => line.startsWith('ORGANIZER'))).to.have.length(1);
  });

  it('folds long lines at 75 octets, never inside a character, and unfolds to the same text', function () {
    const long = `DESCRIPTION:${escapeText('Über die Grüße hinaus: '.repeat(12))}`;
    const folded = foldLine(long);
    const physical = folded.split('\r\n');
    expect(physical.length).to.be.greaterThan(3);
    for (const line of physical) expect(Buffer.byteLength(line, 'utf8')).to.be.at.most(75);
    for (const line of physical.slice(1)) expect(line.startsWith(' ')).to.equal(true);
    // No replacement character: each piece is whole UTF-8 on its own.
    for (const line of physical) expect(Buffer.from(line, 'utf8').toString('utf8')).to.not.contain('\uFFFD');
    expect(folded.replace(/\r\n /g, '')).to.equal(long);
    expect(foldLine('SEQUENCE:1')).to.equal('SEQUENCE:1');
  });

  it('writes times in UTC whatever the zone they were chosen in', function () {
    expect(icsDateTime(new Date('2027-10-31T00:30:00+02:00'))).to.equal('20271030T223000Z');
  });
});
