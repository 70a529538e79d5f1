// Which suites exist and which run where (DESIGN.md, "Tested together"): dev health + versions,
// staging adds the regression suite that writes data, prod adds the read-only smoke suite.
export const suiteNames = ['health', 'versions', 'smoke', 'regression'] as const;
export type SuiteName = (typeof suiteNames)[number];

const byEnvironment: Record<string, SuiteName[]> = {
  dev: ['health', 'versions'],
  staging: ['health', 'versions', 'regression'],
  prod: ['health', 'versions', 'smoke'],
};

/** Environments of releases/ the regression suite must never write to. */
const readOnly = new Set(['prod']);

export function isSuiteName(name: string): name is SuiteName {
  return (suiteNames as readonly string[]).includes(name);
}

/** The suites an environment runs when no --suites is given; any other name gets health and versions. */
export function defaultSuites(environment: string): SuiteName[] {
  return byEnvironment[environment] ?? ['health', 'versions'];
}

export function mayWrite(environment: string): boolean {
  return !readOnly.has(environment);
}
