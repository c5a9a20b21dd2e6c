import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The official IATI 2.03 schema, kept in the repository (schemas/iati). */
export const IATI_SCHEMA = resolve(dirname(fileURLToPath(import.meta.url)), '../../schemas/iati/iati-activities-schema.xsd');

/** Validates a document with xmllint against the IATI schema; answers xmllint's exit code and messages. */
export function validateIati(xml: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pt-iati-'));
  try {
    const file = join(dir, 'activities.xml');
    writeFileSync(file, xml);
    const result = spawnSync('xmllint', ['--noout', '--schema', IATI_SCHEMA, file], { encoding: 'utf8' });
    if (result.error) throw new Error(`xmllint could not run (apt-get install libxml2-utils): ${result.error.message}`);
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
