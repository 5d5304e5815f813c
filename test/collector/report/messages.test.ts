import { describe, expect, it } from 'vitest';
import {
  MESSAGES,
  REPORT_LANGS,
  translator,
} from '../../../collector/report/messages.js';

const placeholders = (text: string) =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the report message catalogue', () => {
  const en = MESSAGES.en;

  it.each(REPORT_LANGS)('%s has exactly the keys of en', (lang) => {
    expect(Object.keys(MESSAGES[lang]).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(REPORT_LANGS)('%s has no empty or blank message', (lang) => {
    const blank = Object.entries(MESSAGES[lang]).filter(
      ([, text]) => text.trim() === '',
    );
    expect(blank).toEqual([]);
  });

  it.each(REPORT_LANGS)('%s uses the same placeholders as en', (lang) => {
    const differ = Object.entries(MESSAGES[lang])
      .filter(
        ([key, text]) =>
          placeholders(text).join() !==
          placeholders(en[key as keyof typeof en]).join(),
      )
      .map(([key]) => key);
    expect(differ).toEqual([]);
  });

  it('translates zh-CN headings into Chinese', () => {
    const zh = MESSAGES['zh-CN'];
    const untranslated = Object.keys(en).filter(
      (key) =>
        /heading|title/.test(key) &&
        !/\p{Script=Han}/u.test(zh[key as keyof typeof zh]),
    );
    expect(untranslated).toEqual([]);
  });

  describe('translator', () => {
    it('fills placeholders and leaves unknown ones visible', () => {
      const t = translator('en');
      expect(t('trend.bar', { label: '12-05', count: 3 })).toBe(
        '12-05: 3 violations',
      );
      expect(t('trend.bar', { label: '$& {count}' })).toBe(
        '$& {count}: {count} violations',
      );
    });

    it('names data values it knows and passes others through', () => {
      const t = translator('zh-CN');
      expect(t.value('severity', 'critical')).toBe('严重');
      expect(t.value('status', 'open')).toBe('待处理');
      expect(t.value('action', 'heartbeat')).toBe('heartbeat');
      expect(t.value('severity', 'toString')).toBe('toString');
    });
  });
});
