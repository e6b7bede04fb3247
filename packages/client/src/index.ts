export { ClientError } from './client-error.js';
export type { ClientErrorCode } from './client-error.js';
export { describeEnding } from './client-link.js';
export type { ClientLink, ConnectionEnding, LinkHandlers, LinkOptions } from './client-link.js';
export { describeSocketError } from './describe-socket-error.js';
export { firstDifference } from './first-difference.js';
export { FrameSchedule } from './frame-schedule.js';
export { readHttpStream } from './http-stream.js';
export type { HttpStreamOptions, HttpStreamResult } from './http-stream.js';
export { fetchLiveGames } from './live-games.js';
export type { LiveGame } from './live-games.js';
export { connectLink, openLink } from './open-link.js';
export { pacedStream, playGame, writeGame } from './play-game.js';
export type { PacedStream, PlayGameOptions } from './play-game.js';
export {
  connectionHeader,
  DEFAULT_READER_NAME,
  DEFAULT_TCP_PORT,
  DEFAULT_WEBSOCKET_PORT,
  DEFAULT_WRITER_NAME,
  TICKS_PER_SECOND,
  WEBSOCKET_NORMAL_CLOSURE,
} from './protocol.js';
export { collectGame, readGame } from './read-game.js';
export type { ReadGameOptions, ReadResult } from './read-game.js';
export { ReceivedStream } from './received-stream.js';
export type { ReceivedProgress, ReceivedStreamSummary } from './received-stream.js';
export { ReplayReader } from './replay-reader.js';
export type { ReplayReaderOptions } from './replay-reader.js';
export { ReplayWriter } from './replay-writer.js';
export type { ReplayWriterOptions } from './replay-writer.js';
export { sendPaced, systemPacingClock } from './send-paced.js';
export type { PacedTarget, PacingClock, PacingOptions, Speed } from './send-paced.js';
export {
  formatServerAddress,
  parseServerAddress,
  tcpAddress,
  websocketAddress,
  websocketUrl,
} from './server-address.js';
export type { ServerAddress, TcpAddress, WebSocketAddress } from './server-address.js';
export { checkBytes, describeVerdict, StreamCheck } from './stream-check.js';
export type { ByteVerdict } from './stream-check.js';
