// The words the audit looks for, in the languages and abbreviations CRMs actually use. Weights say
// how strongly a word alone suggests the concept (1 = unambiguous, 0.5 = often something else).
// Table names are only one signal: columns and foreign keys confirm or overrule them.
import type { ConceptId } from '../report-schema.ts';
import { tagLearned, taggedSet, taggedWords, tagReweighted } from './learned.ts';

/** The audit's concepts a table may hold; the others are answers about rows, rules or settings. */
export type TableConceptId = Exclude<
  ConceptId,
  | 'clientCredentials'
  | 'clientLoginCodes'
  | 'accessTokens'
  | 'acceptance'
  | 'signature'
  | 'publicLinks'
  | 'paymentMethods'
  | 'paymentGateway'
  | 'savedPaymentMethods'
  | 'recurringInvoices'
  | 'portalSettings'
  | 'permissions'
>;

const words = (entries: Record<string, number>): ReadonlyMap<string, number> => new Map(Object.entries(entries));

export const TABLE_WORDS: Record<TableConceptId, ReadonlyMap<string, number>> = {
  workspace: words({
    workspace: 1,
    tenant: 1,
    entity: 0.8,
    mandant: 1,
    mandator: 0.9,
    agency: 0.6,
    instance: 0.4,
    organisation: 0.4,
    organization: 0.4,
    realm: 0.6,
  }),
  company: words({
    societe: 1,
    company: 1,
    client: 0.9,
    customer: 1,
    kunde: 1,
    kunden: 1,
    organization: 0.7,
    organisation: 0.7,
    org: 0.5,
    account: 0.5,
    thirdparty: 0.9,
    tier: 0.7,
    tiers: 0.7,
    firm: 0.8,
    firma: 0.7,
    enterprise: 0.7,
    entreprise: 0.9,
    empresa: 0.9,
    azienda: 0.9,
    cliente: 0.9,
    klant: 0.9,
    partner: 0.5,
    party: 0.6,
    geschaeftspartner: 0.9,
    business: 0.5,
    // The accounts' word for a customer: who owes the agency (Debitor).
    debtor: 0.9,
    debitor: 0.9,
  }),
  contact: words({
    socpeople: 1,
    contact: 1,
    person: 0.9,
    people: 0.9,
    kontakt: 1,
    contacto: 1,
    contatto: 1,
    ansprechpartner: 1,
    personne: 0.9,
    persona: 0.9,
    interlocuteur: 0.9,
    lead: 0.3,
    partner: 0.4,
    party: 0.4,
  }),
  staffUser: words({
    user: 0.8,
    staff: 1,
    employee: 0.9,
    member: 0.5,
    utilisateur: 1,
    benutzer: 1,
    mitarbeiter: 1,
    usuario: 1,
    utente: 1,
    agent: 0.6,
    operator: 0.6,
    admin: 0.5,
    salarie: 0.8,
    personnel: 0.8,
  }),
  proposal: words({
    proposal: 1,
    propal: 1,
    proposition: 0.9,
    offer: 0.8,
    offre: 0.9,
    angebot: 1,
    devis: 0.6,
    pitch: 0.5,
    tender: 0.6,
    bid: 0.5,
    propuesta: 1,
    proposta: 1,
    offerte: 0.8,
  }),
  quotation: words({
    quotation: 1,
    quote: 1,
    estimate: 1,
    devis: 0.8,
    cotizacion: 1,
    presupuesto: 1,
    preventivo: 1,
    kostenvoranschlag: 1,
    offerte: 0.6,
    propal: 0.45,
    angebot: 0.45,
    offer: 0.4,
    rfq: 0.6,
  }),
  invoice: words({
    invoice: 1,
    facture: 1,
    bill: 0.8,
    billing: 0.5,
    rechnung: 1,
    factura: 1,
    fattura: 1,
    faktura: 1,
    factuur: 1,
    inv: 0.4,
  }),
  payment: words({
    payment: 1,
    paiement: 1,
    zahlung: 1,
    pago: 1,
    pagamento: 1,
    betaling: 1,
    reglement: 0.7,
    transaction: 0.6,
    charge: 0.5,
    receipt: 0.5,
    settlement: 0.5,
    remittance: 0.6,
    zahlungseingang: 1,
  }),
  task: words({
    task: 1,
    todo: 1,
    ticket: 0.6,
    activity: 0.6,
    aufgabe: 1,
    tache: 1,
    tarea: 1,
    compito: 1,
    actioncomm: 0.5,
    action: 0.3,
    issue: 0.5,
    job: 0.4,
    assignment: 0.6,
    chore: 0.6,
    reminder: 0.5,
  }),
  document: words({
    document: 1,
    file: 0.9,
    attachment: 1,
    ecm: 0.9,
    upload: 0.8,
    media: 0.6,
    fichier: 1,
    datei: 1,
    dokument: 1,
    documento: 1,
    archivo: 0.8,
    anhang: 1,
    piece: 0.5,
    asset: 0.4,
    blob: 0.4,
  }),
  comment: words({
    comment: 1,
    message: 1,
    note: 0.7,
    chat: 0.9,
    discussion: 0.8,
    thread: 0.7,
    conversation: 0.9,
    reply: 0.7,
    kommentar: 1,
    commentaire: 1,
    nachricht: 1,
    notiz: 0.7,
    mensaje: 1,
    messaggio: 1,
    commento: 1,
    remark: 0.7,
    feedback: 0.5,
    post: 0.3,
  }),
  activityLog: words({
    log: 0.8,
    audit: 0.9,
    history: 0.8,
    journal: 0.8,
    event: 0.6,
    trail: 0.7,
    historique: 0.9,
    protokoll: 0.8,
    verlauf: 0.8,
    timeline: 0.6,
    tracking: 0.5,
    activity: 0.5,
    tracker: 0.7,
  }),
  // A support request a client opens and the agency answers: helpdesk, incident, Störung.
  ticket: words({
    ticket: 1,
    helpdesk: 0.9,
    incident: 0.8,
    supportticket: 1,
    support: 0.5,
    issue: 0.5,
    stoerung: 0.7,
    anfrage: 0.5,
    demande: 0.4,
    incidencia: 0.8,
    segnalazione: 0.7,
  }),
  // The conversation on a ticket: its replies and the agency's internal notes.
  ticketMessage: words({
    message: 1,
    comment: 0.9,
    reply: 1,
    response: 0.8,
    answer: 0.8,
    conversation: 0.8,
    note: 0.5,
    nachricht: 1,
    antwort: 1,
    kommentar: 0.9,
    reponse: 0.9,
    commentaire: 0.9,
    respuesta: 0.9,
    risposta: 0.9,
  }),
  project: words({
    project: 1,
    projet: 1,
    projekt: 1,
    proyecto: 1,
    progetto: 1,
    engagement: 0.5,
  }),
  // The stages a project is divided into; a deal's pipeline stage is not one.
  projectPhase: words({
    phase: 1,
    milestone: 0.9,
    jalon: 0.9,
    meilenstein: 0.9,
    etappe: 0.8,
    fase: 0.9,
    projektphase: 1,
    sprint: 0.6,
    stage: 0.4,
  }),
  // The portal's four newer sections. A name says little on its own here (a "request", a
  // "calendar", an "article" and a "template" are many things): each concept is confirmed by the
  // columns that make it (section-concepts.ts), and by a pair of words where one is too vague.
  // What a client may request: a catalogue entry with a form (service_request_definitions).
  serviceRequestType: words({
    servicerequest: 0.6,
    catalog: 0.5,
    catalogue: 0.5,
    offering: 0.5,
    requestable: 0.8,
    leistungskatalog: 0.8,
    servicekatalog: 0.8,
  }),
  // What a client submitted from it: the answers to the form, with a status.
  serviceRequest: words({
    servicerequest: 1,
    submission: 0.7,
    request: 0.5,
    demande: 0.4,
    antrag: 0.7,
    anfrage: 0.4,
    solicitud: 0.5,
    richiesta: 0.5,
  }),
  // A client asking for a meeting at a time, which the agency confirms or declines.
  // Alone, "appointment" says a booking: only beside "request" does it say a request (section-concepts.ts).
  appointmentRequest: words({
    appointment: 0.3,
    booking: 0.3,
    terminanfrage: 1,
    terminwunsch: 1,
    rendezvous: 0.3,
    reservation: 0.3,
  }),
  // When the agency can be booked: working hours, calendars open to bookings, days off.
  availability: words({
    availability: 1,
    disponibilite: 1,
    verfuegbarkeit: 1,
    disponibilidad: 1,
    disponibilita: 1,
    calendar: 0.7,
    kalender: 0.7,
    calendrier: 0.7,
    slot: 0.6,
  }),
  // A booked meeting on the agency's calendar: an appointment, a schedule entry, an agenda event.
  booking: words({
    appointment: 0.9,
    booking: 0.9,
    rendezvous: 0.9,
    reservation: 0.7,
    meeting: 0.7,
    agenda: 0.7,
    schedule: 0.5,
    event: 0.4,
    actioncomm: 0.5,
    besprechung: 0.7,
  }),
  // What a client reads for help: articles, FAQs, with a published state and an audience.
  kbArticle: words({
    kb: 0.9,
    knowledge: 0.9,
    knowledgebase: 1,
    faq: 0.9,
    article: 0.6,
    howto: 0.7,
    wiki: 0.6,
    wissen: 0.8,
    wissensdatenbank: 1,
    connaissance: 0.8,
    helpcenter: 0.9,
    solution: 0.4,
  }),
  // Satisfaction surveys: the questionnaire, who was asked, what they answered, when one is sent.
  surveyTemplate: words({
    survey: 0.7,
    questionnaire: 0.7,
    umfrage: 0.7,
    enquete: 0.6,
    csat: 0.8,
    nps: 0.6,
    satisfaction: 0.7,
    zufriedenheit: 0.7,
    poll: 0.4,
  }),
  surveyInvitation: words({
    survey: 0.5,
    questionnaire: 0.5,
    umfrage: 0.5,
    csat: 0.5,
    satisfaction: 0.5,
    invitation: 0.3,
  }),
  surveyResponse: words({
    survey: 0.5,
    questionnaire: 0.5,
    umfrage: 0.5,
    csat: 0.6,
    satisfaction: 0.6,
    rating: 0.5,
    feedback: 0.5,
    bewertung: 0.5,
  }),
  surveyTrigger: words({
    survey: 0.4,
    questionnaire: 0.4,
    umfrage: 0.4,
    csat: 0.4,
    satisfaction: 0.4,
  }),
  // What the client has with the agency: orders and their deliveries, contracts and what is used of
  // them, the time worked, devices, versions of a document. Words learned while reading one real
  // schema are tagged with it (learned.ts), so the audit can be scored there without them.
  salesOrder: taggedWords(
    {
      order: 0.8,
      salesorder: 1,
      commande: 0.9,
      bestellung: 0.9,
      auftrag: 0.9,
      pedido: 0.9,
      ordine: 0.8,
      encomenda: 0.9,
    },
    // Tryton names its sales orders sales (sale_sale, sale_line).
    { tryton: { sale: 0.6 } },
  ),
  orderLine: taggedWords({ orderline: 1, bestellposition: 1, auftragsposition: 1, orderitem: 1 }),
  shipment: taggedWords({
    shipment: 1,
    shipping: 0.7,
    expedition: 0.9,
    delivery: 0.6,
    livraison: 0.8,
    lieferung: 0.9,
    lieferschein: 1,
    versand: 0.8,
    consignment: 0.8,
    envio: 0.8,
    spedizione: 0.8,
  }),
  contract: taggedWords({
    contract: 1,
    contrat: 1,
    vertrag: 1,
    contrato: 1,
    contratto: 1,
    agreement: 0.8,
    wartungsvertrag: 1,
  }),
  contractLine: taggedWords({ contractline: 1, vertragsposition: 1 }),
  contractUsage: taggedWords({
    usage: 0.6,
    consumption: 0.7,
    verbrauch: 0.8,
    consommation: 0.8,
    allowance: 0.6,
    bucket: 0.5,
    drawdown: 0.6,
  }),
  timeEntry: taggedWords(
    {
      timeentry: 1,
      timesheet: 0.8,
      timelog: 0.9,
      worklog: 0.9,
      zeiterfassung: 1,
      arbeitszeit: 0.8,
      intervention: 0.7,
    },
    // Dolibarr's interventions (fiche d'intervention), abbreviated in its table names.
    { dolibarr: { fichinter: 0.9 } },
  ),
  asset: taggedWords({
    asset: 0.8,
    device: 0.9,
    equipment: 0.8,
    hardware: 0.7,
    geraet: 0.9,
    appareil: 0.8,
    equipement: 0.8,
    materiel: 0.6,
    configurationitem: 0.9,
  }),
  documentVersion: taggedWords({ documentversion: 1, revision: 0.5, fileversion: 1 }),
};

// Names one CRM gave its tables, learned while reading that CRM's schema (git log -S each word):
// switched off when the audit is scored on that schema (npm run audit:score, leave one out).
tagLearned(TABLE_WORDS.contact, 'dolibarr', ['socpeople']);
tagLearned(TABLE_WORDS.proposal, 'dolibarr', ['propal']);
tagLearned(TABLE_WORDS.quotation, 'dolibarr', ['propal']);
tagLearned(TABLE_WORDS.document, 'dolibarr', ['ecm']);
tagLearned(TABLE_WORDS.task, 'dolibarr', ['actioncomm']);
tagLearned(TABLE_WORDS.booking, 'dolibarr', ['actioncomm']);
tagLearned(TABLE_WORDS.kbArticle, 'alga-psa', ['kb']);
tagLearned(TABLE_WORDS.company, 'frontaccounting', ['debtor']);
tagLearned(TABLE_WORDS.company, 'tryton', ['party']);
tagLearned(TABLE_WORDS.contact, 'tryton', ['party']);
// The accounts' word came with FrontAccounting's debtors_master (d608e798), its German form with it.
tagLearned(TABLE_WORDS.company, 'frontaccounting', ['debitor']);
// Words one CRM gave a new concept's tables, added while reading that schema: Alga's
// service_request_submissions, schedule_entries and bucket_usage (60ce502e, 401cfd46); Dolibarr's
// interventions and its Agenda module (401cfd46, 60ce502e).
tagLearned(TABLE_WORDS.serviceRequest, 'alga-psa', ['submission']);
tagLearned(TABLE_WORDS.booking, 'alga-psa', ['schedule']);
tagLearned(TABLE_WORDS.contractUsage, 'alga-psa', ['bucket']);
tagLearned(TABLE_WORDS.timeEntry, 'dolibarr', ['intervention']);
tagLearned(TABLE_WORDS.booking, 'dolibarr', ['agenda']);
// "ticket" weighed 0.8 for tasks until Alga's project_tasks lost to its tickets (07b4c080).
tagReweighted(TABLE_WORDS.task, 'alga-psa', { ticket: 0.8 });

/**
 * Words that, next to a concept word, say the table is something else: line items, supplier-side
 * copies, templates, archives, dictionaries, extension tables. The factor multiplies the name score.
 */
export const NAME_MODIFIERS: ReadonlyArray<{ kind: string; factor: number; words: ReadonlySet<string> }> = [
  {
    kind: 'line items',
    factor: 0.35,
    words: new Set(['det', 'line', 'item', 'position', 'pos', 'detail', 'row', 'ligne', 'zeile', 'posten', 'lineitem']),
  },
  {
    kind: 'supplier side',
    factor: 0.35,
    words: taggedSet(
      ['fourn', 'fournisseur', 'supplier', 'vendor', 'lieferant', 'purchase', 'achat', 'einkauf', 'eingang', 'eingangs', 'proveedor'],
      // The accounts' word for a supplier, added with "debtor" while reading FrontAccounting (d608e798).
      { frontaccounting: ['creditor', 'kreditor'] },
    ),
  },
  {
    kind: 'template',
    factor: 0.4,
    // FrontAccounting's recurrent_invoices (d608e798).
    words: taggedSet(['rec', 'template', 'model', 'modele', 'vorlage', 'recurring', 'pattern', 'plantilla'], {
      frontaccounting: ['recurrent'],
    }),
  },
  {
    kind: 'archive or staging copy',
    factor: 0.35,
    words: new Set([
      'archive',
      'archiv',
      'backup',
      'bak',
      'old',
      'tmp',
      'temp',
      'copy',
      'snapshot',
      'import',
      'staging',
      'export',
      'hist',
      'revision',
      'version',
      'deleted',
    ]),
  },
  {
    kind: 'history or log',
    factor: 0.35,
    words: new Set(['log', 'history', 'audit', 'journal', 'trail', 'historique', 'protokoll', 'verlauf']),
  },
  {
    kind: 'extension fields',
    factor: 0.3,
    words: new Set(['extrafield', 'extrafields', 'extra', 'ext', 'custom', 'meta', 'attr', 'attribute', 'field']),
  },
  {
    kind: 'dictionary',
    factor: 0.35,
    words: new Set(['type', 'category', 'categorie', 'kind', 'dictionary', 'dict', 'status', 'statut', 'mode', 'cond', 'condition']),
  },
  { kind: 'link table', factor: 0.5, words: new Set(['link', 'map', 'mapping', 'rel', 'relation', 'join', 'assoc', 'element', 'x']) },
  { kind: 'settings', factor: 0.4, words: new Set(['setting', 'config', 'conf', 'param', 'parameter', 'option', 'preference', 'const']) },
  { kind: 'statistics', factor: 0.5, words: new Set(['stat', 'report', 'summary', 'kpi', 'aggregate']) },
  { kind: 'translation', factor: 0.4, words: new Set(['lang', 'translation', 'i18n', 'locale']) },
  { kind: 'marketing list', factor: 0.5, words: new Set(['mailing', 'newsletter', 'subscriber', 'mass', 'campaign', 'marketing']) },
  {
    kind: 'store of third-party secrets',
    factor: 0.35,
    words: new Set(['vault', 'keychain', 'keyring', 'credential', 'secret', 'password', 'passwords']),
  },
];

/**
 * Words of machinery rather than business records: integrations, import pipelines, queues,
 * telemetry. A table named so, or hanging off one, holds what flows through that machinery (mail
 * attachments being ingested, sync copies), not what the host shows its clients.
 */
export const MACHINERY_WORDS = new Set([
  'pipeline',
  'ingest',
  'ingestion',
  'inbound',
  'fetchmail',
  'imap',
  'pop3',
  'mailbox',
  'sync',
  'synchronization',
  'webhook',
  'integration',
  'connector',
  'telemetry',
  'queue',
  'crawler',
  'scraper',
  'parser',
  'etl',
  'import',
  'analytics',
  'usage',
  'metric',
  'metrics',
]);

/**
 * Words that make a log general rather than one feature's: an activity log's name says only that
 * it logs (audit_log, activity_log, events, tracker); a holiday_approval_log or consent_log names
 * the one feature it follows.
 */
export const GENERAL_LOG_WORDS = new Set([
  'log',
  'logs',
  'audit',
  'auditlog',
  'activity',
  'action',
  'event',
  'history',
  'journal',
  'trail',
  'tracker',
  'tracking',
  'security',
  'system',
  'change',
  'changelog',
  'record',
  'stream',
  'timeline',
  'feed',
  'entry',
  'app',
  'global',
  'all',
  'historique',
  'protokoll',
  'verlauf',
  'user',
]);

/** Words of the product's own subscription billing (plans, licences, seats, app-store purchases). */
export const OWN_BILLING_WORDS = new Set([
  'subscription',
  'plan',
  'license',
  'licence',
  'saas',
  'appstore',
  'store',
  'seat',
  'seats',
  'billing',
  'instance',
  'renewal',
]);

/** Words that mark a table or column as belonging to a client-facing portal. */
export const PORTAL_WORDS = new Set(['portal', 'portail', 'extranet', 'selfservice', 'kundenportal', 'clientarea', 'customerarea']);

/** Words meaning "the client side" in a user/credential table name (customer_users, portal_accounts). */
export const CLIENT_SIDE_WORDS = new Set([
  'client',
  'customer',
  'kunde',
  'kunden',
  'portal',
  'extranet',
  'contact',
  'external',
  'guest',
  'cliente',
  'societe',
  'socpeople',
]);

/** Words of status values (or status column comments) that mean a decision by the recipient. */
export const DECISION_WORDS = new Set([
  'accepted',
  'accept',
  'approved',
  'approve',
  'signed',
  'sign',
  'declined',
  'decline',
  'rejected',
  'reject',
  'refused',
  'refuse',
  'won',
  'lost',
  'angenommen',
  'abgelehnt',
  'unterschrieben',
  'signe',
  'accepte',
  'refuse',
  'aceptado',
  'rechazado',
  'firmado',
  'akzeptiert',
  'genehmigt',
]);
