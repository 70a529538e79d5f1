// A JUnit XML report reduced to what a gate needs: counts, a status and the names of what failed.
// Pure: text in, summary out; the XML is read by fast-xml-parser, never by hand.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { RecipeError } from './errors.ts';

export interface JunitSummary {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  /** passed: at least one test ran and none failed or errored; failed otherwise (an empty report proves nothing). */
  status: 'passed' | 'failed';
  /** `<classname> <name>` of the test cases that failed or errored, in report order. */
  failing: string[];
}

type XmlElement = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  // These elements may appear once or many times: always arrays, so one code path reads both.
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

/** Parses a JUnit XML report (root <testsuites> or <testsuite>, suites nested or not). */
export function parseJunitReport(file: string, text: string): JunitSummary {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new RecipeError(`is not well-formed XML: ${valid.err.msg}`, { file, line: valid.err.line, column: valid.err.col, hint: 'give the JUnit XML report the test run wrote (e.g. apps/platform-e2e output junit.xml)' });
  }
  const document = parser.parse(text) as XmlElement;
  const roots = Object.keys(document).filter((key) => !key.startsWith('?'));
  const root = document.testsuites === undefined ? undefined : asElements([document.testsuites])[0]!;
  const suites = root ? [root] : asElements(document.testsuite);
  if (suites.length === 0) {
    throw new RecipeError(`is not a JUnit report: its root element is <${roots[0] ?? 'nothing'}>, expected <testsuites> or <testsuite>`, { file, hint: 'give the JUnit XML report of the test run' });
  }
  const counted = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const failing: string[] = [];
  const visit = (suite: XmlElement) => {
    for (const testcase of asElements(suite.testcase)) {
      counted.tests += 1;
      const failed = asElements(testcase.failure).length > 0;
      const errored = asElements(testcase.error).length > 0;
      if (failed) counted.failures += 1;
      if (errored) counted.errors += 1;
      if (!failed && !errored && asElements(testcase.skipped).length > 0) counted.skipped += 1;
      if (failed || errored) failing.push([testcase['@classname'], testcase['@name']].filter((part) => typeof part === 'string' && part !== '').join(' '));
    }
    for (const child of asElements(suite.testsuite)) visit(child);
  };
  suites.forEach(visit);
  // The counts the report declares on its outermost suites: a report that says it failed is not
  // read as passed because its test cases were left out.
  const declared = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const outer = root && attribute(root, 'tests') !== undefined ? [root] : root ? asElements(root.testsuite) : suites;
  for (const suite of outer) {
    declared.tests += attribute(suite, 'tests') ?? 0;
    declared.failures += attribute(suite, 'failures') ?? 0;
    declared.errors += attribute(suite, 'errors') ?? 0;
    declared.skipped += attribute(suite, 'skipped') ?? attribute(suite, 'disabled') ?? 0;
  }
  const tests = Math.max(counted.tests, declared.tests);
  const failures = Math.max(counted.failures, declared.failures);
  const errors = Math.max(counted.errors, declared.errors);
  const skipped = Math.max(counted.skipped, declared.skipped);
  const status = failures + errors === 0 && tests - skipped > 0 ? 'passed' : 'failed';
  return { tests, failures, errors, skipped, status, failing };
}

function asElements(value: unknown): XmlElement[] {
  if (!Array.isArray(value)) return [];
  // An empty element (<failure/>) parses as '' : it still counts.
  return value.map((item) => (typeof item === 'object' && item !== null ? (item as XmlElement) : {}));
}

function attribute(element: XmlElement, name: string): number | undefined {
  const value = element[`@${name}`];
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}
