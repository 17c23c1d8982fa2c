// The reference CRM's request catalogue over HTTP: staff list what clients may ask for, add an
// entry with its names, description and form (a field's label, choices and help in German and
// French too), change one (its fields keep their keys, so answers already sent still read) and
// withdraw it. Refused forms say why and which field (400) and write nothing; a form without the
// CSRF token is refused (403); another workspace's entry is not found.
import { expect } from 'chai';
import { csrfFrom, DEMO_ADMIN, signIn, type SignedIn, startCrm, type CrmTestContext, textOf } from './support.ts';

describe('reference CRM: the request catalogue', function () {
  this.timeout(60_000);
  let crm: CrmTestContext;
  let staff: SignedIn;
  let workspaceId: number;

  /** The form as a browser sends it: each field's inputs named fields[0][label] and so on. */
  const post = async (page: string, action: string, form: Record<string, unknown>) => {
    const csrf = csrfFrom((await staff.agent.get(page).expect(200)).text);
    const { fields = [], ...rest } = form as { fields?: Array<Record<string, string>> };
    const sent = new URLSearchParams({ _csrf: csrf, ...(rest as Record<string, string>) });
    for (const [index, field] of fields.entries())
      for (const [name, value] of Object.entries(field)) sent.append(`fields[${index}][${name}]`, value);
    return staff.agent.post(action).type('form').send(sent.toString());
  };
  const definitions = () => crm.db('request_definitions').where({ workspace_id: workspaceId }).orderBy('id');

  before(async function () {
    this.timeout(120_000);
    crm = await startCrm();
    staff = await signIn(crm.app, DEMO_ADMIN);
    workspaceId = (await crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
  });
  after(async function () {
    await crm?.close();
  });

  it('lists the entries with their names in German and French, and whether clients are offered them', async function () {
    const list = textOf((await staff.agent.get('/settings/request-catalogue').expect(200)).text);
    expect(list).to.contain(
      'Request a quote for printing Angebot für Druckarbeiten anfragen · Demander un devis d’impression Quote request Print 6 Offered',
    );
    expect(list).to.contain('Book a photo shoot').and.contain('Withdrawn');
    expect((await staff.agent.get('/settings').expect(200)).text).to.contain('href="/settings/request-catalogue"');
  });

  it('adds an entry with its form, in three languages', async function () {
    const added = await post('/settings/request-catalogue/new', '/settings/request-catalogue', {
      name: 'Order a logo',
      nameDe: 'Logo bestellen',
      nameFr: 'Commander un logo',
      description: 'A new logo, in three drafts.',
      descriptionDe: 'Ein neues Logo, in drei Entwürfen.',
      kind: 'quote',
      category: 'Design',
      published: 'on',
      fields: [
        {
          label: 'Style',
          labelDe: 'Stil',
          type: 'select',
          required: 'on',
          options: 'Modern\nClassic',
          optionsDe: 'Modern\nKlassisch',
          help: 'Pick one.',
          helpFr: 'Choisissez-en un.',
        },
        { label: 'Colours you like', type: 'text' },
        { label: '', type: 'text' },
      ],
    });
    expect(added.status, added.text).to.equal(303);
    expect(added.headers.location).to.equal('/settings/request-catalogue');
    const row = (await definitions()).find((d) => d.name === 'Order a logo');
    expect(row).to.include({ kind: 'quote', category: 'Design', published: true, description: 'A new logo, in three drafts.' });
    expect(row.names).to.deep.equal({ de: 'Logo bestellen', fr: 'Commander un logo' });
    expect(row.descriptions).to.deep.equal({ de: 'Ein neues Logo, in drei Entwürfen.' });
    expect(row.fields).to.deep.equal([
      {
        key: 'style',
        type: 'select',
        label: 'Style',
        labels: { de: 'Stil' },
        required: true,
        help: 'Pick one.',
        helps: { fr: 'Choisissez-en un.' },
        options: [
          { value: 'modern', label: 'Modern', labels: { de: 'Modern' } },
          { value: 'classic', label: 'Classic', labels: { de: 'Klassisch' } },
        ],
      },
      { key: 'colours_you_like', type: 'text', label: 'Colours you like', required: false },
    ]);
  });

  it('changes an entry: fields keep their keys and bounds, an emptied one goes, and it is withdrawn', async function () {
    const printing = (await definitions()).find((d) => d.name === 'Request a quote for printing');
    const page = (await staff.agent.get(`/settings/request-catalogue/${printing.id}`).expect(200)).text;
    expect(page).to.contain('value="Angebot für Druckarbeiten anfragen"').and.contain('value="Produkt"');
    expect(page).to.contain('name="fields[0][key]" value="product"');
    const fields = printing.fields.map((f: { key: string; type: string; label: string; required: boolean }) => ({
      key: f.key,
      type: f.type,
      label: f.label,
      required: f.required ? 'on' : '',
      options: f.key === 'product' ? 'Flyers\nPosters\nBusiness cards\nStickers' : f.key === 'finishes' ? 'Matte\nGloss\nFoil' : '',
    }));
    fields[1].label = 'How many';
    fields[2] = { key: 'deadline', type: 'date', label: '' };
    const saved = await post(`/settings/request-catalogue/${printing.id}`, `/settings/request-catalogue/${printing.id}`, {
      name: printing.name,
      nameDe: 'Druckangebot anfragen',
      description: printing.description,
      kind: 'quote',
      category: 'Print',
      fields,
    });
    expect(saved.status, saved.text).to.equal(303);
    const after = await crm.db('request_definitions').where({ workspace_id: workspaceId, id: printing.id }).first();
    expect(after.published).to.equal(false);
    expect(after.names).to.deep.equal({ de: 'Druckangebot anfragen' });
    expect(after.fields.map((f: { key: string }) => f.key)).to.deep.equal(['product', 'quantity', 'finishes', 'artwork', 'notes']);
    expect(after.fields[1]).to.deep.include({ key: 'quantity', label: 'How many', min: 50, max: 100000 });
    expect(after.fields[0].options.map((o: { value: string }) => o.value)).to.deep.equal(['flyers', 'posters', 'cards', 'stickers']);
    expect(textOf((await staff.agent.get('/settings/request-catalogue').expect(200)).text)).to.match(
      /Request a quote for printing Druckangebot anfragen Quote request Print 5 Withdrawn/,
    );
  });

  it('refuses an entry without a name, a list without choices or a field without a label, and says which', async function () {
    const before = await definitions();
    const refused = await post('/settings/request-catalogue/new', '/settings/request-catalogue', {
      name: '',
      kind: 'general',
      fields: [
        { label: 'Size', type: 'select', options: '' },
        { label: '', labelDe: 'Größe', type: 'text' },
        { label: 'Odd', type: 'colour' },
      ],
    });
    expect(refused.status).to.equal(400);
    const text = textOf(refused.text);
    expect(text).to.contain('Enter the name clients choose it by.');
    expect(text).to.contain('Field 1: a list needs its choices: write one a line.');
    expect(text).to.contain('Field 2: enter its label');
    expect(text).to.contain('Field 3: choose its type from the list.');
    expect(refused.text).to.contain('href="#fields-0-options"').and.contain('id="fields-0-options"');
    expect(refused.text, 'the form keeps what was sent').to.contain('value="Größe"');
    expect(await definitions()).to.deep.equal(before);
  });

  it('refuses a form without the CSRF token, and does not find another workspace’s entry', async function () {
    const [mine] = await definitions();
    await staff.agent.post(`/settings/request-catalogue/${mine.id}`).type('form').send({ name: 'Hijacked', kind: 'general' }).expect(403);
    const acme = (await crm.db('workspaces').where({ slug: 'acme' }).first('id')).id;
    const theirs = await crm.db('request_definitions').where({ workspace_id: acme }).first('id', 'name');
    await staff.agent.get(`/settings/request-catalogue/${theirs.id}`).expect(404);
    const csrf = csrfFrom((await staff.agent.get('/settings/request-catalogue/new').expect(200)).text);
    await staff.agent
      .post(`/settings/request-catalogue/${theirs.id}`)
      .type('form')
      .send({ _csrf: csrf, name: 'Hijacked', kind: 'general' })
      .expect(404);
    expect((await crm.db('request_definitions').where({ workspace_id: acme, id: theirs.id }).first('name')).name).to.equal(theirs.name);
  });
});
