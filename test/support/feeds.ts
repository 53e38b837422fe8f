import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Ajv from 'ajv';

/** RFC 822 as RSS 2.0 asks (with a four-digit year, as RSS profiles recommend): "Sun, 06 Dec 2026 21:32:46 GMT". */
export const RFC_822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;
/** RFC 3339 date-time, as Atom and JSON Feed ask. */
export const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  // RSS has one <link> per item and channel; Atom entries and feeds may have several.
  isArray: (name, jpath) => ['item', 'entry', 'category', 'atom:link'].includes(name) || (name === 'link' && String(jpath).startsWith('feed')),
});

/** Parses an XML feed with fast-xml-parser (an implementation independent of Khabar's), failing on malformed XML. */
export function parseXml(body: string): any {
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  return parser.parse(body);
}

/** The text of an element that may carry attributes. */
export const textOf = (node: any): string => (typeof node === 'object' && node !== null ? node['#text'] ?? '' : String(node ?? ''));

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as a JSON schema: top-level and item fields, hubs, dates. */
const JSON_FEED_SCHEMA = {
  type: 'object',
  required: ['version', 'title', 'items'],
  additionalProperties: false,
  properties: {
    version: { const: 'https://jsonfeed.org/version/1.1' },
    title: { type: 'string', minLength: 1 },
    home_page_url: { type: 'string', pattern: '^https?://' },
    feed_url: { type: 'string', pattern: '^https?://' },
    description: { type: 'string' },
    language: { type: 'string' },
    hubs: { type: 'array', items: { type: 'object', required: ['type', 'url'], properties: { type: { type: 'string' }, url: { type: 'string' } } } },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id'],
        anyOf: [{ required: ['content_html'] }, { required: ['content_text'] }],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          url: { type: 'string', pattern: '^https?://' },
          title: { type: 'string' },
          content_html: { type: 'string' },
          content_text: { type: 'string' },
          summary: { type: 'string' },
          image: { type: 'string', pattern: '^https?://' },
          date_published: { type: 'string', pattern: RFC_3339.source },
          date_modified: { type: 'string', pattern: RFC_3339.source },
          language: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const validateJsonFeed = new Ajv({ allErrors: true }).compile(JSON_FEED_SCHEMA);

/** Parses a JSON Feed and checks it against the JSON Feed 1.1 schema (Ajv). */
export function parseJsonFeed(body: string): any {
  const feed = JSON.parse(body);
  if (!validateJsonFeed(feed)) throw new Error(`not a JSON Feed 1.1: ${JSON.stringify(validateJsonFeed.errors)}`);
  return feed;
}

/** One feed request as a reader or an aggregator makes it. */
export async function getFeed(origin: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${origin}${path}`, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: await response.text(),
    cache: response.headers.get('x-khabar-cache'),
    sqlStatements: Number(response.headers.get('x-khabar-sql-statements') ?? NaN),
  };
}

/** The article titles of a feed document in any format, in document order. */
export function titlesIn(format: 'rss' | 'atom' | 'json', body: string): string[] {
  if (format === 'json') return parseJsonFeed(body).items.map((item: any) => item.title);
  const doc = parseXml(body);
  const items = format === 'rss' ? doc.rss.channel.item ?? [] : doc.feed.entry ?? [];
  return items.map((item: any) => textOf(item.title));
}
