// A vitest setup file of every project: each test file gets a temp directory of its own as TMPDIR (which
// os.tmpdir() and every child process follow), removed when the file ends, pass or fail, with everything
// its tests and their child processes put there. Nothing a test makes outlives its file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const outer = process.env.TMPDIR;
const own = mkdtempSync(join(tmpdir(), 'vitest-file-'));
process.env.TMPDIR = own;

// Registered before the file's own hooks, so it runs after them: their cleanup still finds its files.
afterAll(() => {
  if (outer === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outer;
  rmSync(own, { recursive: true, force: true, maxRetries: 3 });
});
