// Conventional Commits parsed and grouped into a changelog, breaking changes called out.

export interface ChangelogCommit {
  commit: string;
  subject: string;
  body: string;
  author: string;
  time: number;
}

export interface ConventionalCommit extends ChangelogCommit {
  type: string;
  scope?: string;
  description: string;
  breaking: boolean;
  /** The BREAKING CHANGE footer text, or the description when only `!` marked it. */
  breakingNote?: string;
}

export interface ChangelogSection {
  title: string;
  commits: ConventionalCommit[];
}

const header = /^(?<type>[a-zA-Z]+)(?:\((?<scope>[^)]*)\))?(?<bang>!)?: (?<description>.+)$/;
const breakingFooter = /^BREAKING[ -]CHANGE: ([\s\S]+?)(?:\n\n|\n[\w-]+: |$)/m;

export function parseConventional(commit: ChangelogCommit): ConventionalCommit {
  const match = header.exec(commit.subject);
  const footer = breakingFooter.exec(commit.body);
  if (!match?.groups) {
    return { ...commit, type: 'other', description: commit.subject, breaking: Boolean(footer), breakingNote: footer?.[1]?.trim() };
  }
  const { type = 'other', scope, bang, description = commit.subject } = match.groups;
  const breaking = Boolean(bang) || Boolean(footer);
  return { ...commit, type: type.toLowerCase(), scope, description, breaking, breakingNote: breaking ? (footer?.[1]?.trim() ?? description) : undefined };
}

/** Conventional Commit types and their headings, in the order changelogs list them. */
export const CHANGELOG_HEADINGS: ReadonlyArray<readonly [string, string]> = [
  ['feat', 'Features'],
  ['fix', 'Bug fixes'],
  ['perf', 'Performance'],
  ['revert', 'Reverts'],
  ['refactor', 'Refactoring'],
  ['docs', 'Documentation'],
  ['build', 'Build'],
  ['ci', 'CI'],
  ['test', 'Tests'],
  ['chore', 'Chores'],
  ['style', 'Style'],
];

/** Sections in a fixed order (breaking changes first), each commit newest first, empty ones left out. */
export function groupChangelog(commits: readonly ChangelogCommit[]): ChangelogSection[] {
  const parsed = commits.map(parseConventional);
  const sections: ChangelogSection[] = [{ title: 'BREAKING CHANGES', commits: parsed.filter((commit) => commit.breaking) }];
  const known = new Set(CHANGELOG_HEADINGS.map(([type]) => type));
  for (const [type, title] of CHANGELOG_HEADINGS) sections.push({ title, commits: parsed.filter((commit) => commit.type === type) });
  sections.push({ title: 'Other changes', commits: parsed.filter((commit) => !known.has(commit.type)) });
  return sections.filter((section) => section.commits.length > 0);
}

export interface ServiceDelta {
  service: string;
  from?: string;
  to?: string;
  fromVersion?: string;
  toVersion?: string;
}

/** Services whose commit differs between two recipes' service maps, sorted by name. */
export function serviceDeltas(
  from: Readonly<Record<string, { commit: string; version?: string }>>,
  to: Readonly<Record<string, { commit: string; version?: string }>>,
): ServiceDelta[] {
  const names = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return names
    .filter((name) => from[name]?.commit !== to[name]?.commit)
    .map((name) => ({ service: name, from: from[name]?.commit, to: to[name]?.commit, fromVersion: from[name]?.version, toVersion: to[name]?.version }));
}
