import { useTranslation } from 'react-i18next';
import { setUiLang } from '../i18n';

/** One button that flips the UI between English and Chinese. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next = i18n.language === 'zh' ? 'en' : 'zh';
  return (
    <button
      type="button"
      className="lang-switch"
      onClick={() => setUiLang(next)}
      aria-label={t('lang.label')}
      data-testid="lang-switch"
    >
      {t('lang.switchTo')}
    </button>
  );
}
