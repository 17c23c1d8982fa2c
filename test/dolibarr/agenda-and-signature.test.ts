// Covers what Dolibarr does besides the rows when the portal records a client's decision on a
// proposal or an invoice's last payment, checked column by column against Dolibarr's own code:
//  - the online signature's fields on llx_propal (htdocs/core/ajax/onlineSign.php, action
//    importSignature: online_sign_ip = getUserRemoteIP(), online_sign_name only when one was
//    typed; the refusal in htdocs/public/onlinesign/newonlinesign.php, confirm_refusepropal,
//    writes neither);
//  - the agenda event of the trigger Dolibarr runs next (PROPAL_CLOSE_SIGNED, PROPAL_CLOSE_REFUSED,
//    BILL_PAYED), as InterfaceActionsAuto::runTrigger
//    (htdocs/core/triggers/interface_50_modAgenda_ActionsAuto.class.php) fills an ActionComm and
//    ActionComm::create (htdocs/comm/action/class/actioncomm.class.php) inserts it, with its
//    llx_actioncomm_resources row, only where the entity's agenda setup asks for it
//    (MAIN_MODULE_AGENDA and MAIN_AGENDA_ACTIONAUTO_<trigger>), and in the same transaction as
//    the change it records.
// The proposal's cases run on the hand-written binding and on the binding file
// (bindings/dolibarr-commercial.yaml, whose accept and decline statements write the same rows).
import path from 'node:path';
import { expect } from 'chai';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { bindingFromFile } from '../file-binding/serve-binding-file.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const FILE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bindings/dolibarr-commercial.yaml');

type Row = Record<string, unknown>;
const reason = unavailable();

describe("dolibarr binding: Dolibarr's agenda events and online signature fields", function () {
  this.timeout(60_000);
  let host: DolibarrHost;
  let adapter: HostAdapter;
  let fromFile: HostAdapter;
  const workspaceId = '1';

  /** Agenda setup > "Automatic events": one llx_const row per trigger, as the setup page saves it (entity 1). */
  const setAgenda = async (settings: Record<string, string | null>) => {
    for (const [name, value] of Object.entries(settings)) {
      await host.db('llx_const').where({ name, entity: 1 }).delete();
      if (value !== null) await host.db('llx_const').insert({ name, entity: 1, value, type: 'chaine', visible: 0 });
    }
  };
  const eventsOf = (elementtype: string, fkElement: number) =>
    host.db('llx_actioncomm').where({ elementtype, fk_element: fkElement }).orderBy('id').select<Row[]>();
  const resourcesOf = (id: number) => host.db('llx_actioncomm_resources').where({ fk_actioncomm: id }).select<Row[]>();

  /** A validated proposal of the bakery, as the seed's (PR ref, fk_user_valid the admin). */
  async function validatedProposal(ref: string, extra: Row = {}): Promise<number> {
    const source = await host.db('llx_propal').where({ rowid: host.seed.proposals.accept }).first<Row>();
    const { rowid: _rowid, tms: _tms, ...copy } = source;
    const [row] = await host
      .db('llx_propal')
      .insert({ ...copy, ref, fk_statut: 1, date_signature: null, online_sign_ip: null, online_sign_name: null, ...extra })
      .returning('rowid');
    return Number((row as { rowid: number }).rowid);
  }

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    adapter = createDolibarrAdapter(host.db, {
      workspaceSlug: host.seed.workspaceSlug,
      actingUserId: host.seed.users.staff,
    });
    fromFile = (await bindingFromFile(host.db, FILE)).adapter;
    // Dolibarr's install data (htdocs/install/mysql/data/llx_c_actioncomm.sql): the type of every
    // automatic event, "Code used from 3.3+ when type of event is not used".
    await host.db('llx_c_actioncomm').insert({
      id: 40,
      code: 'AC_OTH_AUTO',
      type: 'systemauto',
      libelle: 'Other (automatically inserted events)',
      module: null,
      active: 1,
      position: 20,
    });
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("the invoice's last payment writes the BILL_PAYED event as Facture::setPaid's trigger does; a part payment none", async function () {
    await setAgenda({ MAIN_MODULE_AGENDA: '1', MAIN_AGENDA_ACTIONAUTO_BILL_PAYED: '1' });
    const { bakery } = host.seed.companies;
    const id = host.seed.invoices.unpaid;
    const invoice = await adapter.invoices!.find(workspaceId, String(bakery), String(id));
    const { ref } = await host.db('llx_facture').where({ rowid: id }).first<{ ref: string }>('ref');
    const paidAt = new Date('2026-03-04T10:00:00Z');
    const pay = (amountCents: number, reference: string) =>
      adapter.invoices!.recordPayment!(workspaceId, String(bakery), String(id), {
        amountCents,
        method: 'card',
        reference,
        paidAt,
        provider: 'demo',
      });
    expect(await pay(100, 'demo_part')).to.not.equal(null);
    // Not paid in full: setPaid is not called, so no BILL_PAYED.
    expect(await eventsOf('invoice', id)).to.deep.equal([]);
    const rest = await pay(invoice!.balanceCents - 100, 'demo_rest');
    expect(rest).to.not.equal(null);
    const [event, ...more] = await eventsOf('invoice', id);
    expect(more).to.deep.equal([]);
    expect(event).to.include({
      code: 'AC_BILL_PAYED',
      // transnoentities("InvoicePaidInDolibarr", ref) = "Invoice %s changed to paid"
      label: `Invoice ${ref} changed to paid`,
      // With Paiement::create's context['actionmsgmore'] on a line of its own.
      note: `Invoice ${ref} changed to paid\nInvoice set to paid by the payment->create() of payment ${rest!.number} because the remain to pay is 0`,
      // $object->element 'facture', which create() stores as 'invoice' "for backward compatibility".
      elementtype: 'invoice',
      fk_element: id,
      fk_soc: bakery,
      percent: -1,
      fk_action: 40,
      // setPaid($user): the user recording the payment, the same one written as fk_user_closing.
      fk_user_author: host.seed.users.staff,
      fk_user_action: host.seed.users.staff,
    });
    expect(await host.db('llx_facture').where({ rowid: id }).first('fk_user_closing')).to.deep.equal({
      fk_user_closing: host.seed.users.staff,
    });
    expect((await resourcesOf(Number(event!.id))).map((row) => [row.element_type, row.fk_element])).to.deep.equal([
      ['user', host.seed.users.staff],
    ]);
  });

  // Each binding its own refs (llx_propal.ref is unique per entity).
  const bindings = [
    { name: 'the hand-written binding', prefix: 'PR2603', adapter: () => adapter },
    { name: 'the binding file', prefix: 'PR2604', adapter: () => fromFile },
  ];
  for (const binding of bindings) {
    describe(binding.name, function () {
      it('a signature fills online_sign_ip and online_sign_name and writes the PROPAL_CLOSE_SIGNED event', async function () {
        await setAgenda({ MAIN_MODULE_AGENDA: '1', MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED: '1' });
        const { bakery } = host.seed.companies;
        const id = await validatedProposal(`${binding.prefix}-0101`, { fk_projet: null });
        const at = new Date('2026-03-02T14:30:00Z');
        const decided = await binding.adapter().offers!.decide(workspaceId, String(bakery), 'proposal', String(id), {
          outcome: 'accepted',
          at,
          signerName: '  Claire Martin ',
          ip: '203.0.113.7',
        });
        expect(decided).to.equal(true);
        const propal = await host.db('llx_propal').where({ rowid: id }).first<Row>();
        // onlineSign.php: "online_sign_ip = '".$db->escape($online_sign_ip)."'" and, "if ($online_sign_name)",
        // "online_sign_name = '".$db->escape($online_sign_name)."'" (varchar(48) and varchar(64) in dolibarr.sql).
        expect(propal).to.include({ fk_statut: 2, online_sign_ip: '203.0.113.7', online_sign_name: 'Claire Martin' });

        const events = await eventsOf('propal', id);
        expect(events).to.have.length(1);
        const event = events[0]!;
        // ActionComm::create inserts ref '(PROV)' and then "UPDATE … SET ref = id".
        expect(event.ref).to.equal(String(event.id));
        expect(event).to.include({
          entity: 1, // ActionComm::create: (int) $conf->entity
          code: 'AC_PROPAL_CLOSE_SIGNED', // runTrigger: $actioncomm->code = 'AC_'.$action
          fk_action: 40, // create(): type_id fetched from llx_c_actioncomm for type_code 'AC_OTH_AUTO' (runTrigger's actiontypecode)
          // runTrigger, PROPAL_CLOSE_SIGNED: actionmsg2 (label) and actionmsg (note) are
          // transnoentities("PropalClosedSignedInDolibarr", ref) = "Proposal %s signed" (langs/en_US/agenda.lang)
          label: `Proposal ${binding.prefix}-0101 signed`,
          note: `Proposal ${binding.prefix}-0101 signed`,
          elementtype: 'propal', // $object->element of Propal
          fk_element: id, // $object->id
          fk_soc: bakery, // $object->socid
          fk_project: null, // $object->fk_project 0 → null
          percent: -1, // "$actioncomm->percentage = -1; // Not applicable"
          priority: 0,
          fulldayevent: 0,
          transparency: 0,
          location: '',
          fk_contact: null, // sendtoid = array(): no contact
          ref_ext: null,
          event_paid: 0,
          status: 0,
          durationp: 0, // datef - datep, both $now
          // onlineSign.php runs the trigger as "$user->fetch($object->user_validation_id)": the author
          // (create: $user->id) and the owner (userownerid → fk_user_action) are the proposal's validator.
          fk_user_author: host.seed.users.admin,
          fk_user_action: host.seed.users.admin,
        });
        expect((event.datep as Date).getTime()).to.equal(at.getTime());
        expect((event.datep2 as Date).getTime()).to.equal(at.getTime());
        expect(event.datec).to.be.instanceOf(Date);
        // create(): the owner becomes the assigned user, "INSERT INTO llx_actioncomm_resources(fk_actioncomm,
        // element_type, fk_element, mandatory, transparency, answer_status) VALUES(id, 'user', owner, 0, 0, 0)".
        expect(await resourcesOf(Number(event.id))).to.deep.equal([
          {
            rowid: (await resourcesOf(Number(event.id)))[0]!.rowid,
            fk_actioncomm: event.id,
            element_type: 'user',
            fk_element: host.seed.users.admin,
            mandatory: 0,
            transparency: 0,
            answer_status: '0',
          },
        ]);
      });

      it('a refusal fills no signature field and writes the PROPAL_CLOSE_REFUSED event', async function () {
        await setAgenda({ MAIN_MODULE_AGENDA: '1', MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_REFUSED: '1' });
        const { bakery } = host.seed.companies;
        const id = await validatedProposal(`${binding.prefix}-0102`);
        const at = new Date('2026-03-03T09:00:00Z');
        const decision = { outcome: 'declined' as const, at, signerName: 'Claire Martin', ip: '203.0.113.7' };
        expect(await binding.adapter().offers!.decide(workspaceId, String(bakery), 'proposal', String(id), decision)).to.equal(true);
        // newonlinesign.php, confirm_refusepropal: "SET fk_statut = STATUS_NOTSIGNED, note_private = …, date_signature = …" only.
        expect(await host.db('llx_propal').where({ rowid: id }).first<Row>()).to.include({
          fk_statut: 3,
          online_sign_ip: null,
          online_sign_name: null,
        });
        const [event, ...more] = await eventsOf('propal', id);
        expect(more).to.deep.equal([]);
        expect(event).to.include({
          code: 'AC_PROPAL_CLOSE_REFUSED',
          // transnoentities("PropalClosedRefusedInDolibarr", ref) = "Proposal %s refused"
          label: `Proposal ${binding.prefix}-0102 refused`,
          note: `Proposal ${binding.prefix}-0102 refused`,
          percent: -1,
          fk_soc: bakery,
          // newonlinesign.php: "Online customer is not a user, so we use the use that validates the documents".
          fk_user_author: host.seed.users.admin,
        });
      });

      it('writes no event where the agenda setup asks for none: the trigger off ("0" or absent) or the agenda module off', async function () {
        const { bakery } = host.seed.companies;
        for (const [n, settings] of [
          { MAIN_MODULE_AGENDA: '1', MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED: null },
          { MAIN_MODULE_AGENDA: '1', MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED: '0' },
          { MAIN_MODULE_AGENDA: null, MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED: '1' },
        ].entries()) {
          await setAgenda(settings);
          const id = await validatedProposal(`${binding.prefix}-020${n}`);
          const at = new Date('2026-03-05T09:00:00Z');
          expect(
            await binding
              .adapter()
              .offers!.decide(workspaceId, String(bakery), 'proposal', String(id), { outcome: 'accepted', at, ip: '198.51.100.2' }),
          ).to.equal(true);
          expect(await eventsOf('propal', id), JSON.stringify(settings)).to.deep.equal([]);
          // The signature's own fields do not depend on the agenda; no typed name leaves its column alone.
          expect(await host.db('llx_propal').where({ rowid: id }).first<Row>()).to.include({
            fk_statut: 2,
            online_sign_ip: '198.51.100.2',
            online_sign_name: null,
          });
        }
        // Another entity's setting is not this entity's.
        await setAgenda({ MAIN_MODULE_AGENDA: '1', MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED: null });
        await host.db('llx_const').where({ name: 'MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED', entity: 2 }).delete();
        await host
          .db('llx_const')
          .insert({ name: 'MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED', entity: 2, value: '1', type: 'chaine', visible: 0 });
        const id = await validatedProposal(`${binding.prefix}-0299`);
        await binding
          .adapter()
          .offers!.decide(workspaceId, String(bakery), 'proposal', String(id), { outcome: 'accepted', at: new Date() });
        expect(await eventsOf('propal', id)).to.deep.equal([]);
      });

      it('forty decisions at once on one proposal: one is taken, with one event; the others find it answered', async function () {
        await setAgenda({ MAIN_MODULE_AGENDA: '1', MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED: '1' });
        const { bakery } = host.seed.companies;
        const id = await validatedProposal(`${binding.prefix}-0401`);
        const answers = await Promise.all(
          Array.from({ length: 40 }, (_, n) =>
            binding.adapter().offers!.decide(workspaceId, String(bakery), 'proposal', String(id), {
              outcome: 'accepted',
              at: new Date(),
              signerName: `Signer ${n}`,
            }),
          ),
        );
        expect(answers.filter(Boolean)).to.have.length(1);
        expect(await eventsOf('propal', id)).to.have.length(1);
        expect(await host.db('llx_propal').where({ rowid: id }).first('fk_statut')).to.deep.equal({ fk_statut: 2 });
      });

      it('writes the event in the transaction of the decision: rolled back with it', async function () {
        await setAgenda({ MAIN_MODULE_AGENDA: '1', MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED: '1' });
        const { bakery } = host.seed.companies;
        const id = await validatedProposal(`${binding.prefix}-0301`);
        const trx = await host.db.transaction();
        try {
          expect(
            await binding
              .adapter()
              .offers!.decide(workspaceId, String(bakery), 'proposal', String(id), { outcome: 'accepted', at: new Date() }, { trx }),
          ).to.equal(true);
          expect(await trx('llx_actioncomm').where({ elementtype: 'propal', fk_element: id })).to.have.length(1);
        } finally {
          await trx.rollback();
        }
        expect(await eventsOf('propal', id)).to.deep.equal([]);
        expect(await host.db('llx_propal').where({ rowid: id }).first('fk_statut')).to.deep.equal({ fk_statut: 1 });
      });
    });
  }
});
