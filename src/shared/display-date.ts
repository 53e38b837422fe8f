const TIME_ZONE = 'Africa/Casablanca';

type Locale = 'ar' | 'fr';

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
 */
export function moroccanDisplayDate(date: Date, locale: Locale): string {
  const part = Object.fromEntries(formatters[locale].formatToParts(date).map((p) => [p.type, p.value]));
  return locale === 'ar'
    ? `${part.weekday} ${part.day} ${part.month} ${part.year} على الساعة ${part.hour}:${part.minute}`
    : `${part.weekday} ${part.day} ${part.month} ${part.year} à ${part.hour}h${part.minute}`;
}
