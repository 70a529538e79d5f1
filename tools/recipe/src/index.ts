// The library face of @platform/recipe: the operations on a releases/ folder, the data they
// return and the errors they throw. The CLI (cli.ts, commands/) is one client of it; CI
// scripts and the board are others. Everything not exported here is private to the package.

export { RecipeError, type ErrorLocation, type RecipeErrorOptions } from './model/errors.ts';

// The releases model: environments.yaml, recipes, snapshots, promotion plans.
export { findEnvironment, serviceNames, type Environment, type Environments, type Gates, type Repository, type Service } from './model/environments.ts';
export type { Hold, Recipe, ServiceChange, ServiceVersion } from './model/recipe.ts';
export { idMatches, latestVerification, snapshotId, snapshotsOf, verificationsIn, type ClusterEvidence, type EvidenceFile, type Snapshot, type SnapshotService, type Verification } from './model/snapshot.ts';
export { chooseSnapshot, evaluateGates, formatDuration, parseDuration, type GateEvaluation, type GateTarget } from './model/gates.ts';
export type { PromotionPlan, PlanSource } from './model/promotion.ts';
export { latestRun, verificationIssues, consistentVerifications, type GitFacts, type Run, type VerificationIssue } from './model/provenance.ts';
export { parseJunitReport, type JunitSummary } from './model/junit.ts';
export type { ChangelogSection, ConventionalCommit, ServiceDelta } from './model/changelog.ts';
export type { HistoryEvent } from './model/history.ts';
export type { VerificationReport, ServiceVerdict } from './model/verification.ts';
export type { PullRequestContent } from './model/pull-request.ts';

// Reading the folder.
export { findRoot, loadReleases, recipePath, valuesPath, fluxDir, RELEASES, type Releases, type RecipeFile } from './io/releases.ts';
export { listSnapshots, listTrustedSnapshots, loadSnapshot } from './io/snapshot-store.ts';
export { gatherEvidence, evidencePath, EVIDENCE, type GatheredEvidence } from './io/evidence-store.ts';
export { readGitFacts, type GitFactsInput } from './io/git-facts.ts';
export { loadEnvironments, listEnvironments, environment, promotionSource } from './operations/environments.ts';

// The operations, one per thing a person or CI does with releases/.
export { status, statusMatrix, type Status, type StatusCell, type StatusRow } from './operations/status.ts';
export { setEnvironment, setServices, parseAssignments, type SetOptions, type SetOutcome, type SetResult } from './operations/set.ts';
export { diffEnvironments, diffRecipes, changelogs, changelogBetween, formatDiffs, manifestDiffs, readSide, sideLabel, type DiffSide, type EnvironmentDiff, type ManifestDiff, type ServiceDiff } from './operations/diff.ts';
export { renderReleases, planEnvironmentRender, renderInput, type EnvironmentRender, type RenderResult, type StaleFile } from './operations/render.ts';
export { lintReleases, plaintextSecrets, type LintProblem } from './operations/lint.ts';
export { environmentHistory, pullRequestIn, type HistoryOptions } from './operations/history.ts';
export { verifyEnvironment, waitForEnvironment, expectedServices, formatReport, formatProgress, type VerifyInput, type WaitInput, type WaitProgress, type WaitResult } from './operations/verify.ts';
export { migrateSnapshots, pruneSnapshots, type MigrateOutcome, type PruneOutcome, type SnapshotFilesOptions } from './operations/snapshot-files.ts';
export { planRetention, type RetentionInput, type RetentionPlan } from './model/retention.ts';
export { recordSnapshot, combination, recipeCommit, writeSnapshot, parseChecks, type SnapshotOptions, type SnapshotOutcome, type SnapshotWrite } from './operations/snapshot.ts';
export { promote, type PromoteOptions } from './operations/promote.ts';
export { rollback, type RollbackOptions } from './operations/rollback.ts';
export { runPromotionFlow, type FlowOptions, type FlowResult, type Planned } from './operations/promotion-flow.ts';
export { changeHold, type HoldMode, type HoldOptions, type HoldOutcome } from './operations/hold.ts';
export { gatherBoard, writeBoard, readinessOf, type BoardOptions, type BoardSite } from './operations/board.ts';
export { notifyEnvironment, type Delivery } from './operations/notify.ts';
