// JSON schemas of every route: fastify validates requests and serializes responses with them,
// and @fastify/swagger publishes them as the OpenAPI document.

const nullableString = { type: ['string', 'null'] } as const;
const isoTime = { type: 'string', format: 'date-time' } as const;
const nullableIsoTime = { type: ['string', 'null'], format: 'date-time' } as const;

/** A game id: a u64 in decimal. */
export const gameIdParam = { type: 'string', pattern: '^[0-9]{1,20}$' } as const;

export const gameSchema = {
  $id: 'Game',
  type: 'object',
  required: ['id', 'state', 'phase', 'started_at', 'watchable_from', 'delay_s', 'writers', 'readers'],
  properties: {
    id: { type: 'string', description: 'The game id (a u64, in decimal).' },
    state: { type: 'string', enum: ['waiting', 'live', 'ended'] },
    phase: { type: 'string', enum: ['writing', 'finishing', 'saving', 'draining', 'ended'] },
    started_at: isoTime,
    watchable_from: { ...nullableIsoTime, description: 'When its first delayed byte can be served.' },
    ended_at: nullableIsoTime,
    delay_s: { type: 'number' },
    writers: { type: 'integer' },
    readers: { type: 'integer', description: 'TCP, WebSocket and HTTP stream viewers.' },
    bytes: { type: 'integer', description: 'Servable bytes, SCFA header included.' },
    ticks: { type: 'integer' },
    game_time_s: { type: 'number' },
    title: nullableString,
    map: nullableString,
    players: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'team'],
        properties: { name: { type: 'string' }, team: nullableString },
      },
    },
    stream_url: { type: 'string' },
    download_url: nullableString,
  },
} as const;

export const replaySchema = {
  $id: 'Replay',
  type: 'object',
  required: ['id', 'size', 'saved_at', 'download_url'],
  properties: {
    id: { type: 'string' },
    size: { type: 'integer' },
    saved_at: isoTime,
    download_url: { type: 'string' },
  },
} as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'A stable code.' },
    message: { type: 'string' },
    watchable_from: nullableIsoTime,
    retry_after_s: { type: 'integer' },
    download_url: nullableString,
    length: { type: 'integer' },
  },
} as const;

export const syncSchema = {
  $id: 'Sync',
  type: 'object',
  required: ['id', 'segment', 'offset', 'segments', 'bytes', 'finished', 'delay_s', 'server_time'],
  properties: {
    id: { type: 'string' },
    segment: { type: 'integer', description: 'The newest servable segment.' },
    offset: { type: 'integer', description: 'Where it starts in the stream.' },
    segments: { type: 'integer', description: 'Segments servable now (0 is the SCFA header).' },
    bytes: { type: 'integer', description: 'Servable bytes now.' },
    finished: { type: 'boolean', description: 'No segment will follow.' },
    delay_s: { type: 'number' },
    server_time: isoTime,
  },
} as const;

export const errorRef = { $ref: 'Error#' } as const;
