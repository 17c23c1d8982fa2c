// The staff navigation links a feature's host-dependent page only beside a host with its ports: the
// approvals the portal keeps (a host with approvals and their files port in place), the answers on a
// host's articles (a host with a knowledge base). The features name their staff pages in their
// manifests, these among them; the others are linked beside every host.
import { expect } from 'chai';
import { staffPagesShown } from '../../src/core/host/feature-ports.ts';
import type { HostAdapter } from '../../src/index.ts';
import { FEATURE_STAFF_PAGES } from '../../src/features/manifests.ts';

const adapterWith = (ports: Partial<HostAdapter>) => ({ name: 'test-crm', claims: [], ...ports }) as HostAdapter;
const some = {} as never;

describe('the staff pages a host has the ports for', function () {
  it('the features name their host-dependent staff pages', function () {
    expect(FEATURE_STAFF_PAGES.filter((page) => page.withPorts).map((page) => page.path)).to.have.members(['/approvals', '/help-feedback']);
  });

  /** The host-dependent pages shown beside this adapter, by path. */
  const shown = (ports: Partial<HostAdapter>) =>
    staffPagesShown(adapterWith(ports), FEATURE_STAFF_PAGES)
      .filter((page) => page.withPorts)
      .map((page) => page.path);

  it('shows none of them beside a host with none of their ports, and every other page', function () {
    expect(shown({})).to.deep.equal([]);
    const always = FEATURE_STAFF_PAGES.filter((page) => !page.withPorts).map((page) => page.path);
    expect(always, 'the reader is not blind').to.include('/single-sign-on');
    expect(staffPagesShown(adapterWith({}), FEATURE_STAFF_PAGES).map((page) => page.path)).to.have.members(always);
  });

  it('shows the approvals page only where the portal keeps the approvals: both ports in place', function () {
    expect(shown({ approvals: some })).to.deep.equal([]);
    expect(shown({ approvalFiles: some })).to.deep.equal([]);
    expect(shown({ approvals: some, approvalFiles: some })).to.deep.equal(['/approvals']);
  });

  it("shows the page of answers on articles beside a host's knowledge base", function () {
    expect(shown({ knowledgeBase: some })).to.deep.equal(['/help-feedback']);
  });
});
