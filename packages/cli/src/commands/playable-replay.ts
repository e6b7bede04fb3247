import { basename } from 'node:path';
import { FrameSchedule } from '@faf-replay/client';
import type { PacedStream } from '@faf-replay/client';
import { analyzeStream, bodyProblem } from './analyze-stream.js';
import { CliError } from './cli-error.js';
import { loadReplayFile } from './load-replay-file.js';

/** A recorded stream, ready to be played by simulated writers. */
export interface PlayableReplay extends PacedStream {
  /** The file's name, for the summary. */
  readonly label: string;
}

/** Loads a `.scfareplay` or `.fafreplay` whose body walks to its end (else it cannot be paced). */
export async function loadPlayableReplay(path: string): Promise<PlayableReplay> {
  const file = await loadReplayFile(path);
  const analysis = analyzeStream(file.stream, path);
  const problem = bodyProblem(analysis.body);
  if (problem !== null) throw new CliError('STREAM_CORRUPT', `${path} cannot be played: ${problem}`);
  const headerBytes = analysis.header.headerBytes;
  return {
    label: basename(path),
    stream: file.stream,
    headerBytes,
    schedule: FrameSchedule.of(file.stream.subarray(headerBytes)),
  };
}
