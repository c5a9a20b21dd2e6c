/**
 * Characters that show nothing although they are not whitespace: format characters (Unicode's Cf: the
 * zero-width space, joiners, the word joiner, the byte-order mark, the soft hyphen, direction marks), the
 * Hangul fillers and the blank Braille pattern.
 */
const BLANK = /^[\s\p{Cf}\u115F\u1160\u2800\u3164\uFFA0]*$/u;

/**
 * Whether `text` says nothing: empty, or only whitespace (`String.prototype.trim`'s, so also no-break
 * spaces and line breaks) and characters that show nothing (a zero-width space). The one meaning of
 * "blank" for every text a command requires: a reason to suspend or waive, a component's name, a
 * milestone's title, and the API's required texts.
 */
export function isBlank(text: string): boolean {
  return BLANK.test(text);
}
