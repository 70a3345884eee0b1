#!/usr/bin/env node
// Runs the Cuecard command line from the TypeScript sources.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
