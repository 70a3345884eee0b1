import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../helpers/fake-electron')).fakeElectron);

const { createSenderCheck, hardenWebContents, installSessionSecurity } = await import(
  '../../main/electron/security'
);
const { FakeWebContents, fakeSession, resetFakeElectron } = await import(
  '../helpers/fake-electron'
);

const PAGE = 'file:///opt/cuecard/out/renderer/index.html';
const isTrusted = createSenderCheck([PAGE]);

describe('electron security', () => {
  beforeEach(() => resetFakeElectron());

  it('adds a strict Content-Security-Policy to every response, replacing any other', () => {
    installSessionSecurity(fakeSession as never, isTrusted);
    let headers: Record<string, string[]> = {};
    fakeSession.headersListener?.(
      {
        responseHeaders: {
          'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
        },
      },
      (result) => {
        headers = result.responseHeaders;
      },
    );
    expect(headers['content-security-policy']).toBeUndefined();
    const csp = headers['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(csp).not.toMatch(/(^|\s)\*(\s|;|$)/);
  });

  it('denies microphone, camera and notification requests, even from the app page', () => {
    installSessionSecurity(fakeSession as never, isTrusted);
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal']) {
      const answers: boolean[] = [];
      fakeSession.permissionRequestHandler?.(
        new FakeWebContents(),
        permission,
        (ok: boolean) => answers.push(ok),
        {
          requestingUrl: PAGE,
        },
      );
      expect(answers).toEqual([false]);
      expect(fakeSession.permissionCheckHandler?.(null, permission, PAGE)).toBe(false);
    }
  });

  it('lets only the app page copy to the clipboard', () => {
    installSessionSecurity(fakeSession as never, isTrusted);
    const answers: boolean[] = [];
    const ask = (url: string) =>
      fakeSession.permissionRequestHandler?.(
        new FakeWebContents(),
        'clipboard-sanitized-write',
        (ok: boolean) => answers.push(ok),
        { requestingUrl: url },
      );
    ask(PAGE);
    ask('https://evil.example/');
    expect(answers).toEqual([true, false]);
  });

  it('blocks navigation, redirects, webviews and new windows', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never);
    expect(contents.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.emitPreventable('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.emitPreventable('will-attach-webview', {}, {})).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({
      action: 'deny',
    });
  });

  it('trusts frames of the app page only', () => {
    expect(isTrusted(`${PAGE}#/overlay`)).toBe(true);
    expect(isTrusted('file:///tmp/other.html')).toBe(false);
    expect(isTrusted('https://evil.example/')).toBe(false);
    expect(isTrusted(undefined)).toBe(false);
    expect(isTrusted('not a url')).toBe(false);
    const dev = createSenderCheck(['http://localhost:5173/']);
    expect(dev('http://localhost:5173/#/review')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
  });
});
