// File uploads are off by default, and everyone is told: the client's documents page says the
// agency has not enabled uploads (only while they are off), the admin settings say near the switch
// what clients see, and the README says so. What may be uploaded is one list
// (src/core/files/file-types.ts): the server's check, the pickers' accept= and their hints agree.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  ALLOWED_UPLOAD_MIMES,
  DEFAULT_SETTINGS,
  detectAllowedType,
  kindOf,
  UPLOAD_ACCEPT,
  UPLOAD_EXTENSIONS,
} from '../../../core/index.ts';
import { signedInAgent, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { smallPdf } from '../../../../test/support/upload-fixtures.ts';

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');
const acceptOf = (html: string, id: string) => new RegExp(`<input id="${id}"[^>]*accept="([^"]*)"`).exec(html)?.[1];
const hintOf = (html: string, id: string) => textOf(new RegExp(`<p class="hint" id="${id}">([\\s\\S]*?)</p>`).exec(html)?.[1] ?? '');

describe('file uploads: off by default, said so, and one list of types', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let workspaceId: string;

  before(async function () {
    h = await startPortalHarness();
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    workspaceId = String(workspace.id);
  });
  after(async function () {
    await h?.close();
  });

  async function setSwitches(values: { allow_file_uploads: boolean; allow_messaging?: boolean }) {
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspaceId, ...values })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(workspaceId);
  }

  async function maria() {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    return signedInAgent(h.agent(), 'demo', login);
  }

  it('is off by default', function () {
    expect(DEFAULT_SETTINGS.allowFileUploads).to.equal(false);
  });

  it('tells the client on the documents page while uploads are off, and only then', async function () {
    await setSwitches({ allow_file_uploads: false });
    const agent = await maria();
    const off = await agent.get('/portal/demo/documents').expect(200);
    expect(textOf(off.text)).to.contain('Your agency has not enabled uploads');
    expect(off.text).to.not.contain('id="upload-file"');
    const offDe = await agent.get('/portal/demo/documents').set('Accept-Language', 'de').expect(200);
    if (/<html lang="de"/.test(offDe.text)) expect(textOf(offDe.text)).to.contain('nicht freigeschaltet');

    await setSwitches({ allow_file_uploads: true });
    const on = await agent.get('/portal/demo/documents').expect(200);
    expect(textOf(on.text)).to.not.contain('Your agency has not enabled uploads');
    expect(on.text).to.contain('id="upload-file"');
  });

  it('explains beside the admin switch what clients see while it is off', async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const page = await staff.get('/settings/client-portal').expect(200);
    const hint = hintOf(page.text, 'setting-allowFileUploads-hint');
    expect(hint).to.match(/Off unless you switch it on/);
    expect(hint).to.contain('Documents page tells them your agency has not enabled uploads');
  });

  it('says so in the README, where the settings are described', function () {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    expect(readme).to.contain('**File uploads are off by default.**');
    expect(readme).to.contain('src/core/files/file-types.ts');
  });

  it('offers in every picker exactly what the server accepts, and names every kind of it in the hint', async function () {
    // Every extension offered is one the server's check lets through (a PDF under each name would
    // not be; the table is what matters: every allowed type has its extensions in accept=).
    const offered = UPLOAD_ACCEPT.split(',');
    for (const ext of ['pdf', 'png', 'jpg', 'jpeg', 'docx', 'xlsx', 'pptx', 'odt', 'zip', 'txt', 'csv'])
      expect(offered, ext).to.include(`.${ext}`);
    expect(await detectAllowedType(smallPdf(), 'x.pdf', true)).to.deep.equal({ mime: 'application/pdf', ext: 'pdf' });
    expect(UPLOAD_EXTENSIONS.length).to.equal(offered.length);

    await setSwitches({ allow_file_uploads: true, allow_messaging: true });
    const agent = await maria();
    const documents = await agent.get('/portal/demo/documents').expect(200);
    const messages = await agent.get('/portal/demo/messages').expect(200);
    expect(acceptOf(documents.text, 'upload-file')).to.equal(UPLOAD_ACCEPT);
    expect(acceptOf(messages.text, 'message-attachments')).to.equal(UPLOAD_ACCEPT);
    const kinds = new Set(ALLOWED_UPLOAD_MIMES.map(kindOf));
    const names: Record<string, RegExp> = {
      pdf: /PDF/,
      image: /images/,
      document: /Word/,
      spreadsheet: /Excel/,
      presentation: /PowerPoint/,
      text: /plain text/,
      archive: /ZIP/,
    };
    for (const hint of [hintOf(documents.text, 'upload-file-hint'), hintOf(messages.text, 'message-attachments-hint')]) {
      for (const kind of kinds) expect(hint, `${kind} named in "${hint}"`).to.match(names[kind]!);
    }
    // Nothing is promised the picker does not offer: the old hint named ZIP while accept= lacked .zip.
    expect(offered).to.include('.zip');
  });
});
