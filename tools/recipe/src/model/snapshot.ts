// Snapshots: immutable, content-addressed records of a combination of service commits that ran
// together, with the verifications that vouch for it. Pure functions over text and plain data.
// The format and the id definition are in docs/formats.md.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { isSeq, parseDocument, Document, type Node as YamlNode } from 'yaml';
import { RecipeError } from './errors.ts';
import type { FromSchema } from 'json-schema-to-ts';
import { commitSchema, nameSchema, schemaProblems } from './schema.ts';
import { parseYamlFile, problemAt, type PathSegment, type YamlFile } from './yaml-file.ts';

const REPORT_FIELDS = ['status', 'tests', 'failures', 'errors', 'skipped'] as const;

export const SNAPSHOTS_DIR = 'snapshots';
// Names and commits are those of environments.yaml and the recipes: one definition for every file.
const name = nameSchema;
const commit = { ...commitSchema, description: 'a full 40-hex lowercase commit SHA (git rev-parse <commit>)' } as const;
const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'a SHA-256 as 64 lowercase hex digits' } as const;
const timestamp = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', description: 'an ISO 8601 UTC time such as 2026-11-22T10:00:00Z' } as const;
const count = { type: 'integer', minimum: 0, description: 'a number of replicas' } as const;

const clusterSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['context', 'services'],
  description: 'what recipe verify saw: context, services (written by recipe snapshot)',
  properties: {
    context: { type: 'string', minLength: 1, description: 'the kubeconfig context that was read' },
    services: {
      type: 'object',
      description: 'service -> { replicas, images, helmRelease }',
      propertyNames: name,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['replicas', 'images', 'helmRelease'],
        description: 'what was seen of a service: replicas, images, helmRelease',
        properties: {
          replicas: { type: 'object', additionalProperties: false, required: ['desired', 'ready'], description: '{ desired, ready }', properties: { desired: count, ready: count } },
          images: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'the image references its containers ran' },
          helmRelease: {
            type: ['object', 'null'],
            additionalProperties: false,
            required: ['ready', 'revision', 'generation'],
            description: '{ ready, revision, generation }, or null when there was none',
            properties: {
              ready: { type: 'boolean', description: 'true when Ready=True for the current generation' },
              revision: { type: ['string', 'null'], description: 'the chart version Flux installed' },
              generation: { type: ['integer', 'null'], description: 'the HelmRelease generation' },
            },
          },
        },
      },
    },
  },
} as const;

const verificationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['environment', 'at', 'recipeCommit', 'verified'],
  description: 'a verification: environment, at, recipeCommit, verified, skipReason, cluster, checks, evidence',
  properties: {
    environment: { ...name, description: 'the environment that was verified' },
    at: timestamp,
    recipeCommit: { ...commit, description: 'the releases commit of <env>/recipe.yaml that was verified (40 hex)' },
    verified: { type: 'boolean', description: 'true when recipe verify passed, false with skipReason for --skip-verify' },
    skipReason: { type: ['string', 'null'], description: 'why the cluster was not checked; null when verified' },
    cluster: clusterSchema,
    checks: {
      type: 'object',
      description: 'check name -> URL or status (recipe snapshot --check name=value)',
      propertyNames: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
      additionalProperties: { type: 'string', minLength: 1, description: 'a URL or a status such as passed' },
    },
    evidence: {
      type: 'array',
      description: 'evidence files (recipe snapshot --evidence <file>)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['file', 'sha256'],
        description: 'an evidence file: { check, file, sha256, status, tests, failures, errors, skipped }',
        properties: {
          check: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'the check the report is the evidence of (--evidence <check>=<report>)' },
          file: { type: 'string', minLength: 1, description: 'the file, relative to the repository root (releases/snapshots/evidence/<sha256>.xml for a stored report)' },
          sha256: { ...sha256, description: 'the SHA-256 of its content' },
          status: { enum: ['passed', 'failed'], description: 'passed when tests ran and none failed or errored' },
          tests: { ...count, description: 'test cases in the report' },
          failures: { ...count, description: 'test cases that failed' },
          errors: { ...count, description: 'test cases that errored' },
          skipped: { ...count, description: 'test cases skipped' },
        },
      },
    },
  },
} as const;

/** The JSON Schema of releases/snapshots/<id>.yaml (docs/formats.md). */
export const snapshotSchema = {
  $id: 'snapshot.yaml',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'environment', 'createdAt', 'services', 'verifications'],
  properties: {
    id: { ...sha256, description: 'the SHA-256 of the services, as written by recipe snapshot' },
    environment: { ...name, description: 'the environment the combination was first recorded in' },
    createdAt: timestamp,
    services: {
      type: 'object',
      minProperties: 1,
      description: 'service -> { commit, version, image }; never changes once written',
      propertyNames: name,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['commit', 'image'],
        description: 'a service: commit, version, image',
        properties: {
          commit,
          version: { type: 'string', minLength: 1, description: 'its semantic version, e.g. 1.4.0' },
          // A registry port is allowed (localhost:5000/x); a tag or digest is not: the tag is the commit.
          image: { type: 'string', pattern: '^[^\\s@:]+(:[0-9]+/[^\\s@:]+)?$', description: 'the image repository without tag or digest, e.g. ghcr.io/acme/platform/records' },
        },
      },
    },
    verifications: { type: 'array', minItems: 1, description: 'the verifications of this combination, oldest first', items: verificationSchema },
  },
} as const;

const clusterSummarySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['context', 'checked', 'digest'],
  description: 'what recipe verify saw, in brief: context, checked, digest (written by recipe snapshot)',
  properties: {
    context: { type: 'string', minLength: 1, description: 'the kubeconfig context that was read' },
    checked: { ...count, description: 'how many services were checked; a verified entry means every one ran its recipe image and was ready' },
    digest: { ...sha256, description: 'the SHA-256 of what was seen of each service (replicas, images, HelmRelease) as canonical JSON' },
  },
} as const;

const verificationRefSchema = {
  ...verificationSchema,
  properties: { ...verificationSchema.properties, cluster: clusterSummarySchema },
} as const;

/** The current format: 2. */
export const SNAPSHOT_FORMAT = 2;

/**
 * The JSON Schema of a format 2 snapshot file (docs/formats.md): the combination is not copied
 * into the file but named by a releases commit at which git already stores it, so a snapshot
 * costs the same few hundred bytes whether it covers 2 services or 5,000.
 */
export const snapshotRefSchema = {
  $id: 'snapshot-format-2.yaml',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'id', 'environment', 'createdAt', 'recipe', 'verifications'],
  properties: {
    format: { enum: [2], description: '2: the combination is named by a releases commit (recipe:), not copied' },
    id: { ...sha256, description: 'the SHA-256 of the combination, as written by recipe snapshot' },
    environment: { ...name, description: 'the environment the combination was first recorded in' },
    createdAt: timestamp,
    recipe: {
      type: 'object',
      additionalProperties: false,
      required: ['commit', 'services'],
      description: 'where git keeps the combination: commit, services',
      properties: {
        commit: { ...commit, description: 'a releases commit at which releases/<environment>/recipe.yaml, with the images of releases/environments.yaml, is this combination' },
        services: { type: 'integer', minimum: 1, description: 'how many services the combination has' },
      },
    },
    verifications: { type: 'array', minItems: 1, description: 'the verifications of this combination, oldest first', items: verificationRefSchema },
  },
} as const;

/** A snapshot file as written; the types below derive from it (normalise fills the defaults). */
export type SnapshotDocument = FromSchema<typeof snapshotSchema>;
type VerificationDocument = SnapshotDocument['verifications'][number];

/** A service of a snapshot: commit, version, image repository (the tag is the commit). */
export type SnapshotService = SnapshotDocument['services'][string];

/** A file recorded as evidence: a stored JUnit report of a check (with its verdict and counts), or any file by path and hash. */
export type EvidenceFile = NonNullable<VerificationDocument['evidence']>[number];

/** What `recipe verify` saw of every service (format 1 files, and what verify reports). */
export type ClusterEvidence = NonNullable<VerificationDocument['cluster']>;
export type ClusterServiceEvidence = ClusterEvidence['services'][string];
/** What format 2 files keep of it: how many services were checked and a digest of what was seen. */
export type ClusterSummary = NonNullable<FromSchema<typeof snapshotRefSchema>['verifications'][number]['cluster']>;

/** A verification as read: skipReason, checks and evidence always present. */
export type Verification = Omit<VerificationDocument, 'skipReason' | 'checks' | 'evidence' | 'cluster'> & {
  /** Why the cluster was not checked; null when verified. */
  skipReason: string | null;
  /** What the cluster showed: every service (format 1) or a summary (format 2). */
  cluster?: ClusterEvidence | ClusterSummary;
  checks: Record<string, string>;
  evidence: EvidenceFile[];
};

/** Where a format 2 snapshot's combination is kept in git. */
export interface SnapshotRef {
  /** A releases commit at which releases/<environment>/recipe.yaml (with environments.yaml's images) is the combination. */
  commit: string;
  /** How many services it has. */
  services: number;
}

/** A snapshot with its combination: read from the file (format 1) or from git (format 2, `recipe` set). */
export type Snapshot = Omit<SnapshotDocument, 'verifications'> & { verifications: Verification[]; recipe?: SnapshotRef };

/** A snapshot file as read, before a format 2 file's combination is looked up in git (services then absent). */
export type SnapshotRecord = Omit<Snapshot, 'services'> & { services?: Snapshot['services'] };

/** True for a cluster summary (format 2), false for the per-service evidence (format 1). */
export function isClusterSummary(cluster: ClusterEvidence | ClusterSummary): cluster is ClusterSummary {
  return 'checked' in cluster;
}

/** The canonical JSON of what was seen of each service, keys sorted; its SHA-256 is the summary's digest. */
export function summarizeCluster(cluster: ClusterEvidence | ClusterSummary): ClusterSummary {
  if (isClusterSummary(cluster)) return { context: cluster.context, checked: cluster.checked, digest: cluster.digest };
  const canonical = JSON.stringify(sortKeys(cluster.services));
  return { context: cluster.context, checked: Object.keys(cluster.services).length, digest: createHash('sha256').update(canonical, 'utf8').digest('hex') };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The canonical text the id hashes: `<service>=<image>:<commit>\n` per service, sorted by name. */
export function canonicalCombination(services: Record<string, Pick<SnapshotService, 'commit' | 'image'>>): string {
  return Object.keys(services)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${name}=${services[name]!.image}:${services[name]!.commit}\n`)
    .join('');
}

/** SHA-256 (hex) of the canonical combination: the same combination always has the same id. */
export function snapshotId(services: Record<string, Pick<SnapshotService, 'commit' | 'image'>>): string {
  return createHash('sha256').update(canonicalCombination(services), 'utf8').digest('hex');
}

/** `<first 12 hex of id>.yaml`: the name of the snapshot's file in releases/snapshots/. */
export function snapshotFileName(id: string): string {
  return `${id.slice(0, 12)}.yaml`;
}

/** True when `prefix` (a file name stem, a short id or a full id) designates `id`. */
export function idMatches(id: string, prefix: string): boolean {
  return prefix.length >= 7 && id.startsWith(prefix.toLowerCase());
}

/** A new snapshot with its first verification; createdAt is the verification's time. */
export function newSnapshot(input: { services: Record<string, SnapshotService>; verification: Verification }): Snapshot {
  const services: Record<string, SnapshotService> = {};
  for (const name of Object.keys(input.services).sort()) {
    const { commit, version, image } = input.services[name]!;
    services[name] = version === undefined ? { commit, image } : { commit, version, image };
  }
  return {
    id: snapshotId(services),
    environment: input.verification.environment,
    createdAt: input.verification.at,
    services,
    verifications: [input.verification],
  };
}

/**
 * The YAML text of a format 1 snapshot file, which copies every service. recipe no longer writes
 * it (see snapshotRefToYaml); it is here to read, test and migrate the files written before.
 */
export function snapshotToYaml(snapshot: Snapshot): string {
  const doc = new Document(normalise(snapshot));
  doc.directives!.docStart = true;
  (doc.contents as YamlNode).commentBefore = ' A tested combination, written by `recipe snapshot`: services never change, verifications are appended.';
  return doc.toString({ lineWidth: 0 });
}

/**
 * The YAML text of a format 2 snapshot file: the id, where git keeps the combination (`commit`,
 * a releases commit at which the environment's recipe is the combination) and the verifications,
 * with what the cluster showed summarised. Its size does not depend on the number of services.
 */
export function snapshotRefToYaml(snapshot: Snapshot, commit: string): string {
  const doc = new Document({
    format: SNAPSHOT_FORMAT,
    id: snapshot.id,
    environment: snapshot.environment,
    createdAt: snapshot.createdAt,
    recipe: { commit, services: Object.keys(snapshot.services).length },
    verifications: snapshot.verifications.map((v) => normaliseVerification(v, { summary: true })),
  });
  doc.directives!.docStart = true;
  (doc.contents as YamlNode).commentBefore = ` A tested combination, written by \`recipe snapshot\`: it never changes, verifications are appended.\n Its services are releases/${snapshot.environment}/recipe.yaml (with the images of environments.yaml) at releases commit recipe.commit.`;
  return doc.toString({ lineWidth: 0 });
}

/**
 * Appends a verification to an existing snapshot file's text, keeping everything else byte for
 * byte. Refuses when the file is invalid or records another combination than `services`.
 */
export function appendVerification(
  file: string,
  text: string,
  verification: Verification,
  services?: Record<string, Pick<SnapshotService, 'commit' | 'image'>>,
): string {
  const problems = validateSnapshotFile(file, text);
  if (problems.length > 0) throw problems[0]!;
  const doc = parseDocument(text);
  const snapshot = doc.toJS() as SnapshotRecord & { format?: number };
  if (services !== undefined && snapshotId(services) !== snapshot.id) {
    throw new RecipeError(`snapshot ${snapshot.id.slice(0, 12)} records another combination`, {
      file,
      field: 'services',
      hint: 'a snapshot never changes its services: record the new combination as its own snapshot',
    });
  }
  const seq = doc.get('verifications', true);
  if (!isSeq(seq)) throw new RecipeError('verifications is not a list', { file, field: 'verifications' });
  seq.add(doc.createNode(normaliseVerification(verification, { summary: snapshot.format === SNAPSHOT_FORMAT })));
  return doc.toString({ lineWidth: 0 });
}

/**
 * Parses a snapshot file; throws the first problem (see validateSnapshotFile for all of them).
 * A format 2 file comes back without services: io/snapshot-store.ts looks them up in git.
 */
export function parseSnapshot(file: string, text: string): SnapshotRecord {
  const { record, problems } = readSnapshot(file, text);
  if (problems.length > 0 || record === undefined) throw problems[0]!;
  return record;
}

/**
 * Every problem of a snapshot file: YAML syntax, schema, content that does not hash to its id,
 * a file name that is not the id's first 12 hex digits. Empty when the file is valid.
 */
export function validateSnapshotFile(path: string, text: string): RecipeError[] {
  return readSnapshot(path, text).problems;
}

/**
 * Parses and validates either format. `record` is set when the schema holds (id problems are still
 * reported); `snapshot` too for a format 1 file, which carries its services. A format 2 file's
 * content is checked against its id once its combination is read from git (resolveSnapshot).
 */
export function readSnapshot(path: string, text: string): { snapshot?: Snapshot; record?: SnapshotRecord; problems: RecipeError[] } {
  let yaml: YamlFile;
  try {
    yaml = parseYamlFile(text, path);
  } catch (error) {
    if (error instanceof RecipeError) return { problems: [error] };
    throw error;
  }
  // The plain data js-yaml read: composing the yaml Document (quadratic in the number of keys of
  // a map, through its duplicate-key check) is left for positions in messages.
  const data = yaml.data;
  const format2 = (data as { format?: unknown } | null)?.format !== undefined;
  const problems = schemaProblems(yaml, format2 ? snapshotRefSchema : snapshotSchema);
  const at = (fieldPath: PathSegment[], message: string, hint: string) => problems.push(problemAt(yaml, fieldPath, message, hint));
  if (problems.length === 0) checkRules(data as Snapshot, at);
  if (format2) {
    const record = data as SnapshotRecord;
    const name = basename(path);
    if (problems.length === 0 && name !== snapshotFileName(record.id)) {
      at(['id'], `file name "${name}" is not the id's first 12 hex digits`, `rename the file to ${snapshotFileName(record.id)}`);
    }
    return problems.length === 0 ? { record: normaliseRecord(record), problems } : { problems };
  }
  const schemaHolds = problems.length === 0;
  // The id checks need a well-formed id and services, not well-formed verifications.
  if (problems.some((p) => p.field === undefined || p.field === 'id' || p.field.startsWith('services'))) return { problems };

  const raw = data as Snapshot;
  const expected = snapshotId(raw.services);
  if (raw.id !== expected) {
    at(['id'], `content does not hash to the id: the services hash to ${expected}`, 'a snapshot never changes once written: restore its services from git history, or record the new combination with "recipe snapshot"');
  }
  const name = basename(path);
  if (name !== snapshotFileName(raw.id)) {
    at(['id'], `file name "${name}" is not the id's first 12 hex digits`, `rename the file to ${snapshotFileName(raw.id)}`);
  }
  if (!schemaHolds) return { problems };
  const snapshot = normalise(raw);
  return { snapshot, record: snapshot, problems };
}

/**
 * A format 2 record with its combination as read from git at recipe.commit (undefined: the commit
 * or its recipe is not there): the snapshot, or the problem when the combination does not hash to
 * the id, at recipe.commit of the file. Format 1 records carry their services and pass through.
 */
export function resolveSnapshot(
  file: string,
  text: string,
  record: SnapshotRecord,
  combination: Record<string, SnapshotService> | undefined,
): { snapshot?: Snapshot; problems: RecipeError[] } {
  if (record.services !== undefined) return { snapshot: record as Snapshot, problems: [] };
  const ref = record.recipe!;
  const where = (message: string, hint: string) => ({ problems: [problemAt(parseYamlFile(text, file), ['recipe', 'commit'], message, hint)] });
  if (combination === undefined) {
    return where(
      `releases commit ${ref.commit} (or releases/${record.environment}/recipe.yaml in it) is not in this repository: the snapshot's services cannot be read`,
      'a shallow clone needs "git fetch --unshallow"; the commit must be on the base branch, whose history is never rewritten',
    );
  }
  const expected = snapshotId(combination);
  if (expected !== record.id) {
    return where(
      `content does not hash to the id: at releases commit ${ref.commit.slice(0, 12)}, releases/${record.environment}/recipe.yaml with the images of environments.yaml hashes to ${expected}`,
      'a snapshot never changes once written: restore the file from git history (git log -p -- <file>), or record the combination with "recipe snapshot"',
    );
  }
  const services: Record<string, SnapshotService> = {};
  for (const name of Object.keys(combination).sort()) services[name] = combination[name]!;
  return { snapshot: { ...record, services }, problems: [] };
}

/** The verifications of a snapshot made in `environment`, oldest first. */
export function verificationsIn(snapshot: Pick<Snapshot, 'verifications'>, environment: string): Verification[] {
  return snapshot.verifications.filter((v) => v.environment === environment);
}

/** The newest verification in `environment` (optionally only those not skipped), or undefined. */
export function latestVerification(snapshot: Pick<Snapshot, 'verifications'>, environment: string, options: { verifiedOnly?: boolean } = {}): Verification | undefined {
  return verificationsIn(snapshot, environment)
    .filter((v) => !options.verifiedOnly || v.verified)
    .reduce<Verification | undefined>((latest, v) => (latest === undefined || v.at >= latest.at ? v : latest), undefined);
}

/** Snapshots that have a verification in `environment`, newest verification first. */
export function snapshotsOf<T extends Pick<Snapshot, 'verifications'>>(snapshots: readonly T[], environment: string, options: { verifiedOnly?: boolean } = {}): T[] {
  return snapshots
    .map((snapshot) => ({ snapshot, latest: latestVerification(snapshot, environment, options) }))
    .filter((entry): entry is { snapshot: T; latest: Verification } => entry.latest !== undefined)
    .sort((a, b) => (a.latest.at < b.latest.at ? 1 : a.latest.at > b.latest.at ? -1 : 0))
    .map((entry) => entry.snapshot);
}

type Report = (fieldPath: PathSegment[], message: string, hint: string) => void;

/** What a schema cannot say: real dates, and what verified and unverified entries must carry. */
function checkRules(data: Snapshot, report: Report): void {
  const realTime = (value: string, fieldPath: PathSegment[]) => {
    if (Number.isNaN(Date.parse(value))) report(fieldPath, `"${value}" is not a real time`, 'e.g. 2026-11-22T10:00:00Z');
  };
  realTime(data.createdAt, ['createdAt']);
  data.verifications.forEach((v, index) => {
    const at: PathSegment[] = ['verifications', index];
    realTime(v.at, [...at, 'at']);
    if (v.verified) {
      if (v.skipReason !== null && v.skipReason !== undefined) report([...at, 'skipReason'], 'a verified entry has no skipReason', 'set skipReason: null, or verified: false');
      if (v.cluster === undefined) report([...at, 'cluster'], 'a verified entry records what the cluster showed', 'add cluster, or set verified: false with a skipReason');
    } else {
      if (typeof v.skipReason !== 'string' || v.skipReason.trim() === '') report([...at, 'skipReason'], 'an unverified entry must say why verification was skipped', 'give the reason: recipe snapshot --skip-verify "<reason>"');
      if (v.cluster !== undefined) report([...at, 'cluster'], 'an unverified entry has no cluster evidence', 'remove cluster, or set verified: true');
    }
    (v.evidence ?? []).forEach((file, n) => {
      const missing = REPORT_FIELDS.filter((field) => file[field] === undefined);
      if (file.check !== undefined && missing.length > 0) report([...at, 'evidence', n], `the report of check ${file.check} lacks ${missing.join(', ')}`, 'record reports with "recipe snapshot --evidence <check>=<junit.xml>", which fills them in');
      if (file.check === undefined && missing.length < REPORT_FIELDS.length) report([...at, 'evidence', n], 'counts and status belong to the report of a check', 'add check: <name>, or remove them');
    });
  });
}

function normaliseRecord(data: SnapshotRecord): SnapshotRecord {
  return {
    id: data.id,
    environment: data.environment,
    createdAt: data.createdAt,
    recipe: { commit: data.recipe!.commit, services: data.recipe!.services },
    verifications: data.verifications.map((v) => normaliseVerification(v)),
  };
}

function normalise(data: Snapshot): Snapshot {
  const services: Record<string, SnapshotService> = {};
  for (const [name, s] of Object.entries(data.services)) {
    services[name] = s.version === undefined || s.version === null ? { commit: s.commit, image: s.image } : { commit: s.commit, version: s.version, image: s.image };
  }
  return {
    id: data.id,
    environment: data.environment,
    createdAt: data.createdAt,
    services,
    verifications: data.verifications.map((v) => normaliseVerification(v)),
  };
}

/** A verification with its keys in file order and its defaults filled in; `summary` summarises what the cluster showed (format 2). */
function normaliseVerification(v: Verification, options: { summary?: boolean } = {}): Verification {
  return {
    environment: v.environment,
    at: v.at,
    recipeCommit: v.recipeCommit,
    verified: v.verified,
    skipReason: v.skipReason ?? null,
    ...(v.cluster ? { cluster: options.summary ? summarizeCluster(v.cluster) : v.cluster } : {}),
    checks: v.checks ?? {},
    evidence: (v.evidence ?? []).map(normaliseEvidence),
  };
}

/** An evidence entry with its keys in file order. */
function normaliseEvidence(e: EvidenceFile): EvidenceFile {
  const report = REPORT_FIELDS.flatMap((field) => (e[field] === undefined ? [] : [[field, e[field]] as const]));
  return { ...(e.check === undefined ? {} : { check: e.check }), file: e.file, sha256: e.sha256, ...Object.fromEntries(report) };
}
