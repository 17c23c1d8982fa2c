// A workspace served at its own domains answers SAML at each of them: an AuthnRequest asks the
// identity provider to post its answer to the consumer service of the host the person started at,
// and the answer is taken only there. The request keeps which one it asked for. Requests sent
// before have none: they asked for the portal's own address, the only one there was.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'portal_sso_saml_requests', {
    acs_url: (t) =>
      t
        .string('acs_url', 600)
        .nullable()
        .comment(
          'The AssertionConsumerServiceURL the request asked for, the only address its answer is taken at; null before custom domains.',
        ),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'portal_sso_saml_requests', ['acs_url']);
}
