import { fixed, table } from './report-format.ts';
import type { HttpResult } from './scenario-http.ts';

export function httpSection(result: HttpResult): string[] {
  const { figures } = result;
  return [
    '## Scenario 6: HTTP fan-out',
    '',
    `One game (${figures.streamBytes} bytes, its body sent over about 20 s, delay 2 s) streamed over the HTTP port to ` +
      `${result.plan.viewers} concurrent viewers of \`GET /api/v1/games/{id}/stream\` (in a child process, so the ` +
      "server's CPU is its own), then segment requests (`/segments/{n}`) over 64 keep-alive connections for 5 s. " +
      'Rerun alone: `pnpm --filter @faf-replay/adapter-http bench` (after `pnpm build`).',
    '',
    ...table(
      ['figure', 'value'],
      [
        ['viewers held at once (server count)', `${figures.heldAtOnce} of ${figures.viewers}`],
        ['viewers complete / failed', `${figures.complete} / ${figures.failed}`],
        ['delivered', `${fixed(figures.deliveredMb, 0)} MB in ${fixed(figures.elapsedS, 1)} s`],
        ['server CPU per viewer-MB', `${fixed(figures.cpuMsPerViewerMb, 2)} ms`],
        ['server CPU', `${fixed(figures.serverCpuS, 1)} s`],
        [
          'segment requests per second',
          `${fixed(figures.segmentRequestsPerS, 0)} (${figures.segmentRequestsFailed} failed)`,
        ],
      ],
    ),
    '',
  ];
}
