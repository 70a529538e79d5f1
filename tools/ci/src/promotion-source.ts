// Prints the environment another one is promoted from (its `from:`, else the one listed before
// it), as the recipe library reads environments.yaml.
import { pathToFileURL } from 'node:url';
import { promotionSource, RecipeError } from '@platform/recipe';
import { repositoryRoot } from './git.ts';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.stdout.write(`${await promotionSource(repositoryRoot(process.cwd()), process.argv[2])}\n`);
  } catch (error) {
    process.stderr.write(`promotion-source: ${error instanceof RecipeError ? error.format() : (error as Error).message}\n`);
    process.exitCode = 2;
  }
}
