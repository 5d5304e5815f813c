import canonicalizeLibrary from 'canonicalize';
import { describe, expect, it } from 'vitest';
import {
  canonicalize,
  stringifiedIfCanonical,
} from '../../protocol/canonical.js';
import { eventTexts } from '../../protocol/chain.js';
import type { AccessEvent } from '../../protocol/event.js';
import { ProtocolError } from '../../protocol/errors.js';

// The npm package, as a second implementation to compare against.
const oracle = canonicalizeLibrary as unknown as (value: unknown) => string;

describe('canonicalize (RFC 8785)', () => {
  describe("when given the RFC's own examples", () => {
    it('writes numbers, strings and literals as section 3.2.2 shows', () => {
      const input = JSON.parse(
        '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
          '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
          '"literals":[null,true,false]}',
      ) as unknown;
      expect(canonicalize(input)).toBe(
        '{"literals":[null,true,false],' +
          '"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
          '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
      );
    });

    it('sorts keys by UTF-16 code units as section 3.2.3 shows', () => {
      const keys = [
        '\u20ac',
        '\r',
        '\ufb33',
        '1',
        '\ud83d\ude00',
        '\u0080',
        '\u00f6',
      ];
      const value = Object.fromEntries(keys.map((k, i) => [k, i]));
      const order = [
        '\r',
        '1',
        '\u0080',
        '\u00f6',
        '\u20ac',
        '\ud83d\ude00',
        '\ufb33',
      ];
      const expected = order.map(
        (k) => `${JSON.stringify(k)}:${keys.indexOf(k)}`,
      );
      expect(canonicalize(value)).toBe(`{${expected.join(',')}}`);
      expect(canonicalize(value)).toBe(oracle(value));
    });
  });

  describe('when given many random JSON values', () => {
    it('agrees byte for byte with the canonicalize package', () => {
      let seed = 42;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const pieces = [
        'a',
        'Z',
        '\u00e9',
        '\u4e2d',
        '\ud83d\ude00',
        '"',
        '\\',
        '\n',
        '\u2028',
        '\u0000',
        '~',
      ];
      const text = () =>
        Array.from(
          { length: Math.floor(random() * 6) },
          () => pieces[Math.floor(random() * pieces.length)],
        ).join('');
      const value = (depth: number): unknown => {
        const pick = Math.floor(random() * (depth > 3 ? 4 : 6));
        switch (pick) {
          case 0:
            return text();
          case 1:
            return [0, -0, 1.5, -2e-7, 1e21, 123456789012, 2 ** 53 - 1][
              Math.floor(random() * 7)
            ];
          case 2:
            return [true, false, null][Math.floor(random() * 3)];
          case 3:
            return Math.floor(random() * 1e6);
          case 4:
            return Array.from({ length: Math.floor(random() * 4) }, () =>
              value(depth + 1),
            );
          default:
            return Object.fromEntries(
              Array.from({ length: Math.floor(random() * 5) }, () => [
                text(),
                value(depth + 1),
              ]),
            );
        }
      };
      for (let i = 0; i < 2000; i++) {
        const v = value(0);
        expect(canonicalize(v)).toBe(oracle(v));
        // Parsed back, its keys are in order: the native writer's fast path.
        const parsed = JSON.parse(oracle(v)) as unknown;
        expect(canonicalize(parsed)).toBe(oracle(v));
      }
      // An event's text and its body (the text without `prev`), whether or
      // not its members come in order, with `prev` nested inside as well.
      for (let i = 0; i < 2000; i++) {
        const members = Object.fromEntries(
          Array.from({ length: Math.floor(random() * 6) }, () => [
            random() < 0.2 ? 'prev' : text(),
            value(1),
          ]),
        );
        const nested = { detail: { prev: text(), [text()]: value(2) } };
        const event = { ...members, ...nested, prev: text() };
        const { prev: _prev, ...body } = event;
        for (const form of [event, JSON.parse(oracle(event)) as object]) {
          const texts = eventTexts(form as AccessEvent);
          expect(texts.text).toBe(oracle(event));
          expect(texts.body).toBe(oracle(body));
        }
      }
    });
  });

  describe('when a value is already in canonical order (the fast path)', () => {
    it("takes JSON.stringify's text only when it is the canonical form", () => {
      const sorted = { a: 1, b: [{ c: 'x', d: null }], e: '\u00e9' };
      expect(stringifiedIfCanonical(sorted)).toBe(JSON.stringify(sorted));
      for (const unsorted of [
        { b: 1, a: 2 },
        { a: [{ d: 1, c: 2 }] },
        // V8 puts integer-like keys first, in numeric order: "9" before "10".
        { 9: 'x', 10: 'y' },
        { a: new Date(0) },
      ]) {
        expect(stringifiedIfCanonical(unsorted)).toBeUndefined();
        expect(canonicalize(unsorted)).toBe(oracle(unsorted));
      }
      expect(stringifiedIfCanonical({ a: 1.5, b: NaN })).toBeUndefined();
      expect(canonicalize({ 9: 'x', 10: 'y' })).toBe('{"10":"y","9":"x"}');
    });

    it('still refuses a lone surrogate, and keeps an escaped backslash', () => {
      for (const lone of ['\ud800', 'a\udfff', '\\\ud800']) {
        expect(stringifiedIfCanonical({ a: lone })).toBeUndefined();
        expect(() => canonicalize({ a: lone })).toThrow(ProtocolError);
        // In a member name as well, however deep.
        for (const named of [{ [lone]: 1 }, { a: [{ b: { [lone]: 'v' } }] }]) {
          expect(stringifiedIfCanonical(named)).toBeUndefined();
          expect(() => canonicalize(named)).toThrow(
            expect.objectContaining({ code: 'VIGIL_CANONICAL_INVALID' }),
          );
        }
      }
      // The text backslash-u-d-8-0-0 is six plain characters, not a surrogate.
      const literal = { a: '\\ud800', b: '\ud83d\ude00' };
      expect(stringifiedIfCanonical(literal)).toBe(JSON.stringify(literal));
      expect(canonicalize(literal)).toBe(oracle(literal));
    });

    it('leaves out undefined members as the full walk does', () => {
      const value = { a: 1, b: undefined, c: 2 };
      expect(stringifiedIfCanonical(value)).toBe('{"a":1,"c":2}');
    });
  });

  describe('when a value has no JSON form', () => {
    it.each([[NaN], [Infinity], [{ n: -Infinity }], [BigInt(1)], [undefined]])(
      'refuses %s with VIGIL_CANONICAL_INVALID',
      (value) => {
        expect(() => canonicalize(value)).toThrow(ProtocolError);
        expect(() => canonicalize(value)).toThrow(
          expect.objectContaining({ code: 'VIGIL_CANONICAL_INVALID' }),
        );
      },
    );

    it('leaves out undefined members and writes undefined items as null', () => {
      expect(canonicalize({ b: undefined, a: [undefined, 1] })).toBe(
        '{"a":[null,1]}',
      );
    });
  });
});
