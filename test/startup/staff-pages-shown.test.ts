// The staff navigation links a feature's host-dependent page only beside a host with its ports: the
// approvals the portal keeps (a host with approvals and their files port in place), the answers on a
// host's articles (a host with a knowledge base). The features name these pages in their manifests.
import { expect } from 'chai';
import { staffPagesShown } from '../../src/core/host/feature-ports.ts';
import type { HostAdapter } from '../../src/index.ts';
import { FEATURE_STAFF_PAGES } from '../../src/features/manifests.ts';

const adapterWith = (ports: Partial<HostAdapter>) => ({ name: 'test-crm', claims: [], ...ports }) as HostAdapter;
const some = {} as never;

describe('the staff pages a host has the ports for', function () {
  it('the features name their host-dependent staff pages', function () {
    expect(FEATURE_STAFF_PAGES.map((page) => page.path)).to.have.members(['/approvals', '/help-feedback']);
  });

  it('shows none beside a host with none of their ports', function () {
    expect([...staffPagesShown(adapterWith({}), FEATURE_STAFF_PAGES)]).to.deep.equal([]);
  });

  it('shows the approvals page only where the portal keeps the approvals: both ports in place', function () {
    expect([...staffPagesShown(adapterWith({ approvals: some }), FEATURE_STAFF_PAGES)]).to.deep.equal([]);
    expect([...staffPagesShown(adapterWith({ approvalFiles: some }), FEATURE_STAFF_PAGES)]).to.deep.equal([]);
    expect([...staffPagesShown(adapterWith({ approvals: some, approvalFiles: some }), FEATURE_STAFF_PAGES)]).to.deep.equal(['/approvals']);
  });

  it("shows the page of answers on articles beside a host's knowledge base", function () {
    expect([...staffPagesShown(adapterWith({ knowledgeBase: some }), FEATURE_STAFF_PAGES)]).to.deep.equal(['/help-feedback']);
  });
});
