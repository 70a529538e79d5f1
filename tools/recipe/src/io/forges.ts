// Every forge adapter this package ships, registered; import forge operations from here.
import './forge-github.ts';
import './forge-gitlab.ts';

export { forgeToken, forgeTraits, openForge, resolveForgeConfig } from './forge.ts';
export type { Forge, ForgeConfig, ResolvedForgeConfig, ForgeTraits, ForgeType, OpenOptions, PullRequestRequest, PullRequestResult } from './forge.ts';
