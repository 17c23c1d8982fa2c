// Accepting and declining proposals and quotations, and the signed PDF, for an open offer of the
// owner's company (Northwind). The POSTs send a well-formed but stale fingerprint: the owner gets
// 409 ("the document changed, review it"), which proves the route reached the decision without
// deciding, so every other case still sees the offer open. The signed PDF exists only after an
// acceptance, so the matrix gives the owner one: an accepted, signed proposal of their own.
import { demoNorthwind } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

const STALE = { fingerprint: '0'.repeat(64) };
const opened = new WeakMap<MatrixWorld, Promise<{ proposal: string; quotation: string; signed: string }>>();

/** Open offers of Northwind, created once per matrix run (the seed has no open quotation for it). */
function records(world: MatrixWorld) {
  let found = opened.get(world);
  if (!found) {
    found = (async () => {
      const db = world.h.crm.db;
      const client = await demoNorthwind(world.h.crm.db);
      const add = async (table: 'proposals' | 'quotations', status: string, number: string) => {
        const [row] = await db(table)
          .insert({
            workspace_id: client.workspace_id,
            client_id: client.id,
            number,
            title: 'Isolation matrix',
            body: '',
            status,
            currency: 'USD',
            valid_until: '2099-12-31',
            sent_at: new Date(),
          })
          .returning('id');
        return String(row.id);
      };
      const signed = await add('proposals', 'accepted', 'MTX-P-2');
      await db('portal_offer_decisions').insert({
        workspace_id: String(client.workspace_id),
        client_id: String(client.id),
        offer_kind: 'proposal',
        offer_id: signed,
        outcome: 'accepted',
        method: 'portal',
        typed_name: 'Maria García',
        snapshot: JSON.stringify({
          version: 1,
          kind: 'proposal',
          id: signed,
          number: 'MTX-P-2',
          title: 'Isolation matrix',
          body: '',
          currency: 'USD',
          lines: [],
          subtotalCents: 0,
          taxCents: 0,
          totalCents: 0,
          validUntil: '2099-12-31',
          terms: null,
        }),
        snapshot_sha256: 'f'.repeat(64),
        decided_at: new Date(),
      });
      return { proposal: await add('proposals', 'sent', 'MTX-P-1'), quotation: await add('quotations', 'sent', 'MTX-Q-1'), signed };
    })();
    opened.set(world, found);
  }
  return found;
}

function kind(section: 'proposals' | 'quotations'): MatrixRoute[] {
  const open = async (w: MatrixWorld) => (await records(w))[section === 'proposals' ? 'proposal' : 'quotation'];
  const acceptForm =
    section === 'proposals'
      ? { typedName: 'Maria García', consent: 'yes', ...STALE }
      : { typedName: 'Maria García', consent: 'yes', poNumber: 'PO-1', ...STALE };
  return [
    {
      method: 'GET',
      path: `/${section}/:id/accept`,
      url: async (w) => `/${section}/${await open(w)}/accept`,
      ownedByClient: true,
      switches: ['showProposals'],
    },
    {
      method: 'POST',
      path: `/${section}/:id/accept`,
      url: async (w) => `/${section}/${await open(w)}/accept`,
      form: acceptForm,
      ownedByClient: true,
      switches: ['showProposals'],
      ownerStatus: [409],
    },
    {
      method: 'GET',
      path: `/${section}/:id/decline`,
      url: async (w) => `/${section}/${await open(w)}/decline`,
      ownedByClient: true,
      switches: ['showProposals'],
    },
    {
      method: 'POST',
      path: `/${section}/:id/decline`,
      url: async (w) => `/${section}/${await open(w)}/decline`,
      form: { note: 'No', ...STALE },
      ownedByClient: true,
      switches: ['showProposals'],
      ownerStatus: [409],
    },
  ];
}

export const routes: MatrixRoute[] = [
  ...kind('proposals'),
  ...kind('quotations'),
  {
    method: 'GET',
    path: '/proposals/:id/signed.pdf',
    url: async (w) => `/proposals/${(await records(w)).signed}/signed.pdf`,
    ownedByClient: true,
    switches: ['showProposals'],
  },
  // No quotation of Northwind is accepted in the portal: the owner, too, gets 404, after every refusal.
  {
    method: 'GET',
    path: '/quotations/:id/signed.pdf',
    url: async (w) => `/quotations/${(await records(w)).quotation}/signed.pdf`,
    ownedByClient: true,
    switches: ['showProposals'],
    ownerStatus: [404],
  },
];
