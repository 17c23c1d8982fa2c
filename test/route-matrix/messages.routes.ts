// Messages: the page, sending, the live stream and attachments exist only while allowMessaging is
// on; an attachment belongs to one client's conversation, so other clients get 404. The message
// email choice lives on the account page and exists for every client.
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** An attachment on the owner's conversation, written straight into the portal's tables. */
async function ownersAttachment({ h }: MatrixWorld): Promise<string> {
  const db = h.crm.db;
  const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
  const owner = await db('client_users').where({ workspace_id: workspace.id, email: 'maria@northwind.test' }).first('id', 'client_id');
  const [conversation] = await db('portal_conversations')
    .insert({ workspace_id: workspace.id, client_id: owner.client_id })
    .onConflict(['workspace_id', 'client_id'])
    .merge(['client_id'])
    .returning('id');
  const [message] = await db('portal_messages')
    .insert({
      workspace_id: workspace.id,
      client_id: owner.client_id,
      conversation_id: conversation.id,
      author_side: 'client',
      author_client_user_id: owner.id,
      author_name: 'Maria García',
      body: 'with a file',
    })
    .returning('id');
  const [file] = await db('portal_files')
    .insert({
      workspace_id: workspace.id,
      purpose: 'message-attachment',
      filename: 'dot.png',
      content_type: 'image/png',
      size_bytes: PNG.length,
      content: PNG,
    })
    .returning('id');
  const [attachment] = await db('portal_message_attachments')
    .insert({
      workspace_id: workspace.id,
      client_id: owner.client_id,
      message_id: message.id,
      file_id: file.id,
      filename: 'dot.png',
      content_type: 'image/png',
      size_bytes: PNG.length,
    })
    .returning('id');
  return `/messages/attachments/${attachment.id}`;
}

export const routes: MatrixRoute[] = [
  // The page with a message and its attachment in the owner's conversation, so its read of them is checked too.
  {
    method: 'GET',
    path: '/messages',
    url: async (world) => {
      await ownersAttachment(world);
      return '/messages';
    },
    ownedByClient: false,
    switches: ['allowMessaging'],
  },
  {
    method: 'POST',
    path: '/messages',
    url: () => '/messages',
    form: { body: 'Hello from the matrix' },
    ownedByClient: false,
    switches: ['allowMessaging'],
    ownerStatus: [303],
  },
  // Without an event-stream Accept header the stream sends what was missed and ends.
  { method: 'GET', path: '/messages/stream', url: () => '/messages/stream?after=0', ownedByClient: false, switches: ['allowMessaging'] },
  { method: 'GET', path: '/messages/attachments/:attachmentId', url: ownersAttachment, ownedByClient: true, switches: ['allowMessaging'] },
  {
    method: 'POST',
    path: '/account/message-emails',
    url: () => '/account/message-emails',
    form: { messageEmails: 'on' },
    ownedByClient: false,
    ownerStatus: [303],
  },
];
