// What CI needs from releases/environments.yaml: each service's image repository and the source URL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface EnvironmentsFile {
  repository?: { url?: string; webUrl?: string };
  services?: Record<string, { project?: string; chart?: string; chartLibraries?: string[]; image?: string } | undefined>;
}

export const ENVIRONMENTS_FILE = 'releases/environments.yaml';

function readEnvironments(root: string): EnvironmentsFile {
  const path = join(root, ENVIRONMENTS_FILE);
  try {
    return (parse(readFileSync(path, 'utf8')) ?? {}) as EnvironmentsFile;
  } catch (error) {
    throw new Error(`cannot read ${ENVIRONMENTS_FILE}: ${(error as Error).message}`, { cause: error });
  }
}

/** The image repository of a service (`services.<name>.image`). */
export function serviceImage(root: string, service: string): string {
  const image = readEnvironments(root).services?.[service]?.image;
  if (!image) throw new Error(`${ENVIRONMENTS_FILE} has no services.${service}.image: add the service's image repository there, or pass --repository`);
  return image;
}

/** The repository's web address (`repository.webUrl`), for the image's source label. */
export function repositoryWebUrl(root: string): string | undefined {
  return readEnvironments(root).repository?.webUrl;
}

/**
 * The folders of each service's chart (`services.<name>.chart`) and of the library charts it takes
 * through file:// (`chartLibraries`): a change in any of them changes what the service deploys.
 * Empty without the file.
 */
export function serviceCharts(root: string): Map<string, string[]> {
  let file: EnvironmentsFile;
  try {
    file = readEnvironments(root);
  } catch {
    return new Map();
  }
  return new Map(Object.entries(file.services ?? {}).flatMap(([name, service]) => (service?.chart ? [[name, [service.chart, ...(service.chartLibraries ?? [])]] as const] : [])));
}
