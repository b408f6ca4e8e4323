import { afterEach, describe, expect, it } from 'vitest';
import type { ExpirationPeriod } from '../../src/index.js';
import { addUtcMonths, expiresAtFor } from '../../src/expiry.js';
import { makeApiTokens } from '../support/setup.js';

// Each row: creation instant, period, expected expiry. Month ends clamp to the last day of
// the shorter month, and the UTC time of day never changes.
const PERIODS: [string, ExpirationPeriod, string][] = [
  ['2026-01-31T13:45:30.250Z', '1-month', '2026-02-28T13:45:30.250Z'],
  ['2026-01-31T13:45:30.250Z', '3-months', '2026-04-30T13:45:30.250Z'],
  ['2026-01-31T13:45:30.250Z', '1-year', '2027-01-31T13:45:30.250Z'],
  ['2028-01-31T13:45:30.250Z', '1-month', '2028-02-29T13:45:30.250Z'],
  ['2028-02-29T08:00:00.000Z', '1-month', '2028-03-29T08:00:00.000Z'],
  ['2028-02-29T08:00:00.000Z', '3-months', '2028-05-29T08:00:00.000Z'],
  ['2028-02-29T08:00:00.000Z', '1-year', '2029-02-28T08:00:00.000Z'],
  ['2026-03-31T23:59:59.999Z', '1-month', '2026-04-30T23:59:59.999Z'],
  ['2026-03-31T23:59:59.999Z', '3-months', '2026-06-30T23:59:59.999Z'],
  ['2026-03-31T23:59:59.999Z', '1-year', '2027-03-31T23:59:59.999Z'],
  ['2026-08-31T00:00:00.000Z', '1-month', '2026-09-30T00:00:00.000Z'],
  ['2026-08-31T00:00:00.000Z', '3-months', '2026-11-30T00:00:00.000Z'],
  ['2026-08-31T00:00:00.000Z', '1-year', '2027-08-31T00:00:00.000Z'],
  ['2026-11-30T12:00:00.000Z', '3-months', '2027-02-28T12:00:00.000Z'],
  ['2027-11-30T12:00:00.000Z', '3-months', '2028-02-29T12:00:00.000Z'],
  ['2026-12-31T18:30:00.000Z', '1-month', '2027-01-31T18:30:00.000Z'],
  ['2026-03-01T00:00:00.000Z', '1-month', '2026-04-01T00:00:00.000Z'],
];

// Instants on both sides of a daylight saving change in each zone. In 2026 the United States
// changes on March 8 and November 1, and the European Union on March 29 and October 25.
// New South Wales changes on April 5 and October 4.
const DST_CROSSINGS: Record<string, [string, ExpirationPeriod, string][]> = {
  'America/Los_Angeles': [
    ['2026-03-01T10:30:00.000Z', '3-months', '2026-06-01T10:30:00.000Z'],
    ['2026-10-15T10:30:00.000Z', '1-month', '2026-11-15T10:30:00.000Z'],
  ],
  'Europe/Berlin': [
    ['2026-03-01T10:30:00.000Z', '3-months', '2026-06-01T10:30:00.000Z'],
    ['2026-10-15T10:30:00.000Z', '1-month', '2026-11-15T10:30:00.000Z'],
  ],
  'Australia/Sydney': [
    ['2026-03-01T10:30:00.000Z', '3-months', '2026-06-01T10:30:00.000Z'],
    ['2026-09-15T10:30:00.000Z', '1-month', '2026-10-15T10:30:00.000Z'],
  ],
};

const processZone = process.env.TZ;

afterEach(() => {
  if (processZone === undefined) delete process.env.TZ;
  else process.env.TZ = processZone;
});

describe('calendar arithmetic', () => {
  it.each(PERIODS)('%s plus %s', async (createdAt, period, expected) => {
    const { clock, create } = makeApiTokens();
    clock.set(createdAt);

    const { info } = await create(undefined, { expiresIn: period });

    expect(info.createdAt.toISOString()).toBe(createdAt);
    expect(info.expiresAt?.toISOString()).toBe(expected);
  });

  it.each(PERIODS)('expiresAtFor %s plus %s', (createdAt, period, expected) => {
    expect(expiresAtFor(new Date(createdAt), period)?.toISOString()).toBe(expected);
  });

  it('every zone gives the same instants', () => {
    // Between them, UTC+14 and UTC-11 put every instant of the table on another local day.
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kolkata', ...Object.keys(DST_CROSSINGS)]) {
      process.env.TZ = zone;
      for (const [createdAt, period, expected] of PERIODS) {
        expect(expiresAtFor(new Date(createdAt), period)?.toISOString(), `${zone}: ${createdAt} plus ${period}`).toBe(expected);
      }
    }
  });

  it('addUtcMonths leaves its input alone', () => {
    const input = new Date('2026-01-31T10:00:00.000Z');

    addUtcMonths(input, 1);

    expect(input.toISOString()).toBe('2026-01-31T10:00:00.000Z');
  });

  it('DST change keeps UTC time', () => {
    for (const [zone, crossings] of Object.entries(DST_CROSSINGS)) {
      process.env.TZ = zone;
      for (const [createdAt, period, expected] of crossings) {
        const created = new Date(createdAt);
        const expiresAt = expiresAtFor(created, period);

        expect(expiresAt?.toISOString(), `${zone}: ${createdAt} plus ${period}`).toBe(expected);
        // Proves the process really is in a zone whose offset changes in between.
        expect(expiresAt?.getTimezoneOffset(), `${zone} changes offset`).not.toBe(created.getTimezoneOffset());
      }
    }
  });

  it('DST change through create', async () => {
    process.env.TZ = 'America/Los_Angeles';
    const { clock, create } = makeApiTokens();
    clock.set('2026-03-01T10:30:00.000Z');

    const { info } = await create(undefined, { expiresIn: '1-month' });

    expect(info.expiresAt?.toISOString()).toBe('2026-04-01T10:30:00.000Z');
  });
});
