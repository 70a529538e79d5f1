// A vitest setup file (after scripts/test-temp-dir.ts): the render cache of the file's tests lives
// in its own temp directory, never in the user's ~/.cache, and starts empty.
import path from 'node:path';

process.env.XDG_CACHE_HOME = path.join(process.env.TMPDIR!, 'cache');
