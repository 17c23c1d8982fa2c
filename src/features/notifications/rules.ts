// Which client actions notify the agency's staff, and how: the one table to change. Every event
// here shows in the staff notifications list (with its unread count in the CRM header); `email`
// says whether the workspace's admins also get an email right away ('immediate', for decisions
// and payments) or in the digest sent at most every DIGEST_MINUTES ('digest', for comments and
// views). Events not listed stay in the activity log only: a payment started is one of them, since
// the payment it leads to is its own item (one payment, one unread item).
import type { ActivityEvent } from '../../core/index.ts';

export type EmailChannel = 'immediate' | 'digest';

export const DIGEST_MINUTES = 15;

// An immediate email's subject is the event's, in the recipient's language (notifications:emailSubjects).
export const NOTIFICATION_RULES: Partial<Record<ActivityEvent, { email: EmailChannel | null }>> = {
  'offer.accepted': { email: 'immediate' },
  'offer.declined': { email: 'immediate' },
  'invoice.payment_recorded': { email: 'immediate' },
  'invoice.payment_reported': { email: 'immediate' },
  // A delayed method (SEPA debit) the client thought done came back refused: the invoice is still
  // open, and the agency may need to ask again. A checkout given up on stays in the log only.
  'invoice.payment_failed': { email: 'immediate' },
  // Money taken that the invoice could not take (a second checkout paid, the invoice paid or voided
  // meanwhile): the agency applies it in the CRM or refunds it, and the client is waiting.
  'invoice.payment_unapplied': { email: 'immediate' },
  // Paid with no step by the client: the agency reads it as it reads any payment.
  'invoice.autopay_paid': { email: 'immediate' },
  // The invoice stays open and the client was told at once; the agency may need to call.
  'invoice.autopay_failed': { email: 'immediate' },
  'autopay.switched_on': { email: 'digest' },
  'autopay.switched_off': { email: 'digest' },
  'comment.added': { email: 'digest' },
  'offer.viewed': { email: 'digest' },
  'invoice.viewed': { email: 'digest' },
  'public_link.opened': { email: 'digest' },
  'document.uploaded': { email: 'digest' },
  'task.completed': { email: 'digest' },
  'task.reopened': { email: 'digest' },
  // A client waits on the agency for a new ticket and for an answer to their reply.
  'ticket.opened': { email: 'immediate' },
  'ticket.replied': { email: 'immediate' },
  'ticket.closed': { email: 'digest' },
  'ticket.reopened': { email: 'immediate' },
  'ticket.rated': { email: 'digest' },
  // A request waits on the agency's answer, as a new ticket does.
  'request.submitted': { email: 'immediate' },
  // A request waits on the agency's answer; a cancellation frees time the agency planned for.
  'appointment.requested': { email: 'immediate' },
  'appointment.cancelled': { email: 'immediate' },
  'appointment.rescheduled': { email: 'immediate' },
  // The agency waits on a decision before it goes on: either answer is news at once.
  'approval.approved': { email: 'immediate' },
  'approval.changes_requested': { email: 'immediate' },
  // The address, billing email or tax id the agency invoices to changed: its CRM record now says so.
  'company.details_changed': { email: 'immediate' },
  // A new draft order waits on the agency to validate it.
  'order.reordered': { email: 'immediate' },
  // A client waits on the agency's answer to an ask for more hours; one withdrawn needs none.
  'contract.hours_requested': { email: 'immediate' },
  'contract.hours_withdrawn': { email: null },
  // A client admin managing their colleagues: who can see the agency's records changes.
  'team.invited': { email: 'digest' },
  'team.role_changed': { email: 'immediate' },
  'team.disabled': { email: 'immediate' },
  'team.colleague_requested': { email: 'immediate' },
  // A person's own data: an erasure request waits for the agency's decision (a month at most in law).
  'privacy.erasure_requested': { email: 'immediate' },
  'privacy.erasure_withdrawn': { email: null },
  'privacy.export_requested': { email: null },
};

export function eventsFor(channel: EmailChannel | 'in_app'): ActivityEvent[] {
  return (Object.entries(NOTIFICATION_RULES) as Array<[ActivityEvent, { email: EmailChannel | null }]>)
    .filter(([, rule]) => channel === 'in_app' || rule.email === channel)
    .map(([event]) => event);
}
