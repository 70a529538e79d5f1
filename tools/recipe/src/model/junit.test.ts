import { describe, expect, it } from 'vitest';
import { junitReport } from '../test-support/junit-reports.ts';
import { parseJunitReport } from './junit.ts';

describe('parseJunitReport', () => {
  it('counts a passing report and calls it passed', () => {
    expect(parseJunitReport('junit.xml', junitReport({ skipped: ['regression: writes data'] }))).toEqual({ tests: 3, failures: 0, errors: 0, skipped: 1, status: 'passed', failing: [] });
  });

  it('calls a report with a failing test case failed and names it', () => {
    const summary = parseJunitReport('junit.xml', junitReport({ failing: ['health: records answers /readyz'] }));
    expect(summary).toMatchObject({ tests: 3, failures: 1, errors: 0, status: 'failed' });
    expect(summary.failing).toEqual(['platform-e2e health: records answers /readyz']);
  });

  it('reads a bare <testsuite> root, nested suites and <error> elements', () => {
    const xml = `<testsuite name="outer"><testsuite name="inner"><testcase name="a"/><testcase name="b"><error message="boom"/></testcase></testsuite><testcase name="c"><skipped/></testcase></testsuite>`;
    expect(parseJunitReport('r.xml', xml)).toEqual({ tests: 3, failures: 0, errors: 1, skipped: 1, status: 'failed', failing: ['b'] });
  });

  it('trusts the declared failures when the test cases were left out', () => {
    expect(parseJunitReport('r.xml', '<testsuites tests="4" failures="2" errors="0"></testsuites>')).toMatchObject({ tests: 4, failures: 2, status: 'failed' });
  });

  it('calls a report in which nothing ran failed: an empty report proves nothing', () => {
    expect(parseJunitReport('r.xml', '<testsuites/>').status).toBe('failed');
    expect(parseJunitReport('r.xml', junitReport({ passing: [], skipped: ['all'] })).status).toBe('failed');
  });

  it('refuses XML that is not well-formed, with the file, line and column', () => {
    expect(() => parseJunitReport('out/junit.xml', '<testsuites>\n  <testsuite>\n</testsuites>')).toThrow(expect.objectContaining({ file: 'out/junit.xml', line: 3, message: expect.stringMatching(/^is not well-formed XML: /) }));
  });

  it('refuses XML that is not a JUnit report, naming its root element', () => {
    expect(() => parseJunitReport('page.html', '<html><body/></html>')).toThrow('is not a JUnit report: its root element is <html>, expected <testsuites> or <testsuite>');
  });
});
