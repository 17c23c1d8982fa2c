// What Dolibarr 23's own code writes for ONE payment of TWO invoices, captured from Dolibarr itself
// so the binding's rows can be compared with it where PHP does not run (CI).
//
// Produced by installing Dolibarr 23 with its own installer on PostgreSQL (its demo data: the
// customer "Client Bars SARL" (rowid 1), three validated invoices of 1,200 (1,000 + 20 % VAT), the
// bank account rowid 1 named by STRIPE_BANK_ACCOUNT_FOR_PAYMENTS, the agenda's BILL_PAYED event
// on), then, as the admin user (rowid 1), running what htdocs/compta/paiement.php and
// htdocs/public/payment/paymentok.php do for an online payment of invoices 1 and 2 together:
//
//   $p = new Paiement($db); $p->datepaye = dol_now();
//   foreach (array(1, 2) as $id) { $inv = new Facture($db); $inv->fetch($id); $p->amounts[$id] = 1200;
//     $p->multicurrency_code[$id] = $inv->multicurrency_code; $p->multicurrency_tx[$id] = $inv->multicurrency_tx; }
//   $p->paiementid = dol_getIdFromCode($db, 'CB', 'c_paiement', 'code', 'id', 1); $p->num_payment = '';
//   $p->note_public = 'Online payment'; $p->ext_payment_id = 'pi_php_two'; $p->ext_payment_site = 'StripeTest';
//   $db->begin(); $p->create($user, 1);
//   $p->addPaymentToBank($user, 'payment', '(CustomerInvoicePayment)', getDolGlobalInt('STRIPE_BANK_ACCOUNT_FOR_PAYMENTS'), '', '');
//   $db->commit();
//
// and reading back every column of the rows it wrote, less the ones that cannot match another run:
// rowids and the rows' links to each other (rowid, fk_paiement, fk_facture, fk_bank, url_id, id),
// the payment's ref (the next PAY number), and the moments (datec, tms, datep, dateo, datev,
// date_closing, the events' datep/datep2). The events' notes are kept with the refs they name.
// The ids of that install the rows name are in DOLIBARR_IDS, so a test maps them to its own.

/** The ids of the install the rows below were written in. */
export const DOLIBARR_IDS = { user: 1, company: 1, companyName: 'Client Bars SARL', bankAccount: 1 } as const;

export const DOLIBARR_TWO_INVOICE_PAYMENT = {
  llx_paiement: {
    ref_ext: '',
    entity: 1,
    amount: '2400.00000000',
    multicurrency_amount: '2400.00000000',
    fk_paiement: 6,
    num_paiement: '',
    note: '',
    ext_payment_id: 'pi_php_two',
    ext_payment_site: 'StripeTest',
    fk_user_creat: 1,
    fk_user_modif: null,
    statut: 0,
    fk_export_compta: 0,
    pos_change: '0.00000000',
  },
  llx_paiement_facture: [
    {
      amount: '1200.00000000',
      multicurrency_code: 'EUR',
      multicurrency_tx: '1.00000000',
      multicurrency_amount: '1200.00000000',
    },
    {
      amount: '1200.00000000',
      multicurrency_code: 'EUR',
      multicurrency_tx: '1.00000000',
      multicurrency_amount: '1200.00000000',
    },
  ],
  llx_bank: {
    amount: '2400.00000000',
    amount_main_currency: null,
    label: '(CustomerInvoicePayment)',
    fk_account: 1,
    fk_user_author: 1,
    fk_user_rappro: null,
    fk_type: 'CB',
    num_releve: null,
    num_chq: null,
    numero_compte: '',
    rappro: 0,
    note: null,
    fk_bordereau: 0,
    position: 0,
    banque: null,
    emetteur: null,
    author: null,
    origin_id: null,
    origin_type: null,
    import_key: null,
  },
  llx_bank_url: [
    {
      url: '/compta/paiement/card.php?id=',
      label: '(paiement)',
      type: 'payment',
    },
    {
      url: '/comm/card.php?socid=',
      label: 'Client Bars SARL',
      type: 'company',
    },
  ],
  /** llx_facture's columns the payment changes (besides tms and date_closing), for each invoice. */
  llx_facture: [
    {
      fk_statut: 2,
      paye: 1,
      fk_user_closing: 1,
      close_code: null,
      close_note: null,
      close_missing_amount: null,
    },
    {
      fk_statut: 2,
      paye: 1,
      fk_user_closing: 1,
      close_code: null,
      close_note: null,
      close_missing_amount: null,
    },
  ],
  /** The BILL_PAYED event of each invoice, its label and note aside (they name the invoice's ref). */
  llx_actioncomm: [
    {
      ref_ext: null,
      entity: 1,
      fk_action: 40,
      code: 'AC_BILL_PAYED',
      fk_user_author: 1,
      fk_user_mod: null,
      fk_project: null,
      fk_task: null,
      fk_soc: 1,
      fk_contact: null,
      fk_parent: 0,
      fk_user_action: 1,
      transparency: 0,
      priority: 0,
      visibility: 'default',
      fulldayevent: 0,
      percent: -1,
      location: '',
      durationp: 0,
      calling_duration: null,
      email_subject: null,
      email_msgid: null,
      email_from: null,
      email_sender: null,
      email_to: null,
      email_tocc: null,
      email_tobcc: null,
      errors_to: null,
      reply_to: null,
      recurid: null,
      recurrule: null,
      recurdateend: null,
      num_vote: null,
      event_paid: 0,
      status: 0,
      elementtype: 'invoice',
      ip: null,
      fk_bookcal_calendar: null,
      import_key: null,
      extraparams: null,
    },
    {
      ref_ext: null,
      entity: 1,
      fk_action: 40,
      code: 'AC_BILL_PAYED',
      fk_user_author: 1,
      fk_user_mod: null,
      fk_project: null,
      fk_task: null,
      fk_soc: 1,
      fk_contact: null,
      fk_parent: 0,
      fk_user_action: 1,
      transparency: 0,
      priority: 0,
      visibility: 'default',
      fulldayevent: 0,
      percent: -1,
      location: '',
      durationp: 0,
      calling_duration: null,
      email_subject: null,
      email_msgid: null,
      email_from: null,
      email_sender: null,
      email_to: null,
      email_tocc: null,
      email_tobcc: null,
      errors_to: null,
      reply_to: null,
      recurid: null,
      recurrule: null,
      recurdateend: null,
      num_vote: null,
      event_paid: 0,
      status: 0,
      elementtype: 'invoice',
      ip: null,
      fk_bookcal_calendar: null,
      import_key: null,
      extraparams: null,
    },
  ],
  /** The events' notes: the invoice's ref, then Paiement::create's context['actionmsgmore'] naming the payment's. */
  notes: [
    'Invoice FA2611-0001 changed to paid\nInvoice set to paid by the payment->create() of payment PAY2611-0001 because the remain to pay is 0',
    'Invoice FA2611-0002 changed to paid\nInvoice set to paid by the payment->create() of payment PAY2611-0001 because the remain to pay is 0',
  ],
  /** The refs those notes name. */
  refs: { invoices: ['FA2611-0001', 'FA2611-0002'], payment: 'PAY2611-0001' },
};
