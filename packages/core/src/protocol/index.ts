export { ConnectionHeaderReader, CONNECTION_HEADER_LIMIT_BYTES, playerNameOf } from './connection-header.js';
export type {
  ConnectionHeader,
  ConnectionHeaderRejection,
  ConnectionHeaderRejectionCode,
  ConnectionHeaderStep,
  ConnectionRole,
} from './connection-header.js';
export { ScfaHeaderScanner, SCFA_HEADER_LIMIT_BYTES } from './scfa-header.js';
export type { ScfaHeaderScannerOptions, ScfaHeaderStep } from './scfa-header.js';
export { HeaderBudget } from './header-budget.js';
export { decodeScfaHeader } from './scfa-header-decoder.js';
export type { ScfaArmy, ScfaHeaderInfo, ScfaPlayer } from './scfa-header-decoder.js';
export { isLuaTable, luaField, luaToJson, LUA_MAX_DEPTH } from './lua-value.js';
export type { LuaKey, LuaTable, LuaValue } from './lua-value.js';
export { ProtocolUsageError, ScfaHeaderDecodeError } from './protocol-errors.js';
export { BodyFrameWalker, countTicks } from './body-frames.js';
export type { BodySummary } from './body-frames.js';
