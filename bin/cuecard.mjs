#!/usr/bin/env node
// Runs the Cuecard command line from the TypeScript sources.
import { register } from 'tsx/esm/api';

register();
// A reader that stops early (`| head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
