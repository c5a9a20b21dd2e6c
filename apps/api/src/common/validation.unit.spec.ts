import { describe, expect, it } from '@jest/globals';

import { isCalendarDate, isRealDate } from './validation.js';

/** What a real date is, by JavaScript's own calendar: a date that prints back as it was written. */
function printsBack(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('isRealDate', () => {
  // Leap-year rules at their edges (every 4th, not every 100th, every 400th), the first and last years.
  const years = [1, 4, 100, 400, 1600, 1700, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999];

  it('agrees with the calendar on every month 00-13 and day 00-32 of years at the leap rules’ edges', () => {
    const disagreements: string[] = [];
    let real = 0;
    for (const year of years) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          if (isRealDate(text) !== printsBack(text)) disagreements.push(text);
          if (printsBack(text)) real++;
        }
      }
    }
    expect(disagreements).toEqual([]);
    // 14 years of 365 or 366 days: the loop did reach the real dates it compares.
    expect(real).toBe(14 * 365 + years.filter((y) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)).length);
  });

  it.each(['2024-02-29', '2000-02-29', '2019-12-31', '0001-01-01', '9999-12-31'])('takes %s', (text) => {
    expect(isRealDate(text)).toBe(true);
  });

  it.each([
    ['0000-01-01', 'there was no year 0 (and PostgreSQL refuses it)'],
    ['2019-02-29', 'not a leap year'],
    ['1900-02-29', 'a hundredth year is not a leap year'],
    ['2019-02-30', 'no such day'],
    ['2019-04-31', 'April has 30 days'],
    ['2019-13-01', 'no such month'],
    ['2019-1-01', 'not written YYYY-MM-DD'],
    ['2019-01-01T00:00:00Z', 'an instant, not a date'],
    [' 2019-01-01', 'padded'],
  ])('refuses %s: %s', (text) => {
    expect(isRealDate(text)).toBe(false);
  });

  it.each([20190101, null, undefined, {}])('refuses %p, which is not text', (value) => {
    expect(isRealDate(value)).toBe(false);
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['1900-01-01', true],
    ['2199-12-31', true],
    ['1899-12-31', false],
    ['2200-01-01', false],
    ['2199-02-29', false],
  ])('%s: %p', (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });
});
