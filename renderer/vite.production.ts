/**
 * What makes a renderer build a production build whatever the environment says. Vite takes
 * `process.env.NODE_ENV` from the building process when it is set; a build started inside
 * Vitest (where it is "test") or from a shell that exports "development" would otherwise bundle
 * React's development build, whose "Download the React DevTools" banner and warnings then show
 * in the app's console. The JSX transform must agree (production React has no `jsxDEV`).
 */
import type { UserConfig } from 'vite';

export const productionBuild: Pick<UserConfig, 'define' | 'oxc'> = {
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  oxc: { jsx: { development: false } },
};
