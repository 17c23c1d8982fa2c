// Messages as the pages show them. The body stays plain text: the template escapes every
// segment, and only http(s) URLs become links (rel="noopener noreferrer nofollow"); line breaks
// are kept by the stylesheet (white-space: pre-wrap), so no HTML is ever built from what was typed.
import { countText, type Formatters } from '../../core/index.ts';
import type { InboxRow, MessageRow, Side } from './queries.ts';

type BodySegment = { text: string; href?: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
// Punctuation that ends a sentence rather than the URL.
const TRAILING = /[.,;:!?)\]}'"]+$/;

function linkify(body: string): BodySegment[] {
  const segments: BodySegment[] = [];
  let at = 0;
  for (const match of body.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    let url = match[0];
    const trailing = TRAILING.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trailing.length);
    let href: string | null = null;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') href = parsed.href;
    } catch {
      href = null;
    }
    if (!href) continue;
    if (start > at) segments.push({ text: body.slice(at, start) });
    segments.push({ text: url, href });
    at = start + url.length;
  }
  if (at < body.length) segments.push({ text: body.slice(at) });
  return segments;
}

export interface MessageView {
  id: string;
  anchor: string;
  mine: boolean;
  side: Side;
  authorName: string;
  sentAt: string;
  sentAtIso: string;
  segments: BodySegment[];
  attachments: Array<{ id: string; filename: string; size: string; href: string }>;
  /** For the viewer's own messages: whether the other side has seen it. */
  seen: boolean;
}

export function presentMessages(
  rows: MessageRow[],
  viewer: { side: Side; id: string },
  seenUpTo: string,
  fmt: Formatters,
  attachmentHref: (id: string) => string,
): MessageView[] {
  return rows.map((row) => {
    const mine = row.author_side === viewer.side && (viewer.side === 'staff' || row.author_client_user_id === viewer.id);
    return {
      id: row.id,
      anchor: `message-${row.id}`,
      mine,
      side: row.author_side,
      authorName: row.author_name,
      sentAt: fmt.dateTime(row.created_at),
      sentAtIso: new Date(row.created_at).toISOString(),
      segments: linkify(row.body),
      attachments: row.attachments.map((a) => ({
        id: a.id,
        filename: a.filename,
        size: fmt.fileSize(a.size_bytes),
        href: attachmentHref(a.id),
      })),
      seen: row.author_side === viewer.side && BigInt(row.id) <= BigInt(seenUpTo),
    };
  });
}

export function presentInbox(
  rows: InboxRow[],
  clientNames: Map<string, string>,
  staffNames: Map<string, string>,
  fmt: Formatters,
  base: string,
) {
  return rows.map((row) => ({
    clientId: row.client_id,
    clientName: clientNames.get(row.client_id) ?? row.client_id,
    href: `${base}/${encodeURIComponent(row.client_id)}`,
    unread: Number(row.unread),
    unreadText: countText(Number(row.unread)),
    lastMessageAt: row.last_message_at ? fmt.dateTime(row.last_message_at) : '',
    lastAuthor: row.last_author_name ?? '',
    preview: (row.last_body ?? '').replace(/\s+/g, ' ').slice(0, 120),
    assignee: row.assigned_staff_id ? (staffNames.get(row.assigned_staff_id) ?? null) : null,
  }));
}
