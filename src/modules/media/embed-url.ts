/**
 * Embeds come from an allow-list: a pasted URL is parsed, its id checked, and both the public URL and the player URL
 * are rebuilt here from that id. Nothing of the pasted text reaches a page but the id, so no arbitrary iframe
 * (and no `javascript:`, lookalike host or smuggled query) can get in.
 */

export const EMBED_PROVIDERS = ['YOUTUBE', 'VIMEO', 'DAILYMOTION', 'X', 'FACEBOOK', 'INSTAGRAM', 'TIKTOK'] as const;
export type EmbedProvider = (typeof EMBED_PROVIDERS)[number];

export interface Embed {
  provider: EmbedProvider;
  /** The canonical public URL of the post or video. */
  url: string;
  /** The player's URL for an iframe, on the provider's privacy-enhanced domain where it has one. */
  embedUrl: string;
  /** A video (it sets `Article.hasVideo`), not a post. */
  video: boolean;
}

/** Every origin an `embedUrl` can point at: the front page's `frame-src`. */
export const EMBED_PLAYER_ORIGINS = [
  'https://www.youtube-nocookie.com', 'https://player.vimeo.com', 'https://geo.dailymotion.com',
  'https://platform.twitter.com', 'https://www.facebook.com', 'https://www.instagram.com', 'https://www.tiktok.com',
] as const;

/** Why a URL is refused, in words an editor can act on. */
export class EmbedUrlError extends Error {}

const MAX_URL_LENGTH = 2048;
const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const DIGITS = /^[0-9]{1,20}$/;
const DAILYMOTION_ID = /^x[a-z0-9]{4,12}$/i;
const INSTAGRAM_CODE = /^[A-Za-z0-9_-]{5,40}$/;
const X_HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const TIKTOK_HANDLE = /^[A-Za-z0-9_.]{1,30}$/;
const FACEBOOK_NAME = /^[A-Za-z0-9.\-_]{1,80}$/;
const VIMEO_HASH = /^[0-9a-f]{6,20}$/;

type Parser = (url: URL, path: string[]) => Embed | null;

/** Hosts of each provider (with and without `www.`/`m.`); a lookalike such as youtube.com.evil.example matches none. */
const HOSTS: Record<string, Parser> = {};
function hosts(names: string[], parser: Parser) {
  for (const name of names) HOSTS[name] = parser;
}

hosts(['youtube.com', 'www.youtube.com', 'm.youtube.com', 'music.youtube.com', 'youtube-nocookie.com', 'www.youtube-nocookie.com', 'youtu.be'], (url, path) => {
  let id: string | undefined;
  if (url.hostname === 'youtu.be') id = path[0];
  else if (path[0] === 'watch' && path.length === 1) id = url.searchParams.get('v') ?? undefined;
  else if (['embed', 'shorts', 'live', 'v'].includes(path[0]) && path.length === 2) id = path[1];
  if (!id || !YOUTUBE_ID.test(id)) return null;
  const start = startSeconds(url.searchParams.get('t') ?? url.searchParams.get('start'));
  return {
    provider: 'YOUTUBE',
    url: `https://www.youtube.com/watch?v=${id}${start ? `&t=${start}s` : ''}`,
    embedUrl: `https://www.youtube-nocookie.com/embed/${id}${start ? `?start=${start}` : ''}`,
    video: true,
  };
});

hosts(['vimeo.com', 'www.vimeo.com', 'player.vimeo.com'], (url, path) => {
  // vimeo.com/ID, vimeo.com/ID/HASH (unlisted), vimeo.com/channels/NAME/ID, player.vimeo.com/video/ID?h=HASH
  const at = url.hostname === 'player.vimeo.com' ? (path[0] === 'video' ? 1 : -1)
    : path[0] === 'channels' || path[0] === 'groups' ? (path[0] === 'groups' ? 3 : 2) : 0;
  const id = at >= 0 ? path[at] : undefined;
  if (!id || !DIGITS.test(id)) return null;
  const hash = path[at + 1] ?? url.searchParams.get('h') ?? undefined;
  if (hash !== undefined && !VIMEO_HASH.test(hash)) return null;
  return {
    provider: 'VIMEO',
    url: `https://vimeo.com/${id}${hash ? `/${hash}` : ''}`,
    // dnt=1: Vimeo's player sets no tracking cookies and sends no analytics.
    embedUrl: `https://player.vimeo.com/video/${id}?dnt=1${hash ? `&h=${hash}` : ''}`,
    video: true,
  };
});

hosts(['dailymotion.com', 'www.dailymotion.com', 'dai.ly', 'geo.dailymotion.com'], (url, path) => {
  let id: string | undefined;
  if (url.hostname === 'dai.ly') id = path[0];
  else if (url.hostname === 'geo.dailymotion.com') id = path[0] === 'player.html' ? url.searchParams.get('video') ?? undefined : undefined;
  else if (path[0] === 'video' && path.length === 2) id = path[1];
  else if (path[0] === 'embed' && path[1] === 'video' && path.length === 3) id = path[2];
  // Dailymotion titles follow the id after an underscore: /video/x8abcd_some-title.
  id = id?.split('_')[0];
  if (!id || !DAILYMOTION_ID.test(id)) return null;
  return {
    provider: 'DAILYMOTION',
    url: `https://www.dailymotion.com/video/${id}`,
    embedUrl: `https://geo.dailymotion.com/player.html?video=${id}`,
    video: true,
  };
});

hosts(['x.com', 'www.x.com', 'twitter.com', 'www.twitter.com', 'mobile.twitter.com', 'mobile.x.com'], (_url, path) => {
  // x.com/HANDLE/status/ID (also /statuses/, and /i/web/status/ID)
  const [handle, word, id] = path[0] === 'i' && path[1] === 'web' ? ['i', path[2], path[3]] : path;
  if ((word !== 'status' && word !== 'statuses') || !id || !DIGITS.test(id) || (handle !== 'i' && !X_HANDLE.test(handle))) return null;
  return {
    provider: 'X',
    url: `https://x.com/${handle === 'i' ? 'i/web' : handle}/status/${id}`,
    embedUrl: `https://platform.twitter.com/embed/Tweet.html?id=${id}&dnt=true`,
    video: false,
  };
});

hosts(['facebook.com', 'www.facebook.com', 'm.facebook.com', 'web.facebook.com'], (url, path) => {
  let canonical: string | undefined;
  let video = false;
  if (path[0] === 'watch' && path.length === 1) {
    const id = url.searchParams.get('v');
    if (id && DIGITS.test(id)) [canonical, video] = [`https://www.facebook.com/watch/?v=${id}`, true];
  } else if (path[0] === 'reel' && path.length === 2 && DIGITS.test(path[1])) {
    [canonical, video] = [`https://www.facebook.com/reel/${path[1]}`, true];
  } else if (path.length === 3 && FACEBOOK_NAME.test(path[0]) && DIGITS.test(path[2]) && (path[1] === 'videos' || path[1] === 'posts')) {
    [canonical, video] = [`https://www.facebook.com/${path[0]}/${path[1]}/${path[2]}`, path[1] === 'videos'];
  }
  if (!canonical) return null;
  return {
    provider: 'FACEBOOK',
    url: canonical,
    embedUrl: `https://www.facebook.com/plugins/${video ? 'video' : 'post'}.php?href=${encodeURIComponent(canonical)}&show_text=false`,
    video,
  };
});

hosts(['instagram.com', 'www.instagram.com'], (_url, path) => {
  // instagram.com/p/CODE/, /reel/CODE/, /tv/CODE/ (also with a user name first: /NAME/p/CODE/)
  const at = ['p', 'reel', 'reels', 'tv'].includes(path[0]) ? 0 : ['p', 'reel', 'tv'].includes(path[1]) ? 1 : -1;
  const kind = path[at] === 'reels' ? 'reel' : path[at];
  const code = path[at + 1];
  if (at < 0 || !code || !INSTAGRAM_CODE.test(code) || path.length > at + 2) return null;
  return {
    provider: 'INSTAGRAM',
    url: `https://www.instagram.com/${kind}/${code}/`,
    embedUrl: `https://www.instagram.com/${kind}/${code}/embed/`,
    video: kind !== 'p',
  };
});

hosts(['tiktok.com', 'www.tiktok.com', 'm.tiktok.com'], (_url, path) => {
  // tiktok.com/@HANDLE/video/ID, and the player's own /embed/v2/ID
  let handle: string | undefined;
  let id: string | undefined;
  if (path[0]?.startsWith('@') && path[1] === 'video' && path.length === 3) [handle, id] = [path[0].slice(1), path[2]];
  else if (path[0] === 'embed' && path[1] === 'v2' && path.length === 3) id = path[2];
  if (!id || !DIGITS.test(id) || (handle !== undefined && !TIKTOK_HANDLE.test(handle))) return null;
  return {
    provider: 'TIKTOK',
    url: handle ? `https://www.tiktok.com/@${handle}/video/${id}` : `https://www.tiktok.com/embed/v2/${id}`,
    embedUrl: `https://www.tiktok.com/player/v1/${id}`,
    video: true,
  };
});

/** Short links that only the provider can resolve (a request we will not make): the editor is asked for the full URL. */
const SHORT_LINK_HOSTS = new Set(['fb.watch', 'vm.tiktok.com', 'vt.tiktok.com', 't.co', 'instagr.am']);

/** YouTube's `t`/`start`: "90", "90s", "1m30s" or "1h2m3s"; anything else is dropped. */
function startSeconds(raw: string | null): number {
  if (!raw) return 0;
  const match = /^(?:(\d{1,2})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s?)?$/.exec(raw);
  if (!match) return 0;
  const [, h = '0', m = '0', s = '0'] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** The embed a pasted URL stands for; throws EmbedUrlError for anything outside the allow-list. */
export function parseEmbedUrl(input: string): Embed {
  const text = input.trim();
  if (text.length === 0 || text.length > MAX_URL_LENGTH) throw new EmbedUrlError(`an embed URL must be 1–${MAX_URL_LENGTH} characters long`);
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`);
  } catch {
    throw new EmbedUrlError('this is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EmbedUrlError('an embed URL must start with https://');
  if (url.username || url.password || url.port) throw new EmbedUrlError('an embed URL must not carry a user name, password or port');
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (SHORT_LINK_HOSTS.has(host)) throw new EmbedUrlError(`${host} links are short links: open it and paste the full address of the post or video`);
  const parser = HOSTS[host];
  if (!parser) {
    throw new EmbedUrlError(`only YouTube, Vimeo, Dailymotion, X, Facebook, Instagram and TikTok can be embedded, not ${host}`);
  }
  const path = url.pathname.split('/').filter(Boolean).map((part) => safeDecode(part));
  const embed = parser(url, path);
  if (!embed) throw new EmbedUrlError(`this ${host} address is not a video or post that can be embedded`);
  return embed;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
