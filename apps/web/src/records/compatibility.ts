/** The records API majors this web understands; widen it only together with the code that reads the new shape. */
export const supportedRecordsApiMajors: readonly number[] = [1];

export type Compatibility =
  | { compatible: true; apiMajor: number }
  | { compatible: false; apiMajor: number | undefined; reason: string };

function majorOf(apiVersion: number | string | undefined): number | undefined {
  if (apiVersion === undefined) return undefined;
  const major = Number(String(apiVersion).split('.')[0]);
  return Number.isInteger(major) && major >= 0 ? major : undefined;
}

/** Whether records' declared `apiVersion` is one web supports, with a reason for people when not. */
export function checkCompatibility(apiVersion: number | string | undefined, supported: readonly number[] = supportedRecordsApiMajors): Compatibility {
  const major = majorOf(apiVersion);
  const wanted = supported.map((m) => `v${m}`).join(' or ');
  if (major === undefined) {
    return { compatible: false, apiMajor: undefined, reason: `records does not declare a usable API version (got ${JSON.stringify(apiVersion ?? null)}); this web needs records API ${wanted}.` };
  }
  if (!supported.includes(major)) {
    return { compatible: false, apiMajor: major, reason: `records speaks API v${major}; this web supports records API ${wanted}.` };
  }
  return { compatible: true, apiMajor: major };
}
