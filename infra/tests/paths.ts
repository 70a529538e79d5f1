import path from 'node:path';

/** The infra folder under test. */
export const infraDir = path.resolve(import.meta.dirname, '..');
