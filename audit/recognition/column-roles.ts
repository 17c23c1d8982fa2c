// What a column is for, judged from its name words and its type: an email, a password hash, an
// amount, a due date, a status... These roles are the "column signature" that confirms (or
// contradicts) what a table's name suggests, in any language the vocabulary covers.
import type { CatalogColumn } from '../catalog/types.ts';
import { learnedApplies } from './learned.ts';
import { tokenize } from './names.ts';

export type ColumnRole =
  | 'email'
  | 'password'
  | 'login'
  | 'personName'
  | 'name'
  | 'address'
  | 'phone'
  | 'status'
  | 'amount'
  | 'currency'
  | 'dueDate'
  | 'validUntil'
  | 'paid'
  | 'number'
  | 'title'
  | 'body'
  | 'fileName'
  | 'fileContent'
  | 'mimeType'
  | 'fileSize'
  | 'timestamp'
  | 'softDelete'
  | 'visibility'
  | 'shareToken'
  | 'secretToken'
  | 'storedSecret'
  | 'oneTimeCode'
  | 'expiresAt'
  | 'signature'
  | 'decisionTime'
  | 'ipAddress'
  | 'userAgent'
  | 'eventName'
  | 'actor'
  | 'assignee'
  | 'paymentMethod'
  | 'paymentGateway'
  | 'portalFlag'
  | 'settingSwitch'
  | 'branding'
  | 'staffRole'
  | 'done'
  | 'code'
  | 'label'
  | 'bankAccount'
  | 'paymentTerms'
  | 'supplyDate'
  | 'vatExemption';

type Test = (words: ReadonlySet<string>, column: CatalogColumn, name: string) => boolean;

const any =
  (...list: string[]) =>
  (w: ReadonlySet<string>): boolean =>
    list.some((x) => w.has(x));
// A uuid is category U like other user types, but it is a key, never text (contact_name_id is no name):
// learned on Alga PSA (74e98655), like the other checks below that cite that commit or f175bf0a, 7842ea4b.
const textual = (c: CatalogColumn): boolean =>
  c.category === 'S' || c.baseType === 'bytea' || (c.category === 'U' && (c.baseType !== 'uuid' || !learnedApplies('alga-psa')));
const temporal = (c: CatalogColumn): boolean => c.category === 'D';
const boolish = (c: CatalogColumn): boolean => c.category === 'B' || ['int2', 'bit'].includes(c.baseType);
const numeric = (c: CatalogColumn): boolean => c.category === 'N' && !['oid', 'regclass'].includes(c.baseType);
const moneyType = (c: CatalogColumn): boolean => numeric(c) || c.baseType === 'money';
const isIdLike = (w: ReadonlySet<string>): boolean => w.has('id') || w.has('fk') || w.has('rowid');
/** A key-shaped name, where telling keys from values was learned on this schema (else never). */
const keyLearnedOn =
  (from: Parameters<typeof learnedApplies>[0]) =>
  (w: ReadonlySet<string>): boolean =>
    isIdLike(w) && learnedApplies(from);

// A secret kept to be read back (a third party's password, an OTP seed, an OAuth client secret):
// encrypted, not hashed. It never signs anyone in to this host, so it is neither a password hash
// nor a sign-in token. 'crypted' alone (Dolibarr's pass_crypted) is a hash and not listed.
const STORED_SECRET_WORDS = [
  'encrypted',
  'enc',
  'ciphertext',
  'cipher',
  'secret',
  'vault',
  'sealed',
  'encrypt',
  'decryptable',
  'verschluesselt',
  'chiffre',
];
const storedSecret = (w: ReadonlySet<string>): boolean => STORED_SECRET_WORDS.some((x) => w.has(x)) && !w.has('hash');

const PASSWORD_WORDS = [
  'password',
  'passwd',
  'pass',
  'pwd',
  'passwort',
  'kennwort',
  'motdepasse',
  'passe',
  'contrasena',
  'senha',
  'passphrase',
  'passhash',
  'pwhash',
];

// Order matters only for readability; a column may hold several roles.
const ROLE_TESTS: Array<[ColumnRole, Test]> = [
  [
    'email',
    (w, c) =>
      textual(c) &&
      any('email', 'mail', 'courriel', 'correo', 'emailaddress')(w) &&
      !any('template', 'sent', 'bounce', 'no', 'notify')(w) &&
      // A key to a mail record or folder (email_folder_id, varchar keys) is a link, not an address
      // (EspoCRM, 876c9718).
      !keyLearnedOn('espocrm')(w),
  ],
  [
    'password',
    (w, c) =>
      textual(c) &&
      any(...PASSWORD_WORDS)(w) &&
      !any('changed', 'reset', 'expire', 'expired', 'hint', 'policy', 'date', 'at', 'count', 'attempt', 'key', 'requested', 'temp')(w) &&
      !temporal(c) &&
      !storedSecret(w),
  ],
  [
    'login',
    (w, c, n) =>
      textual(c) &&
      (any('login', 'username', 'identifiant', 'benutzername', 'usuario', 'handle', 'signin', 'loginname')(w) ||
        (/^user_?name$/.test(n) && learnedApplies('espocrm'))) &&
      !any('at', 'date', 'last', 'count', 'attempt', 'failed')(w),
  ],
  [
    'personName',
    (_w, c, n) =>
      textual(c) &&
      /^(first_?name|last_?name|given_?name|family_?name|sur_?name|full_?name|prenom|firstname|lastname|vorname|nachname|nombre|apellido|cognome|civility)$/.test(
        n,
      ),
  ],
  [
    'name',
    (w, c) =>
      textual(c) &&
      any('name', 'nom', 'firmenname', 'raison', 'bezeichnung', 'nombre', 'nome', 'naam', 'alias')(w) &&
      !any('file', 'filename', 'type', 'user', 'domain', 'host', 'table', 'column', 'class', 'field')(w),
  ],
  // An e-mail or IP address is not where a client is: email_address, ip_address say nothing of a postal address.
  [
    'address',
    (w) =>
      (!any('email', 'mail', 'ip', 'mac', 'remote')(w) || !learnedApplies('espocrm')) &&
      any(
        'address',
        'adresse',
        'street',
        'strasse',
        'town',
        'city',
        'ville',
        'ort',
        'zip',
        'postcode',
        'postal',
        'plz',
        'country',
        'pays',
        'land',
        'website',
        'url',
        'vat',
        'tva',
        'siren',
        'siret',
        'ust',
        'tax',
        'idprof1',
        'direccion',
        'indirizzo',
      )(w),
  ],
  ['phone', (w) => any('phone', 'tel', 'telephone', 'telefon', 'mobile', 'fax', 'portable', 'handy', 'telefono')(w)],
  // A key to a phase or stage (phase_id, uuid) names a parent record; a key to a status table still says the status.
  [
    'status',
    (w, c) =>
      !temporal(c) &&
      any('status', 'statut', 'state', 'etat', 'stage', 'zustand', 'estado', 'stato', 'phase')(w) &&
      !any('changed', 'date', 'at')(w) &&
      !(c.baseType === 'uuid' && !any('status', 'statut', 'state', 'etat', 'zustand', 'estado', 'stato')(w) && learnedApplies('alga-psa')),
  ],
  [
    'amount',
    (w, c) =>
      moneyType(c) &&
      any(
        'amount',
        'total',
        'price',
        'subtotal',
        'montant',
        'betrag',
        'summe',
        'importe',
        'sum',
        'cost',
        'fee',
        'subprice',
        'ht',
        'ttc',
        'gross',
        'net',
        'netto',
        'brutto',
        'prix',
        'preis',
        'cents',
        'balance',
        'prezzo',
        'totale',
      )(w) &&
      !any('qty', 'quantity', 'count', 'percent', 'rate')(w) &&
      // A key to the record holding the money (fee_invoice_id, total_id) is a link, never an amount
      // (Invoice Ninja, 2d5a7cfb).
      !keyLearnedOn('invoiceninja')(w),
  ],
  [
    'currency',
    (w, c) => textual(c) && any('currency', 'devise', 'waehrung', 'moneda', 'valuta', 'multicurrency')(w) && !any('rate', 'tx')(w),
  ],
  [
    'dueDate',
    (w, c) => temporal(c) && any('due', 'echeance', 'deadline', 'faellig', 'faelligkeit', 'vencimiento', 'scadenza', 'lim', 'datee')(w),
  ],
  [
    'validUntil',
    (w, c) =>
      temporal(c) &&
      (any('validite', 'validity', 'gueltig', 'expiry', 'expiration', 'vigencia', 'validita')(w) ||
        (w.has('valid') && any('until', 'till', 'to', 'end')(w))),
  ],
  [
    'paid',
    (w, c) => (boolish(c) || temporal(c) || numeric(c)) && any('paid', 'paye', 'bezahlt', 'pagado', 'pagato', 'settled', 'betaald')(w),
  ],
  [
    'number',
    (w, c) =>
      (textual(c) || numeric(c)) &&
      any('number', 'ref', 'reference', 'num', 'numero', 'nummer', 'no', 'nr')(w) &&
      !any('phone', 'tel', 'vat', 'fk', 'id')(w),
  ],
  [
    'title',
    (w, c) => textual(c) && any('title', 'titre', 'titel', 'subject', 'sujet', 'betreff', 'asunto', 'label', 'libelle', 'summary')(w),
  ],
  [
    'body',
    (w, c) =>
      textual(c) &&
      c.baseType !== 'bytea' &&
      !w.has('type') &&
      !keyLearnedOn('alga-psa')(w) &&
      any(
        'body',
        'content',
        'text',
        'description',
        'note',
        'message',
        'comment',
        'texte',
        'inhalt',
        'nachricht',
        'contenu',
        'beschreibung',
        'commentaire',
        'kommentar',
        'html',
        'msg',
      )(w),
  ],
  [
    'fileName',
    (w, c) =>
      textual(c) &&
      (any('filename', 'dateiname', 'fichier', 'filepath', 'fullpath', 'path', 'storage', 'objectkey', 'blobkey')(w) ||
        (w.has('file') && any('name', 'path', 'key', 'url')(w))),
  ],
  ['fileContent', (w, c) => c.baseType === 'bytea' || (any('blob', 'bytes', 'binary')(w) && textual(c))],
  [
    'mimeType',
    (w, c) =>
      textual(c) &&
      (any('mime', 'mimetype', 'contenttype')(w) ||
        (w.has('content') && w.has('type')) ||
        ((w.has('mime') || w.has('typ')) && any('datei', 'file', 'mime')(w))),
  ],
  ['fileSize', (w, c) => numeric(c) && (any('filesize', 'groesse', 'taille', 'bytes')(w) || (w.has('size') && !w.has('font')))],
  ['timestamp', (_w, c) => temporal(c)],
  [
    'softDelete',
    (w, c) =>
      (temporal(c) || boolish(c)) &&
      (any('deleted', 'removed', 'trashed', 'archived', 'inactive', 'geloescht', 'supprime', 'borrado', 'disabled')(w) ||
        (w.has('is') && w.has('active'))),
  ],
  // 'note_public' is a note printed on the PDF, not a switch that shows the record to the client.
  [
    'visibility',
    (w, c) =>
      (boolish(c) || textual(c)) &&
      !w.has('note') &&
      (any('visible', 'visibility', 'shared', 'public', 'published', 'sichtbar', 'freigegeben')(w) ||
        (w.has('show') && any('client', 'customer', 'portal')(w))),
  ],
  [
    'shareToken',
    (w, c) =>
      textual(c) &&
      (any('share', 'securekey', 'sharetoken', 'publickey')(w) ||
        (w.has('token') && any('public', 'share', 'link', 'access', 'view')(w)) ||
        (w.has('public') && any('hash', 'key', 'id', 'uid')(w))),
  ],
  [
    'secretToken',
    (w, c) =>
      textual(c) &&
      !storedSecret(w) &&
      (any('token', 'apikey', 'api', 'nonce', 'magic')(w) ||
        (any('hash', 'key')(w) &&
          any('token', 'code', 'reset', 'invite', 'invitation', 'pass', 'verification', 'activation', 'confirm', 'signup')(w))) &&
      !any('csrf', 'type')(w),
  ],
  ['storedSecret', (w, c) => textual(c) && storedSecret(w) && !any('type', 'at', 'date')(w)],
  [
    'oneTimeCode',
    (w, c) =>
      textual(c) &&
      !storedSecret(w) &&
      (any('otp', 'totp', 'onetime', 'passcode', 'magic', 'pin')(w) ||
        (w.has('code') && any('login', 'verification', 'verify', 'auth', 'sign', 'signin', 'confirm', 'hash', 'one')(w))),
  ],
  ['expiresAt', (w, c) => temporal(c) && any('expire', 'expires', 'expiry', 'expiration', 'ablauf', 'valid', 'ttl')(w)],
  ['signature', (w) => any('signature', 'signed', 'sign', 'signer', 'esign', 'unterschrift', 'signe', 'signataire')(w)],
  [
    'decisionTime',
    (w, c) =>
      temporal(c) &&
      any(
        'decided',
        'accepted',
        'approved',
        'signed',
        'declined',
        'rejected',
        'signature',
        'cloture',
        'closed',
        'angenommen',
        'decision',
      )(w),
  ],
  ['ipAddress', (w, c) => (textual(c) || c.baseType === 'inet') && any('ip', 'ipaddress', 'remoteaddr', 'ipaddr')(w)],
  ['userAgent', (w) => any('useragent', 'agent', 'ua', 'browser')(w) && !any('id', 'fk')(w)],
  [
    'eventName',
    (w, c) =>
      textual(c) &&
      (any('event', 'action', 'verb', 'activity', 'operation', 'ereignis', 'evenement')(w) ||
        (w.has('method') && !any('payment', 'paiement', 'pay', 'shipping', 'delivery')(w)) ||
        (w.has('log') && w.has('type'))),
  ],
  [
    'actor',
    (w, c) =>
      (isIdLike(w) || numeric(c) || c.baseType === 'uuid') &&
      any('user', 'author', 'actor', 'creator', 'by', 'owner', 'staff', 'employee', 'benutzer', 'autor')(w),
  ],
  [
    'assignee',
    (w) => any('assigned', 'assignee', 'assign', 'responsible', 'owner', 'zugewiesen', 'verantwortlich', 'affecte', 'attribue')(w),
  ],
  [
    'paymentMethod',
    (w) =>
      (any('method', 'mode', 'zahlungsart', 'moyen', 'metodo')(w) && !any('display', 'view', 'edit')(w)) ||
      (w.has('paiement') && w.has('fk')) ||
      (w.has('payment') && w.has('type')),
  ],
  [
    'paymentGateway',
    (w, c) =>
      any('stripe', 'paypal', 'gateway', 'psp', 'checkout', 'mollie', 'adyen', 'braintree', 'intent', 'gocardless', 'razorpay')(w) ||
      (w.has('provider') && any('payment', 'paiement', 'pay')(w)) ||
      ((textual(c) || !learnedApplies('alga-psa')) && w.has('transaction') && w.has('id') && !w.has('fk')),
  ],
  // A key to a portal table (portal_domain_id) is a link, not a switch.
  [
    'portalFlag',
    (w, c) =>
      (!(keyLearnedOn('alga-psa')(w) || (c.baseType === 'uuid' && learnedApplies('alga-psa'))) &&
        any('portal', 'portail', 'extranet', 'selfservice', 'kundenportal')(w)) ||
      (any('can', 'allow', 'enable', 'has')(w) && any('login', 'access', 'portal')(w)),
  ],
  [
    'settingSwitch',
    (w, c) =>
      boolish(c) && !keyLearnedOn('alga-psa')(w) && any('show', 'allow', 'enable', 'enabled', 'can', 'hide', 'display', 'permit')(w),
  ],
  ['branding', (w) => any('logo', 'color', 'colour', 'brand', 'theme', 'farbe', 'couleur')(w)],
  [
    'staffRole',
    (w) => any('role', 'admin', 'rolle', 'superadmin', 'permission', 'rights', 'droits')(w) && !any('client', 'customer', 'contact')(w),
  ],
  ['done', (w) => any('done', 'completed', 'complete', 'finished', 'erledigt', 'progress', 'percent', 'termine', 'closed', 'resolved')(w)],
  [
    'code',
    (w, c) =>
      textual(c) &&
      any('code', 'key', 'slug', 'kuerzel')(w) &&
      !any('zip', 'postal', 'country', 'currency', 'hash', 'login', 'verification')(w),
  ],
  [
    'label',
    (w, c) => textual(c) && !w.has('file') && any('label', 'libelle', 'bezeichnung', 'designation', 'description', 'name', 'title')(w),
  ],
  // What an invoice must carry to be filed (the agency's bank details, its payment terms, when
  // the service was supplied): read where the host keeps them, so the portal's invoice shows them.
  ['bankAccount', (w, c) => textual(c) && any('iban', 'bic', 'swift', 'bankaccount', 'kontonummer', 'rib')(w)],
  [
    'paymentTerms',
    (w) =>
      (any('terms', 'term', 'conditions', 'condition', 'cond')(w) && any('payment', 'paiement', 'reglement', 'pay', 'zahlung')(w)) ||
      any('paymentterms', 'zahlungsbedingungen', 'zahlungsziel')(w),
  ],
  ['supplyDate', (w, c) => temporal(c) && any('supply', 'delivery', 'livraison', 'leistung', 'lieferung', 'service', 'prestation')(w)],
  // Why an invoice charges no VAT, which it must then say: a note or a flag of exemption, reverse
  // charge or the small-business scheme, on the client (who and where it is) or the agency.
  [
    'vatExemption',
    (w) =>
      any('exempt', 'exemption', 'befreiung', 'steuerbefreiung', 'steuerfrei', 'exoneration', 'exonere', 'autoliquidation')(w) ||
      (w.has('reverse') && w.has('charge')) ||
      any('reversecharge', 'kleinunternehmer', 'kleinunternehmerregelung')(w) ||
      (w.has('franchise') && any('tva', 'vat', 'tax', 'steuer', 'ust', 'mwst')(w)),
  ],
];

export type RoleMap = ReadonlyMap<ColumnRole, CatalogColumn[]>;

export function columnRoles(columns: CatalogColumn[]): RoleMap {
  const roles = new Map<ColumnRole, CatalogColumn[]>();
  for (const column of columns) {
    const name = column.name.toLowerCase();
    const words = new Set(tokenize(column.name));
    // 'datec', 'pass_crypted', 'fk_statut': also look at obvious sub-words of glued names.
    for (const word of [...words]) for (const part of GLUED_PARTS[word] ?? []) words.add(part);
    for (const [role, test] of ROLE_TESTS) {
      if (test(words, column, name)) {
        const list = roles.get(role) ?? [];
        list.push(column);
        roles.set(role, list);
      }
    }
  }
  return roles;
}

// Glued words seen in real CRMs, split so the ordinary vocabulary recognises them.
const GLUED_PARTS: Record<string, string[]> = {
  datec: ['created'],
  datef: ['date'],
  tms: ['updated'],
  passwordhash: ['password', 'hash'],
  passhash: ['pass', 'hash'],
  pwhash: ['password', 'hash'],
  emailaddress: ['email'],
  useragent: ['agent'],
  createdby: ['by', 'created'],
  filename: ['file', 'name'],
  filesize: ['file', 'size'],
  contenttype: ['content', 'type'],
  mimetype: ['mime', 'type'],
  sharetoken: ['share', 'token'],
  apikey: ['api', 'token'],
  socid: ['soc', 'id'],
  userid: ['user', 'id'],
  fullpath: ['path'],
  filepath: ['path'],
  totalht: ['total'],
  totalttc: ['total'],
  ipaddress: ['ip'],
  fname: ['file', 'name'],
  transactionid: ['transaction', 'id'],
  staffid: ['staff', 'id'],
  apikeys: ['apikey'],
};

export function hasRole(roles: RoleMap, role: ColumnRole): boolean {
  return (roles.get(role)?.length ?? 0) > 0;
}
