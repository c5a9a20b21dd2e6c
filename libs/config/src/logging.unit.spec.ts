import { describe, expect, it } from '@jest/globals';
import { withoutToken } from './logging.js';

describe('withoutToken', () => {
  const id = '/unsubscribe/3f1c0b8e-6c5e-4c1e-9d57-6a0f1c2b3d4e';

  it('redacts the token of an unsubscribe link however its name is written', () => {
    expect(withoutToken(`${id}?token=SECRET`)).toBe(`${id}?token=[redacted]`);
    expect(withoutToken(`${id}?tok%65n=SECRET`)).toBe(`${id}?tok%65n=[redacted]`);
    expect(withoutToken(`${id}?%74%6F%6B%65%6E=SECRET&x=1`)).toBe(`${id}?%74%6F%6B%65%6E=[redacted]&x=1`);
    expect(withoutToken(`${id}?a=1&token[]=SECRET&TOKEN=OTHER#frag`)).toBe(`${id}?a=1&token[]=[redacted]&TOKEN=[redacted]#frag`);
  });

  it('keeps everything else as it was', () => {
    expect(withoutToken(`${id}`)).toBe(id);
    expect(withoutToken('/projects?after=token&tokens=2&x=%E0%A4%A')).toBe('/projects?after=token&tokens=2&x=%E0%A4%A');
    expect(withoutToken('/x?%E0%A4%A=1')).toBe('/x?%E0%A4%A=1');
  });
});
