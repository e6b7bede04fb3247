export { HttpApiServer } from './http-api-server.js';
export type { HttpApiAddress } from './http-api-server.js';
export type { HttpApiServerOptions, RateLimitOptions } from './http-api-options.js';
export { HttpTokens, requestToken, TOKEN_QUERY_PARAM, tokenScopes } from './http-tokens.js';
export type { HttpTokensOptions, TokenVerdict } from './http-tokens.js';
export { VaultDownloads } from './replay-downloads.js';
export type { ReplayDownloads, SavedReplay, VaultDownloadsOptions } from './replay-downloads.js';
export type { GameView, PlayerView } from './game-view.js';
export type { ReplayView } from './game-board.js';
