import { describe, expect, it } from '@jest/globals';
import { isBlank } from './blank-text.js';

describe('isBlank', () => {
  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['tabs and line breaks', '\t\r\n'],
    ['no-break spaces', '\u00A0\u202F'],
    ['a zero-width space', '\u200B'],
    ['a word joiner and a byte-order mark', '\u2060\uFEFF'],
    ['a zero-width joiner between spaces', ' \u200D '],
    ['a soft hyphen', '\u00AD'],
    ['a Hangul filler', '\u3164'],
    ['a blank Braille pattern', '\u2800'],
  ])('holds %s for blank', (_case, text) => {
    expect(isBlank(text)).toBe(true);
  });

  it.each([
    ['a word', 'Bridge'],
    ['a word among invisible characters', '\u200BBridge\u200B'],
    ['one letter', 'x'],
    ['a digit', '0'],
    ['a Khmer word', 'ស្ពាន'],
    ['an emoji with a joiner', '👩\u200D🌾'],
  ])('holds %s for text', (_case, text) => {
    expect(isBlank(text)).toBe(false);
  });
});
