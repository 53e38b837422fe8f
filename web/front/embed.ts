import { pictureOf, PICTURE_FIELDS, type PictureImage } from './picture';

export const EMBED_FIELDS = `provider url embedUrl video posterImage { ${PICTURE_FIELDS} }`;

export interface EmbedView {
  provider: string;
  url: string;
  embedUrl: string;
  video: boolean;
  posterImage: PictureImage | null;
}

const PROVIDER_NAMES: Record<string, string> = {
  YOUTUBE: 'YouTube', VIMEO: 'Vimeo', DAILYMOTION: 'Dailymotion', X: 'X', FACEBOOK: 'Facebook', INSTAGRAM: 'Instagram', TIKTOK: 'TikTok',
};

/**
 * An embed as a poster with a play button: nothing of the provider is loaded (no request leaves the page) until the
 * reader clicks; then the player, on its privacy-enhanced domain, replaces the poster.
 */
export function embedOf(embed: EmbedView, sizes: string): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = `embed ${embed.video ? 'video' : 'post'}`;
  figure.dataset.provider = embed.provider;
  const name = PROVIDER_NAMES[embed.provider] ?? embed.provider;
  const poster = embed.posterImage ? pictureOf(embed.posterImage, { sizes, className: 'picture embed-poster' }) : document.createElement('div');
  if (!embed.posterImage) poster.className = 'embed-poster blank';
  const play = document.createElement('button');
  play.type = 'button';
  play.className = 'embed-play';
  play.textContent = embed.video ? `▶ تشغيل الفيديو (${name})` : `عرض المنشور (${name})`;
  play.setAttribute('aria-label', play.textContent);
  const note = document.createElement('figcaption');
  note.className = 'embed-note';
  note.textContent = `يُحمَّل المحتوى من ${name} عند الضغط فقط.`;
  play.addEventListener('click', () => {
    const frame = document.createElement('iframe');
    frame.src = embed.embedUrl;
    frame.title = `${name}: ${embed.url}`;
    frame.allow = 'autoplay; encrypted-media; picture-in-picture; fullscreen';
    frame.allowFullscreen = true;
    frame.referrerPolicy = 'strict-origin-when-cross-origin';
    frame.className = 'embed-frame';
    poster.replaceWith(frame);
    play.remove();
  }, { once: true });
  figure.append(poster, play, note);
  return figure;
}
