// The committed AUDIT_REPORT.md (kept current by committed-report.test.ts) says what the portal
// does and is sure where the reference CRM's schema says enough: online payment is Stripe, not a
// placeholder; shipments reach the client through their order and carry a carrier and tracking
// number; time entries count hours in a column whose comment says so; appointments are asked for
// and then confirmed in one table; and the portal keeps no calendar, catalogue or articles it lacks.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';

const report = readFileSync(new URL('../../AUDIT_REPORT.md', import.meta.url), 'utf8');
const row = (label: string) => report.split('\n').find((line) => line.startsWith(`| ${label} |`)) ?? '';

describe('audit: the committed report on the reference CRM', () => {
  it('speaks of online payment as the portal takes it, never of a placeholder', () => {
    expect(report).not.to.match(/placeholder/i);
    expect(report).to.include('through Stripe');
  });

  it('is sure of the shipments and time entries the reference CRM keeps', () => {
    expect(row('Shipments (deliveries)')).to.match(/^\| Shipments \(deliveries\) \| exists \| `public\.shipments` \|/);
    expect(row('Time worked for a client (time entries, interventions)')).to.include('| exists | `public.time_entries` |');
  });

  it('is sure of every pick on the CRM the project ships', () => {
    expect(report.split('\n')[2]).to.match(/^\*\*Sureness: high\. (\d+) of \1 picks are sure\.\*\*$/);
    expect(report).not.to.match(/\| unsure \||^Unsure:/m);
    expect(row('Appointment requests')).to.match(/^\| Appointment requests \| exists \| `public\.appointments` \| 0\.\d\d \| keep \|$/);
    expect(row('Booked appointments (calendar events)')).to.include('| exists | `public.appointments` |');
  });

  it('never says the portal keeps appointments, articles or surveys it does not keep', () => {
    expect(report).not.to.match(/keeps its own (requests|articles|templates)|portal's own (bookings|knowledge base|appointment requests)/);
  });
});
