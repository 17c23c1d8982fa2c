// Text made safe to place in HTML, for the few strings built outside a template (email bodies,
// markup prepared once and reused); templates escape with `<%=`.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
