// Every suite by name.
import type { Suite } from '../runner.ts';
import type { SuiteName } from './catalogue.ts';
import { health } from './health.ts';
import { regression } from './regression.ts';
import { smoke } from './smoke.ts';
import { versions } from './versions.ts';

export const suites: Record<SuiteName, Suite> = { health, versions, smoke, regression };

/** The suites that drive a browser. */
export const needsBrowser = new Set<SuiteName>(['smoke', 'regression']);
