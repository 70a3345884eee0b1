import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/src/locales/en';
import { zh } from '../../renderer/src/locales/zh';
import { pickUiLang, uiLangFromTag } from '../../renderer/src/i18n';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('UI language', () => {
  it('follows a Chinese OS language and defaults to English otherwise', () => {
    expect(uiLangFromTag('zh-CN')).toBe('zh');
    expect(uiLangFromTag('zh-Hant-TW')).toBe('zh');
    expect(uiLangFromTag('en-GB')).toBe('en');
    expect(uiLangFromTag('de-DE')).toBe('en');
  });

  it('lets ?lang= win over a saved choice, and a saved choice over the OS', () => {
    expect(pickUiLang('?lang=zh', 'en', 'en-US')).toBe('zh');
    expect(pickUiLang('?token=x', 'zh', 'en-US')).toBe('zh');
    expect(pickUiLang('', null, 'zh-CN')).toBe('zh');
    expect(pickUiLang('?lang=fr', null, 'en-US')).toBe('en');
  });

  it('has every English string in Chinese too', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
    const untranslated = keys(en).filter((k) => {
      const get = (o: unknown) =>
        k.split('.').reduce((acc: unknown, part) => (acc as Record<string, unknown>)[part], o);
      return get(en) === get(zh) && /[a-z]{4,}/i.test(String(get(en)).replace(/\{\{\w+\}\}/g, ''));
    });
    expect(untranslated).toEqual(['app.name']);
  });
});
