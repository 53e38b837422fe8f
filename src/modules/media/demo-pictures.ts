import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import sharp from 'sharp';
import { withSchemaLock } from '../../db/migrate';
import type { BodyBlock } from '../article/article.row';
import { parseEmbedUrl } from './embed-url';
import { ImageWriter } from './image.writer';
import type { MediaLibrary } from './media-library';
import { UploadedFile } from './upload';

/**
 * Pictures for the demo content, drawn here (no network, nothing shipped but this code): one scene per section, a
 * lead image for every demo article, and an embed with a poster for the demo videos (the seed article's included).
 * The video ids are placeholders: the demo runs offline, so the player only shows once a reader is online.
 */
type Scene = { alt: { ar: string; fr: string }; caption: string; credit: string; svg: string; focal: { x: number; y: number } };

const W = 1600;
const H = 1000;
const frame = (body: string, sky: [string, string]) => `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/></linearGradient></defs>
  <rect width="${W}" height="${H}" fill="url(#g)"/>${body}</svg>`;
const people = (count: number, y: number, colour: string) => Array.from({ length: count }, (_, i) => {
  const x = 120 + i * ((W - 240) / Math.max(1, count - 1));
  return `<circle cx="${x}" cy="${y}" r="34" fill="${colour}"/><rect x="${x - 48}" y="${y + 40}" width="96" height="160" rx="40" fill="${colour}"/>`;
}).join('');

const SCENES: Record<string, Scene> = {
  politique: {
    alt: { ar: 'وزيرة تتحدث من منصة أمام ميكروفونات الصحافة', fr: 'Une ministre parle à la tribune devant les micros de la presse' },
    caption: 'ندوة صحفية بالرباط', credit: 'Khabar',
    focal: { x: 0.5, y: 0.42 },
    svg: frame(`<rect x="0" y="0" width="${W}" height="620" fill="#1d3557" opacity="0.55"/>
      <rect x="540" y="120" width="520" height="300" rx="12" fill="#a8dadc" opacity="0.35"/>
      <circle cx="800" cy="330" r="70" fill="#f1c7a5"/><rect x="690" y="400" width="220" height="260" rx="90" fill="#264653"/>
      <rect x="620" y="560" width="360" height="300" rx="10" fill="#6d4c41"/><rect x="650" y="590" width="300" height="40" fill="#c1121f"/>
      <rect x="760" y="470" width="14" height="110" fill="#222"/><rect x="826" y="470" width="14" height="110" fill="#222"/>
      <circle cx="767" cy="465" r="16" fill="#111"/><circle cx="833" cy="465" r="16" fill="#111"/>${people(9, 800, '#0b1d2e')}`, ['#457b9d', '#1d3557']),
  },
  culture: {
    alt: { ar: 'فنان على خشبة مسرح تحت أضواء ملونة', fr: 'Un artiste sur scène sous des projecteurs colorés' },
    caption: 'على خشبة المسرح', credit: 'Khabar',
    focal: { x: 0.5, y: 0.45 },
    svg: frame(`<polygon points="300,0 420,0 760,700 640,700" fill="#ffd166" opacity="0.35"/>
      <polygon points="1180,0 1300,0 960,700 840,700" fill="#ef476f" opacity="0.35"/>
      <polygon points="740,0 860,0 860,700 740,700" fill="#06d6a0" opacity="0.25"/>
      <rect x="0" y="700" width="${W}" height="60" fill="#3d2c2e"/>
      <circle cx="800" cy="480" r="52" fill="#f4d6b9"/><rect x="730" y="535" width="140" height="170" rx="55" fill="#111"/>${people(12, 800, '#050505')}`, ['#14001f', '#3c096c']),
  },
  sport: {
    alt: { ar: 'لاعبون يتدربون على ملعب كرة قدم', fr: "Des joueurs à l'entraînement sur un terrain de football" },
    caption: 'حصة تدريبية', credit: 'Khabar',
    focal: { x: 0.55, y: 0.6 },
    svg: frame(`<rect x="0" y="380" width="${W}" height="620" fill="#2d6a4f"/>
      ${Array.from({ length: 8 }, (_, i) => `<rect x="0" y="${380 + i * 78}" width="${W}" height="39" fill="#40916c"/>`).join('')}
      <rect x="100" y="430" width="1400" height="520" fill="none" stroke="#fff" stroke-width="8"/>
      <line x1="800" y1="430" x2="800" y2="950" stroke="#fff" stroke-width="8"/><circle cx="800" cy="690" r="110" fill="none" stroke="#fff" stroke-width="8"/>
      <circle cx="880" cy="760" r="22" fill="#fff"/>
      ${[[600, 560], [980, 600], [1200, 520], [420, 640]].map(([x, y]) => `<circle cx="${x}" cy="${y}" r="26" fill="#f1c7a5"/><rect x="${x - 30}" y="${y + 28}" width="60" height="110" rx="24" fill="#d00000"/>`).join('')}`, ['#8ecae6', '#caf0f8']),
  },
  economie: {
    alt: { ar: 'رسم بياني لأعمدة ترتفع أمام واجهات بنايات', fr: 'Un graphique en barres qui monte devant des façades' },
    caption: 'مؤشرات اقتصادية', credit: 'Khabar',
    focal: { x: 0.5, y: 0.55 },
    svg: frame(`${Array.from({ length: 7 }, (_, i) => `<rect x="${160 + i * 190}" y="${820 - (i + 2) * 70 - (i % 2) * 40}" width="120" height="${(i + 2) * 70 + (i % 2) * 40}" fill="${i % 2 ? '#2a9d8f' : '#e9c46a'}"/>`).join('')}
      <polyline points="220,700 410,640 600,660 790,520 980,470 1170,380 1360,300" fill="none" stroke="#e76f51" stroke-width="14"/>
      <rect x="0" y="820" width="${W}" height="180" fill="#264653"/>`, ['#f1faee', '#a8dadc']),
  },
  societe: {
    alt: { ar: 'واجهة مبنى أبيض بنوافذ مقوسة في مدينة مغربية', fr: 'La façade blanche d’un bâtiment aux fenêtres en arc dans une ville marocaine' },
    caption: 'من المدينة', credit: 'Khabar',
    focal: { x: 0.5, y: 0.5 },
    svg: frame(`<rect x="200" y="260" width="1200" height="640" fill="#f8f9fa"/>
      ${Array.from({ length: 10 }, (_, i) => `<path d="M${260 + (i % 5) * 230} ${i < 5 ? 560 : 820} v-150 a60 60 0 0 1 120 0 v150 z" fill="#1b4965"/>`).join('')}
      <rect x="0" y="900" width="${W}" height="100" fill="#b08968"/><rect x="760" y="160" width="80" height="120" fill="#f8f9fa"/>`, ['#62b6cb', '#cae9ff']),
  },
  regions: {
    alt: { ar: 'حقول وجبال تحت سماء صافية', fr: 'Des champs et des montagnes sous un ciel clair' },
    caption: 'من الجهات', credit: 'Khabar',
    focal: { x: 0.4, y: 0.55 },
    svg: frame(`<circle cx="1250" cy="230" r="110" fill="#ffb703"/>
      <polygon points="0,640 380,260 700,600 1000,300 1600,700 1600,1000 0,1000" fill="#6c584c"/>
      <polygon points="330,310 380,260 430,310" fill="#fff"/><polygon points="950,350 1000,300 1050,350" fill="#fff"/>
      <path d="M0 760 Q400 660 800 760 T1600 740 V1000 H0 Z" fill="#a7c957"/>
      <path d="M0 860 Q500 780 1000 870 T1600 850 V1000 H0 Z" fill="#6a994e"/>`, ['#48cae4', '#ade8f4']),
  },
};

/** Placeholder video ids of the demo's video articles (the demo runs offline). */
const DEMO_VIDEO = 'https://www.youtube.com/watch?v=Kh4b4rDemo1';

/** Draws, uploads and places the demo pictures once: when the demo articles exist and no image does yet. */
export async function seedDemoPictures(db: DataSource, media: MediaLibrary, logger?: Logger): Promise<number> {
  return withSchemaLock(db, async () => {
    const [{ images, articles }] = await db.query(
      `SELECT (SELECT count(*)::int FROM image) AS images, (SELECT count(*)::int FROM article WHERE status = 'PUBLISHED') AS articles`);
    if (images > 0 || articles === 0) return 0;
    const writer = new ImageWriter(db, media);
    const bySection = new Map<string, number>();
    for (const [section, scene] of Object.entries(SCENES)) {
      const bytes = await sharp(Buffer.from(scene.svg)).jpeg({ quality: 78, progressive: true }).toBuffer();
      const image = await writer.upload({ subject: 'khabar:demo' }, new UploadedFile(`${section}.jpg`, 'image/jpeg', bytes, null), {
        alt: [{ lang: 'ar', text: scene.alt.ar }, { lang: 'fr', text: scene.alt.fr }],
        caption: scene.caption, credit: scene.credit, source: 'Khabar', focalPoint: scene.focal,
      });
      bySection.set(section, image.dbId);
    }
    const rows: { id: number; slug: string; hasVideo: boolean; body: BodyBlock[]; section: string | null }[] = await db.query(
      `SELECT a.id, a.slug, a.has_video AS "hasVideo", a.body, c.slug AS section FROM article a LEFT JOIN category c ON c.id = a.category_id`);
    const embed = parseEmbedUrl(DEMO_VIDEO);
    for (const row of rows) {
      const imageId = bySection.get(row.section ?? '') ?? bySection.get('societe')!;
      const body: BodyBlock[] = row.hasVideo && !row.body.some((block) => block.type === 'EMBED')
        ? [...row.body.slice(0, 1), { type: 'EMBED', ...embed, posterImageId: imageId }, ...row.body.slice(1)] : row.body;
      await db.query('UPDATE article SET lead_image_id = $2, body = $3 WHERE id = $1', [row.id, imageId, JSON.stringify(body)]);
    }
    logger?.info({ images: bySection.size, articles: rows.length }, 'demo pictures seeded');
    return bySection.size;
  });
}
