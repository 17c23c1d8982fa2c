// The committed AUDIT_REPORT.md (kept current by committed-report.test.ts) says what the portal
// does and is sure where the reference CRM's schema says enough: online payment is Stripe, not a
// placeholder; shipments reach the client through their order and carry a carrier and tracking
// number; time entries count hours in a column whose comment says so.
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
});
