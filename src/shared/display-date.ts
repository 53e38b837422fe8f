import { casablancaDayOf, formatHijri, MonthStarts, officialHijri } from './hijri';

const TIME_ZONE = 'Africa/Casablanca';

type Locale = 'ar' | 'fr';

/** Which calendars a date line shows. */
export type Calendar = 'GREGORIAN' | 'HIJRI' | 'BOTH';

const formatters: Record<Locale, Intl.DateTimeFormat> = {
  ar: new Intl.DateTimeFormat('ar-MA-u-nu-latn', {
    timeZone: TIME_ZONE, weekday: 'long', day: '2-digit', month: 'long', year: 'numeric',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }),
  fr: new Intl.DateTimeFormat('fr-MA', {
    timeZone: TIME_ZONE, weekday: 'long', day: '2-digit', month: 'long', year: 'numeric',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }),
};

/**
 * Moroccan newsroom date line, in Casablanca time with Latin digits:
 * ar "الجمعة 04 فبراير 2022 على الساعة 18:00", fr "vendredi 04 février 2022 à 18h00".
 * HIJRI gives the weekday and the Hijri date of the day in Casablanca ("الجمعة 3 رجب 1443 هـ", "vendredi 3 Rajab 1443
 * de l'Hégire"); BOTH the Gregorian line followed by the Hijri date in parentheses. `announced` holds the month starts
 * the Ministry of Habous announced (src/shared/hijri.ts); without them the computed calendar counts.
 */
export function moroccanDisplayDate(date: Date, locale: Locale, calendar: Calendar = 'GREGORIAN', announced?: MonthStarts): string {
  const part = Object.fromEntries(formatters[locale].formatToParts(date).map((p) => [p.type, p.value]));
  const gregorian = locale === 'ar'
    ? `${part.weekday} ${part.day} ${part.month} ${part.year} على الساعة ${part.hour}:${part.minute}`
    : `${part.weekday} ${part.day} ${part.month} ${part.year} à ${part.hour}h${part.minute}`;
  if (calendar === 'GREGORIAN') return gregorian;
  const hijri = formatHijri(officialHijri(casablancaDayOf(date), announced), locale);
  return calendar === 'HIJRI' ? `${part.weekday} ${hijri}` : `${gregorian} (${hijri})`;
}
