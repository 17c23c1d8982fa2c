// The authorization rules in src/core/policies, one by one, without a server: which section each
// workspace switch hides, which client action each switch allows, what an admin may do with a
// contact's access in each status, who manages the portal and answers messages, and the status a
// re-enabled client user returns to, and which live events a client's stream may pass on under which
// switches. Each rule is checked both ways (allowed and refused) and
// with the status code its refusal carries, so that a rule turned around or loosened fails here.
import { expect } from 'chai';
import {
  authorizeClientUserAction,
  canClientUser,
  clientUserActions,
  statusWhenReenabled,
  type ClientUserAction,
} from '../../src/core/policies/client-user-policy.ts';
import {
  authorizeAnswerMessages,
  authorizeAssignee,
  authorizeClient,
  authorizeCommenting,
  authorizeManagePortal,
  authorizePayment,
  authorizeReadRecordEvidence,
  authorizeSection,
  canAnswerMessages,
  canClient,
  canClientSeeLiveEvent,
  canDeleteUpload,
  canManagePortal,
  canReadRecordEvidence,
  canSeeSection,
  clientCan,
  mayUsePortal,
  requireClientAction,
  signInMethods,
  visibleSections,
  PORTAL_SECTIONS,
} from '../../src/core/policies/portal-policy.ts';
import { DEFAULT_SETTINGS, type PortalSettings } from '../../src/core/settings/portal-settings.ts';
import type { ClientUserStatus } from '../../src/core/policies/client-user-policy.ts';
import type { HostStaffUser } from '../../src/core/ports/host.ts';
import { HttpError } from '../../src/core/http/http-error.ts';

const ALL_OFF: PortalSettings = {
  ...DEFAULT_SETTINGS,
  showProposals: false,
  showInvoices: false,
  showTasks: false,
  showProjects: false,
  showKnowledgeBase: false,
  allowFileUploads: false,
  allowComments: false,
  allowMessaging: false,
  allowOnlinePayments: false,
};
const ALL_ON: PortalSettings = {
  ...ALL_OFF,
  showProposals: true,
  showInvoices: true,
  showTasks: true,
  showProjects: true,
  showTickets: true,
  showKnowledgeBase: true,
  showRequests: true,
  showAppointments: true,
  showApprovals: true,
  showOrders: true,
  showDevices: true,
  showContracts: true,
  allowFileUploads: true,
  allowComments: true,
  allowMessaging: true,
  allowOnlinePayments: true,
};

/** The HttpError status a call throws, or null when it does not throw. */
function refusal(call: () => void): number | null {
  try {
    call();
    return null;
  } catch (err) {
    expect(err).to.be.instanceOf(HttpError);
    return (err as HttpError).status;
  }
}

function refusalMessage(call: () => void): string {
  try {
    call();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

const admin: HostStaffUser = { id: '1', workspaceId: 'w1', name: 'Ada', email: 'ada@example.test', role: 'admin' };
const member: HostStaffUser = { ...admin, id: '2', role: 'member' };

describe('portal policy: sections', function () {
  it('lists every section in a fixed order', function () {
    expect(PORTAL_SECTIONS).to.deep.equal([
      'proposals',
      'quotations',
      'invoices',
      'tasks',
      'projects',
      'documents',
      'messages',
      'tickets',
      'knowledge',
      'requests',
      'appointments',
      'approvals',
      'orders',
      'devices',
      'contracts',
    ]);
  });

  it('shows only documents when every switch is off, and everything when all are on', function () {
    expect(visibleSections(ALL_OFF)).to.deep.equal(['documents']);
    expect(visibleSections(ALL_ON)).to.deep.equal(PORTAL_SECTIONS);
  });

  const switches: [keyof PortalSettings, string[]][] = [
    ['showProposals', ['proposals', 'quotations']],
    ['showInvoices', ['invoices']],
    ['showTasks', ['tasks']],
    ['showProjects', ['projects']],
    ['allowMessaging', ['messages']],
    ['showTickets', ['tickets']],
    ['showKnowledgeBase', ['knowledge']],
    ['showRequests', ['requests']],
    ['showAppointments', ['appointments']],
    ['showApprovals', ['approvals']],
    ['showOrders', ['orders']],
    ['showDevices', ['devices']],
    ['showContracts', ['contracts']],
  ];
  for (const [name, sections] of switches) {
    it(`${name} alone shows ${sections.join(' and ')} (and documents)`, function () {
      const settings = { ...ALL_OFF, [name]: true };
      expect(visibleSections(settings)).to.deep.equal(PORTAL_SECTIONS.filter((s) => sections.includes(s) || s === 'documents'));
      for (const section of sections) {
        expect(canSeeSection(settings, section as never)).to.equal(true);
        expect(refusal(() => authorizeSection(settings, section as never))).to.equal(null);
        expect(refusal(() => authorizeSection(ALL_OFF, section as never))).to.equal(404);
      }
    });
  }
});

describe('portal policy: client actions', function () {
  const actions: [keyof PortalSettings, 'upload_file' | 'comment' | 'message'][] = [
    ['allowFileUploads', 'upload_file'],
    ['allowComments', 'comment'],
    ['allowMessaging', 'message'],
  ];
  for (const [name, action] of actions) {
    it(`${name} alone allows ${action} and nothing else`, function () {
      const settings = { ...ALL_OFF, [name]: true };
      expect(clientCan(settings)).to.deep.equal({ upload_file: false, comment: false, message: false, pay_online: false, [action]: true });
      expect(canClient(settings, action)).to.equal(true);
      expect(refusal(() => authorizeClient(settings, action))).to.equal(null);
      expect(refusal(() => requireClientAction(settings, action))).to.equal(null);
      expect(refusal(() => authorizeClient(ALL_OFF, action))).to.equal(403);
      expect(refusalMessage(() => authorizeClient(ALL_OFF, action))).to.equal('Your agency has not enabled this in the portal.');
      expect(refusal(() => requireClientAction(ALL_OFF, action))).to.equal(404);
    });
  }

  it('allows paying online only with both online payments and invoices on', function () {
    expect(canClient({ ...ALL_OFF, allowOnlinePayments: true, showInvoices: true }, 'pay_online')).to.equal(true);
    expect(canClient({ ...ALL_ON, showInvoices: false }, 'pay_online')).to.equal(false);
    expect(canClient({ ...ALL_ON, allowOnlinePayments: false }, 'pay_online')).to.equal(false);
    expect(clientCan(ALL_ON)).to.deep.equal({ upload_file: true, comment: true, message: true, pay_online: true });
    expect(refusal(() => authorizePayment(ALL_ON))).to.equal(null);
    expect(refusal(() => authorizePayment({ ...ALL_ON, showInvoices: false }))).to.equal(404);
  });

  it('hides the comment form (404) when comments are off', function () {
    expect(refusal(() => authorizeCommenting({ ...ALL_OFF, allowComments: true }))).to.equal(null);
    expect(refusal(() => authorizeCommenting({ ...ALL_ON, allowComments: false }))).to.equal(404);
  });

  it('lets a client delete an upload only until staff have opened it', function () {
    expect(canDeleteUpload({ staff_opened_at: null })).to.equal(true);
    expect(canDeleteUpload({ staff_opened_at: new Date() })).to.equal(false);
  });
});

describe('portal policy: live events on a client stream', function () {
  const event = (type: string, data: Record<string, unknown> = {}) => ({ type, data });
  const only = (change: Partial<PortalSettings>) => ({ ...ALL_ON, ...change });

  it('passes message, read-receipt and assignment events only with messaging on', function () {
    for (const type of ['message-created', 'message-read', 'conversation-changed']) {
      expect(canClientSeeLiveEvent(ALL_ON, event(type)), type).to.equal(true);
      expect(canClientSeeLiveEvent(only({ allowMessaging: false }), event(type)), type).to.equal(false);
    }
  });

  it('passes task events only with tasks shown, and document events always', function () {
    expect(canClientSeeLiveEvent(ALL_ON, event('task-changed'))).to.equal(true);
    expect(canClientSeeLiveEvent(only({ showTasks: false }), event('task-changed'))).to.equal(false);
    expect(canClientSeeLiveEvent(ALL_OFF, event('document-changed'))).to.equal(true);
  });

  it("passes a comment only with comments on and its record's section shown", function () {
    const on = (subjectType: string) => event('comment-created', { subjectType, subjectId: '1' });
    for (const subjectType of ['proposal', 'quotation', 'invoice'])
      expect(canClientSeeLiveEvent(ALL_ON, on(subjectType)), subjectType).to.equal(true);
    expect(canClientSeeLiveEvent(only({ allowComments: false }), on('proposal'))).to.equal(false);
    expect(canClientSeeLiveEvent(only({ showProposals: false }), on('proposal'))).to.equal(false);
    expect(canClientSeeLiveEvent(only({ showProposals: false }), on('quotation'))).to.equal(false);
    expect(canClientSeeLiveEvent(only({ showInvoices: false }), on('invoice'))).to.equal(false);
    expect(canClientSeeLiveEvent(only({ showInvoices: false }), on('proposal'))).to.equal(true);
    expect(canClientSeeLiveEvent(ALL_ON, on('task'))).to.equal(false);
    expect(canClientSeeLiveEvent(ALL_ON, event('comment-created'))).to.equal(false);
  });

  it('never passes an event type it has no rule for', function () {
    expect(canClientSeeLiveEvent(ALL_ON, event('payment.succeeded'))).to.equal(false);
    expect(canClientSeeLiveEvent(ALL_ON, event('toString'))).to.equal(false);
  });
});

describe('portal policy: people', function () {
  it('lets invited and active client users in, never disabled ones', function () {
    expect(mayUsePortal('active')).to.equal(true);
    expect(mayUsePortal('invited')).to.equal(true);
    expect(mayUsePortal('disabled')).to.equal(false);
  });

  it('keeps at least one sign-in method, and otherwise offers what the workspace chose', function () {
    expect(signInMethods({ ...ALL_OFF, loginWithCode: false, loginWithPassword: false })).to.deep.equal({ code: true, password: false });
    expect(signInMethods({ ...ALL_OFF, loginWithCode: true, loginWithPassword: false })).to.deep.equal({ code: true, password: false });
    expect(signInMethods({ ...ALL_OFF, loginWithCode: false, loginWithPassword: true })).to.deep.equal({ code: false, password: true });
    expect(signInMethods({ ...ALL_OFF, loginWithCode: true, loginWithPassword: true })).to.deep.equal({ code: true, password: true });
  });

  it('lets only admins of the same workspace manage the portal', function () {
    expect(canManagePortal(admin, 'w1')).to.equal(true);
    expect(canManagePortal(member, 'w1')).to.equal(false);
    expect(canManagePortal(admin, 'w2')).to.equal(false);
    expect(refusal(() => authorizeManagePortal(admin, 'w1'))).to.equal(null);
    expect(refusal(() => authorizeManagePortal(member, 'w1'))).to.equal(403);
    expect(refusal(() => authorizeManagePortal(admin, 'w2'))).to.equal(403);
    expect(refusalMessage(() => authorizeManagePortal(member, 'w1'))).to.equal(
      'Only workspace admins can change the client portal settings.',
    );
  });

  it('lets every staff member of the workspace, and nobody else, answer messages', function () {
    expect(canAnswerMessages(member, 'w1')).to.equal(true);
    expect(canAnswerMessages(admin, 'w2')).to.equal(false);
    expect(refusal(() => authorizeAnswerMessages(member, 'w1'))).to.equal(null);
    expect(refusal(() => authorizeAnswerMessages(member, 'w2'))).to.equal(403);
    expect(refusalMessage(() => authorizeAnswerMessages(member, 'w2'))).to.equal(
      'Only staff of this workspace can read its client messages.',
    );
  });

  it("lets every staff member of the workspace, and nobody else, read a record's evidence; its forms stay the admins'", function () {
    expect(canReadRecordEvidence(member, 'w1')).to.equal(true);
    expect(canReadRecordEvidence(admin, 'w2')).to.equal(false);
    expect(canManagePortal(member, 'w1')).to.equal(false);
    expect(refusal(() => authorizeReadRecordEvidence(member, 'w1'))).to.equal(null);
    expect(refusal(() => authorizeReadRecordEvidence(member, 'w2'))).to.equal(403);
  });

  it('assigns conversations only to staff of the same workspace (or to nobody)', function () {
    expect(refusal(() => authorizeAssignee(null, 'w1'))).to.equal(null);
    expect(refusal(() => authorizeAssignee(member, 'w1'))).to.equal(null);
    expect(refusal(() => authorizeAssignee(member, 'w2'))).to.equal(404);
  });
});

describe('client user policy', function () {
  const statuses: (ClientUserStatus | null)[] = [null, 'invited', 'active', 'disabled'];
  const expected: Record<ClientUserAction, (ClientUserStatus | null)[]> = {
    invite: [null],
    resend_invitation: ['invited'],
    disable: ['invited', 'active'],
    enable: ['disabled'],
  };

  for (const status of statuses) {
    it(`offers and allows the right actions for status ${String(status)}`, function () {
      const offered = clientUserActions(status);
      for (const action of Object.keys(expected) as ClientUserAction[]) {
        const allowed = expected[action].includes(status);
        expect(offered[action], action).to.equal(allowed);
        expect(canClientUser(status, action), action).to.equal(allowed);
        expect(
          refusal(() => authorizeClientUserAction(status, action)),
          action,
        ).to.equal(allowed ? null : 409);
      }
    });
  }

  it('explains each refusal in the words of the admin who pressed the button', function () {
    expect(refusalMessage(() => authorizeClientUserAction('active', 'invite'))).to.equal('This contact has already been invited.');
    expect(refusalMessage(() => authorizeClientUserAction('disabled', 'resend_invitation'))).to.equal(
      'Their portal access is disabled. Re-enable it before sending an invitation.',
    );
    expect(refusalMessage(() => authorizeClientUserAction('active', 'resend_invitation'))).to.equal(
      'They already use the portal, so there is no invitation to send again.',
    );
    expect(refusalMessage(() => authorizeClientUserAction('disabled', 'disable'))).to.equal('Their portal access is already disabled.');
    expect(refusalMessage(() => authorizeClientUserAction(null, 'enable'))).to.equal('This contact has not been invited yet.');
    expect(refusalMessage(() => authorizeClientUserAction('active', 'enable'))).to.equal('Their portal access is already enabled.');
  });

  it('re-enables to active after a password or a sign-in, else to invited', function () {
    expect(statusWhenReenabled({ password_hash: 'x', last_sign_in_at: null })).to.equal('active');
    expect(statusWhenReenabled({ password_hash: null, last_sign_in_at: new Date() })).to.equal('active');
    expect(statusWhenReenabled({ password_hash: null, last_sign_in_at: null })).to.equal('invited');
  });
});
