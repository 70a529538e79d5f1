#!/usr/bin/env node
// Runs the built CLI when the package was installed from a registry (dist/), the TypeScript
// sources directly inside this monorepo (Node 24 strips types outside node_modules).
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';

// Caches compiled code (and, from source, the stripped TypeScript) between runs: halves start-up.
enableCompileCache?.();

const built = new URL('../dist/cli.js', import.meta.url);
const { main } = await import(existsSync(built) ? built.href : new URL('../src/cli.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
