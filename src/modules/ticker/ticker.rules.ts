/** How long an item stays on air when the editor gives no expiry: flashes burn fast, alerts linger. */
export const DEFAULT_TTL_HOURS: Record<number, number> = { 1: 6, 2: 12, 3: 24 };

/** No item stays on air longer than this after publishing. */
export const MAX_TTL_HOURS = 48;

export function defaultExpiry(publishedAt: Date, urgency: number): Date {
  return new Date(publishedAt.getTime() + DEFAULT_TTL_HOURS[urgency] * 3_600_000);
}
