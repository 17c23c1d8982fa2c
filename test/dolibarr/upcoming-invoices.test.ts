// The next invoices of a client's recurring invoices beside a real Dolibarr database: templates in
// llx_facture_rec as FactureRec::create() writes them (titre, fk_soc, entity, frequency,
// unit_frequency, date_when, nb_gen_done 0, nb_gen_max, suspended, the template invoice's
// multicurrency code) with the totals FactureRec::update_price() keeps from its lines, and
// nb_gen_done and date_when as setNextDate() moves them after each generation. Only what
// FactureRec::createRecurringInvoices would still generate is shown: not a suspended template, not
// one whose nb_gen_max is reached, not one without a frequency, not another company's nor another
// entity's; soonest first, at most three; totals with tax in cents in the entity's currency.
import { expect } from 'chai';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { seededAdapter, startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();

describe('dolibarr host: upcoming invoices from recurring invoice templates', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let adapter: HostAdapter;

  /** A template as FactureRec::create() inserts it, then its totals as update_price() writes them. */
  async function template(row: {
    titre: string;
    fk_soc?: number;
    entity?: number;
    total_ht: string;
    total_tva: string;
    frequency: number | null;
    unit_frequency?: string;
    date_when: string | null;
    nb_gen_done?: number;
    nb_gen_max?: number;
    suspended?: number;
  }): Promise<number> {
    const [inserted] = await host
      .db('llx_facture_rec')
      .insert({
        titre: row.titre,
        fk_soc: row.fk_soc ?? host.seed.companies.bakery,
        subtype: null,
        entity: row.entity ?? 1,
        datec: '2026-01-10 09:00:00',
        amount: 0,
        note_private: null,
        note_public: null,
        modelpdf: null,
        fk_user_author: host.seed.users.admin,
        fk_projet: null,
        fk_account: null,
        fk_cond_reglement: 1,
        fk_mode_reglement: null,
        usenewprice: 0,
        frequency: row.frequency ?? 0,
        unit_frequency: row.unit_frequency ?? 'm',
        date_when: row.date_when,
        date_last_gen: null,
        nb_gen_done: row.nb_gen_done ?? 0,
        nb_gen_max: row.nb_gen_max ?? 0,
        auto_validate: 0,
        generate_pdf: 1,
        fk_multicurrency: 0,
        multicurrency_code: 'EUR',
        multicurrency_tx: 1,
        suspended: row.suspended ?? 0,
        fk_societe_rib: null,
        rule_for_lines_dates: 'prepaid',
      })
      .returning<Array<{ rowid: number }>>('rowid');
    const total = (Number(row.total_ht) + Number(row.total_tva)).toFixed(8);
    await host.db('llx_facture_rec').where({ rowid: inserted!.rowid }).update({
      total_ht: row.total_ht,
      total_tva: row.total_tva,
      total_ttc: total,
      multicurrency_total_ht: row.total_ht,
      multicurrency_total_tva: row.total_tva,
      multicurrency_total_ttc: total,
    });
    return inserted!.rowid;
  }

  const upcoming = (clientId = String(host.seed.companies.bakery), workspaceId = '1') => adapter.invoices!.upcoming!(workspaceId, clientId);

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
    adapter = seededAdapter(host);
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('shows the templates Dolibarr will still generate, soonest first, with tax, and none else', async function () {
    const { companies } = host.seed;
    const monthly = await template({
      titre: 'Entretien du site (mensuel)',
      total_ht: '250.00000000',
      total_tva: '50.00000000',
      frequency: 1,
      unit_frequency: 'm',
      date_when: '2027-02-01 00:00:00',
      nb_gen_done: 3,
      nb_gen_max: 12,
    });
    const yearly = await template({
      titre: 'Nom de domaine',
      total_ht: '12.50000000',
      total_tva: '2.50000000',
      frequency: 1,
      unit_frequency: 'y',
      date_when: '2027-01-15 00:00:00',
    });
    const quarterly = await template({
      titre: 'Rapport trimestriel',
      total_ht: '99.99500000',
      total_tva: '0.00000000',
      frequency: 3,
      unit_frequency: 'm',
      date_when: '2027-03-01 00:00:00',
    });
    // Not shown: suspended; the last generation done (nb_gen_max reached); a bare template
    // without frequency; another company's; the same company's rowid in another entity; later
    // than the three soonest.
    await template({ titre: 'Suspendue', total_ht: '10', total_tva: '2', frequency: 1, date_when: '2027-01-02 00:00:00', suspended: 1 });
    await template({
      titre: 'Terminée',
      total_ht: '10',
      total_tva: '2',
      frequency: 1,
      date_when: '2027-01-03 00:00:00',
      nb_gen_done: 6,
      nb_gen_max: 6,
    });
    await template({ titre: 'Simple modèle', total_ht: '10', total_tva: '2', frequency: null, date_when: null });
    await template({
      titre: 'Du garage',
      fk_soc: companies.garage,
      total_ht: '10',
      total_tva: '2',
      frequency: 1,
      date_when: '2027-01-04 00:00:00',
    });
    await template({ titre: 'Autre entité', entity: 2, total_ht: '10', total_tva: '2', frequency: 1, date_when: '2027-01-05 00:00:00' });
    await template({ titre: 'Plus tard', total_ht: '10', total_tva: '2', frequency: 1, date_when: '2028-01-01 00:00:00' });

    expect(await upcoming()).to.deep.equal([
      {
        id: String(yearly),
        title: 'Nom de domaine',
        nextDate: '2027-01-15',
        amountCents: 1_500,
        currency: 'EUR',
        frequency: { every: 1, unit: 'year' },
      },
      {
        id: String(monthly),
        title: 'Entretien du site (mensuel)',
        nextDate: '2027-02-01',
        amountCents: 30_000,
        currency: 'EUR',
        frequency: { every: 1, unit: 'month' },
      },
      {
        id: String(quarterly),
        title: 'Rapport trimestriel',
        nextDate: '2027-03-01',
        amountCents: 10_000,
        currency: 'EUR',
        frequency: { every: 3, unit: 'month' },
      },
    ]);

    // The garage sees its own only; an unknown workspace or a malformed id nothing.
    expect((await upcoming(String(companies.garage))).map((row) => row.title)).to.deep.equal(['Du garage']);
    expect(await upcoming(String(host.seed.companies.bakery), '2')).to.deep.equal([]);
    expect(await upcoming('x')).to.deep.equal([]);
  });

  it('drops a template once its last invoice is generated, as setNextDate() counts it', async function () {
    const last = await template({
      titre: 'Dernière échéance',
      total_ht: '10',
      total_tva: '0',
      frequency: 2,
      unit_frequency: 'd',
      date_when: '2026-12-20 00:00:00',
      nb_gen_done: 4,
      nb_gen_max: 5,
    });
    expect((await upcoming()).map((row) => row.id)).to.include(String(last));
    const shown = (await upcoming()).find((row) => row.id === String(last))!;
    expect(shown.frequency).to.deep.equal({ every: 2, unit: 'day' });
    // The cron's generation: date_when moved on by the frequency, nb_gen_done + 1.
    await host
      .db('llx_facture_rec')
      .where({ rowid: last })
      .update({ date_when: '2026-12-22 00:00:00', nb_gen_done: host.db.raw('nb_gen_done + 1') });
    expect((await upcoming()).map((row) => row.id)).not.to.include(String(last));
  });

  it('shows a template given a frequency but no next date as due today, as Dolibarr generates it at its next run', async function () {
    // What the card's frequency setting (setFrequencyAndUnit) leaves: a frequency, date_when empty.
    const due = await template({
      titre: 'Fréquence sans date',
      total_ht: '100',
      total_tva: '20',
      frequency: 1,
      unit_frequency: 'm',
      date_when: null,
    });
    const [first] = await upcoming();
    const today = (await host.db.raw("select to_char(current_date, 'YYYY-MM-DD') as day")).rows[0].day;
    expect(first).to.deep.include({ id: String(due), title: 'Fréquence sans date', nextDate: today, amountCents: 12_000 });
  });
});
