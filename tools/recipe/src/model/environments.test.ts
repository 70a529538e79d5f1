import { describe, expect, test } from 'vitest';
import { environmentsYaml } from '../test-support/fixture-repo.ts';
import { validateEnvironments } from './environments.ts';
import { parseYamlFile } from './yaml-file.ts';

const file = 'releases/environments.yaml';
const check = (text: string) => validateEnvironments(parseYamlFile(text, file));

describe('environments.yaml', () => {
  test('a valid file gives the environments in order with defaults filled in', () => {
    const { value, problems } = check(environmentsYaml);
    expect(problems).toEqual([]);
    expect(value!.environments.map((env) => [env.name, env.from, env.auto])).toEqual([
      ['dev', undefined, true],
      ['staging', 'dev', false],
      ['prod', 'staging', false],
    ]);
    expect(value!.services.records).toEqual({ project: 'services/records', chart: 'charts/records', image: 'ghcr.io/acme/platform/records' });
  });

  test('from defaults to the environment before it and context to the name', () => {
    const { value } = check('repository: { url: u }\nenvironments:\n  - { name: a, namespace: a }\n  - { name: b, namespace: b }\nservices: {}\n');
    expect(value!.environments[1]).toMatchObject({ from: 'a', context: 'b', auto: false });
  });

  test('an unknown field is reported at its own line and column, with the allowed fields', () => {
    const text = environmentsYaml.replace('    auto: true\n', '    auto: true\n    autp: false\n');
    const [problem, ...rest] = check(text).problems;
    expect(rest).toEqual([]);
    expect(problem!.format()).toContain('releases/environments.yaml:16:5: environments[0].autp: unknown field "autp"');
    expect(problem!.hint).toContain('allowed fields here: name, namespace, context, auto, from, gates, urls');
  });

  test('every problem is listed, each with the field and the fix', () => {
    const text = environmentsYaml.replace('    namespace: platform-staging\n', '').replace('image: ghcr.io/acme/platform/web', 'image: ghcr.io/acme/platform/web:latest');
    const problems = check(text).problems;
    expect(problems.map((p) => [p.field, p.line])).toEqual([
      ['environments[1]', 16],
      ['services.web.image', 39],
    ]);
    expect(problems[0]!.message).toBe('missing required field "namespace"');
    expect(problems[0]!.hint).toContain('the Kubernetes namespace');
    expect(problems[1]!.hint).toContain('without a tag');
  });

  test('a duplicate environment name is rejected', () => {
    const text = environmentsYaml.replace('  - name: prod\n', '  - name: staging\n');
    expect(check(text).problems.map((p) => p.message)).toContain('environment "staging" is listed twice (also at environments[1])');
  });

  test('from must name another environment', () => {
    const text = environmentsYaml.replace('from: staging', 'from: qa');
    const [problem] = check(text).problems;
    expect(problem!.field).toBe('environments[2].from');
    expect(problem!.hint).toBe('use one of: dev, staging');
  });

  test('urls give each service its base URL, and default to none', () => {
    const text = environmentsYaml.replace('    auto: true\n', '    auto: true\n    urls:\n      web: https://dev.example.com\n      records: http://records.dev.example.com:8080/api\n');
    const { value, problems } = check(text);
    expect(problems).toEqual([]);
    expect(value!.environments[0]!.urls).toEqual({ web: 'https://dev.example.com', records: 'http://records.dev.example.com:8080/api' });
    expect(value!.environments[1]!.urls).toEqual({});
  });

  test('a url that is not http(s) is refused at its line, naming the field', () => {
    const text = environmentsYaml.replace('    auto: true\n', '    auto: true\n    urls:\n      web: dev.example.com\n');
    const [problem, ...rest] = check(text).problems;
    expect(rest).toEqual([]);
    expect(problem!.field).toBe('environments[0].urls.web');
    expect(problem!.line).toBe(17);
    expect(problem!.hint).toContain('an http(s) URL');
  });

  test('a url for a service that is not listed is refused, naming the known ones', () => {
    const text = environmentsYaml.replace('    auto: true\n', '    auto: true\n    urls:\n      shop: https://shop.example.com\n');
    const [problem, ...rest] = check(text).problems;
    expect(rest).toEqual([]);
    expect(problem!.field).toBe('environments[0].urls.shop');
    expect(problem!.line).toBe(17);
    expect(problem!.message).toBe('"shop" is not a service of services:');
    expect(problem!.hint).toBe('use one of: records, web');
  });

  test('a YAML syntax error names the line and column', () => {
    expect(() => check('repository:\n  url: [unclosed\n')).toThrow(/invalid YAML/);
    try {
      check('repository:\n  url: [unclosed\n');
    } catch (error) {
      expect((error as { file: string; line: number }).file).toBe(file);
      expect((error as { line: number }).line).toBeGreaterThan(1);
    }
  });
});

test('a baseBranch that git would read as more than a branch name is refused at its line', () => {
  for (const baseBranch of ['main:refs/heads/other', '--upload-pack=touch x', 'main branch', '/main']) {
    const text = environmentsYaml.replace('  baseBranch: main\n', `  baseBranch: ${JSON.stringify(baseBranch)}\n`);
    const [problem, ...rest] = check(text).problems;
    expect([baseBranch, rest]).toEqual([baseBranch, []]);
    expect(problem!.format()).toMatch(/^releases\/environments\.yaml:\d+:\d+: repository\.baseBranch: /);
  }
  const text = environmentsYaml.replace('  baseBranch: main\n', '  baseBranch: release/2026.12\n');
  expect(check(text).value!.repository.baseBranch).toBe('release/2026.12');
});

test('repository.forge.project may be left out for GitLab (GitLab CI names the project) but not for GitHub', () => {
  const gitlab = check(environmentsYaml.replace('    type: github\n    apiUrl: http://127.0.0.1:1/api\n    project: acme/platform\n', '    type: gitlab\n'));
  expect(gitlab.problems).toEqual([]);
  expect(gitlab.value!.repository.forge).toEqual({ type: 'gitlab' });
  const [problem, ...rest] = check(environmentsYaml.replace('    project: acme/platform\n', '')).problems;
  expect(rest).toEqual([]);
  expect(problem!.format()).toBe('releases/environments.yaml:8:5: repository.forge: missing required field "project"\n  fix: add "project:" with the GitHub repository as owner/repo, e.g. acme/platform');
});
