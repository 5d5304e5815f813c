import { describe, expect, it } from 'vitest';
import { exportFilter } from '../../../collector/export/export-filter.js';

const range = (from: string, to = '2030-01-01') =>
  exportFilter({ from, to }).range;

describe('exportFilter', () => {
  describe('when --from and --to are dates or RFC 3339 times', () => {
    it('records them in UTC: a date is its midnight UTC', () => {
      expect(range('2026-12-04')).toEqual({
        from: '2026-12-04T00:00:00.000Z',
        to: '2030-01-01T00:00:00.000Z',
      });
      expect(range('2026-12-04T09:30:00+08:00').from).toBe(
        '2026-12-04T01:30:00.000Z',
      );
      expect(range('2024-02-29T23:59:59.5Z').from).toBe(
        '2024-02-29T23:59:59.500Z',
      );
    });
  });

  describe('when a time is not one', () => {
    it.each([
      ['2026-02-31'],
      ['2025-02-29'],
      ['2026-12-04T24:00:00Z'],
      ['2026-12-04T10:00:00'],
      ['Dec 4 2026'],
      ['2026-13-01'],
      [''],
    ])('refuses %j with VIGIL_EXPORT_INVALID naming the option', (value) => {
      expect(() => exportFilter({ from: value, to: '2030-01-01' })).toThrow(
        expect.objectContaining({
          code: 'VIGIL_EXPORT_INVALID',
          message: expect.stringMatching(/^--from: /) as unknown,
        }),
      );
    });

    it('refuses a range that ends before it starts', () => {
      expect(() =>
        exportFilter({ from: '2026-12-05', to: '2026-12-04' }),
      ).toThrow(expect.objectContaining({ code: 'VIGIL_EXPORT_INVALID' }));
    });
  });
});
