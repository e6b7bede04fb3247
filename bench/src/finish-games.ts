import type { GeneratorSummary } from './generator-summary.ts';
import type { GameSpec, LoadGenerator } from './load-generator.ts';
import { checkSavedFiles } from './saved-files.ts';
import type { SavedFilesCheck } from './saved-files.ts';
import type { TargetProcess } from './target-process.ts';

/** How a scenario's games ended: the generator's summary and the check of every saved file. */
export interface FinishedGames {
  readonly final: GeneratorSummary;
  readonly savedFiles: SavedFilesCheck | undefined;
}

/**
 * The end of every scenario: waits up to `timeoutMs` for the games to end (`onCut` when some
 * did not: they are cut), then checks each saved file against what the writers sent (the relay
 * saves none).
 */
export async function finishGames(
  target: TargetProcess,
  generator: LoadGenerator,
  specs: readonly GameSpec[],
  ending: { readonly timeoutMs: number; readonly onCut: () => void },
): Promise<FinishedGames> {
  if (!(await generator.idle(ending.timeoutMs))) ending.onCut();
  generator.abort();
  const final = generator.summary();
  const savedFiles =
    target.vaultPath === undefined ? undefined : await checkSavedFiles(target.vaultPath, specs);
  return { final, savedFiles };
}
