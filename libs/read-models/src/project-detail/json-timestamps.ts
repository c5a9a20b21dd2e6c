/**
 * A timestamp as PostgreSQL writes it in JSON (`2026-12-07T18:02:11.123456+00:00`), as the API answers
 * timestamps: UTC, to the millisecond (`2026-12-07T18:02:11.123Z`).
 */
export function isoTimestamp(value: string): string {
  return new Date(value).toISOString();
}
