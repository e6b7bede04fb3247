import { describe, expect, it } from 'vitest';
import { BlockPool, releaseBlock } from '@faf-replay/core';
import { PrometheusEvents } from './prometheus-events.js';

async function sample(events: PrometheusEvents, name: string, labels: Record<string, string> = {}) {
  const metric = await events.registry.getSingleMetric(name)?.get();
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const found = metric.values.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  );
  return found?.value;
}

describe('PrometheusEvents', () => {
  it('counts every attached connection as Success in the Rust metric, whatever its end', async () => {
    const events = new PrometheusEvents();
    events.connectionServed('I/O error', 'writer');
    events.connectionServed('Bad data', 'reader');
    events.connectionServed('Success', 'reader');
    events.connectionServed('Bad data', null);
    events.connectionServed('No replay matched', null);
    const served = (result: string) => sample(events, 'replayserver_served_connections_total', { result });
    expect(await served('Success')).toBe(3);
    expect(await served('Bad data')).toBe(1);
    expect(await served('I/O error')).toBe(0);
    expect(await served('No replay matched')).toBe(1);
  });

  it('keeps the finer outcome, by role, in a metric of its own', async () => {
    const events = new PrometheusEvents();
    events.connectionServed('I/O error', 'writer');
    events.connectionServed('I/O error', 'writer');
    events.connectionServed('Bad data', null);
    const results = (role: string, result: string) =>
      sample(events, 'replayserver_connection_results_total', { role, result });
    expect(await results('writer', 'I/O error')).toBe(2);
    expect(await results('none', 'Bad data')).toBe(1);
    expect(await results('reader', 'Success')).toBe(0);
  });

  it('exports every known label combination at 0 from the start', async () => {
    const text = await new PrometheusEvents().registry.metrics();
    const results = ['Success', 'Bad data', 'I/O error', 'No replay matched'];
    for (const result of results) {
      expect(text).toContain(`replayserver_served_connections_total{result="${result}"} 0`);
      for (const role of ['writer', 'reader', 'none'])
        expect(text).toContain(`replayserver_connection_results_total{role="${role}",result="${result}"} 0`);
    }
    for (const reason of ['max_connections', 'origin'])
      expect(text).toContain(`replayserver_refused_connections_total{reason="${reason}"} 0`);
    for (const operation of ['metadata', 'stats', 'admission', 'check'])
      expect(text).toContain(`replayserver_database_errors_total{operation="${operation}"} 0`);
    for (const name of [
      'replayserver_replays_lost_total',
      'replayserver_pending_game_stats_updates_count',
      'replayserver_database_reachable',
      'replayserver_running_replays_count',
    ])
      expect(text).toMatch(new RegExp(`^${name} 0$`, 'm'));
  });

  it('reports refusals, the database and pending stats updates', async () => {
    const events = new PrometheusEvents();
    events.connectionRefused();
    events.connectionRefused('origin');
    events.databaseError('stats');
    events.databaseReachable(true);
    events.pendingStatsUpdatesChanged(7);
    expect(
      await sample(events, 'replayserver_refused_connections_total', { reason: 'max_connections' }),
    ).toBe(1);
    expect(await sample(events, 'replayserver_refused_connections_total', { reason: 'origin' })).toBe(1);
    expect(await sample(events, 'replayserver_database_errors_total', { operation: 'stats' })).toBe(1);
    expect(await sample(events, 'replayserver_database_reachable')).toBe(1);
    expect(await sample(events, 'replayserver_pending_game_stats_updates_count')).toBe(7);
    events.databaseReachable(false);
    expect(await sample(events, 'replayserver_database_reachable')).toBe(0);
  });

  it('reads the merge pool at each scrape', async () => {
    const events = new PrometheusEvents();
    const pool = new BlockPool();
    events.readBlockPoolFrom(pool);
    const blocks = [pool.take(1024), pool.take(1024)];
    for (const block of blocks) releaseBlock(block);
    pool.take(1024);
    expect(await sample(events, 'replayserver_block_pool_free_bytes')).toBe(1024);
    expect(await sample(events, 'replayserver_block_pool_taken_blocks_total', { source: 'new' })).toBe(2);
    expect(await sample(events, 'replayserver_block_pool_taken_blocks_total', { source: 'reused' })).toBe(1);
    pool.take(1024);
    expect(await sample(events, 'replayserver_block_pool_taken_blocks_total', { source: 'reused' })).toBe(2);
    expect(await sample(events, 'replayserver_block_pool_free_bytes')).toBe(0);
  });

  it('counts lost replays for the exit code', () => {
    const events = new PrometheusEvents();
    events.replayLost();
    expect(events.replaysLost).toBe(1);
  });
});
