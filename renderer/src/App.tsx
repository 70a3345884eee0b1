/**
 * Routes by the address hash: `#/overlay` (the Electron overlay window), `#/review`,
 * `#/review/<callId>`, `#/playbook`, `#/settings`. In a browser the overlay sits beside the
 * review pages as one more tab.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './components/LanguageSwitch';
import { useConnection } from './engine-context';
import { Overlay } from './views/Overlay';
import { PlaybookView } from './views/Playbook';
import { CallList, CallPage } from './views/Review';
import { SettingsView } from './views/Settings';

export type Route =
  | { name: 'overlay' }
  | { name: 'review' }
  | { name: 'call'; callId: string }
  | { name: 'playbook' }
  | { name: 'settings' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  switch (parts[0]) {
    case 'review':
      return parts[1] ? { name: 'call', callId: decodeURIComponent(parts[1]) } : { name: 'review' };
    case 'playbook':
      return { name: 'playbook' };
    case 'settings':
      return { name: 'settings' };
    default:
      return { name: 'overlay' };
  }
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function App({ standaloneOverlay }: { standaloneOverlay: boolean }) {
  const route = useRoute();
  const { t } = useTranslation();
  const connection = useConnection();
  if (route.name === 'overlay' && standaloneOverlay) return <Overlay />;
  const tab = route.name === 'call' ? 'review' : route.name;
  const link = (name: string, label: string) => (
    <a href={`#/${name}`} className={tab === name ? 'active' : ''} data-testid={`nav-${name}`}>
      {label}
    </a>
  );
  return (
    <div className={`shell route-${route.name}`}>
      <nav className="nav">
        <span className="brand">{t('app.name')}</span>
        {link('overlay', t('app.overlay'))}
        {link('review', t('app.review'))}
        {link('playbook', t('app.playbook'))}
        {link('settings', t('app.settings'))}
        <span className="spacer" />
        {connection !== 'open' && <span className="muted">{t('status.connecting')}</span>}
        <LanguageSwitch />
      </nav>
      <div className="content">
        {route.name === 'overlay' && (
          <div className="overlay-frame">
            <Overlay />
          </div>
        )}
        {route.name === 'review' && <CallList />}
        {route.name === 'call' && <CallPage callId={route.callId} />}
        {route.name === 'playbook' && <PlaybookView />}
        {route.name === 'settings' && <SettingsView />}
      </div>
    </div>
  );
}
