// The demo data: two agencies, their staff, clients, contacts, offers, invoices, tasks, files and tickets.
// Dates are day offsets from SEED_REFERENCE_DATE so the data is the same on every run. The offers
// still open are valid for a year and more after it (their order kept): fixed dates would otherwise
// expire them as the calendar passes, and the demo and the tests that decide on them with them.
export const SEED_REFERENCE_DATE = '2026-11-16';

/** Days after SEED_REFERENCE_DATE an open offer's validity is moved on by. */
const OPEN_FOR = 380;

/** [description, quantity, unit price in cents, tax rate percent where it differs from the client's] */
export type SeedItem = readonly [string, number, number, number?];

export interface SeedOffer {
  title: string;
  body: string;
  status: 'draft' | 'sent' | 'accepted' | 'declined' | 'expired';
  currency: 'USD' | 'EUR';
  created: number;
  sent?: number;
  decided?: number;
  validUntil: number | null;
  items: readonly SeedItem[];
}

interface SeedPayment {
  /** 'balance' pays whatever is left. */
  amountCents: number | 'balance';
  method: 'bank_transfer' | 'card' | 'cash' | 'check';
  reference: string | null;
  paidOn: number;
}

export interface SeedInvoice {
  status: 'draft' | 'sent' | 'paid' | 'overdue' | 'void';
  currency: 'USD' | 'EUR';
  issued: number;
  due: number;
  notes: string;
  items: readonly SeedItem[];
  payments?: readonly SeedPayment[];
  /** Day of supply, or the first day of the period supplied; the issue day when absent. */
  supplied?: number;
  /** Last day of the period supplied, for work billed by period. */
  suppliedUntil?: number;
  /** Terms of this invoice, where they differ from the workspace's. */
  paymentTerms?: string;
}

interface SeedTask {
  title: string;
  description: string;
  status: 'open' | 'in_progress' | 'done';
  due: number | null;
  /** Email of one of the client's contacts; none means the agency does it. */
  assignee?: string;
  created: number;
  completed?: number;
  /** The client's first proposal, quotation or invoice, when the task belongs to one. */
  record?: 'proposal' | 'quotation' | 'invoice';
  /** The project (by ref, of the same client) and phase (by name) the task is part of. */
  project?: { ref: string; phase?: string };
}

/** A project of the client, with its phases in order; its tasks name it (SeedTask.project). */
interface SeedProject {
  ref: string;
  title: string;
  description: string;
  status: 'active' | 'on_hold' | 'completed';
  start: number | null;
  end: number | null;
  phases?: ReadonlyArray<{ name: string; start: number | null; end: number | null }>;
}

/** A message on a seed ticket: from a contact (the client) or a staff member (by email). */
interface SeedTicketMessage {
  from: string;
  body: string;
  at: number;
  /** A note between staff, never shown to the client. */
  internal?: boolean;
}

interface SeedTicket {
  subject: string;
  description: string;
  /** Email of the client's contact who opened it. */
  openedBy: string;
  category: (typeof SEED_TICKET_CATEGORIES)[number];
  priority: (typeof SEED_TICKET_PRIORITIES)[number];
  opened: number;
  messages: readonly SeedTicketMessage[];
  /** Where it stands after its messages, moved there by the workspace's first staff member. */
  status: 'new' | 'in_progress' | 'waiting_on_client' | 'resolved' | 'closed';
}

/** Each workspace's ticket categories and priorities (most urgent first). */
export const SEED_TICKET_CATEGORIES = ['Website', 'Design', 'Billing', 'Other'] as const;
export const SEED_TICKET_PRIORITIES = ['Urgent', 'High', 'Normal', 'Low'] as const;
/** The categories' and priorities' names in German, as an agency serving German clients keeps them. */
export const SEED_TICKET_CHOICES_IN_GERMAN: Readonly<Record<string, string>> = {
  Website: 'Website',
  Design: 'Design',
  Billing: 'Abrechnung',
  Other: 'Sonstiges',
  Urgent: 'Dringend',
  High: 'Hoch',
  Normal: 'Normal',
  Low: 'Niedrig',
};
/** And in French, as an agency serving French clients keeps them (une priorité: haute, basse). */
export const SEED_TICKET_CHOICES_IN_FRENCH: Readonly<Record<string, string>> = {
  Website: 'Site web',
  Design: 'Design',
  Billing: 'Facturation',
  Other: 'Autre',
  Urgent: 'Urgente',
  High: 'Haute',
  Normal: 'Normale',
  Low: 'Basse',
};

/**
 * What every demo agency offers its clients to ask for, with the forms' fields in the JSON the CRM
 * keeps (request_definitions.fields), each name, description and field label in German and French
 * too. The last is unpublished: clients never see it.
 */
export const SEED_REQUEST_DEFINITIONS = [
  {
    name: 'Request a quote for printing',
    names: { de: 'Angebot für Druckarbeiten anfragen', fr: 'Demander un devis d’impression' },
    description: 'Flyers, posters, business cards: tell us what and how many, and we send you a quotation.',
    descriptions: {
      de: 'Flyer, Plakate, Visitenkarten: Sagen Sie uns, was und wie viele, und wir schicken Ihnen ein Angebot.',
      fr: 'Flyers, affiches, cartes de visite : dites-nous quoi et combien, et nous vous envoyons un devis.',
    },
    category: 'Print',
    icon: 'printer',
    kind: 'quote',
    published: true,
    fields: [
      {
        key: 'product',
        type: 'select',
        label: 'Product',
        labels: { de: 'Produkt', fr: 'Produit' },
        required: true,
        options: [
          { value: 'flyers', label: 'Flyers', labels: { de: 'Flyer', fr: 'Flyers' } },
          { value: 'posters', label: 'Posters', labels: { de: 'Plakate', fr: 'Affiches' } },
          { value: 'cards', label: 'Business cards', labels: { de: 'Visitenkarten', fr: 'Cartes de visite' } },
        ],
      },
      { key: 'quantity', type: 'number', label: 'Quantity', labels: { de: 'Menge', fr: 'Quantité' }, required: true, min: 50, max: 100000 },
      { key: 'deadline', type: 'date', label: 'Needed by', labels: { de: 'Benötigt bis', fr: 'Pour le' }, required: false },
      {
        key: 'finishes',
        type: 'multiselect',
        label: 'Finishes',
        labels: { de: 'Veredelung', fr: 'Finitions' },
        required: false,
        options: [
          { value: 'matte', label: 'Matte', labels: { de: 'Matt', fr: 'Mat' } },
          { value: 'gloss', label: 'Gloss', labels: { de: 'Glänzend', fr: 'Brillant' } },
          { value: 'foil', label: 'Foil', labels: { de: 'Folie', fr: 'Dorure' } },
        ],
      },
      {
        key: 'artwork',
        type: 'file',
        label: 'Artwork',
        labels: { de: 'Druckvorlage', fr: 'Fichier à imprimer' },
        help: 'PDF or image, print-ready if you have it.',
        helps: { de: 'PDF oder Bild, druckfertig, wenn Sie es haben.', fr: 'PDF ou image, prêt à imprimer si vous l’avez.' },
        required: false,
      },
      { key: 'notes', type: 'textarea', label: 'Anything else', labels: { de: 'Sonstiges', fr: 'Autre chose' }, required: false },
    ],
  },
  {
    name: 'Request a website change',
    names: { de: 'Änderung an der Website anfragen', fr: 'Demander une modification du site' },
    description: 'A change to a page, a new section or a fix: describe it and we plan it with you.',
    descriptions: {
      de: 'Eine Änderung an einer Seite, ein neuer Bereich oder eine Korrektur: Beschreiben Sie sie, und wir planen sie mit Ihnen.',
      fr: 'Une modification d’une page, une nouvelle rubrique ou une correction : décrivez-la et nous la planifions avec vous.',
    },
    category: 'Website',
    icon: 'globe',
    kind: 'general',
    published: true,
    fields: [
      {
        key: 'page',
        type: 'text',
        label: 'Which page',
        labels: { de: 'Welche Seite', fr: 'Quelle page' },
        help: 'Its address or its name.',
        helps: { de: 'Ihre Adresse oder ihr Name.', fr: 'Son adresse ou son nom.' },
        required: true,
      },
      {
        key: 'change',
        type: 'textarea',
        label: 'What should change',
        labels: { de: 'Was soll sich ändern', fr: 'Ce qui doit changer' },
        required: true,
      },
      { key: 'urgent', type: 'checkbox', label: 'It is urgent', labels: { de: 'Es ist dringend', fr: 'C’est urgent' }, required: false },
    ],
  },
  {
    name: 'Book a photo shoot',
    names: { de: 'Fotoshooting buchen', fr: 'Réserver une séance photo' },
    description: 'Not offered yet.',
    descriptions: { de: 'Noch nicht im Angebot.', fr: 'Pas encore proposé.' },
    category: 'Design',
    icon: null,
    kind: 'general',
    published: false,
    fields: [
      {
        key: 'subject',
        type: 'text',
        label: 'What to shoot',
        labels: { de: 'Was fotografiert wird', fr: 'Que photographier' },
        required: true,
      },
    ],
  },
] as const;

export interface SeedDocument {
  filename: string;
  kind: 'pdf' | 'text' | 'csv';
  title: string;
  lines: readonly string[];
  shared: boolean;
  created: number;
  /** Email of the staff member who shared it. */
  sharedBy?: string;
  /** The client's first proposal, quotation, invoice or project, when the document belongs to one. */
  record?: 'proposal' | 'quotation' | 'invoice' | 'project';
}

interface SeedContact {
  name: string;
  email: string;
  phone: string | null;
  /** Listed in the demo logins for the client portal. */
  demoLogin?: boolean;
  /** The portal role of a demo login, when not Full access: a client admin (the Team page), or Billing. */
  portalRole?: 'admin' | 'billing';
}

export interface SeedClient {
  name: string;
  website: string | null;
  address: string | null;
  /** The client's VAT or tax id, where the agency has recorded it. */
  taxId?: string;
  /**
   * The VAT rate the agency charges this client's lines: a German agency charges 19 % to a German
   * business, 0 % under reverse charge to an EU business with a VAT id, 0 % to a business outside
   * the EU (supply not taxable in Germany). Absent: lines without a rate.
   */
  taxRatePercent?: number;
  /** Why this client's invoices charge no VAT, printed on them (see the VAT exemption notes migration). */
  vatExemptionNote?: string;
  /** The same as a reason the portal words in its reader's language (VatExemptionReason). */
  vatExemptionReason?: 'reverse_charge' | 'not_taxable';
  created: number;
  contacts: readonly SeedContact[];
  proposals?: readonly SeedOffer[];
  quotations?: readonly SeedOffer[];
  invoices?: readonly SeedInvoice[];
  /**
   * Invoices numbered after every client's `invoices` in the workspace: added to the demo once its
   * numbers were named in tests and docs, which they leave as they were.
   */
  laterInvoices?: readonly SeedInvoice[];
  projects?: readonly SeedProject[];
  tasks?: readonly SeedTask[];
  documents?: readonly SeedDocument[];
  tickets?: readonly SeedTicket[];
  devices?: readonly SeedDevice[];
}

/** A device the agency looks after for the client; `tickets` by subject, of the client's seeded tickets. */
interface SeedDevice {
  name: string;
  kind: 'workstation' | 'network_device' | 'server' | 'mobile_device' | 'printer' | 'other';
  status: 'active' | 'maintenance' | 'inactive';
  serialNumber: string | null;
  assetTag: string;
  location: string | null;
  tickets?: readonly string[];
}

interface SeedStaff {
  name: string;
  email: string;
  password: string;
  role: 'admin' | 'member';
}

/** What the agency's invoices name it by and where its clients pay (see the invoice legal details migration). */
interface SeedLegalDetails {
  legalName: string;
  address: string;
  vatId: string | null;
  registrationNumber: string | null;
  bankName: string | null;
  iban: string | null;
  bic: string | null;
  paymentTerms: string | null;
}

/** A knowledge base article and its translations (one per language, the first is the original). */
interface SeedArticle {
  /** The category by its English name. */
  category: string | null;
  audience: 'client' | 'internal';
  status: 'draft' | 'published';
  translations: ReadonlyArray<{ language: string; title: string; body: string }>;
}

export interface SeedKnowledgeBase {
  categories: ReadonlyArray<Record<string, string> & { en: string }>;
  articles: readonly SeedArticle[];
}

export interface SeedWorkspace {
  slug: string;
  name: string;
  brandColor: string;
  legal?: SeedLegalDetails;
  created: number;
  staff: readonly SeedStaff[];
  clients: readonly SeedClient[];
  knowledgeBase?: SeedKnowledgeBase;
}

const DEMO_KNOWLEDGE_BASE: SeedKnowledgeBase = {
  categories: [
    { en: 'Billing and payments', de: 'Rechnungen und Zahlungen', fr: 'Facturation et paiements' },
    { en: 'Your account', de: 'Ihr Konto', fr: 'Votre compte' },
    { en: 'Proposals and quotations', de: 'Angebote und Kostenvoranschläge', fr: 'Propositions commerciales et devis' },
  ],
  articles: [
    {
      category: 'Billing and payments',
      audience: 'client',
      status: 'published',
      translations: [
        {
          language: 'en',
          title: 'How to pay an invoice by bank transfer',
          body: [
            'You can pay any open invoice by **bank transfer** from your own bank.',
            '',
            '## What you need',
            '- The invoice number, at the top of the invoice',
            '- Our IBAN and BIC, printed at the foot of every invoice',
            '',
            '## Steps',
            '1. Open the invoice in the portal and note the amount due.',
            '2. Make the transfer and give the invoice number as the reference.',
            '3. Choose *I paid by bank transfer* on the invoice, so we know to look for it.',
            '',
            '> A transfer takes one to three working days to reach us.',
          ].join('\n'),
        },
        {
          language: 'de',
          title: 'Eine Rechnung per Überweisung bezahlen',
          body: [
            'Jede offene Rechnung können Sie per **Überweisung** von Ihrer Bank bezahlen.',
            '',
            '## Was Sie brauchen',
            '- Die Rechnungsnummer, oben auf der Rechnung',
            '- Unsere IBAN und BIC, unten auf jeder Rechnung',
            '',
            '## Schritte',
            '1. Öffnen Sie die Rechnung im Portal und notieren Sie den offenen Betrag.',
            '2. Überweisen Sie ihn mit der Rechnungsnummer als Verwendungszweck.',
            '3. Wählen Sie bei der Rechnung *Ich habe überwiesen*, damit wir danach schauen.',
            '',
            '> Eine Überweisung braucht ein bis drei Werktage bis zu uns.',
          ].join('\n'),
        },
      ],
    },
    {
      category: 'Your account',
      audience: 'client',
      status: 'published',
      translations: [
        {
          language: 'en',
          title: 'Reset your password',
          body: [
            'Forgot your password? Choose **Forgot your password?** on the sign-in page and enter your email.',
            '',
            'We send you a link that works once, for one hour. Open it and choose a new password.',
            'If no email arrives, check your spam folder, or sign in with a one-time code instead.',
          ].join('\n'),
        },
        {
          language: 'de',
          title: 'Passwort zurücksetzen',
          body: [
            'Passwort vergessen? Wählen Sie auf der Anmeldeseite **Passwort vergessen?** und geben Sie Ihre E-Mail-Adresse ein.',
            '',
            'Wir schicken Ihnen einen Link, der einmal und eine Stunde lang gilt. Öffnen Sie ihn und wählen Sie ein neues Passwort.',
            'Kommt keine E-Mail an, sehen Sie im Spam-Ordner nach oder melden Sie sich mit einem Einmalcode an.',
          ].join('\n'),
        },
      ],
    },
    {
      category: 'Proposals and quotations',
      audience: 'client',
      status: 'published',
      translations: [
        {
          language: 'en',
          title: 'What a quotation is',
          body: [
            'A quotation is our price for a piece of work, line by line, valid until the date it shows.',
            '',
            'Accepting it in the portal is your order: we start the work and invoice it as quoted.',
            'A proposal describes the work itself; a quotation prices it.',
          ].join('\n'),
        },
        {
          language: 'de',
          title: 'Was ein Kostenvoranschlag ist',
          body: [
            'Ein Kostenvoranschlag ist unser Preis für eine Arbeit, Posten für Posten, gültig bis zum genannten Datum.',
            '',
            'Nehmen Sie ihn im Portal an, ist das Ihr Auftrag: Wir beginnen und stellen ihn wie veranschlagt in Rechnung.',
          ].join('\n'),
        },
      ],
    },
    {
      category: 'Your account',
      audience: 'client',
      status: 'published',
      translations: [
        {
          language: 'en',
          title: 'Sharing files with your agency',
          body: 'Upload files on the Documents page, or attach them to a message or a support ticket. Each file may be up to 10 MB.',
        },
      ],
    },
    {
      category: 'Billing and payments',
      audience: 'client',
      status: 'draft',
      translations: [{ language: 'en', title: 'Paying by direct debit (draft)', body: 'Not offered yet: a draft for later.' }],
    },
    {
      category: 'Billing and payments',
      audience: 'internal',
      status: 'published',
      translations: [
        {
          language: 'en',
          title: 'Chasing an unpaid invoice (staff only)',
          body: 'Internal: call the client after the second reminder, before any late fee.',
        },
      ],
    },
  ],
};

const ACME_KNOWLEDGE_BASE: SeedKnowledgeBase = {
  categories: [{ en: 'Studio' }],
  articles: [
    {
      category: 'Studio',
      audience: 'client',
      status: 'published',
      translations: [
        {
          language: 'en',
          title: 'Studio opening hours',
          body: 'The studio answers invoices and tickets Monday to Friday, 9 to 6, Paris time.',
        },
      ],
    },
  ],
};

export const SEED_WORKSPACES: readonly SeedWorkspace[] = [
  {
    slug: 'demo',
    name: 'Demo Agency',
    knowledgeBase: DEMO_KNOWLEDGE_BASE,
    brandColor: '#2f5bd3',
    legal: {
      legalName: 'Demo Agency GmbH',
      address: 'Rosenthaler Straße 40\n10178 Berlin\nGermany',
      vatId: 'DE298765432',
      registrationNumber: 'HRB 187654 B, Amtsgericht Charlottenburg',
      bankName: 'Commerzbank Berlin',
      iban: 'DE89 3704 0044 0532 0130 00',
      bic: 'COBADEFFXXX',
      paymentTerms: 'Payable within 30 days of the invoice date without deduction.',
    },
    created: -400,
    staff: [
      { name: 'Dana Whitfield', email: 'admin@demo.test', password: 'DemoAdmin!2026', role: 'admin' },
      { name: 'Sam Okafor', email: 'member@demo.test', password: 'DemoMember!2026', role: 'member' },
    ],
    clients: [
      {
        name: 'Northwind Traders',
        website: 'https://northwind.test',
        address: '410 Harbor Street\nSeattle, WA 98101\nUnited States',
        taxId: '91-1144442',
        taxRatePercent: 0,
        vatExemptionNote: "Not taxable in Germany: the place of supply is the recipient's country (Section 3a (2) UStG).",
        vatExemptionReason: 'not_taxable',
        created: -300,
        contacts: [
          { name: 'Maria García', email: 'maria@northwind.test', phone: '+1 206 555 0142', demoLogin: true },
          { name: 'Tom Becker', email: 'tom@northwind.test', phone: '+1 206 555 0178' },
          { name: 'Olivia Hart', email: 'olivia@northwind.test', phone: '+1 206 555 0115', demoLogin: true, portalRole: 'admin' },
          { name: 'Ben Carter', email: 'ben@northwind.test', phone: '+1 206 555 0163', demoLogin: true, portalRole: 'billing' },
        ],
        proposals: [
          {
            title: 'Website redesign',
            body: 'A new website for Northwind Traders: discovery, a design system, and a build on a headless CMS.\nLaunch planned eight weeks after approval.',
            status: 'sent',
            currency: 'USD',
            created: -12,
            sent: -11,
            validUntil: OPEN_FOR + 14,
            items: [
              ['Discovery workshop and content audit', 1, 240000],
              ['Design system and page templates', 1, 980000],
              ['Build and launch on the CMS', 1, 1250000],
            ],
          },
          {
            title: 'SEO retainer, first half of 2027',
            body: 'Monthly technical SEO, content briefs and reporting.',
            status: 'draft',
            currency: 'USD',
            created: -2,
            validUntil: OPEN_FOR + 30,
            items: [['SEO retainer (monthly)', 6, 150000]],
          },
        ],
        quotations: [
          {
            title: 'Product photography (40 products)',
            body: 'Studio shots on white plus two lifestyle scenes.',
            status: 'accepted',
            currency: 'USD',
            created: -60,
            sent: -59,
            decided: -52,
            validUntil: -30,
            items: [
              ['Studio day', 2, 180000],
              ['Retouching per product', 40, 3500],
            ],
          },
        ],
        invoices: [
          {
            status: 'paid',
            currency: 'USD',
            issued: -45,
            due: -15,
            notes: 'Thank you for your business.',
            items: [['Discovery workshop and content audit', 1, 240000]],
            payments: [{ amountCents: 'balance', method: 'bank_transfer', reference: 'NW-2231', paidOn: -18 }],
          },
          {
            status: 'sent',
            currency: 'USD',
            issued: -10,
            due: 20,
            notes: 'Payment by bank transfer within 30 days.',
            supplied: -40,
            suppliedUntil: -11,
            items: [
              ['Design milestone 1: page templates', 1, 490000],
              ['Stock photography licences', 6, 4500],
            ],
            payments: [{ amountCents: 200000, method: 'bank_transfer', reference: 'NW-2290', paidOn: -3 }],
          },
        ],
        projects: [
          {
            ref: 'PJ-2026-001',
            title: 'Website redesign',
            description: 'A new website on a design system and a CMS your team edits, launched before the spring catalogue.',
            status: 'active',
            start: -45,
            end: 30,
            phases: [
              { name: 'Discovery', start: -45, end: -30 },
              { name: 'Design', start: -30, end: 7 },
              { name: 'Build and launch', start: 7, end: 30 },
            ],
          },
          {
            ref: 'PJ-2026-002',
            title: 'Product photography',
            description: 'Studio photography of the product range for the web shop.',
            status: 'completed',
            start: -70,
            end: -40,
          },
          {
            ref: 'PJ-2026-003',
            title: 'Wholesale catalogue',
            description: 'A printed catalogue for wholesale buyers, waiting for the new price list.',
            status: 'on_hold',
            start: null,
            end: null,
          },
        ],
        devices: [
          {
            name: 'Web server',
            kind: 'server',
            status: 'active',
            serialNumber: 'SRV-7731-K',
            assetTag: 'NW-0001',
            location: 'Data centre, rack 4',
            tickets: ['Contact form on the website sends no email'],
          },
          {
            name: 'Reception laptop',
            kind: 'workstation',
            status: 'active',
            serialNumber: 'LT-20931',
            assetTag: 'NW-0002',
            location: 'Front desk',
          },
          {
            name: 'Office printer',
            kind: 'printer',
            status: 'maintenance',
            serialNumber: 'PR-5520',
            assetTag: 'NW-0003',
            location: 'First floor',
          },
          { name: 'Old router', kind: 'network_device', status: 'inactive', serialNumber: null, assetTag: 'NW-0004', location: null },
        ],
        tickets: [
          {
            subject: 'Contact form on the website sends no email',
            description: 'Since Monday the contact form says "Thank you" but nothing reaches info@northwind.test.',
            openedBy: 'maria@northwind.test',
            category: 'Website',
            priority: 'High',
            opened: -4,
            messages: [
              { from: 'admin@demo.test', body: 'Thanks, Maria. We are looking at the mail server logs now.', at: -4 },
              {
                from: 'admin@demo.test',
                internal: true,
                body: 'SMTP password rotated last week; the form still uses the old one.',
                at: -3,
              },
              {
                from: 'member@demo.test',
                body: 'Could you send us a screenshot of the message the form shows after sending?',
                at: -2,
              },
            ],
            status: 'waiting_on_client',
          },
          {
            subject: 'Add the new store opening hours',
            description: 'Please put the winter opening hours on the contact page: Mon–Sat 9–18, Sun closed.',
            openedBy: 'maria@northwind.test',
            category: 'Website',
            priority: 'Normal',
            opened: -9,
            messages: [{ from: 'member@demo.test', body: 'Done: the contact page shows the winter hours now.', at: -8 }],
            status: 'resolved',
          },
          {
            subject: 'Logo looks blurry on the invoices',
            description: 'The logo on the PDF invoices looks pixelated when printed.',
            openedBy: 'tom@northwind.test',
            category: 'Design',
            priority: 'Low',
            opened: -1,
            messages: [],
            status: 'in_progress',
          },
        ],
        tasks: [
          {
            title: 'Send brand assets (logo files and fonts)',
            description: 'We need the original logo files (SVG or EPS) and the licensed font files.',
            status: 'open',
            due: 3,
            assignee: 'maria@northwind.test',
            created: -11,
            project: { ref: 'PJ-2026-001', phase: 'Design' },
          },
          {
            title: 'Review homepage wireframes',
            description: 'Comment directly on the shared wireframes, or reply with notes.',
            status: 'in_progress',
            due: 7,
            assignee: 'tom@northwind.test',
            created: -6,
            project: { ref: 'PJ-2026-001', phase: 'Design' },
          },
          {
            title: 'Confirm the launch date',
            description: 'Tell us which week suits your team for the launch.',
            status: 'open',
            due: -1,
            created: -4,
            record: 'proposal',
            project: { ref: 'PJ-2026-001' },
          },
          {
            title: 'Set up staging server',
            description: 'Staging on the agency hosting account.',
            status: 'done',
            due: -4,
            created: -10,
            completed: -5,
            project: { ref: 'PJ-2026-001', phase: 'Build and launch' },
          },
          {
            title: 'Stakeholder interviews',
            description: 'Interviews with sales, support and two wholesale buyers.',
            status: 'done',
            due: -38,
            created: -45,
            completed: -37,
            project: { ref: 'PJ-2026-001', phase: 'Discovery' },
          },
          {
            title: 'Content audit',
            description: 'Which pages stay, merge or go.',
            status: 'done',
            due: -31,
            created: -44,
            completed: -32,
            project: { ref: 'PJ-2026-001', phase: 'Discovery' },
          },
          {
            title: 'Photograph the product range',
            description: 'Two studio days, 40 products.',
            status: 'done',
            due: -45,
            created: -70,
            completed: -46,
            project: { ref: 'PJ-2026-002' },
          },
        ],
        documents: [
          {
            filename: 'website-redesign-proposal.pdf',
            kind: 'pdf',
            title: 'Website redesign - proposal summary',
            lines: ['Client: Northwind Traders', 'Scope: discovery, design system, CMS build', 'Timeline: 8 weeks'],
            shared: true,
            created: -11,
            record: 'proposal',
          },
          {
            filename: 'kickoff-notes.txt',
            kind: 'text',
            title: 'Kickoff meeting notes',
            lines: ['Attendees: Maria, Tom, Dana, Sam', 'Decision: launch before the spring catalogue'],
            shared: false,
            created: -20,
          },
          {
            filename: 'sitemap-draft.pdf',
            kind: 'pdf',
            title: 'Sitemap draft',
            lines: ['Home', 'Products', 'Wholesale', 'About', 'Contact'],
            shared: true,
            created: -8,
          },
          {
            filename: 'website-project-plan.pdf',
            kind: 'pdf',
            title: 'Website redesign - project plan',
            lines: ['Discovery: weeks 1-2', 'Design: weeks 3-7', 'Build and launch: weeks 8-11'],
            shared: true,
            created: -44,
            record: 'project',
          },
        ],
      },
      {
        name: 'Bluebell Bakery',
        website: 'https://bluebellbakery.test',
        address: '12 Camden Row\nDublin D08\nIreland',
        taxId: 'IE6388047V',
        taxRatePercent: 0,
        vatExemptionNote: 'Reverse charge: VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC).',
        vatExemptionReason: 'reverse_charge',
        created: -200,
        contacts: [
          { name: 'Priya Nair', email: 'priya@bluebell.test', phone: '+353 1 555 0190', demoLogin: true },
          { name: 'Owen Hughes', email: 'owen@bluebell.test', phone: null },
        ],
        proposals: [
          {
            title: 'Seasonal menu campaign',
            body: 'Concept, social content and print for the winter menu launch.',
            status: 'accepted',
            currency: 'EUR',
            created: -35,
            sent: -34,
            decided: -28,
            validUntil: -4,
            items: [
              ['Campaign concept', 1, 150000],
              ['Social posts', 12, 12000],
              ['Flyer design', 1, 45000],
            ],
          },
        ],
        quotations: [
          {
            title: 'Packaging refresh',
            body: 'Three box sizes with the new illustration style.',
            status: 'sent',
            currency: 'EUR',
            created: -5,
            sent: -5,
            validUntil: OPEN_FOR + 10,
            items: [
              ['Box design', 3, 90000],
              ['Print-ready files and printer liaison', 1, 30000],
            ],
          },
        ],
        invoices: [
          {
            status: 'paid',
            currency: 'EUR',
            issued: -27,
            due: -13,
            notes: 'Thank you for your business.',
            items: [['Campaign concept', 1, 150000]],
            payments: [{ amountCents: 'balance', method: 'card', reference: null, paidOn: -20 }],
          },
          {
            status: 'overdue',
            currency: 'EUR',
            issued: -40,
            due: -10,
            notes: 'Reminder sent.',
            items: [['Social posts, October', 12, 12000]],
          },
        ],
        // A second open invoice in euros: with the overdue one, two to choose on the invoice list
        // and pay in one payment.
        laterInvoices: [
          {
            status: 'sent',
            currency: 'EUR',
            issued: -6,
            due: 24,
            notes: 'Payment by bank transfer within 30 days.',
            items: [['Social posts, November', 12, 12000]],
          },
        ],
        tickets: [
          {
            subject: 'Order page shows the wrong prices',
            description: 'The sourdough loaf shows €4.20 online; it is €4.50 in the shop since October.',
            openedBy: 'priya@bluebell.test',
            category: 'Website',
            priority: 'Urgent',
            opened: -2,
            messages: [{ from: 'admin@demo.test', body: 'We are updating the price list today.', at: -2 }],
            status: 'in_progress',
          },
        ],
        tasks: [
          {
            title: 'Approve menu photos',
            description: 'Pick your favourite shot for each dish.',
            status: 'open',
            due: -2,
            assignee: 'priya@bluebell.test',
            created: -9,
          },
          {
            title: 'Deliver print files to the printer',
            description: '',
            status: 'open',
            due: 5,
            created: -3,
            project: { ref: 'PJ-2026-004' },
          },
        ],
        projects: [
          {
            ref: 'PJ-2026-004',
            title: 'Seasonal menu campaign',
            description: 'Photos, posts and in-store print for the autumn menu.',
            status: 'active',
            start: -30,
            end: 14,
          },
        ],
        documents: [
          {
            filename: 'menu-campaign-brief.pdf',
            kind: 'pdf',
            title: 'Seasonal menu campaign - brief',
            lines: ['Audience: neighbourhood regulars and office lunch crowd', 'Channels: Instagram, in-store print'],
            shared: true,
            created: -30,
          },
          {
            filename: 'brand-colours.txt',
            kind: 'text',
            title: 'Bluebell brand colours',
            lines: ['Bluebell blue #3a5fcd', 'Crust brown #8a5a2b', 'Flour white #faf7f2'],
            shared: true,
            created: -29,
          },
        ],
      },
      {
        name: 'Harbor Dental Group',
        website: 'https://harbordental.test',
        address: '88 Pier Avenue, Suite 200\nSan Diego, CA 92101\nUnited States',
        created: -150,
        contacts: [
          { name: 'Lena Park', email: 'lena@harbordental.test', phone: '+1 619 555 0110' },
          { name: 'Marcus Reed', email: 'marcus@harbordental.test', phone: '+1 619 555 0111' },
          { name: 'Ava Chen', email: 'ava@harbordental.test', phone: null },
        ],
        proposals: [
          {
            title: 'Patient booking portal',
            body: 'Online booking integrated with the practice management system.',
            status: 'declined',
            currency: 'USD',
            created: -50,
            sent: -49,
            decided: -30,
            validUntil: -19,
            items: [['Booking portal build', 1, 1800000]],
          },
          {
            title: 'Local SEO and Google Business Profile',
            body: 'Listings clean-up for three locations and monthly review responses.',
            status: 'sent',
            currency: 'USD',
            created: -4,
            sent: -4,
            validUntil: OPEN_FOR + 21,
            items: [
              ['Listings clean-up per location', 3, 45000],
              ['Review responses (monthly)', 3, 20000],
            ],
          },
        ],
        quotations: [
          {
            title: 'Brochure print run',
            body: '2,000 tri-fold brochures.',
            status: 'expired',
            currency: 'USD',
            created: -40,
            sent: -40,
            validUntil: -5,
            items: [['Tri-fold brochure (per 100)', 20, 4200]],
          },
        ],
        invoices: [
          {
            status: 'paid',
            currency: 'USD',
            issued: -46,
            due: -32,
            notes: '',
            items: [['Website care plan, October', 1, 35000]],
            payments: [{ amountCents: 'balance', method: 'card', reference: 'ch_3Pz81', paidOn: -40 }],
          },
          {
            status: 'sent',
            currency: 'USD',
            issued: -1,
            due: 14,
            notes: '',
            items: [['Website care plan, November', 1, 35000]],
          },
          {
            status: 'void',
            currency: 'USD',
            issued: -60,
            due: -46,
            notes: 'Issued in error.',
            items: [['Emergency hosting fix (hours)', 2, 15000]],
          },
        ],
        tasks: [
          {
            title: 'Provide dentist bios and headshots',
            description: 'One paragraph and one photo per dentist.',
            status: 'open',
            due: 10,
            assignee: 'ava@harbordental.test',
            created: -2,
          },
          {
            title: 'Fix contact form spam',
            description: 'Add server-side checks.',
            status: 'done',
            due: -20,
            created: -25,
            completed: -21,
          },
        ],
        documents: [
          {
            filename: 'care-plan-report-october.pdf',
            kind: 'pdf',
            title: 'Website care plan - October report',
            lines: ['Uptime: 99.98%', 'Plugin updates: 14', 'Backups: daily, verified'],
            shared: true,
            created: -15,
          },
          {
            filename: 'server-notes.txt',
            kind: 'text',
            title: 'Server notes',
            lines: ['Hosting: managed VPS', 'Backups at 02:00 UTC'],
            shared: false,
            created: -60,
          },
        ],
      },
      {
        name: 'Summit Outdoor Co.',
        website: 'https://summitoutdoor.test',
        address: 'Bergstraße 21\n80331 München\nGermany',
        taxId: 'DE811569869',
        taxRatePercent: 19,
        created: -90,
        contacts: [
          { name: 'Jonas Berg', email: 'jonas@summitoutdoor.test', phone: '+49 89 5550 1234' },
          { name: 'Elif Yılmaz', email: 'elif@summitoutdoor.test', phone: '+49 89 5550 1240' },
        ],
        proposals: [
          {
            title: 'E-commerce migration',
            body: 'Move the shop to a hosted platform, keep URLs and order history.',
            status: 'sent',
            currency: 'EUR',
            created: -7,
            sent: -6,
            validUntil: OPEN_FOR + 30,
            items: [
              ['Migration plan', 1, 200000],
              ['Theme customisation', 1, 650000],
              ['Product data import (per product)', 850, 250],
            ],
          },
        ],
        quotations: [
          {
            title: 'Winter catalogue photography',
            body: 'Two location days in the Alps.',
            status: 'draft',
            currency: 'EUR',
            created: -1,
            validUntil: OPEN_FOR + 29,
            items: [
              ['Location day', 2, 220000],
              ['Travel and permits', 1, 60000],
              ['Image usage rights, web shop (2 years)', 1, 40000, 7],
            ],
          },
        ],
        invoices: [
          {
            status: 'paid',
            currency: 'EUR',
            issued: -20,
            due: -6,
            notes: 'Deposit, 30% of the migration proposal.',
            items: [['Migration deposit', 1, 318750]],
            payments: [{ amountCents: 'balance', method: 'bank_transfer', reference: 'SUM-0042', paidOn: -9 }],
          },
          {
            status: 'draft',
            currency: 'EUR',
            issued: 0,
            due: 14,
            notes: '',
            items: [['Theme customisation, first half', 1, 325000]],
          },
          {
            status: 'sent',
            currency: 'EUR',
            issued: -2,
            due: 12,
            notes: '',
            supplied: -16,
            suppliedUntil: -3,
            items: [
              ['Product data import (per product)', 850, 250],
              ['Migration plan', 1, 200000],
              ['Image usage rights, web shop (2 years)', 1, 48000, 7],
            ],
          },
        ],
        tasks: [
          {
            title: 'Export product catalogue (CSV)',
            description: 'Include SKU, title, price, stock and image URLs.',
            status: 'open',
            due: 4,
            assignee: 'jonas@summitoutdoor.test',
            created: -6,
          },
          {
            title: 'Confirm payment providers',
            description: 'Which providers must the new shop support?',
            status: 'in_progress',
            due: 6,
            assignee: 'elif@summitoutdoor.test',
            created: -6,
          },
        ],
        documents: [
          {
            filename: 'migration-plan.pdf',
            kind: 'pdf',
            title: 'E-commerce migration plan',
            lines: ['Phase 1: data export', 'Phase 2: theme', 'Phase 3: redirects and launch'],
            shared: true,
            created: -6,
          },
        ],
      },
      {
        name: 'Greenleaf Architects',
        website: null,
        address: '5 Willow Lane\nPortland, OR 97205\nUnited States',
        created: -30,
        contacts: [
          { name: 'Hannah Cole', email: 'hannah@greenleaf.test', phone: '+1 503 555 0166' },
          { name: 'Raj Patel', email: 'raj@greenleaf.test', phone: null },
        ],
        quotations: [
          {
            title: 'Portfolio website',
            body: 'A project-led portfolio with case studies.',
            status: 'sent',
            currency: 'USD',
            created: -3,
            sent: -3,
            validUntil: OPEN_FOR + 27,
            items: [
              ['Design', 1, 420000],
              ['Build', 1, 560000],
              ['Case study write-ups', 5, 30000],
            ],
          },
        ],
      },
    ],
  },
  {
    slug: 'acme',
    name: 'Acme Studio',
    knowledgeBase: ACME_KNOWLEDGE_BASE,
    brandColor: '#b4451f',
    legal: {
      legalName: 'Acme Studio SARL',
      address: '18 rue de la Roquette\n75011 Paris\nFrance',
      vatId: 'FR40303265045',
      registrationNumber: 'SIRET 303 265 045 00029, RCS Paris',
      bankName: 'BNP Paribas',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: 'BNPAFRPPXXX',
      paymentTerms: 'Payable within 30 days. Late payment: interest at three times the legal rate and a fixed fee of EUR 40.',
    },
    created: -380,
    staff: [
      { name: 'Alex Moreau', email: 'admin@acme.test', password: 'AcmeAdmin!2026', role: 'admin' },
      { name: 'Jordan Lee', email: 'member@acme.test', password: 'AcmeMember!2026', role: 'member' },
    ],
    clients: [
      {
        // The same company, and the same person, as in Demo Agency: Maria works with both agencies.
        name: 'Northwind Traders',
        website: 'https://northwind.test',
        address: '410 Harbor Street\nSeattle, WA 98101\nUnited States',
        created: -120,
        contacts: [
          { name: 'Maria García', email: 'maria@northwind.test', phone: '+1 206 555 0142', demoLogin: true },
          { name: 'Ken Adams', email: 'ken@northwind.test', phone: '+1 206 555 0190' },
        ],
        proposals: [
          {
            title: 'Trade show booth graphics',
            body: 'Graphics for a 6 x 3 m booth at the spring trade fair.',
            status: 'sent',
            currency: 'USD',
            created: -8,
            sent: -8,
            validUntil: OPEN_FOR + 12,
            items: [
              ['Booth graphics design', 1, 320000],
              ['Banner print coordination', 1, 60000],
            ],
          },
        ],
        invoices: [
          {
            status: 'sent',
            currency: 'USD',
            issued: -5,
            due: 12,
            notes: '',
            items: [['Booth concept', 1, 120000]],
          },
        ],
        tasks: [
          {
            title: 'Send booth dimensions and floor plan',
            description: '',
            status: 'open',
            due: 2,
            assignee: 'maria@northwind.test',
            created: -5,
          },
        ],
        documents: [
          {
            filename: 'booth-concept.pdf',
            kind: 'pdf',
            title: 'Booth concept',
            lines: ['Back wall: product wall', 'Side panels: customer stories'],
            shared: true,
            created: -5,
          },
        ],
      },
      {
        name: 'Lumen Coffee Roasters',
        website: 'https://lumencoffee.test',
        address: 'Oudezijds Voorburgwal 120\n1012 GE Amsterdam\nNetherlands',
        taxId: 'NL854502130B01',
        created: -100,
        contacts: [
          { name: 'Hana Sato', email: 'hana@lumencoffee.test', phone: '+31 20 555 0101', demoLogin: true },
          { name: 'Diego Ruiz', email: 'diego@lumencoffee.test', phone: null },
        ],
        proposals: [
          {
            title: 'Brand identity',
            body: 'Logo, colour, type and a short brand book.',
            status: 'accepted',
            currency: 'EUR',
            created: -70,
            sent: -70,
            decided: -63,
            validUntil: -40,
            items: [
              ['Brand strategy workshop', 1, 180000],
              ['Identity design', 1, 520000],
              ['Brand book', 1, 150000],
            ],
          },
        ],
        quotations: [
          {
            title: 'Bag label series (6 origins)',
            body: 'One label per single origin, sharing a system.',
            status: 'sent',
            currency: 'EUR',
            created: -6,
            sent: -6,
            validUntil: OPEN_FOR + 24,
            items: [['Label design per origin', 6, 35000]],
          },
        ],
        invoices: [
          {
            status: 'paid',
            currency: 'EUR',
            issued: -62,
            due: -48,
            notes: '50% deposit.',
            items: [['Brand identity, 50% deposit', 1, 425000]],
            payments: [{ amountCents: 'balance', method: 'bank_transfer', reference: 'LCR-118', paidOn: -50 }],
          },
          {
            status: 'sent',
            currency: 'EUR',
            issued: -7,
            due: 7,
            notes: 'Balance on delivery of the brand book.',
            items: [['Brand identity, balance', 1, 425000]],
          },
        ],
        tasks: [
          {
            title: 'Choose the final logo direction',
            description: '',
            status: 'done',
            due: -30,
            assignee: 'hana@lumencoffee.test',
            created: -40,
            completed: -31,
          },
          {
            title: 'Send roast profiles for the labels',
            description: 'Tasting notes, altitude and process for each origin.',
            status: 'open',
            due: 8,
            assignee: 'diego@lumencoffee.test',
            created: -6,
          },
        ],
        documents: [
          {
            filename: 'logo-directions.pdf',
            kind: 'pdf',
            title: 'Logo directions',
            lines: ['A: sunrise mark', 'B: bean monogram', 'C: wordmark only'],
            shared: true,
            created: -38,
          },
          {
            filename: 'label-copy.txt',
            kind: 'text',
            title: 'Label copy (draft)',
            lines: ['Ethiopia Guji - peach, jasmine, honey'],
            shared: false,
            created: -4,
          },
        ],
      },
      {
        name: 'Riverside Yoga',
        website: 'https://riversideyoga.test',
        address: '77 River Road\nAustin, TX 78701\nUnited States',
        created: -80,
        contacts: [
          { name: 'Chloe Martin', email: 'chloe@riversideyoga.test', phone: '+1 512 555 0133' },
          { name: 'Ben Ito', email: 'ben@riversideyoga.test', phone: null },
        ],
        quotations: [
          {
            title: 'Class schedule app prototype',
            body: 'A clickable prototype for booking classes.',
            status: 'declined',
            currency: 'USD',
            created: -45,
            sent: -45,
            decided: -38,
            validUntil: -15,
            items: [['Prototype', 1, 640000]],
          },
        ],
        invoices: [
          {
            status: 'overdue',
            currency: 'USD',
            issued: -50,
            due: -20,
            notes: 'Second reminder sent.',
            items: [['Website maintenance, Q3', 3, 22500]],
          },
        ],
        tasks: [{ title: 'Update the class timetable page', description: '', status: 'open', due: 1, created: -2 }],
      },
      {
        name: 'Kestrel Logistics',
        website: 'https://kestrel.test',
        address: 'Via Torino 14\n20123 Milano\nItaly',
        taxId: 'IT00743110157',
        created: -60,
        contacts: [
          { name: 'Ruth Evans', email: 'ruth@kestrel.test', phone: '+39 02 5550 7700' },
          { name: 'Ian Novak', email: 'ian@kestrel.test', phone: null },
          { name: 'Sofia Rossi', email: 'sofia@kestrel.test', phone: '+39 02 5550 7712' },
        ],
        proposals: [
          {
            title: 'Driver recruitment campaign',
            body: 'Job ads, landing page and social targeting.',
            status: 'draft',
            currency: 'EUR',
            created: -1,
            validUntil: OPEN_FOR + 30,
            items: [
              ['Landing page', 1, 240000],
              ['Ad creative set', 4, 45000],
            ],
          },
        ],
        quotations: [
          {
            title: 'Fleet livery design',
            body: 'Livery for vans and trailers.',
            status: 'accepted',
            currency: 'EUR',
            created: -40,
            sent: -40,
            decided: -33,
            validUntil: -10,
            items: [
              ['Livery design', 1, 380000],
              ['Vehicle templates', 3, 40000],
            ],
          },
        ],
        invoices: [
          {
            status: 'paid',
            currency: 'EUR',
            issued: -30,
            due: -16,
            notes: '',
            items: [
              ['Livery design', 1, 380000],
              ['Vehicle templates', 3, 40000],
            ],
            payments: [
              { amountCents: 250000, method: 'bank_transfer', reference: 'KL-5501', paidOn: -25 },
              { amountCents: 'balance', method: 'bank_transfer', reference: 'KL-5530', paidOn: -17 },
            ],
          },
        ],
        tasks: [
          {
            title: 'Approve livery mock-ups',
            description: 'Van and trailer mock-ups are in the shared folder.',
            status: 'in_progress',
            due: 3,
            assignee: 'sofia@kestrel.test',
            created: -7,
          },
        ],
        documents: [
          {
            filename: 'livery-mockups.pdf',
            kind: 'pdf',
            title: 'Fleet livery mock-ups',
            lines: ['Van: white with kestrel wing', 'Trailer: full wrap'],
            shared: true,
            created: -7,
          },
          {
            filename: 'fleet-list.csv',
            kind: 'csv',
            title: 'Fleet list',
            lines: ['vehicle,type,registration', 'V01,van,FM 123 KL', 'T01,trailer,XA 456 KL'],
            shared: false,
            created: -20,
          },
        ],
      },
    ],
  },
];
