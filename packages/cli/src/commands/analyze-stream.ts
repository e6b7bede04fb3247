import { BodyFrameWalker, decodeScfaHeader, ScfaHeaderDecodeError } from '@faf-replay/core';
import type { BodySummary, ScfaHeaderInfo } from '@faf-replay/core';
import { CliError } from './cli-error.js';

export interface StreamAnalysis {
  readonly header: ScfaHeaderInfo;
  readonly body: BodySummary;
}

/**
 * Decodes a raw replay stream's SCFA header and walks its body. A header that does not decode
 * is a `CliError` naming `source`; a corrupt or truncated body is reported in `body.status`.
 */
export function analyzeStream(stream: Uint8Array, source: string): StreamAnalysis {
  let header: ScfaHeaderInfo;
  try {
    header = decodeScfaHeader(stream);
  } catch (error) {
    if (!(error instanceof ScfaHeaderDecodeError)) throw error;
    throw new CliError('STREAM_CORRUPT', `${source} is not a replay stream: ${error.message}`, {
      cause: error,
    });
  }
  const walker = new BodyFrameWalker();
  walker.push(stream.subarray(header.headerBytes));
  return { header, body: walker.finish() };
}

/** A body that is not `ok`, as a sentence; null when it is fine. */
export function bodyProblem(body: BodySummary): string | null {
  if (body.status === 'ok') return null;
  return `the body is ${body.status} at body offset ${body.offset}: ${body.reason}`;
}
