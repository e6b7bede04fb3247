/** Descriptors kept back for everything that is not a game connection (listeners, files, pipes). */
export const RESERVED_FILES = 256;

export interface FileBudget {
  readonly fits: boolean;
  readonly neededFiles: number;
  readonly fileLimit: number;
  readonly advice: string;
}

/**
 * Whether `connections` sockets fit under the open-file limit. The server and the generator each
 * hold one descriptor per connection, and the server inherits this process's limit.
 */
export function fileBudget(fileLimit: number, connections: number): FileBudget {
  const neededFiles = connections + RESERVED_FILES;
  const fits = neededFiles <= fileLimit;
  const advice = fits
    ? ''
    : `This scenario needs ${neededFiles} open files in the server and in the generator, but the limit is ` +
      `${fileLimit}. Raise it before running: \`ulimit -n ${Math.max(20_000, neededFiles)}\` in the shell ` +
      `(the hard limit must allow it: /etc/security/limits.conf "* - nofile ${Math.max(20_000, neededFiles)}", ` +
      `LimitNOFILE= under systemd, --ulimit nofile=N:N under Docker). The scenario is capped at the limit.`;
  return { fits, neededFiles, fileLimit, advice };
}

/** The most games of `connectionsPerGame` sockets that fit under the limit. */
export function gamesWithinLimit(fileLimit: number, connectionsPerGame: number): number {
  return Math.max(0, Math.floor((fileLimit - RESERVED_FILES) / connectionsPerGame));
}
