/**
 * UI language: English or Chinese. Chosen from the `?lang=` URL parameter, then the user's
 * saved choice, then the OS/browser language; switchable at run time.
 */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { zh } from './locales/zh';

export type UiLang = 'en' | 'zh';
const SAVED_KEY = 'cuecard.uiLang';

/** Maps a BCP 47 tag ("zh-CN", "en-US") to a UI language; anything not Chinese is English. */
export function uiLangFromTag(tag: string | null | undefined): UiLang {
  return tag?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** The language to start with, from the URL search string, a saved choice and the OS. */
export function pickUiLang(
  search: string,
  saved: string | null,
  navigatorLanguage: string,
): UiLang {
  const fromUrl = new URLSearchParams(search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl;
  if (saved === 'en' || saved === 'zh') return saved;
  return uiLangFromTag(navigatorLanguage);
}

function readSaved(): string | null {
  try {
    return globalThis.localStorage?.getItem(SAVED_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Initialises i18next once and returns it. */
export function initI18n(lang: UiLang): i18n {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      resources: { en: { translation: en }, zh: { translation: zh } },
      lng: lang,
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
      initAsync: false,
      // i18next prints an advertisement for its hosted service on init; not in our console.
      showSupportNotice: false,
    });
  } else if (i18next.language !== lang) {
    void i18next.changeLanguage(lang);
  }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  return i18next;
}

/** Starts from the URL, saved choice or OS language. */
export function initI18nFromEnvironment(): i18n {
  return initI18n(pickUiLang(location.search, readSaved(), navigator.language));
}

/** Switches the UI language and remembers the choice. */
export function setUiLang(lang: UiLang): void {
  try {
    globalThis.localStorage?.setItem(SAVED_KEY, lang);
  } catch {
    // Storage may be unavailable (private mode); the switch still applies to this page.
  }
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}
