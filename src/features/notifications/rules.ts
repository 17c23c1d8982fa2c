// Which client actions notify the agency's staff, and how: the one table to change. Every event
// here shows in the staff notifications list (with its unread count in the CRM header); `email`
// says whether the workspace's admins also get an email right away ('immediate', for decisions
// and payments) or in the digest sent at most every DIGEST_MINUTES ('digest', for comments and
// views). Events not listed stay in the activity log only: a payment started is one of them, since
// the payment it leads to is its own item (one payment, one unread item).
import type { ActivityEvent } from '../../core/index.ts';

export type EmailChannel = 'immediate' | 'digest';

export const DIGEST_MINUTES = 15;

export const NOTIFICATION_RULES: Partial<Record<ActivityEvent, { email: EmailChannel | null; subject: string }>> = {
  'offer.accepted': { email: 'immediate', subject: 'A client accepted' },
  'offer.declined': { email: 'immediate', subject: 'A client declined' },
  'invoice.payment_recorded': { email: 'immediate', subject: 'Payment received' },
  'invoice.payment_reported': { email: 'immediate', subject: 'A client reports paying by bank transfer' },
  // A delayed method (SEPA debit) the client thought done came back refused: the invoice is still
  // open, and the agency may need to ask again. A checkout given up on stays in the log only.
  'invoice.payment_failed': { email: 'immediate', subject: 'A client’s online payment failed' },
  // Money taken that the invoice could not take (a second checkout paid, the invoice paid or voided
  // meanwhile): the agency applies it in the CRM or refunds it, and the client is waiting.
  'invoice.payment_unapplied': { email: 'immediate', subject: 'Money received that could not be applied to an invoice' },
  'comment.added': { email: 'digest', subject: 'New comment' },
  'offer.viewed': { email: 'digest', subject: 'Viewed' },
  'invoice.viewed': { email: 'digest', subject: 'Viewed' },
  'public_link.opened': { email: 'digest', subject: 'Opened a public link' },
  'document.uploaded': { email: 'digest', subject: 'A client uploaded a document' },
  'task.completed': { email: 'digest', subject: 'A client marked a task done' },
  'task.reopened': { email: 'digest', subject: 'A client reopened a task' },
  // A client waits on the agency for a new ticket and for an answer to their reply.
  'ticket.opened': { email: 'immediate', subject: 'A client opened a support ticket' },
  'ticket.replied': { email: 'immediate', subject: 'A client replied on a support ticket' },
  'ticket.closed': { email: 'digest', subject: 'A client closed a support ticket' },
  'ticket.reopened': { email: 'immediate', subject: 'A client reopened a support ticket' },
  'ticket.rated': { email: 'digest', subject: 'A client rated a support ticket' },
  // A client admin managing their colleagues: who can see the agency's records changes.
  'team.invited': { email: 'digest', subject: 'A client admin invited a colleague' },
  'team.role_changed': { email: 'immediate', subject: 'A client admin changed a colleague’s role' },
  'team.disabled': { email: 'immediate', subject: 'A client admin disabled a colleague' },
  'team.colleague_requested': { email: 'immediate', subject: 'A client admin asks you to add a colleague' },
  // A person's own data: an erasure request waits for the agency's decision (a month at most in law).
  'privacy.erasure_requested': { email: 'immediate', subject: 'A client asks for their data to be erased' },
  'privacy.erasure_withdrawn': { email: null, subject: 'A client withdrew their erasure request' },
  'privacy.export_requested': { email: null, subject: 'A client asked for a copy of their data' },
};

export function eventsFor(channel: EmailChannel | 'in_app'): ActivityEvent[] {
  return (Object.entries(NOTIFICATION_RULES) as Array<[ActivityEvent, { email: EmailChannel | null }]>)
    .filter(([, rule]) => channel === 'in_app' || rule.email === channel)
    .map(([event]) => event);
}
