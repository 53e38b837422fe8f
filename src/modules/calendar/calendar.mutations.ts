import { Arg, Authorized, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { HijriMonthStartType } from './calendar.type';
import type { Context } from '../../context';

@Resolver(() => HijriMonthStartType)
export class CalendarMutations {
  @Authorized('ADMIN')
  @Mutation(() => HijriMonthStartType, {
    description: 'Admins only: records the start of a Hijri month as the Ministry of Habous and Islamic Affairs announced it '
      + '(within 2 days of the computed start), so date lines print the official Hijri date; `date: null` goes back to the computed start.',
  })
  setHijriMonthStart(
    @Ctx() ctx: Context,
    @Arg('year', () => Int, { description: 'Hijri year (AH), e.g. 1446.' }) year: number,
    @Arg('month', () => Int, { description: 'Month, 1 (Muharram) to 12 (Dhu al-Hijja); Ramadan is 9.' }) month: number,
    @Arg('date', () => String, { nullable: true, description: 'The Gregorian day the month began on, YYYY-MM-DD; null to forget the announced start.' }) date: string | null,
  ): Promise<HijriMonthStartType> {
    return ctx.services.calendarWriter.setMonthStart(year, month, date, ctx.viewer.name ?? null);
  }
}
