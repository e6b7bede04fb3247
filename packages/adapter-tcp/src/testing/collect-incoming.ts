export interface CollectedIncoming {
  readonly bytes: Buffer;
  /** What the iteration threw, or `undefined` when it returned normally. */
  readonly error: unknown;
}

/** Reads `connection.incoming` to its end; `onChunk` sees the running byte count. */
export async function collectIncoming(
  connection: { readonly incoming: AsyncIterable<Uint8Array> },
  onChunk?: (receivedBytes: number) => void,
): Promise<CollectedIncoming> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const chunk of connection.incoming) {
      chunks.push(chunk);
      received += chunk.length;
      onChunk?.(received);
    }
    return { bytes: Buffer.concat(chunks), error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
}
