import { escapeHtml } from './html';

/**
 * The built front page (dist/web/index.html) as the template of every server-rendered page: the same markup, styles
 * and script, so the front page's script takes over once the HTML is read. A page fills the template's elements by id;
 * a fill whose element is missing throws, so a change of index.html that breaks a page fails its tests, not readers.
 */
export class PageTemplate {
  constructor(private html: string) {}

  /** `<html lang dir>` of the page's language. */
  language(lang: string, dir: 'rtl' | 'ltr'): this {
    return this.replace(/<html[^>]*>/, `<html lang="${escapeHtml(lang)}" dir="${dir}">`);
  }

  title(text: string): this {
    return this.replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(text)}</title>`);
  }

  /** Markup appended to `<head>` (meta tags, links, JSON-LD). */
  head(markup: string): this {
    return this.replace(/<\/head>/, `${markup}\n</head>`);
  }

  /** Puts markup inside the element with this id, in place of the plain text (or nothing) the template has there. */
  fill(id: string, markup: string): this {
    return this.replace(new RegExp(`(<([a-z0-9]+)[^>]*\\bid="${id}"[^>]*>)[^<]*(</\\2>)`), (_m, open: string, _tag: string, close: string) => `${open}${markup}${close}`);
  }

  /** Sets (or, with null, removes) an attribute of the element with this id. */
  attribute(id: string, name: string, value: string | null): this {
    return this.replace(new RegExp(`<[a-z0-9]+[^>]*\\bid="${id}"[^>]*>`), (tag: string) => {
      const without = tag.replace(new RegExp(`\\s${name}(="[^"]*")?(?=[\\s>])`), '');
      return value === null ? without : without.replace(/>$/, ` ${name}="${escapeHtml(value)}">`);
    });
  }

  /** The `href` of every link whose exact `href` is `from`. */
  links(from: string, to: string): this {
    this.html = this.html.split(`href="${from}"`).join(`href="${escapeHtml(to)}"`);
    return this;
  }

  toString(): string {
    return this.html;
  }

  private replace(pattern: RegExp, replacement: string | ((...args: any[]) => string)): this {
    if (!pattern.test(this.html)) throw new Error(`page template: nothing matches ${pattern}`);
    // A function, always: a replacement string would read "$&" or "$1" in a headline as a pattern.
    const replace = typeof replacement === 'string' ? () => replacement : replacement;
    this.html = this.html.replace(pattern, replace);
    return this;
  }
}
