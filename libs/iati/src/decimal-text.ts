/**
 * A number as IATI wants one in `@value`: a plain decimal (IATI's rules read it as xsd:decimal, which
 * has no exponent). JavaScript writes numbers below 1e-6 or from 1e21 with one ("1e-7"); this writes
 * the same shortest digits out in full ("0.0000001").
 */
export function decimalText(value: number): string {
  const text = String(value);
  const exponential = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exponential) return text;
  const [, sign, lead, rest = '', exponent] = exponential;
  const digits = lead! + rest;
  const shift = Number(exponent);
  return shift < 0 ? `${sign}0.${'0'.repeat(-shift - 1)}${digits}` : `${sign}${digits}${'0'.repeat(shift - rest.length)}`;
}
