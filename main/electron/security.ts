/**
 * Hardening of Electron sessions and web contents: strict CSP on every response, permissions
 * denied, navigation and new windows blocked, and a check of which frames may talk to the engine.
 */
import type { Session, WebContents } from 'electron';
import { createLogger } from '../engine/log';
import { CONTENT_SECURITY_POLICY } from '../server/csp';

const log = createLogger('electron-security');

/**
 * Permissions a trusted page may use. Copying the follow-up e-mail needs the clipboard; every
 * other permission (camera, microphone, notifications, geolocation, ...) is denied. The engine
 * reads audio devices itself, so the page never needs the microphone.
 */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/**
 * Returns a predicate telling whether a frame URL belongs to the app's own renderer: the same
 * origin as an `http(s)` page in `trustedPages` (the dev server), or the same `file:` document.
 */
export function createSenderCheck(
  trustedPages: readonly string[],
): (frameUrl: string | null | undefined) => boolean {
  const trusted = trustedPages.map((page) => new URL(page));
  return (frameUrl) => {
    if (!frameUrl) return false;
    let url: URL;
    try {
      url = new URL(frameUrl);
    } catch {
      return false;
    }
    return trusted.some((page) => {
      if (page.protocol === 'file:') {
        return url.protocol === 'file:' && url.pathname === page.pathname;
      }
      return url.origin === page.origin;
    });
  };
}

/** Adds the CSP header to every response and denies permission requests and checks. */
export function installSessionSecurity(
  session: Session,
  isTrustedUrl: (url: string | null | undefined) => boolean,
): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });

  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    const allowed = ALLOWED_PERMISSIONS.has(permission) && isTrustedUrl(details.requestingUrl);
    if (!allowed) {
      log.warn({ permission, url: contents.getURL() }, 'permission request denied');
    }
    callback(allowed);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    return ALLOWED_PERMISSIONS.has(permission) && isTrustedUrl(requestingOrigin);
  });
}

/** Blocks navigation away from the app, new windows and `<webview>` in `contents`. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    log.warn({ url }, 'will-navigate: blocked');
    event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    log.warn({ url }, 'will-redirect: blocked');
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    log.warn('will-attach-webview: blocked');
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    log.warn({ url }, 'window open: denied');
    return { action: 'deny' };
  });
}
