// Every forge adapter this package ships, registered; import forge operations from here.
import './forge-github.ts';
import './forge-gitlab.ts';

export { forgeToken, openForge } from './forge.ts';
export type { Forge, ForgeConfig, ForgeType, PullRequestRequest, PullRequestResult } from './forge.ts';
