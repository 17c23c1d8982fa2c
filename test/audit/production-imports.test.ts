// Covers the boundary between the audit (and the host bindings it reads) and the test suite: no
// module under audit/ or plugins/ imports from test/, so `npm run audit` ships without the fixtures.
// audit/bench.ts is the exception by design: it benchmarks the generated test schema.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { knownAdapterNames, resolveAdapter } from '../../audit/adapters.ts';
import { SECOND_CRM_CLAIMS } from '../../plugins/second-crm/claims.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('audit: production code imports no test fixtures', () => {
  it('has no import from test/ under audit/ or plugins/', () => {
    const offenders = [...sources('audit'), ...sources('plugins')]
      .filter((file) => file !== join('audit', 'bench.ts'))
      .filter((file) => /\bfrom\s+['"][^'"]*\/test\/|import\s+['"][^'"]*\/test\//.test(readFileSync(join(root, file), 'utf8')))
      .map((file) => relative(root, join(root, file)));
    expect(offenders).to.deep.equal([]);
  });

  it('knows the adapters the host bindings register, with their own claim lists', () => {
    expect(knownAdapterNames()).to.include.members(['dolibarr', 'reference-crm', 'second-crm']);
    // The audit reads the binding's own list: one list, not a copy.
    expect(resolveAdapter('second-crm').claims).to.equal(SECOND_CRM_CLAIMS);
  });
});
