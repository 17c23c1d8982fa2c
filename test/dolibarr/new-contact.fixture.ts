// What Dolibarr 23's own code writes for ONE contact added from a third party's "New contact" card
// with only the first name, last name and email typed in, captured from Dolibarr itself so the
// binding's rows can be compared with it where PHP does not run (CI).
//
// Produced by installing Dolibarr 23 with its own installer on PostgreSQL (its demo data: the
// customer "Client Bars SARL", rowid 1, in France, country rowid 1; the agenda module on with its
// default automatic events, CONTACT_CREATE among them), then, as the admin user (rowid 1), setting
// what htdocs/contact/card.php's action 'add' sets from that form (every other input posted empty,
// the country preselected with the third party's) and calling Contact::create:
//
//   $objsoc = new Societe($db); $objsoc->fetch(1); $c = new Contact($db);
//   $c->entity = $objsoc->entity; $c->socid = $objsoc->id;
//   $c->lastname = 'Weber'; $c->firstname = 'Nina'; $c->civility_code = ''; $c->poste = ''; $c->address = '';
//   $c->zip = ''; $c->town = ''; $c->country_id = empty($objsoc->country_id) ? $mysoc->country_id : $objsoc->country_id;
//   $c->state_id = 0; $c->socialnetworks = array(); $c->email = 'nina.weber@example.com'; $c->no_email = 0;
//   $c->phone_pro = ''; $c->phone_perso = ''; $c->phone_mobile = ''; $c->fax = ''; $c->priv = 0;
//   $c->note_public = ''; $c->note_private = ''; $c->roles = array(); $c->status = 1; $c->statut = 1;
//   $c->birthday = dol_mktime(0, 0, 0, 0, 0, 0); $c->birthday_alert = 0; $c->default_lang = '';
//   $db->begin(); $c->create($user); $db->commit();
//
// and reading back every column of the rows it wrote, less the ones that cannot match another run:
// rowids and the rows' links to each other (rowid, id, ref, fk_contact, fk_actioncomm, fk_element
// of the contact's resource row, fk_object) and the moments (datec, tms, datep, datep2). The same
// form posted over HTTP to card.php, signed in as the admin, wrote the same rows, but for the
// event's ip (the browser's address, getUserRemoteIP(); none from the command line).
//
// With two contact extra fields defined first as Setup's extra attributes page defines them
// (ExtraFields::addExtraField: 'department', varchar(64), no default; 'newsletter', boolean,
// default '1'), the same create with the form's extra inputs as it posts them untouched
// ($_POST options_department '', options_newsletter '1', then setOptionalsFromPost) also wrote
// the llx_socpeople_extrafields row below.
// The ids of that install the rows name are in DOLIBARR_IDS, so a test maps them to its own.

/** The ids of the install the rows below were written in. */
export const DOLIBARR_IDS = { user: 1, company: 1, country: 1 } as const;

/** The name and email the form was filled in with. */
export const NEW_CONTACT = { name: 'Nina Weber', email: 'nina.weber@example.com' } as const;

export const DOLIBARR_NEW_CONTACT = {
  llx_socpeople: {
    fk_soc: 1,
    entity: 1,
    ref_ext: null,
    name_alias: '',
    fk_parent: null,
    civility: '',
    lastname: 'Weber',
    firstname: 'Nina',
    address: '',
    zip: '',
    town: '',
    fk_departement: null,
    fk_pays: 1,
    geolat: null,
    geolong: null,
    geopoint: null,
    georesultcode: null,
    birthday: null,
    poste: '',
    phone: '',
    phone_perso: '',
    phone_mobile: '',
    fax: '',
    url: null,
    email: 'nina.weber@example.com',
    socialnetworks: '[]',
    photo: null,
    no_email: 0,
    priv: 0,
    fk_prospectlevel: '',
    fk_stcommcontact: 0,
    fk_user_creat: 1,
    fk_user_modif: 1,
    note_private: '',
    note_public: '',
    default_lang: null,
    canvas: null,
    import_key: null,
    statut: 1,
    ip: null,
  },
  /** The CONTACT_CREATE event the agenda trigger wrote (fk_contact: the new contact). */
  llx_actioncomm: {
    ref_ext: null,
    entity: 1,
    fk_action: 40,
    code: 'AC_CONTACT_CREATE',
    fk_user_author: 1,
    fk_user_mod: null,
    fk_project: null,
    fk_task: null,
    fk_soc: 1,
    fk_parent: 0,
    fk_user_action: 1,
    transparency: 0,
    priority: 0,
    visibility: 'default',
    fulldayevent: 0,
    percent: -1,
    location: '',
    durationp: 0,
    label: 'Contact Nina Weber created',
    note: 'Contact Nina Weber created',
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
    fk_element: null,
    elementtype: null,
    ip: null,
    fk_bookcal_calendar: null,
    import_key: null,
    extraparams: null,
  },
  /** The event's attendees: the acting user (its owner), then the contact (fk_element the new contact). */
  llx_actioncomm_resources: [
    { element_type: 'user', fk_element: 1, answer_status: '0', mandatory: 0, transparency: 0 },
    { element_type: 'socpeople', answer_status: '0', mandatory: 0, transparency: 0 },
  ],
  /** The two extra fields as addExtraField defined them: their llx_extrafields rows, and the columns it added. */
  extraFields: {
    llx_extrafields: [
      {
        name: 'department',
        entity: 1,
        elementtype: 'socpeople',
        label: 'Department',
        type: 'varchar',
        size: '64',
        fieldcomputed: null,
        fielddefault: null,
        fieldunique: 0,
        fieldrequired: 0,
        perms: null,
        enabled: '1',
        pos: 100,
        alwayseditable: 1,
        param: '',
        list: '1',
        printable: 0,
        totalizable: false,
        langs: null,
      },
      {
        name: 'newsletter',
        entity: 1,
        elementtype: 'socpeople',
        label: 'Newsletter',
        type: 'boolean',
        size: '',
        fieldcomputed: null,
        fielddefault: '1',
        fieldunique: 0,
        fieldrequired: 0,
        perms: null,
        enabled: '1',
        pos: 101,
        alwayseditable: 1,
        param: '',
        list: '1',
        printable: 0,
        totalizable: false,
        langs: null,
      },
    ],
    /** llx_socpeople_extrafields's columns after it, as \d lists them. */
    columns: { department: 'character varying(64)', newsletter: 'integer default 1' },
    llx_socpeople_extrafields: { import_key: null, department: null, newsletter: 1 },
  },
} as const;
