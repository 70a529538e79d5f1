// JUnit XML reports as test runners write them (Surefire-style <testsuites>, with a <failure>
// carrying the assertion), for the evidence tests.

export function junitReport(options: { failing?: string[]; passing?: string[]; skipped?: string[]; suite?: string } = {}): string {
  const { failing = [], passing = ['health: records answers /healthz', 'versions: web runs the recipe commit'], skipped = [], suite = 'platform-e2e' } = options;
  const cases = [
    ...passing.map((name) => `    <testcase classname="${suite}" name="${name}" time="0.120"/>`),
    ...failing.map((name) => `    <testcase classname="${suite}" name="${name}" time="1.002">\n      <failure message="expected 200, got 503" type="AssertionError">GET /readyz answered 503 &lt;Service Unavailable&gt;</failure>\n    </testcase>`),
    ...skipped.map((name) => `    <testcase classname="${suite}" name="${name}" time="0"><skipped/></testcase>`),
  ];
  const tests = cases.length;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${suite}" tests="${tests}" failures="${failing.length}" errors="0" skipped="${skipped.length}" time="3.5">
  <testsuite name="${suite}" tests="${tests}" failures="${failing.length}" errors="0" skipped="${skipped.length}" timestamp="2026-12-01T07:00:00" time="3.5">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
