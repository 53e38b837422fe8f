import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum DisplayCalendar {
  GREGORIAN = 'GREGORIAN',
  HIJRI = 'HIJRI',
  BOTH = 'BOTH',
}
registerEnumType(DisplayCalendar, {
  name: 'DisplayCalendar',
  description: 'Which calendars a date line shows.',
  valuesConfig: {
    GREGORIAN: { description: 'The Gregorian date and time, as Moroccan newsrooms print it.' },
    HIJRI: { description: 'The weekday and the Hijri date of the day in Casablanca, months as Morocco announced them.' },
    BOTH: { description: 'The Gregorian line followed by the Hijri date in parentheses.' },
  },
});

@ObjectType('HijriMonthStart', { description: 'When a Hijri month began in Morocco: as announced, or as computed.' })
export class HijriMonthStartType {
  @Field(() => Int, { description: 'Hijri year (AH), e.g. 1446.' })
  year: number;

  @Field(() => Int, { description: 'Month, 1 (Muharram) to 12 (Dhu al-Hijja); Ramadan is 9.' })
  month: number;

  @Field({ description: 'The Gregorian day the month began on (YYYY-MM-DD): the announced one if recorded, else the computed one.' })
  startsOn: string;

  @Field({ description: 'The day the computed (Umm al-Qura) calendar starts it on.' })
  computedStartsOn: string;

  @Field({ description: 'True when `startsOn` is an announced start an admin recorded.' })
  announced: boolean;
}
