/** Text for HTML content and quoted attribute values: the five characters that could end or open markup, escaped. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `<meta property|name="…" content="…">` with both values escaped. */
export function meta(attribute: 'name' | 'property', key: string, content: string | number): string {
  return `<meta ${attribute}="${escapeHtml(key)}" content="${escapeHtml(content)}">`;
}

/** `<link rel="…" href="…">` (and an hreflang), escaped. */
export function link(rel: string, href: string, hreflang?: string): string {
  return `<link rel="${escapeHtml(rel)}"${hreflang ? ` hreflang="${escapeHtml(hreflang)}"` : ''} href="${escapeHtml(href)}">`;
}
