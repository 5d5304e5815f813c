import { describe, expect, it } from 'vitest';
import { printable } from '../../cli/printable.js';

describe('printable', () => {
  describe('when text holds characters a terminal obeys', () => {
    it.each([
      ['line\nbreak', 'line\\nbreak'],
      ['carriage\rreturn', 'carriage\\rreturn'],
      ['tab\there', 'tab\\there'],
      ['\x1b[2J\x1b]0;title\x07', '\\x1b[2J\\x1b]0;title\\x07'],
      ['nul\x00del\x7f', 'nul\\x00del\\x7f'],
      ['c1 csi\x9b31m', 'c1 csi\\x9b31m'],
    ])('shows %j as %j', (text, shown) => {
      expect(printable(text)).toBe(shown);
    });
  });

  describe('when text holds characters that hide or reorder text', () => {
    it.each([
      ['invoice\u202Efdp.exe', 'invoice[U+202E]fdp.exe'],
      ['\u202A\u202B\u202C\u202D', '[U+202A][U+202B][U+202C][U+202D]'],
      ['\u2066\u2067\u2068\u2069', '[U+2066][U+2067][U+2068][U+2069]'],
      ['zero\u200Bwidth\u200F', 'zero[U+200B]width[U+200F]'],
      ['line\u2028para\u2029', 'line[U+2028]para[U+2029]'],
      ['\uFEFFbom', '[U+FEFF]bom'],
    ])('shows %j as %j', (text, shown) => {
      expect(printable(text)).toBe(shown);
    });
  });

  describe('when text is ordinary', () => {
    it('keeps it as it is, Chinese, accents and backslashes included', () => {
      const text = '客户名单.csv café C:\\temp "quoted" 😀';
      expect(printable(text)).toBe(text);
    });

    it('leaves nothing hidden when applied to its own output', () => {
      const once = printable('a\n\u202Eb\x1b');
      expect(printable(once)).toBe(once);
    });
  });
});
