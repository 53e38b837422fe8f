import { gql, graphqlUrl } from './api';
import { BODY_FIELDS, bodyOf, type BodyBlockView } from './blocks';
import { follow } from './live';

export interface LiveEntryView {
  id: string;
  title: string | null;
  postedAt: string;
  isKeyEvent: boolean;
  isPinned: boolean;
  author: string | null;
  body: BodyBlockView[];
  corrections: { note: string }[];
}

export interface LiveCoverageView {
  isLive: boolean;
  endedAt: string | null;
  entries: { edges: { node: LiveEntryView }[] };
}

const ENTRY_FIELDS = `id title postedAt isKeyEvent isPinned author ${BODY_FIELDS} corrections { note }`;

/** What the article query asks of a live blog: its state and its latest entries (the pinned one first). */
export const LIVE_COVERAGE_FIELDS = `liveCoverage { isLive endedAt entries(first: 50) { edges { node { ${ENTRY_FIELDS} } } } }`;

const COVERAGE = `query LiveBlog($id: ID!) { article(id: $id) { ${LIVE_COVERAGE_FIELDS} } }`;
const LIVE_ENTRIES = `subscription LiveEntries($articleId: ID!, $after: String) {
  liveEntries(articleId: $articleId, after: $after) { cursor kind entryId entry { ${ENTRY_FIELDS} } }
}`;

interface LiveEntryEvent {
  cursor: string;
  kind: 'POSTED' | 'UPDATED' | 'DELETED' | 'PINNED' | 'CORRECTED' | 'ENDED';
  entryId: string | null;
  entry: LiveEntryView | null;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const TIME = new Intl.DateTimeFormat('ar-MA', { hour: '2-digit', minute: '2-digit', timeZone: 'Africa/Casablanca', numberingSystem: 'latn' });

function text<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, value: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = `${className} text`;
  node.textContent = value;
  return node;
}

/** Pinned first, then newest first: the order of `entries`. */
function before(a: LiveEntryView, b: LiveEntryView): boolean {
  if (a.isPinned !== b.isPinned) return a.isPinned;
  const [at, bt] = [Date.parse(a.postedAt), Date.parse(b.postedAt)];
  return at !== bt ? at > bt : a.id > b.id;
}

/**
 * The live blog under an article: entries as they are posted, at the top, without reloading; while the reader is
 * scrolled down, new entries wait behind a "N new entries" bar so the text under their eyes does not move. Key events
 * make a short timeline; "ended" shows when the coverage ends. Returns a stop function (the reader left the page).
 */
export function showLiveBlog(articleId: string, coverage: LiveCoverageView): () => void {
  const section = byId('live-blog');
  const list = byId<HTMLOListElement>('live-entries');
  const bar = byId<HTMLButtonElement>('new-entries');
  const state = byId('live-state');
  const timeline = byId<HTMLOListElement>('key-events');
  const entries = new Map<string, LiveEntryView>();
  const waiting = new Map<string, LiveEntryView>();
  let isLive = coverage.isLive;
  let connected = false;
  /** Events that arrive while the entries are being (re)loaded, applied after them. */
  let held: LiveEntryEvent[] | null = null;

  const showState = () => {
    state.textContent = !isLive ? 'انتهت التغطية المباشرة' : connected ? 'تغطية مباشرة' : 'تغطية مباشرة · إعادة الاتصال…';
    state.dataset.state = !isLive ? 'ended' : connected ? 'live' : 'reconnecting';
  };

  const elementOf = (id: string) => list.querySelector<HTMLLIElement>(`[data-id="${CSS.escape(id)}"]`);

  function entryElement(entry: LiveEntryView): HTMLLIElement {
    const item = document.createElement('li');
    item.className = `entry${entry.isKeyEvent ? ' key-event' : ''}${entry.isPinned ? ' pinned' : ''}`;
    item.dataset.id = entry.id;
    const meta = document.createElement('p');
    meta.className = 'entry-meta';
    meta.append(text('time', 'entry-time', TIME.format(new Date(entry.postedAt))));
    if (entry.isPinned) meta.append(text('span', 'badge', 'مثبت'));
    if (entry.isKeyEvent) meta.append(text('span', 'badge key', 'حدث بارز'));
    if (entry.author) meta.append(text('span', 'entry-author', entry.author));
    item.append(meta);
    if (entry.title) item.append(text('h3', 'entry-title', entry.title));
    item.append(...bodyOf(entry.body));
    for (const correction of entry.corrections) item.append(text('p', 'correction', `تصحيح: ${correction.note}`));
    return item;
  }

  /** Puts the entry in its place (pinned first, then newest first), replacing what showed it. */
  function place(entry: LiveEntryView): void {
    elementOf(entry.id)?.remove();
    entries.set(entry.id, entry);
    const item = entryElement(entry);
    const next = [...list.children].find((child) => {
      const other = entries.get((child as HTMLElement).dataset.id!);
      return other !== undefined && before(entry, other);
    });
    list.insertBefore(item, next ?? null);
  }

  function remove(id: string): void {
    elementOf(id)?.remove();
    entries.delete(id);
    waiting.delete(id);
  }

  function showTimeline(): void {
    const keyEvents = [...entries.values(), ...waiting.values()].filter((entry) => entry.isKeyEvent)
      .sort((a, b) => Date.parse(b.postedAt) - Date.parse(a.postedAt));
    timeline.replaceChildren(...keyEvents.map((entry) => {
      const item = document.createElement('li');
      const link = text('button', 'key-event-link', `${TIME.format(new Date(entry.postedAt))} · ${entry.title ?? entry.body[0]?.text ?? ''}`);
      link.type = 'button';
      link.addEventListener('click', () => {
        flush();
        elementOf(entry.id)?.scrollIntoView({ block: 'start' });
      });
      item.append(link);
      return item;
    }));
    byId('key-events-box').hidden = keyEvents.length === 0;
  }

  function showBar(): void {
    bar.hidden = waiting.size === 0;
    bar.textContent = waiting.size === 1 ? 'مستجد واحد جديد' : `${waiting.size} مستجدات جديدة`;
  }

  /** Shows the entries that waited behind the bar. */
  function flush(): void {
    for (const entry of waiting.values()) place(entry);
    waiting.clear();
    showBar();
  }

  /** The reader is below the top of the entries: what arrives now would push the text they read down. */
  const scrolledDown = () => list.getBoundingClientRect().top < 0;

  function apply(event: LiveEntryEvent): void {
    if (event.kind === 'ENDED') {
      isLive = false;
    } else if (!event.entry) {
      remove(event.entryId!);
    } else if (event.kind === 'POSTED' && !entries.has(event.entry.id) && scrolledDown()) {
      waiting.set(event.entry.id, event.entry);
    } else if (waiting.has(event.entry.id)) {
      waiting.set(event.entry.id, event.entry);
    } else {
      place(event.entry);
    }
    showBar();
    showTimeline();
    showState();
  }

  function showAll(shown: LiveCoverageView): void {
    isLive = shown.isLive;
    for (const { node } of shown.entries.edges) {
      if (waiting.has(node.id)) waiting.set(node.id, node);
      // An entry shown as it is keeps its element: what the reader is looking at does not flicker.
      else if (JSON.stringify(entries.get(node.id)) !== JSON.stringify(node)) place(node);
    }
    showBar();
    showTimeline();
    showState();
  }

  /** Reads the entries again (once live, to close the gap since the page loaded; after a long absence, all of them). */
  async function reload(fresh: boolean): Promise<void> {
    held = held ?? [];
    try {
      const data = await gql<{ article: { liveCoverage: LiveCoverageView | null } | null }>(COVERAGE, { id: articleId });
      if (fresh) {
        list.replaceChildren();
        entries.clear();
        waiting.clear();
      }
      if (data.article?.liveCoverage) showAll(data.article.liveCoverage);
    } finally {
      const events = held;
      held = null;
      for (const event of events) apply(event);
    }
  }

  section.hidden = false;
  list.replaceChildren();
  bar.onclick = () => {
    flush();
    list.scrollIntoView({ block: 'start' });
  };
  showAll(coverage);
  let firstConnection = true;
  return follow<LiveEntryEvent>({
    url: graphqlUrl.replace(/^http/, 'ws'),
    query: LIVE_ENTRIES,
    variables: { articleId },
    pick: (data) => data.liveEntries as LiveEntryEvent | undefined,
    onEvent: (event) => (held ? held.push(event) : apply(event)),
    onStatus: (status) => {
      connected = status === 'live';
      showState();
      if (!connected) delete section.dataset.live;
      else if (!firstConnection) section.dataset.live = 'connected';
      else {
        // Once the stream is up, what was posted since the page loaded is read, and the page is following.
        firstConnection = false;
        void reload(false).then(() => {
          if (connected) section.dataset.live = 'connected';
        });
      }
    },
    onGap: () => void reload(true),
  });
}

/** Hides the live blog of the article shown before. */
export function hideLiveBlog(): void {
  byId('live-blog').hidden = true;
  byId<HTMLOListElement>('live-entries').replaceChildren();
}
