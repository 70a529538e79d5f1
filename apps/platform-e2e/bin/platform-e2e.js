#!/usr/bin/env node
// The post-deploy suites' command line. Runs the TypeScript sources directly (Node 24 strips types
// outside node_modules): this project is never built or published, only run from a checkout.
import { enableCompileCache } from 'node:module';

// Caches the compiled sources between runs: the suites are started many times in a pipeline.
enableCompileCache?.();

const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
