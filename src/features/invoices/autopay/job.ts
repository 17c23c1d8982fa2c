// Autopay: every few minutes, each company with autopay on has its open invoices charged to its
// default method once their issue or due date (the company's choice) has come, counting only
// invoices dated from the day it accepted the consent (an older unpaid invoice is not charged by surprise).
//   one charge at a time per invoice: an attempt is a client_autopay_charges row (unique per invoice
//     and attempt) and a client_payments checkout of origin 'autopay', written under the invoice's
//     checkout lock, so a client paying it by hand and an autopay charge exclude each other; a
//     charge in flight blocks a second. Its id is the idempotency key the provider sees: a charge
//     whose answer was lost is asked again with the same key after IN_FLIGHT_MS, and charged once.
//   succeeded: recorded through the payment service exactly as a provider's callback is (the host
//     writes it as the client's own online payment, `invoice.autopay_paid`); the provider's later
//     event for the same charge finds it recorded and changes nothing.
//   processing (a SEPA debit): the provider's later event records it, or refuses it; a refused one
//     counts as a failure here.
//   SEPA debits: announced first (an email with the amount, the day and the mandate, sepaNoticeDays
//     ahead, once per invoice and amount), and made on or after the day the notice names.
//   failed: the checkout closed, `invoice.autopay_failed` (the agency is told at once), the person
//     who switched autopay on gets an email with one step to fix it, and the next attempt waits for
//     the agency's retry days; after the last, none.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  addDays,
  type FeatureFlags,
  formattersFor,
  insertActivity,
  isLocale,
  onePassAtATime,
  type Mailer,
  PORTAL_FLAG,
  type PortalLinks,
  type PortalLogger,
  type WorkspaceCache,
} from '../../../core/index.ts';
import { emailLocale } from '../../account/index.ts';
import type { InvoiceSummary, InvoicesPort } from '../port.ts';
import {
  completeClientPayment,
  findPaymentSettings,
  insertClientPayment,
  lockInvoiceCheckouts,
  type PaymentSettings,
  pendingCheckouts,
} from '../payments/queries.ts';
import type { PaymentService } from '../payments/service.ts';
import type { PaymentMethodsService } from '../payment-methods/service.ts';
import { defaultMethodOf, type PaymentMethodRow } from '../payment-methods/queries.ts';
import { autopayFailedEmail, sepaNoticeEmail } from './emails.ts';
import {
  type ChargeRow,
  claimNotice,
  consentingPerson,
  type EnrolledClient,
  enrolledClients,
  insertCharge,
  latestCharges,
  noticesOf,
  settleCharge,
} from './queries.ts';

/** How often the job looks: an invoice due today is charged within this (plus the pass's own time). */
export const AUTOPAY_EVERY_MS = 5 * 60_000;
/** A charge whose answer never came (the process stopped, the network failed) is asked again after this. */
const IN_FLIGHT_MS = 10 * 60_000;
const ENROLLED_PAGE = 200;
/** Open invoices read per company and pass: a company with more is charged over several passes. */
const INVOICES_PER_PASS = 50;
const DAY_MS = 86_400_000;
const NO_REQUEST = { ip: null, userAgent: 'autopay' };

export interface AutopayDeps {
  db: Knex;
  invoices: InvoicesPort;
  payments: Pick<PaymentService, 'applyChargeAnswer' | 'provider'>;
  methods: Pick<PaymentMethodsService, 'savingProvider'>;
  workspaces: Pick<WorkspaceCache, 'byId'>;
  flags: FeatureFlags;
  mailer: Mailer;
  portalLinks: PortalLinks;
  now: () => Date;
  logger: PortalLogger;
}

type Workspace = NonNullable<Awaited<ReturnType<WorkspaceCache['byId']>>>;

export function createAutopay(deps: AutopayDeps) {
  const { db, now } = deps;

  /** The day an invoice is charged on, for this company's choice. */
  const chargeDay = (invoice: InvoiceSummary, chargeOn: 'issue' | 'due') =>
    chargeOn === 'due' ? (invoice.dueDate ?? invoice.issueDate) : invoice.issueDate;

  /** Whether this invoice's latest charge lets a new attempt start now; 'again' repeats a lost one with its key. */
  function nextStep(last: ChargeRow | undefined, at: Date): 'new' | 'again' | 'wait' {
    if (!last) return 'new';
    if (last.status === 'succeeded') return 'wait';
    // A debit still on its way; one the bank refused is recorded as failed first (below).
    if (last.status === 'processing') return 'wait';
    if (last.status === 'in_flight') return at.getTime() - new Date(last.attempted_at).getTime() > IN_FLIGHT_MS ? 'again' : 'wait';
    return last.next_attempt_at && new Date(last.next_attempt_at) <= at ? 'new' : 'wait';
  }

  async function chargeClient(entry: Workspace, enrolled: EnrolledClient, payment: PaymentSettings, at: Date): Promise<number> {
    const workspaceId = entry.workspace.id;
    const scope = { workspaceId, clientId: enrolled.client_id };
    const method = await defaultMethodOf(db, scope);
    const provider = method ? deps.payments.provider(method.provider) : null;
    if (!method || !provider?.chargeSaved) return 0;
    const today = formattersFor('en', entry.settings.defaultTimeZone ?? 'UTC').isoDay(at);
    const since = formattersFor('en', entry.settings.defaultTimeZone ?? 'UTC').isoDay(new Date(enrolled.accepted_at));
    // A SEPA debit is announced sepaNoticeDays ahead: its invoice is looked at that much earlier.
    const sepa = method.kind === 'sepa_debit';
    const noticeDays = sepa ? payment.sepaNoticeDays : 0;
    const open = (
      await deps.invoices.list(workspaceId, enrolled.client_id, { status: ['open'] }, { limit: INVOICES_PER_PASS })
    ).items.filter((invoice) => {
      const day = chargeDay(invoice, enrolled.charge_on);
      return invoice.balanceCents > 0 && addDays(day, -noticeDays) <= today && day >= since && (!sepa || invoice.currency === 'EUR');
    });
    const invoiceIds = open.map((invoice) => invoice.id);
    const [charges, notices] = await Promise.all([
      latestCharges(db, { ...scope, invoiceIds }),
      sepa ? noticesOf(db, { ...scope, invoiceIds }) : Promise.resolve([]),
    ]);
    const latest = new Map(charges.map((row) => [row.invoice_id, row]));
    let charged = 0;
    for (const invoice of open) {
      const last = latest.get(invoice.id);
      if (last?.status === 'processing' && last.payment_status === 'refused') {
        const attempt = {
          id: last.id,
          attempt: last.attempt,
          checkoutId: last.checkout_id,
          amountCents: Number(last.amount_cents),
          currency: last.currency,
        };
        const failure = { code: 'debit_refused', reason: 'The bank refused the direct debit.', closeCheckout: false };
        await recordFailure(entry, enrolled, invoice, attempt, failure, payment.autopayRetryDays);
        continue;
      }
      const step = nextStep(last, at);
      if (step === 'wait') continue;
      if (sepa && step === 'new') {
        // No debit without its notice for this amount, and none before the day the notice names.
        const notice = notices.find((row) => row.invoice_id === invoice.id && Number(row.amount_cents) === invoice.balanceCents);
        if (!notice) {
          const day = chargeDay(invoice, enrolled.charge_on);
          const earliest = addDays(today, noticeDays);
          // The later of the two ISO days (they sort as they fall).
          const debitOn = [day, earliest].sort()[1]!;
          await announce(entry, enrolled, method, invoice, debitOn, at);
          continue;
        }
        if (notice.debit_on > today) continue;
      }
      const attempt = step === 'again' && last ? await repeat(last) : await begin(invoice, (last?.attempt ?? 0) + 1);
      if (!attempt) continue;
      charged += 1;
      await charge(entry, enrolled, method, invoice, attempt, payment.autopayRetryDays);
    }
    return charged;

    async function repeat(last: ChargeRow) {
      return {
        id: last.id,
        attempt: last.attempt,
        checkoutId: last.checkout_id,
        amountCents: Number(last.amount_cents),
        currency: last.currency,
      };
    }

    /** A new attempt, written under the invoice's checkout lock; null when a checkout is already open (the client paying, another instance). */
    async function begin(invoice: InvoiceSummary, attempt: number) {
      const id = randomUUID();
      const checkoutId = randomUUID();
      const started = await db.transaction(async (trx) => {
        await lockInvoiceCheckouts(trx, { workspaceId, invoiceIds: [invoice.id] });
        if ((await pendingCheckouts(trx, { ...scope, invoiceIds: [invoice.id] })).length > 0) return false;
        if (
          !(await insertCharge(trx, {
            ...scope,
            id,
            invoiceId: invoice.id,
            invoiceNumber: invoice.number,
            attempt,
            paymentMethodId: method!.id,
            checkoutId,
            amountCents: invoice.balanceCents,
            currency: invoice.currency,
            at,
          }))
        )
          return false;
        await insertClientPayment(trx, {
          id: checkoutId,
          workspaceId,
          clientId: enrolled.client_id,
          clientUserId: enrolled.accepted_by_client_user_id,
          invoiceId: invoice.id,
          invoiceNumber: invoice.number,
          provider: method!.provider,
          amountCents: invoice.balanceCents,
          currency: invoice.currency,
          origin: 'autopay',
        });
        return true;
      });
      return started ? { id, attempt, checkoutId, amountCents: invoice.balanceCents, currency: invoice.currency } : null;
    }
  }

  /** The advance notice of a SEPA debit, emailed once per invoice and amount to the person who accepted autopay. */
  async function announce(
    entry: Workspace,
    enrolled: EnrolledClient,
    method: PaymentMethodRow,
    invoice: InvoiceSummary,
    debitOn: string,
    at: Date,
  ) {
    const workspaceId = entry.workspace.id;
    const person = await consentingPerson(db, { workspaceId, clientUserId: enrolled.accepted_by_client_user_id });
    const base = await deps.portalLinks.baseOf(entry.workspace);
    const fallback = isLocale(entry.settings.defaultLocale) ? entry.settings.defaultLocale : null;
    await db.transaction(async (trx) => {
      const fresh = await claimNotice(trx, {
        workspaceId,
        clientId: enrolled.client_id,
        invoiceId: invoice.id,
        amountCents: invoice.balanceCents,
        currency: invoice.currency,
        paymentMethodId: method.id,
        debitOn,
        at,
      });
      if (!fresh || person?.status !== 'active') return;
      await deps.mailer.send(
        sepaNoticeEmail({
          to: person.email,
          workspace: entry.workspace,
          invoiceNumber: invoice.number,
          amountCents: invoice.balanceCents,
          currency: invoice.currency,
          debitOn,
          mandateReference: method.mandate_reference,
          last4: method.last4,
          methodsUrl: `${base}/payment-methods`,
          locale: emailLocale(person.locale, fallback),
        }),
        { trx },
      );
    });
  }

  async function charge(
    entry: Workspace,
    enrolled: EnrolledClient,
    method: PaymentMethodRow,
    invoice: InvoiceSummary,
    attempt: { id: string; attempt: number; checkoutId: string; amountCents: number; currency: string },
    retryDays: number[],
  ): Promise<void> {
    const workspaceId = entry.workspace.id;
    const provider = deps.payments.provider(method.provider)!;
    let answer: Awaited<ReturnType<NonNullable<typeof provider.chargeSaved>>>;
    try {
      answer = await provider.chargeSaved!({
        paymentId: attempt.checkoutId,
        workspaceId,
        customerId: method.customer_id,
        providerMethodId: method.provider_method_id,
        amountCents: attempt.amountCents,
        currency: attempt.currency,
        description: `${entry.workspace.name} ${invoice.number}`,
        idempotencyKey: `portal-autopay-${attempt.id}`,
      });
    } catch (err) {
      // Unknown whether the money moved: the same attempt is asked again later with the same key.
      deps.logger.error(`autopay charge ${attempt.id} of invoice ${invoice.number} got no answer from ${provider.id}`, err);
      return;
    }
    if (answer.outcome === 'succeeded') {
      await deps.payments.applyChargeAnswer(
        workspaceId,
        provider.id,
        {
          idempotencyKey: `autopay:${attempt.id}`,
          paymentId: attempt.checkoutId,
          outcome: 'succeeded',
          amountCents: attempt.amountCents,
          currency: attempt.currency,
          reference: answer.reference,
          paidAt: answer.paidAt,
        },
        NO_REQUEST,
      );
      await settleCharge(db, { workspaceId, id: attempt.id, status: 'succeeded' });
      return;
    }
    if (answer.outcome === 'processing') {
      await settleCharge(db, { workspaceId, id: attempt.id, status: 'processing' });
      return;
    }
    await recordFailure(entry, enrolled, invoice, attempt, { code: answer.code, reason: answer.reason, closeCheckout: true }, retryDays);
  }

  /**
   * A charge that failed: refused at once (a card), or a debit the bank refused days later (the
   * provider's event already closed its checkout). The next attempt waits for the agency's retry
   * days, counted from now; the agency is told (`invoice.autopay_failed`) and the person who
   * switched autopay on gets the email with the one step to fix it.
   */
  async function recordFailure(
    entry: Workspace,
    enrolled: EnrolledClient,
    invoice: Pick<InvoiceSummary, 'id' | 'number'>,
    attempt: { id: string; attempt: number; checkoutId: string; amountCents: number; currency: string },
    failure: { code: string | null; reason: string; closeCheckout: boolean },
    retryDays: number[],
  ): Promise<void> {
    const workspaceId = entry.workspace.id;
    const retryIn = retryDays[attempt.attempt - 1];
    const nextAttemptAt = retryIn ? new Date(now().getTime() + retryIn * DAY_MS) : null;
    const person = await consentingPerson(db, { workspaceId, clientUserId: enrolled.accepted_by_client_user_id });
    const base = await deps.portalLinks.baseOf(entry.workspace);
    await db.transaction(async (trx) => {
      await settleCharge(trx, {
        workspaceId,
        id: attempt.id,
        status: 'failed',
        failureCode: failure.code,
        failureReason: failure.reason,
        nextAttemptAt,
      });
      if (failure.closeCheckout)
        await completeClientPayment(trx, { workspaceId, paymentId: attempt.checkoutId, status: 'refused', hostPaymentId: null, at: now() });
      await insertActivity(trx, {
        workspaceId,
        event: 'invoice.autopay_failed',
        clientUserId: enrolled.accepted_by_client_user_id,
        clientId: enrolled.client_id,
        details: {
          invoiceId: invoice.id,
          invoiceNumber: invoice.number,
          amountCents: attempt.amountCents,
          currency: attempt.currency,
          paymentId: attempt.checkoutId,
          attempt: attempt.attempt,
          code: failure.code,
          reason: failure.reason,
          nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
        },
        ...NO_REQUEST,
      });
      if (person?.status === 'active') {
        const fallback = isLocale(entry.settings.defaultLocale) ? entry.settings.defaultLocale : null;
        await deps.mailer.send(
          autopayFailedEmail({
            to: person.email,
            workspace: entry.workspace,
            invoiceNumber: invoice.number,
            amountCents: attempt.amountCents,
            currency: attempt.currency,
            nextAttemptAt,
            payUrl: `${base}/invoices/${encodeURIComponent(invoice.id)}/pay`,
            methodsUrl: `${base}/payment-methods`,
            locale: emailLocale(person.locale, fallback),
            timeZone: entry.settings.defaultTimeZone ?? 'UTC',
          }),
          { trx },
        );
      }
    });
  }

  /** One pass over every company with autopay on; answers how many charges were made. */
  async function run(): Promise<number> {
    const at = now();
    let charged = 0;
    let after: { workspaceId: string; clientId: string } | null = null;
    const workspaceState = new Map<string, { entry: Workspace; payment: PaymentSettings } | null>();
    for (;;) {
      const page = await enrolledClients(db, after, ENROLLED_PAGE);
      for (const enrolled of page) {
        if (!workspaceState.has(enrolled.workspace_id))
          workspaceState.set(enrolled.workspace_id, await workspaceReady(enrolled.workspace_id));
        const state = workspaceState.get(enrolled.workspace_id);
        if (!state) continue;
        try {
          charged += await chargeClient(state.entry, enrolled, state.payment, at);
        } catch (err) {
          deps.logger.error(`autopay for client ${enrolled.client_id} of workspace ${enrolled.workspace_id} failed`, err);
        }
      }
      if (page.length < ENROLLED_PAGE) return charged;
      const last = page[page.length - 1]!;
      after = { workspaceId: last.workspace_id, clientId: last.client_id };
    }
  }

  /** The workspace when its portal is on, shows invoices, takes online payments and allows autopay; else null. */
  async function workspaceReady(workspaceId: string) {
    const entry = await deps.workspaces.byId(workspaceId);
    if (!entry) return null;
    const { workspace, settings } = entry;
    if (!settings.showInvoices || !settings.allowOnlinePayments) return null;
    if (!deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug })) return null;
    const payment = await findPaymentSettings(db, workspaceId);
    if (!deps.methods.savingProvider(payment)) return null;
    return { entry, payment };
  }

  // The timer's pass, one at a time on this instance.
  return onePassAtATime(run);
}

export type Autopay = ReturnType<typeof createAutopay>;
