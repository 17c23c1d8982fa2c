// Rows a Dolibarr 23 instance would hold, inserted the way Dolibarr's own code writes them: its
// install data for the dictionaries the binding reads (llx_c_paiement, llx_c_type_contact), the
// agency's constants, staff with PHP password_hash() bcrypt ($2y$), third parties with their
// customer codes, contacts, proposals and invoices with lines and totals in numeric(24,8) with
// tax per line, validated refs (PR/FA<yymm>-<nnnn>) and draft refs ((PROVn)), payments with PAY
// refs and their invoice links, a credit note used on an invoice, a project with tasks whose assignees are llx_element_contact rows,
// and ECM file rows (label = md5 of the file, share = the public hash) with the files on disk.
import bcrypt from 'bcryptjs';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';

export interface DolibarrSeed {
  workspaceSlug: string;
  entity: number;
  users: { admin: number; staff: number };
  companies: { bakery: number; garage: number; prospect: number; supplier: number; closed: number };
  contacts: { claire: number; sophie: number; paul: number; disabled: number; noEmail: number };
  proposals: { signed: number; accept: number; race: number; decline: number; draft: number };
  invoices: { unpaid: number; paid: number; draft: number; partlyPaid: number; creditNote: number; abandoned: number };
  tasks: { claireDue: number; companyWide: number; claireUndated: number; sophies: number; claireDone: number; draftProject: number };
  typeContact: { internalExecutive: number; externalExecutive: number; externalContributor: number };
  sharedWithBakery: number;
}

const ENTITY = 1;

/** PHP's password_hash(PASSWORD_DEFAULT): bcrypt, cost 10, written with PHP's $2y$ prefix. */
const phpPasswordHash = (password: string) => bcrypt.hashSync(password, 10).replace(/^\$2b\$/, '$2y$');

interface Line {
  label: string;
  description: string;
  qty: number;
  subprice: number;
  tva: number;
}

/** A line's amounts as Dolibarr's calcul_price_total computes them, rounded to 2 decimals (MT). */
function lineAmounts(line: Line) {
  const ht = Math.round(line.qty * line.subprice * 100) / 100;
  const tva = Math.round(ht * line.tva) / 100;
  return { total_ht: ht.toFixed(2), total_tva: tva.toFixed(2), total_ttc: (ht + tva).toFixed(2) };
}

function totals(lines: Line[]) {
  let ht = 0;
  let tva = 0;
  for (const line of lines) {
    const amounts = lineAmounts(line);
    ht += Number(amounts.total_ht);
    tva += Number(amounts.total_tva);
  }
  return { total_ht: ht.toFixed(2), total_tva: tva.toFixed(2), total_ttc: (ht + tva).toFixed(2) };
}

async function insertId(db: Knex, table: string, row: Record<string, unknown>, key = 'rowid'): Promise<number> {
  const [inserted] = await db(table).insert(row).returning(key);
  return Number((inserted as Record<string, number>)[key]);
}

export async function seedDolibarr(db: Knex, dataRoot: string): Promise<DolibarrSeed> {
  // Dictionaries from Dolibarr's install data (htdocs/install/mysql/data/llx_c_paiement.sql, llx_c_type_contact.sql).
  await db('llx_c_paiement').insert([
    { id: 1, code: 'TIP', libelle: 'TIP', type: 2, active: 0 },
    { id: 2, code: 'VIR', libelle: 'Transfer', type: 2, active: 1 },
    { id: 3, code: 'PRE', libelle: 'Debit order', type: 2, active: 1 },
    { id: 4, code: 'LIQ', libelle: 'Cash', type: 2, active: 1 },
    { id: 6, code: 'CB', libelle: 'Credit card', type: 2, active: 1 },
    { id: 7, code: 'CHQ', libelle: 'Cheque', type: 2, active: 1 },
  ]);
  await db('llx_c_type_contact').insert([
    { rowid: 160, element: 'project', source: 'internal', code: 'PROJECTLEADER', libelle: 'Project leader', active: 1 },
    { rowid: 161, element: 'project', source: 'internal', code: 'PROJECTCONTRIBUTOR', libelle: 'Contributor', active: 1 },
    { rowid: 170, element: 'project', source: 'external', code: 'PROJECTLEADER', libelle: 'Project leader', active: 1 },
    { rowid: 171, element: 'project', source: 'external', code: 'PROJECTCONTRIBUTOR', libelle: 'Contributor', active: 1 },
    { rowid: 180, element: 'project_task', source: 'internal', code: 'TASKEXECUTIVE', libelle: 'Task executive', active: 1 },
    { rowid: 181, element: 'project_task', source: 'internal', code: 'TASKCONTRIBUTOR', libelle: 'Intervenant', active: 1 },
    { rowid: 185, element: 'project_task', source: 'external', code: 'TASKEXECUTIVE', libelle: 'Task executive', active: 1 },
    { rowid: 186, element: 'project_task', source: 'external', code: 'TASKCONTRIBUTOR', libelle: 'Intervenant', active: 1 },
  ]);
  await db('llx_const').insert([
    { name: 'MAIN_MONNAIE', entity: ENTITY, value: 'EUR', type: 'chaine', visible: 0 },
    { name: 'MAIN_INFO_SOCIETE_NOM', entity: ENTITY, value: 'Atelier Lumière', type: 'chaine', visible: 0 },
  ]);

  // The superadmin the installer creates lives in entity 0; a colleague in entity 1; an external
  // user of a third party (fk_soc) is not staff.
  const admin = await insertId(db, 'llx_user', {
    entity: 0,
    admin: 1,
    employee: 1,
    login: 'admin',
    pass_crypted: phpPasswordHash('Admin-dolibarr-2026'),
    lastname: 'Moreau',
    firstname: 'Hélène',
    email: 'helene@atelier-lumiere.example',
    statut: 1,
    datec: '2026-01-02 09:00:00',
  });
  const staff = await insertId(db, 'llx_user', {
    entity: ENTITY,
    admin: 0,
    employee: 1,
    login: 'marc',
    pass_crypted: phpPasswordHash('Marc-dolibarr-2026'),
    lastname: 'Petit',
    firstname: 'Marc',
    email: 'marc@atelier-lumiere.example',
    statut: 1,
    datec: '2026-01-02 09:05:00',
    fk_user_creat: admin,
  });

  const company = (nom: string, client: number, fournisseur: number, status: number, code: string | null) =>
    insertId(db, 'llx_societe', {
      nom,
      entity: ENTITY,
      client,
      fournisseur,
      status,
      code_client: client ? code : null,
      code_fournisseur: fournisseur ? code : null,
      datec: '2026-01-05 10:00:00',
      fk_user_creat: admin,
      tva_assuj: 1,
      fk_pays: 1,
    });
  const bakery = await company('Boulangerie Martin', 1, 0, 1, 'CU2601-00001');
  const garage = await company('Garage Dupont', 3, 0, 1, 'CU2601-00002');
  const prospect = await company('Lefèvre Architectes', 2, 0, 1, 'CU2601-00003');
  const supplier = await company('Scierie du Val', 0, 1, 1, 'SU2601-00001');
  const closed = await company('Ancien Client SARL', 1, 0, 0, 'CU2601-00004');

  const contact = (fk_soc: number, firstname: string, lastname: string, email: string | null, statut = 1) =>
    insertId(db, 'llx_socpeople', {
      fk_soc,
      entity: ENTITY,
      civility: 'MME',
      firstname,
      lastname,
      email,
      phone: '+33 1 40 00 00 00',
      statut,
      priv: 0,
      no_email: 0,
      fk_user_creat: admin,
      datec: '2026-01-05 10:30:00',
    });
  const claire = await contact(bakery, 'Claire', 'Martin', 'claire@martin.example');
  const sophie = await contact(bakery, 'Sophie', 'Martin', 'sophie@martin.example');
  const paul = await contact(garage, 'Paul', 'Dupont', 'paul@dupont.example');
  const disabled = await contact(bakery, 'Ancien', 'Employé', 'ancien@martin.example', 0);
  const noEmail = await contact(bakery, 'Sans', 'Courriel', null);
  await contact(prospect, 'Louise', 'Lefèvre', 'louise@lefevre.example');
  await contact(closed, 'Jean', 'Ancien', 'jean@ancien.example');

  // Proposals: Propal::create writes a draft ref (PROVn) and fk_statut 0; valid() gives it its
  // PR ref, date_valid and fk_user_valid, and fk_statut 1.
  const propal = async (
    fk_soc: number,
    ref: string,
    fk_statut: number,
    day: string,
    lines: Line[],
    extra: Record<string, unknown> = {},
  ) => {
    const sums = totals(lines);
    const id = await insertId(db, 'llx_propal', {
      ref,
      entity: ENTITY,
      fk_soc,
      datec: `2026-${day} 09:00:00`,
      datep: `2026-${day}`,
      fin_validite: `2026-${day} 23:59:59`,
      date_valid: fk_statut === 0 ? null : `2026-${day} 09:30:00`,
      fk_user_author: admin,
      fk_user_valid: fk_statut === 0 ? null : admin,
      fk_statut,
      ...sums,
      localtax1: 0,
      localtax2: 0,
      fk_cond_reglement: 1,
      model_pdf: 'cyan',
      note_public: `Proposal ${ref}`,
      multicurrency_code: 'EUR',
      multicurrency_tx: 1,
      multicurrency_total_ht: sums.total_ht,
      multicurrency_total_tva: sums.total_tva,
      multicurrency_total_ttc: sums.total_ttc,
      ...extra,
    });
    let rang = 1;
    for (const line of lines) {
      const amounts = lineAmounts(line);
      await db('llx_propaldet').insert({
        fk_propal: id,
        label: line.label,
        description: line.description,
        tva_tx: line.tva,
        qty: line.qty,
        subprice: line.subprice,
        ...amounts,
        product_type: 1,
        rang: rang++,
        multicurrency_code: 'EUR',
        multicurrency_subprice: line.subprice,
        multicurrency_total_ht: amounts.total_ht,
        multicurrency_total_tva: amounts.total_tva,
        multicurrency_total_ttc: amounts.total_ttc,
      });
    }
    return id;
  };
  const design: Line[] = [
    { label: 'Shop front design', description: 'Drawings and colour study', qty: 1, subprice: 800, tva: 20 },
    { label: 'Site visits', description: 'Half-day visits', qty: 3, subprice: 150, tva: 20 },
  ];
  const signed = await propal(bakery, 'PR2601-0001', 2, '01-10', design, { date_signature: '2026-01-20 15:00:00' });
  const accept = await propal(bakery, 'PR2601-0002', 1, '02-01', [
    { label: 'Lighting plan', description: 'Shop lighting', qty: 1, subprice: 640, tva: 20 },
  ]);
  const race = await propal(bakery, 'PR2601-0003', 1, '02-03', [
    { label: 'Signage', description: 'Hand-painted sign', qty: 2, subprice: 212.5, tva: 5.5 },
  ]);
  const decline = await propal(garage, 'PR2601-0004', 1, '02-05', [
    { label: 'Workshop layout', description: '', qty: 1, subprice: 1000, tva: 20 },
  ]);
  const draft = await propal(bakery, '(PROV5)', 0, '02-10', [
    { label: 'Draft idea', description: 'Not sent yet', qty: 1, subprice: 99, tva: 20 },
  ]);

  // Invoices: validated ones have their FA ref, date_valid, fk_user_valid and a due date.
  const facture = async (
    fk_soc: number,
    ref: string,
    fk_statut: number,
    paye: number,
    day: string,
    lines: Line[],
    extra: Record<string, unknown> = {},
  ) => {
    const sums = totals(lines);
    const id = await insertId(db, 'llx_facture', {
      ref,
      entity: ENTITY,
      type: 0,
      fk_soc,
      datec: `2026-${day} 11:00:00`,
      datef: `2026-${day}`,
      date_valid: fk_statut === 0 ? null : `2026-${day}`,
      paye,
      fk_statut,
      ...sums,
      localtax1: 0,
      localtax2: 0,
      revenuestamp: 0,
      fk_user_author: admin,
      fk_user_valid: fk_statut === 0 ? null : admin,
      fk_cond_reglement: 1,
      date_lim_reglement: `2026-${day}`,
      model_pdf: 'sponge',
      note_public: `Invoice ${ref}`,
      multicurrency_code: 'EUR',
      multicurrency_tx: 1,
      multicurrency_total_ht: sums.total_ht,
      multicurrency_total_tva: sums.total_tva,
      multicurrency_total_ttc: sums.total_ttc,
      ...extra,
    });
    let rang = 1;
    for (const line of lines) {
      const amounts = lineAmounts(line);
      await db('llx_facturedet').insert({
        fk_facture: id,
        label: line.label,
        description: line.description,
        tva_tx: line.tva,
        qty: line.qty,
        subprice: line.subprice,
        price: line.subprice,
        ...amounts,
        product_type: 1,
        rang: rang++,
        fk_user_author: admin,
        multicurrency_code: 'EUR',
        multicurrency_subprice: line.subprice,
        multicurrency_total_ht: amounts.total_ht,
        multicurrency_total_tva: amounts.total_tva,
        multicurrency_total_ttc: amounts.total_ttc,
      });
    }
    return id;
  };
  const payment = async (ref: string, invoice: number, amount: string, datep: string, mode: number) => {
    const id = await insertId(db, 'llx_paiement', {
      entity: ENTITY,
      ref,
      ref_ext: '',
      datec: `${datep} 12:00:00`,
      datep: `${datep} 12:00:00`,
      amount,
      multicurrency_amount: amount,
      fk_paiement: mode,
      num_paiement: '',
      note: '',
      fk_user_creat: admin,
      pos_change: 0,
    });
    await db('llx_paiement_facture').insert({
      fk_facture: invoice,
      fk_paiement: id,
      amount,
      multicurrency_amount: amount,
      multicurrency_code: 'EUR',
      multicurrency_tx: 1,
    });
  };
  const unpaid = await facture(bakery, 'FA2601-0001', 1, 0, '02-15', [
    { label: 'Design work', description: 'As per PR2601-0001', qty: 1, subprice: 800, tva: 20 },
    { label: 'Site visits', description: '', qty: 3, subprice: 150, tva: 20 },
  ]);
  const paid = await facture(
    bakery,
    'FA2601-0002',
    2,
    1,
    '01-25',
    [{ label: 'Deposit', description: '', qty: 1, subprice: 300, tva: 20 }],
    {
      date_closing: '2026-01-30 12:00:00',
      fk_user_closing: admin,
    },
  );
  await payment('PAY2601-0001', paid, '360.00', '2026-01-30', 2);
  const invoiceDraft = await facture(bakery, '(PROV3)', 0, 0, '02-20', [
    { label: 'Draft work', description: '', qty: 1, subprice: 50, tva: 20 },
  ]);
  const partlyPaid = await facture(garage, 'FA2602-0003', 1, 0, '02-18', [
    { label: 'Workshop study', description: '', qty: 1, subprice: 500, tva: 20 },
  ]);
  await payment('PAY2602-0002', partlyPaid, '200.00', '2026-02-25', 6);
  // A credit note against the garage's invoice (type 2, negative amounts, AV ref), converted into
  // a discount (llx_societe_remise_except, the credit note then closed as paid) and used on that
  // invoice (fk_facture), as Dolibarr's credit note and discount screens do.
  const creditNote = await facture(
    garage,
    'AV2602-0001',
    2,
    1,
    '02-22',
    [{ label: 'Goodwill', description: '', qty: 1, subprice: -100, tva: 20 }],
    {
      type: 2,
      fk_facture_source: partlyPaid,
      date_closing: '2026-02-22 12:00:00',
      fk_user_closing: admin,
    },
  );
  await db('llx_societe_remise_except').insert({
    entity: ENTITY,
    fk_soc: garage,
    discount_type: 0,
    datec: '2026-02-22 12:00:00',
    amount_ht: '100.00',
    amount_tva: '20.00',
    amount_ttc: '120.00',
    tva_tx: 20,
    fk_user: admin,
    fk_facture: partlyPaid,
    fk_facture_source: creditNote,
    description: '(CREDIT_NOTE)',
    multicurrency_code: 'EUR',
    multicurrency_tx: 1,
    multicurrency_amount_ht: '100.00',
    multicurrency_amount_tva: '20.00',
    multicurrency_amount_ttc: '120.00',
  });
  const abandoned = await facture(
    bakery,
    'FA2601-0004',
    3,
    0,
    '01-12',
    [{ label: 'Cancelled job', description: '', qty: 1, subprice: 100, tva: 20 }],
    {
      close_code: 'abandon',
      close_note: 'Job cancelled',
      date_closing: '2026-01-13 09:00:00',
      fk_user_closing: admin,
    },
  );

  // A validated project of the bakery (fk_statut 1) with tasks, and a draft project whose task
  // the client must not see. Task::create writes no fk_statut (0), progress as entered.
  const project = (fk_soc: number, ref: string, title: string, fk_statut: number) =>
    insertId(db, 'llx_projet', {
      fk_soc,
      ref,
      title,
      entity: ENTITY,
      fk_user_creat: admin,
      fk_statut,
      public: 0,
      datec: '2026-01-15 09:00:00',
      dateo: '2026-01-15',
      usage_task: 1,
    });
  const refit = await project(bakery, 'PJ2601-0001', 'Shop refit', 1);
  const planned = await project(bakery, 'PJ2601-0002', 'Next year', 0);
  const task = (fk_projet: number, ref: string, label: string, datee: string | null, progress = 0) =>
    insertId(db, 'llx_projet_task', {
      ref,
      entity: ENTITY,
      fk_projet,
      fk_task_parent: 0,
      label,
      description: `${label}, please`,
      note_public: '',
      note_private: '',
      datec: '2026-01-16 09:00:00',
      fk_user_creat: admin,
      dateo: '2026-01-16 00:00:00',
      datee,
      planned_workload: 3600,
      progress,
      priority: 0,
      billable: 1,
    });
  const assign = (element_id: number, fk_c_type_contact: number, fk_socpeople: number) =>
    db('llx_element_contact').insert({ datecreate: '2026-01-16 09:10:00', statut: 4, element_id, fk_c_type_contact, fk_socpeople });
  // The refit is private (public 0), as Dolibarr creates a project by default: its tasks reach only
  // the contacts linked to it (Project::getProjectsAuthorizedForUser), Claire and Sophie here.
  await assign(refit, 171, claire);
  await assign(refit, 171, sophie);
  const claireDue = await task(refit, 'TK2601-0001', 'Choose the tiles', '2026-03-10 00:00:00');
  await assign(claireDue, 185, claire);
  const companyWide = await task(refit, 'TK2601-0002', 'Approve the plans', '2026-03-01 00:00:00');
  await assign(companyWide, 180, staff); // an internal executive only: the whole company sees it
  const claireUndated = await task(refit, 'TK2601-0003', 'Send the logo files', null);
  await assign(claireUndated, 186, claire);
  const sophies = await task(refit, 'TK2601-0004', 'Pick paint colours', '2026-03-05 00:00:00');
  await assign(sophies, 185, sophie);
  const claireDone = await task(refit, 'TK2601-0005', 'Empty the shop window', '2026-02-01 00:00:00', 100);
  await assign(claireDone, 185, claire);
  const draftProject = await task(planned, 'TK2601-0006', 'Plan next year', '2026-06-01 00:00:00');

  // Files as EcmFiles::create indexes them: label is the md5 of the content, share the public
  // hash when staff share the file, filepath relative to the data root.
  const file = async (
    filepath: string,
    filename: string,
    content: string,
    src_object_type: string,
    src_object_id: number,
    shared: boolean,
    date: string,
  ) => {
    mkdirSync(path.join(dataRoot, filepath), { recursive: true });
    writeFileSync(path.join(dataRoot, filepath, filename), content);
    await db('llx_ecm_files').insert({
      ref: createHash('sha1').update(`${filepath}/${filename}`).digest('hex'),
      label: createHash('md5').update(content).digest('hex'),
      share: shared ? randomBytes(16).toString('hex') : null,
      entity: ENTITY,
      filepath,
      filename,
      src_object_type,
      src_object_id,
      fullpath_orig: filename,
      gen_or_uploaded: filename.endsWith('.pdf') ? 'generated' : 'uploaded',
      date_c: date,
      fk_user_c: admin,
      position: 1,
    });
  };
  await file(
    'propale/PR2601-0001',
    'PR2601-0001.pdf',
    '%PDF-1.4\n% proposal PR2601-0001\n%%EOF\n',
    'propal',
    signed,
    true,
    '2026-01-10 09:31:00',
  );
  await file(
    'facture/FA2601-0001',
    'FA2601-0001.pdf',
    '%PDF-1.4\n% invoice FA2601-0001\n%%EOF\n',
    'facture',
    unpaid,
    true,
    '2026-02-15 11:05:00',
  );
  await file(`societe/${bakery}`, 'opening-hours.txt', 'Mon-Sat 7:00-19:30\n', 'societe', bakery, true, '2026-01-06 08:00:00');
  await file(`societe/${bakery}`, 'internal-notes.txt', 'Not for the client\n', 'societe', bakery, false, '2026-01-07 08:00:00');
  await file('propale/(PROV5)', '(PROV5).pdf', '%PDF-1.4\n% draft\n%%EOF\n', 'propal', draft, true, '2026-02-10 09:01:00');
  await file(
    'facture/FA2602-0003',
    'FA2602-0003.pdf',
    '%PDF-1.4\n% garage invoice\n%%EOF\n',
    'facture',
    partlyPaid,
    true,
    '2026-02-18 11:05:00',
  );

  return {
    workspaceSlug: 'atelier-lumiere',
    entity: ENTITY,
    users: { admin, staff },
    companies: { bakery, garage, prospect, supplier, closed },
    contacts: { claire, sophie, paul, disabled, noEmail },
    proposals: { signed, accept, race, decline, draft },
    invoices: { unpaid, paid, draft: invoiceDraft, partlyPaid, creditNote, abandoned },
    tasks: { claireDue, companyWide, claireUndated, sophies, claireDone, draftProject },
    typeContact: { internalExecutive: 180, externalExecutive: 185, externalContributor: 186 },
    sharedWithBakery: 3,
  };
}
