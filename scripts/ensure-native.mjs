#!/usr/bin/env node
// Makes sure better-sqlite3 is compiled for the runtime about to use it: `node` (tests, CLI)
// or `electron` (the app). It is built for one runtime at a time; switching recompiles it.
// Usage: node scripts/ensure-native.mjs node|electron
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const target = process.argv[2];
if (target !== 'node' && target !== 'electron') {
  console.error('usage: node scripts/ensure-native.mjs node|electron');
  process.exit(2);
}
const moduleDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const marker = path.join(moduleDir, 'build', 'cuecard-runtime.txt');
const builtFor = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : 'node';

function rebuild(env, label) {
  console.error(`[ensure-native] compiling better-sqlite3 for ${label} (about a minute)…`);
  execFileSync('npm', ['rebuild', 'better-sqlite3', '--foreground-scripts'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
}

function loadsInNode() {
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
    return true;
  } catch (error) {
    console.error(
      `[ensure-native] better-sqlite3 does not load in Node ${process.version}: ${error.message.split('\n')[0]}`,
    );
    return false;
  }
}

if (target === 'node') {
  if (builtFor === 'node' && loadsInNode()) process.exit(0);
  rebuild(
    { npm_config_runtime: 'node', npm_config_build_from_source: 'true' },
    `Node ${process.version}`,
  );
  writeFileSync(marker, 'node\n');
  if (!loadsInNode()) process.exit(1);
  process.exit(0);
}

// Electron: needs the Electron binary and Electron's headers, both downloaded from the network.
const electronVersion = JSON.parse(
  readFileSync(require.resolve('electron/package.json'), 'utf8'),
).version;
const electronDir = path.dirname(require.resolve('electron/package.json'));
if (!existsSync(path.join(electronDir, 'path.txt'))) {
  console.error(`[ensure-native] downloading the Electron ${electronVersion} binary…`);
  try {
    execFileSync(process.execPath, [path.join(electronDir, 'install.js')], {
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
    });
  } catch (error) {
    const reason =
      String(error.stderr ?? '')
        .split('\n')
        .find((l) => /Error|error/.test(l)) ?? '';
    if (reason) console.error(`[ensure-native] ${reason.trim()}`);
    console.error(
      `[ensure-native] could not download Electron ${electronVersion}. The desktop app needs it; ` +
        'this machine may have no access to the Electron release host (set ELECTRON_MIRROR to a mirror). ' +
        'The engine, the CLI and the browser UI (`npx cuecard ui`) work without it.',
    );
    process.exit(1);
  }
}
if (builtFor === `electron-${electronVersion}`) process.exit(0);
try {
  rebuild(
    {
      npm_config_runtime: 'electron',
      npm_config_target: electronVersion,
      npm_config_disturl: 'https://electronjs.org/headers',
      npm_config_build_from_source: 'true',
    },
    `Electron ${electronVersion}`,
  );
  writeFileSync(marker, `electron-${electronVersion}\n`);
} catch {
  console.error(
    `[ensure-native] could not compile better-sqlite3 for Electron ${electronVersion}: Electron's headers ` +
      'must be downloaded for that, and the network refused. Connect to the internet once, or use the browser UI.',
  );
  process.exit(1);
}
