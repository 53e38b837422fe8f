import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
export type Element = DefaultTreeAdapterMap['element'];

/** A page as an independent HTML parser (parse5, the WHATWG algorithm) reads it, with a few ways to look into it. */
export interface ParsedPage {
  root: Element;
  all(predicate: (element: Element) => boolean): Element[];
  byId(id: string): Element | undefined;
  /** The `content` of `<meta name|property=key>`, each one found. */
  meta(key: string): string[];
  /** `href`s of `<link rel=rel>` (with its hreflang). */
  links(rel: string): { href: string; hreflang?: string }[];
  /** The parsed JSON of each `<script type="application/ld+json">`. */
  jsonLd(): any[];
}

export function attr(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

/** The text of an element exactly as the parser decoded it (entities resolved). */
export function rawTextOf(node: Node): string {
  const parts: string[] = [];
  const walk = (n: Node) => {
    if (n.nodeName === '#text') parts.push((n as DefaultTreeAdapterMap['textNode']).value);
    for (const child of (n as Element).childNodes ?? []) walk(child);
  };
  walk(node);
  return parts.join('');
}

/** The text of an element as a reader reads it: spaces collapsed. */
export function textOf(node: Node): string {
  return rawTextOf(node).replace(/\s+/g, ' ').trim();
}

export function parsePage(html: string): ParsedPage {
  const document = parse(html);
  const root = document.childNodes.find((n) => n.nodeName === 'html') as Element;
  const all = (predicate: (element: Element) => boolean) => {
    const found: Element[] = [];
    const walk = (n: Node) => {
      if ('tagName' in n && predicate(n as Element)) found.push(n as Element);
      for (const child of (n as Element).childNodes ?? []) walk(child);
    };
    walk(root);
    return found;
  };
  return {
    root,
    all,
    byId: (id) => all((e) => attr(e, 'id') === id)[0],
    meta: (key) => all((e) => e.tagName === 'meta' && (attr(e, 'name') === key || attr(e, 'property') === key)).map((e) => attr(e, 'content')!),
    links: (rel) => all((e) => e.tagName === 'link' && attr(e, 'rel') === rel)
      .map((e) => ({ href: attr(e, 'href')!, ...(attr(e, 'hreflang') ? { hreflang: attr(e, 'hreflang') } : {}) })),
    jsonLd: () => all((e) => e.tagName === 'script' && attr(e, 'type') === 'application/ld+json').map((e) => JSON.parse(rawTextOf(e))),
  };
}
