/** How long a new token stays usable. */
export type ExpirationPeriod = '1-month' | '3-months' | '1-year' | 'never';

/** Every supported period, shortest first. */
export const EXPIRATION_PERIODS: readonly ExpirationPeriod[] = ['1-month', '3-months', '1-year', 'never'];

const MONTHS: Record<Exclude<ExpirationPeriod, 'never'>, number> = {
  '1-month': 1,
  '3-months': 3,
  '1-year': 12,
};

/**
 * Returns the expiry instant of a token created at `createdAt`, or `null` for `'never'`.
 * Months are calendar months in UTC at the same time of day, clamped to the last day of a
 * shorter month: Jan 31 + 1 month is Feb 28 (or 29), Feb 29 + 1 year is Feb 28.
 */
export function expiresAtFor(createdAt: Date, period: ExpirationPeriod): Date | null {
  if (period === 'never') return null;
  return addUtcMonths(createdAt, MONTHS[period]);
}

/** Adds calendar months in UTC, clamping the day of month. Independent of the process TZ. */
export function addUtcMonths(date: Date, months: number): Date {
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const day = Math.min(date.getUTCDate(), daysInUtcMonth(year, month));
  const result = new Date(date.getTime());
  result.setUTCFullYear(year, month, day);
  return result;
}

function daysInUtcMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
