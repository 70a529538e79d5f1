// What CI needs from releases/environments.yaml, read through the recipe library (its one reader
// and validator): each service's image repository and chart folders, and the source URL.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments, type Environments } from '@platform/recipe';

export const ENVIRONMENTS_FILE = 'releases/environments.yaml';

async function readEnvironments(root: string): Promise<Environments | undefined> {
  if (!existsSync(join(root, ENVIRONMENTS_FILE))) return undefined;
  return loadEnvironments(root);
}

/** The image repository of a service (`services.<name>.image`). */
export async function serviceImage(root: string, service: string): Promise<string> {
  const image = (await readEnvironments(root))?.services[service]?.image;
  if (!image) throw new Error(`${ENVIRONMENTS_FILE} has no services.${service}.image: add the service's image repository there, or pass --repository`);
  return image;
}

/** The repository's web address (`repository.webUrl`), for the image's source label. */
export async function repositoryWebUrl(root: string): Promise<string | undefined> {
  return (await readEnvironments(root))?.repository.webUrl;
}

/**
 * The folders of each service's chart (`services.<name>.chart`) and of the library charts it takes
 * through file:// (`chartLibraries`): a change in any of them changes what the service deploys.
 * Empty without the file.
 */
export async function serviceCharts(root: string): Promise<Map<string, string[]>> {
  const environments = await readEnvironments(root);
  return new Map(Object.entries(environments?.services ?? {}).map(([name, service]) => [name, [service.chart, ...(service.chartLibraries ?? [])]] as const));
}
