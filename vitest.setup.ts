// A test that writes to the console fails: logs go through the Logger port, never to stdout.
for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
  console[method] = (...args: unknown[]) => {
    throw new Error(`test wrote to console.${method}: ${args.map(String).join(' ').slice(0, 200)}`);
  };
}
