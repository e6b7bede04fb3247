import { describe, expect, it } from 'vitest';
import { metricValue, parsePrometheusText } from './prometheus-text.ts';

const exposition = `# HELP replayserver_active_connections_count Open connections.
# TYPE replayserver_active_connections_count gauge
replayserver_active_connections_count{category="initial"} 1
replayserver_active_connections_count{category="reader"} 20
replayserver_active_connections_count{category="writer"} 80
nodejs_eventloop_lag_p99_seconds 0.012
replayserver_replay_readers_count{replay_id="7",note="a \\"quoted\\" value"} 2
`;

describe('the Prometheus text format', () => {
  const samples = parsePrometheusText(exposition);

  it('parses sample lines with and without labels, skipping comments', () => {
    expect(samples).toHaveLength(5);
    expect(samples[4]).toEqual({
      name: 'replayserver_replay_readers_count',
      labels: { replay_id: '7', note: 'a \\"quoted\\" value' },
      value: 2,
    });
  });

  it('sums the samples of a metric, filtered by labels', () => {
    expect(metricValue(samples, 'nodejs_eventloop_lag_p99_seconds')).toBe(0.012);
    expect(metricValue(samples, 'replayserver_active_connections_count')).toBe(101);
    expect(metricValue(samples, 'replayserver_active_connections_count', { category: 'writer' })).toBe(80);
    expect(metricValue(samples, 'replayserver_running_replays_count')).toBeNaN();
  });
});
