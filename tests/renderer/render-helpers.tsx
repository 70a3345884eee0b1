/**
 * Renders renderer components with i18n and an engine, for component tests.
 */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { EngineApi } from '../../main/contract/api';
import { EngineProvider } from '../../renderer/src/engine-context';
import { initI18n, type UiLang } from '../../renderer/src/i18n';
import { createFakeEngine } from '../helpers/fake-engine';

export function renderWithEngine(
  ui: ReactElement,
  options: { engine?: EngineApi; lang?: UiLang } = {},
) {
  initI18n(options.lang ?? 'en');
  const engine = options.engine ?? createFakeEngine();
  return { engine, ...render(<EngineProvider engine={engine}>{ui}</EngineProvider>) };
}
