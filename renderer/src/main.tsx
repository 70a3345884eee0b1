/**
 * Renderer entry: picks the transport (preload bridge or HTTP + WebSocket), sets the UI
 * language, and renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { EngineProvider } from './engine-context';
import { initI18nFromEnvironment } from './i18n';
import { pickTransport } from './transport';
import './styles.css';

initI18nFromEnvironment();
const root = createRoot(document.getElementById('root')!);
const transport = pickTransport(window);
if (!transport) {
  root.render(
    <p className="page error" data-testid="no-transport">
      Cuecard: open this page from the address that “cuecard ui” printed (it carries the access
      token).
    </p>,
  );
} else {
  root.render(
    <StrictMode>
      <EngineProvider engine={transport}>
        {/* The Electron overlay window shows only the overlay; browsers get the tabs. */}
        <App standaloneOverlay={transport.kind === 'bridge'} />
      </EngineProvider>
    </StrictMode>,
  );
}
