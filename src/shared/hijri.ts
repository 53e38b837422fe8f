/**
 * The Hijri calendar of a Moroccan date line. Days are computed with ICU's Umm al-Qura calendar (`Intl`,
 * `islamic-umalqura`); Morocco's official months begin on the sighting of the new moon, announced by the Ministry of
 * Habous and Islamic Affairs, which can fall a day off the computed start. An admin records those announced starts
 * (`setHijriMonthStart`), and each month then runs from its official start to the next month's.
 */

export const HIJRI_CALENDAR = 'islamic-umalqura';

/** A Hijri month: year (AH) and month (1 = Muharram … 12 = Dhu al-Hijja). */
export interface HijriMonth {
  year: number;
  month: number;
}

export interface HijriDate extends HijriMonth {
  day: number;
}

/** An announced month start: the Gregorian day (`YYYY-MM-DD`) on which the month began. */
export interface HijriMonthStart extends HijriMonth {
  startsOn: string;
}

const DAY_MS = 86_400_000;

const hijriParts = new Intl.DateTimeFormat(`en-u-ca-${HIJRI_CALENDAR}-nu-latn`, { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
const casablancaDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Casablanca', year: 'numeric', month: '2-digit', day: '2-digit' });

/** A calendar day as days since 1970-01-01. */
export function dayNumber(isoDate: string): number {
  return Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day of the calendar in Casablanca on which an instant falls, as days since 1970-01-01. */
export function casablancaDayOf(date: Date): number {
  return dayNumber(casablancaDay.format(date));
}

/** The computed (Umm al-Qura) Hijri date of a day. */
export function computedHijri(day: number): HijriDate {
  const part = Object.fromEntries(hijriParts.formatToParts(new Date(day * DAY_MS)).map((p) => [p.type, p.value]));
  return { year: Number.parseInt(part.year, 10), month: Number(part.month), day: Number(part.day) };
}

export function nextMonth({ year, month }: HijriMonth): HijriMonth {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

export function previousMonth({ year, month }: HijriMonth): HijriMonth {
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
}

/** The day a month begins by the computed calendar, or null outside the years ICU covers. */
export function computedMonthStart(target: HijriMonth): number | null {
  // The tabular calendar's estimate of the first day (within two days of Umm al-Qura's), then ICU decides.
  const estimate = Math.floor((11 * target.year + 3) / 30) + 354 * (target.year - 1) + Math.ceil(29.5 * (target.month - 1)) - 492149;
  for (let offset = 0; offset <= 5; offset += 1) {
    for (const day of [estimate - offset, estimate + offset]) {
      const h = computedHijri(day);
      if (h.year === target.year && h.month === target.month && h.day === 1) return day;
    }
  }
  return null;
}

/** Looks up announced starts. */
export type MonthStarts = (month: HijriMonth) => number | undefined;

export function monthStartsFrom(starts: readonly HijriMonthStart[]): MonthStarts {
  const byMonth = new Map(starts.map((s) => [`${s.year}-${s.month}`, dayNumber(s.startsOn)]));
  return ({ year, month }) => byMonth.get(`${year}-${month}`);
}

/**
 * The official Hijri date of a day: the computed one, unless an announced start moves the day into the month before or
 * after it, or moves the count of days in its month. Looks at the computed month of the day and its two neighbours. A
 * month with no announced start begins on its computed day, kept 29 or 30 days after the official start of the month
 * before it (Ramadan announced a day late ends a day late unless Shawwal's start is announced too).
 */
export function officialHijri(day: number, announced: MonthStarts = () => undefined): HijriDate {
  const computed = computedHijri(day);
  const current: HijriMonth = { year: computed.year, month: computed.month };
  const currentComputed = day - (computed.day - 1);
  const previousComputed = currentComputed - computedHijri(currentComputed - 1).day;
  const nextComputed = currentComputed + (computedHijri(currentComputed + 29).day === 30 ? 30 : 29);
  const after = (month: HijriMonth, computedStart: number, previousStart: number) =>
    announced(month) ?? Math.min(Math.max(computedStart, previousStart + 29), previousStart + 30);
  const previousStart = announced(previousMonth(current)) ?? previousComputed;
  const currentStart = after(current, currentComputed, previousStart);
  const nextStart = after(nextMonth(current), nextComputed, currentStart);
  const candidates: [HijriMonth, number][] = [[nextMonth(current), nextStart], [current, currentStart], [previousMonth(current), previousStart]];
  const [month, start] = candidates.find(([, begins]) => day >= begins) ?? candidates[2];
  return { ...month, day: day - start + 1 };
}

/** Month names as Moroccan papers print them, in Arabic and in French transliteration. */
export const HIJRI_MONTHS: Record<'ar' | 'fr', readonly string[]> = {
  ar: ['محرم', 'صفر', 'ربيع الأول', 'ربيع الثاني', 'جمادى الأولى', 'جمادى الثانية', 'رجب', 'شعبان', 'رمضان', 'شوال', 'ذو القعدة', 'ذو الحجة'],
  fr: ['Moharram', 'Safar', 'Rabii al-awal', 'Rabii at-tani', 'Joumada al-oula', 'Joumada at-tania', 'Rajab', 'Chaabane', 'Ramadan', 'Chaoual', 'Dou al-qiida', 'Dou al-hijja'],
};

/** "3 رجب 1443 هـ", "3 Rajab 1443 de l'Hégire". */
export function formatHijri(date: HijriDate, locale: 'ar' | 'fr'): string {
  const month = HIJRI_MONTHS[locale][date.month - 1];
  return locale === 'ar' ? `${date.day} ${month} ${date.year} هـ` : `${date.day} ${month} ${date.year} de l'Hégire`;
}
