// Snapshots: immutable, content-addressed records of a combination of service commits that ran
// together, with the verifications that vouch for it. Pure functions over text and plain data.
// The format and the id definition are in docs/formats.md.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Document, type Node as YamlNode } from 'yaml';
import { RecipeError } from './errors.ts';

export interface SnapshotService {
  commit: string;
  version?: string;
  /** Image repository; the tag is the commit. */
  image: string;
}

export interface ClusterServiceEvidence {
  replicas: { desired: number; ready: number };
  images: string[];
  helmRelease: { ready: boolean; revision: string | null; generation: number | null } | null;
}

export interface ClusterEvidence {
  context: string;
  services: Record<string, ClusterServiceEvidence>;
}

export interface EvidenceFile {
  file: string;
  sha256: string;
}

export interface Verification {
  environment: string;
  /** ISO 8601 UTC timestamp. */
  at: string;
  /** The releases commit of <env>/recipe.yaml that was verified. */
  recipeCommit: string;
  /** False when the snapshot was taken with --skip-verify. */
  verified: boolean;
  skipReason: string | null;
  /** What `recipe verify` saw; absent when skipped. */
  cluster?: ClusterEvidence;
  checks: Record<string, string>;
  evidence: EvidenceFile[];
}

export interface Snapshot {
  id: string;
  environment: string;
  createdAt: string;
  services: Record<string, SnapshotService>;
  verifications: Verification[];
}

export const SNAPSHOTS_DIR = 'snapshots';
const COMMIT = /^[0-9a-f]{40}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const SERVICE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

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

/** The YAML text of a new snapshot file. */
export function snapshotToYaml(snapshot: Snapshot): string {
  const doc = new Document(toPlain(snapshot));
  doc.directives!.docStart = true;
  (doc.contents as YamlNode).commentBefore = ' A tested combination, written by `recipe snapshot`: services never change, verifications are appended.';
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
  const snapshot = doc.toJS() as Snapshot;
  if (services !== undefined && snapshotId(services) !== snapshot.id) {
    throw new RecipeError(`snapshot ${snapshot.id.slice(0, 12)} records another combination`, {
      file,
      field: 'services',
      hint: 'a snapshot never changes its services: record the new combination as its own snapshot',
    });
  }
  const seq = doc.get('verifications', true);
  if (!isSeq(seq)) throw new RecipeError('verifications is not a list', { file, field: 'verifications' });
  seq.add(doc.createNode(toPlainVerification(verification)));
  return doc.toString({ lineWidth: 0 });
}

/** Parses a snapshot file; throws the first problem (see validateSnapshotFile for all of them). */
export function parseSnapshot(file: string, text: string): Snapshot {
  const { snapshot, problems } = readSnapshot(file, text);
  if (problems.length > 0 || snapshot === undefined) throw problems[0]!;
  return snapshot;
}

/**
 * Every problem of a snapshot file: YAML syntax, schema, content that does not hash to its id,
 * a file name that is not the id's first 12 hex digits. Empty when the file is valid.
 */
export function validateSnapshotFile(path: string, text: string): RecipeError[] {
  return readSnapshot(path, text).problems;
}

/** Parses and validates; `snapshot` is set when the schema holds (id problems are still reported). */
export function readSnapshot(path: string, text: string): { snapshot?: Snapshot; problems: RecipeError[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: RecipeError[] = [];
  const at = (offset: number | undefined) => (offset === undefined ? {} : lineCounter.linePos(offset));
  for (const error of doc.errors) {
    const { line, col } = at(error.pos[0]) as { line?: number; col?: number };
    problems.push(new RecipeError(`invalid YAML: ${error.message.split('\n')[0]}`, { file: path, line, column: col, hint: 'fix the YAML syntax at that position' }));
  }
  if (problems.length > 0) return { problems };

  const report = (fieldPath: (string | number)[], message: string, hint: string) => {
    const node = nodeAt(doc, fieldPath);
    const { line, col } = at(node?.range?.[0]) as { line?: number; col?: number };
    problems.push(new RecipeError(message, { file: path, line, column: col, field: fieldName(fieldPath), hint }));
  };
  const data = doc.toJS() as unknown;
  checkSnapshot(data, report);
  const schemaHolds = problems.length === 0;
  // The id checks need a well-formed id and services, not well-formed verifications.
  if (problems.some((p) => p.field === undefined || p.field === 'id' || p.field.startsWith('services'))) return { problems };

  const raw = data as Snapshot;
  const expected = snapshotId(raw.services);
  if (raw.id !== expected) {
    report(['id'], `content does not hash to the id: the services hash to ${expected}`, 'a snapshot never changes once written: restore its services from git history, or record the new combination with "recipe snapshot"');
  }
  const name = basename(path);
  if (name !== snapshotFileName(raw.id)) {
    report(['id'], `file name "${name}" is not the id's first 12 hex digits`, `rename the file to ${snapshotFileName(raw.id)}`);
  }
  return schemaHolds ? { snapshot: normalise(raw), problems } : { problems };
}

/** The verifications of a snapshot made in `environment`, oldest first. */
export function verificationsIn(snapshot: Snapshot, environment: string): Verification[] {
  return snapshot.verifications.filter((v) => v.environment === environment);
}

/** The newest verification in `environment` (optionally only those not skipped), or undefined. */
export function latestVerification(snapshot: Snapshot, environment: string, options: { verifiedOnly?: boolean } = {}): Verification | undefined {
  return verificationsIn(snapshot, environment)
    .filter((v) => !options.verifiedOnly || v.verified)
    .reduce<Verification | undefined>((latest, v) => (latest === undefined || v.at >= latest.at ? v : latest), undefined);
}

/** Snapshots that have a verification in `environment`, newest verification first. */
export function snapshotsOf(snapshots: Snapshot[], environment: string, options: { verifiedOnly?: boolean } = {}): Snapshot[] {
  return snapshots
    .map((snapshot) => ({ snapshot, latest: latestVerification(snapshot, environment, options) }))
    .filter((entry): entry is { snapshot: Snapshot; latest: Verification } => entry.latest !== undefined)
    .sort((a, b) => (a.latest.at < b.latest.at ? 1 : a.latest.at > b.latest.at ? -1 : 0))
    .map((entry) => entry.snapshot);
}

type Report = (fieldPath: (string | number)[], message: string, hint: string) => void;

function checkSnapshot(data: unknown, report: Report): void {
  if (!isRecord(data)) {
    report([], 'a snapshot file must be a mapping', 'start from the example in tools/recipe/docs/formats.md');
    return;
  }
  const known = ['id', 'environment', 'createdAt', 'services', 'verifications'];
  for (const key of Object.keys(data)) {
    if (!known.includes(key)) report([key], `unknown field "${key}"`, `remove it; a snapshot has ${known.join(', ')}`);
  }
  if (typeof data.id !== 'string' || !SHA256.test(data.id)) {
    report(['id'], 'id must be 64 lowercase hex digits (the SHA-256 of the services)', 'restore the id written by "recipe snapshot"');
  }
  checkString(data, 'environment', [], report, 'the environment the combination was first recorded in');
  checkTimestamp(data.createdAt, ['createdAt'], report);
  if (!isRecord(data.services) || Object.keys(data.services).length === 0) {
    report(['services'], 'services must be a non-empty mapping of service name to { commit, version, image }', 'restore the services from git history');
  } else {
    for (const [name, service] of Object.entries(data.services)) checkService(name, service, report);
  }
  if (!Array.isArray(data.verifications) || data.verifications.length === 0) {
    report(['verifications'], 'verifications must be a non-empty list', 'restore the verifications from git history; "recipe snapshot" appends new ones');
  } else {
    data.verifications.forEach((v, index) => checkVerification(v, index, report));
  }
}

function checkService(name: string, service: unknown, report: Report): void {
  const path = ['services', name];
  if (!SERVICE_NAME.test(name)) report(path, `"${name}" is not a valid service name`, 'use lowercase letters, digits and dashes, as in environments.yaml');
  if (!isRecord(service)) {
    report(path, 'a service must be a mapping with commit, version and image', 'write { commit: <40 hex>, version: <semver>, image: <repository> }');
    return;
  }
  for (const key of Object.keys(service)) {
    if (!['commit', 'version', 'image'].includes(key)) report([...path, key], `unknown field "${key}"`, 'a snapshot service has commit, version and image');
  }
  if (typeof service.commit !== 'string' || !COMMIT.test(service.commit)) {
    report([...path, 'commit'], 'commit must be a full 40-hex lowercase commit SHA', 'use the full commit: git rev-parse <commit>');
  }
  if (service.version !== undefined && service.version !== null && typeof service.version !== 'string') {
    report([...path, 'version'], 'version must be a string', 'quote it, e.g. version: "1.4.0"');
  }
  if (typeof service.image !== 'string' || service.image === '' || /[\s@]/.test(service.image) || /:[^/]*$/.test(service.image)) {
    report([...path, 'image'], 'image must be an image repository without a tag or digest', 'write the repository only (e.g. ghcr.io/acme/platform/records): the tag is the commit');
  }
}

function checkVerification(v: unknown, index: number, report: Report): void {
  const path = ['verifications', index];
  if (!isRecord(v)) {
    report(path, 'a verification must be a mapping', 'see the verifications example in tools/recipe/docs/formats.md');
    return;
  }
  const known = ['environment', 'at', 'recipeCommit', 'verified', 'skipReason', 'cluster', 'checks', 'evidence'];
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) report([...path, key], `unknown field "${key}"`, `a verification has ${known.join(', ')}`);
  }
  checkString(v, 'environment', path, report, 'the environment that was verified');
  checkTimestamp(v.at, [...path, 'at'], report);
  if (typeof v.recipeCommit !== 'string' || !COMMIT.test(v.recipeCommit)) {
    report([...path, 'recipeCommit'], 'recipeCommit must be a full 40-hex commit SHA', 'the releases commit of <env>/recipe.yaml that was verified');
  }
  if (typeof v.verified !== 'boolean') {
    report([...path, 'verified'], 'verified must be true or false', 'true when recipe verify passed, false with skipReason for --skip-verify');
  } else if (v.verified) {
    if (v.skipReason !== null && v.skipReason !== undefined) report([...path, 'skipReason'], 'a verified entry has no skipReason', 'set skipReason: null, or verified: false');
    if (v.cluster === undefined) report([...path, 'cluster'], 'a verified entry records what the cluster showed', 'add cluster, or set verified: false with a skipReason');
  } else if (typeof v.skipReason !== 'string' || v.skipReason.trim() === '') {
    report([...path, 'skipReason'], 'an unverified entry must say why verification was skipped', 'give the reason: recipe snapshot --skip-verify "<reason>"');
  }
  if (v.cluster !== undefined && v.cluster !== null) checkCluster(v.cluster, [...path, 'cluster'], report);
  if (v.checks !== undefined && v.checks !== null) {
    if (!isRecord(v.checks)) {
      report([...path, 'checks'], 'checks must be a mapping of name to URL or status', 'e.g. checks: { e2e: https://ci.example.com/runs/123 }');
    } else {
      for (const [name, value] of Object.entries(v.checks)) {
        if (!CHECK_NAME.test(name)) report([...path, 'checks', name], `"${name}" is not a valid check name`, 'use letters, digits, dots, dashes and underscores');
        if (typeof value !== 'string' || value === '') report([...path, 'checks', name], 'a check must be a URL or a status string', 'e.g. --check e2e=passed');
      }
    }
  }
  if (v.evidence !== undefined && v.evidence !== null) {
    if (!Array.isArray(v.evidence)) {
      report([...path, 'evidence'], 'evidence must be a list of { file, sha256 }', 'recipe snapshot --evidence <file> records them');
    } else {
      v.evidence.forEach((entry, i) => {
        if (!isRecord(entry) || typeof entry.file !== 'string' || entry.file === '' || typeof entry.sha256 !== 'string' || !SHA256.test(entry.sha256)) {
          report([...path, 'evidence', i], 'an evidence entry must be { file, sha256 } with a 64-hex SHA-256', 'recipe snapshot --evidence <file> records them');
        }
      });
    }
  }
}

function checkCluster(cluster: unknown, path: (string | number)[], report: Report): void {
  if (!isRecord(cluster) || typeof cluster.context !== 'string' || !isRecord(cluster.services)) {
    report(path, 'cluster must be { context, services }', 'it is written by recipe snapshot from what recipe verify saw');
    return;
  }
  for (const [name, seen] of Object.entries(cluster.services)) {
    const at = [...path, 'services', name];
    if (!isRecord(seen)) {
      report(at, 'must be { replicas, images, helmRelease }', 'it is written by recipe snapshot from what recipe verify saw');
      continue;
    }
    const replicas = seen.replicas;
    if (!isRecord(replicas) || typeof replicas.desired !== 'number' || typeof replicas.ready !== 'number') {
      report([...at, 'replicas'], 'replicas must be { desired: <number>, ready: <number> }', 'it is written by recipe snapshot');
    }
    if (!Array.isArray(seen.images) || !seen.images.every((image) => typeof image === 'string')) {
      report([...at, 'images'], 'images must be a list of image references', 'it is written by recipe snapshot');
    }
    if (seen.helmRelease !== null && seen.helmRelease !== undefined && (!isRecord(seen.helmRelease) || typeof seen.helmRelease.ready !== 'boolean')) {
      report([...at, 'helmRelease'], 'helmRelease must be { ready, revision, generation }', 'it is written by recipe snapshot');
    }
  }
}

function checkString(data: Record<string, unknown>, key: string, path: (string | number)[], report: Report, what: string): void {
  if (typeof data[key] !== 'string' || data[key] === '') report([...path, key], `${key} must be a non-empty string`, `give ${what}`);
}

function checkTimestamp(value: unknown, path: (string | number)[], report: Report): void {
  if (typeof value !== 'string' || !TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
    report(path, 'must be an ISO 8601 UTC timestamp', 'e.g. 2026-11-22T10:00:00Z');
  }
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
    verifications: data.verifications.map((v) => ({
      environment: v.environment,
      at: v.at,
      recipeCommit: v.recipeCommit,
      verified: v.verified,
      skipReason: v.skipReason ?? null,
      ...(v.cluster ? { cluster: v.cluster } : {}),
      checks: v.checks ?? {},
      evidence: v.evidence ?? [],
    })),
  };
}

function toPlain(snapshot: Snapshot): Record<string, unknown> {
  return {
    id: snapshot.id,
    environment: snapshot.environment,
    createdAt: snapshot.createdAt,
    services: snapshot.services,
    verifications: snapshot.verifications.map(toPlainVerification),
  };
}

function toPlainVerification(v: Verification): Record<string, unknown> {
  return {
    environment: v.environment,
    at: v.at,
    recipeCommit: v.recipeCommit,
    verified: v.verified,
    skipReason: v.skipReason,
    ...(v.cluster ? { cluster: v.cluster } : {}),
    checks: v.checks,
    evidence: v.evidence,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The deepest existing node along the path, so a missing field points at its parent. */
function nodeAt(doc: Document, path: (string | number)[]): YamlNode | undefined {
  let node: unknown = doc.contents;
  let found = node as YamlNode | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
      if (!pair) break;
      node = pair.value ?? pair.key;
      if (pair.value === null && isScalar(pair.key)) node = pair.key;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else {
      break;
    }
    if (node === undefined || node === null) break;
    found = node as YamlNode;
  }
  return found;
}

function fieldName(path: (string | number)[]): string | undefined {
  if (path.length === 0) return undefined;
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
