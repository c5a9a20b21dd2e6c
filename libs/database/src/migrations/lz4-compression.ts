/**
 * The statement that compresses `table`'s `column` with lz4, which PostgreSQL compresses and
 * decompresses several times faster than pglz; a server built without lz4 keeps pglz.
 */
export function lz4CompressionSql(table: string, column: string): string {
  return `DO $$
      BEGIN
        ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported THEN
        NULL;
      END $$`;
}
