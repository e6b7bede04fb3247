import { firstDifference } from './first-difference.js';

/** The verdict on what one reader received, or on one saved file. */
export type ByteVerdict =
  | { readonly status: 'ok' }
  | { readonly status: 'short'; readonly receivedBytes: number; readonly expectedBytes: number }
  | { readonly status: 'differs'; readonly offset: number; readonly expectedBytes: number };

/**
 * Compares a stream chunk by chunk as it arrives, against the bytes it must equal, without
 * keeping what was received (500 games of readers would otherwise hold gigabytes). Remembers the
 * first differing offset.
 */
export class StreamCheck {
  readonly #expected: Uint8Array;
  #position = 0;
  #firstDifference = -1;

  constructor(expected: Uint8Array) {
    this.#expected = expected;
  }

  get position(): number {
    return this.#position;
  }

  push(chunk: Uint8Array): void {
    if (this.#firstDifference < 0) {
      const expected = this.#expected.subarray(this.#position, this.#position + chunk.length);
      if (!Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).equals(expected)) {
        const offset = firstDifference(chunk, expected);
        this.#firstDifference = this.#position + (offset < 0 ? expected.length : offset);
      }
    }
    this.#position += chunk.length;
  }

  verdict(): ByteVerdict {
    return compareResult(this.#firstDifference, this.#position, this.#expected.length);
  }
}

/** The verdict on a whole byte array (a saved replay) against the expected stream. */
export function checkBytes(actual: Uint8Array, expected: Uint8Array): ByteVerdict {
  const offset = firstDifference(actual, expected);
  if (offset >= 0 && offset < actual.length) return compareResult(offset, actual.length, expected.length);
  return compareResult(-1, actual.length, expected.length);
}

function compareResult(differsAt: number, receivedBytes: number, expectedBytes: number): ByteVerdict {
  if (differsAt >= 0) return { status: 'differs', offset: differsAt, expectedBytes };
  if (receivedBytes > expectedBytes) return { status: 'differs', offset: expectedBytes, expectedBytes };
  if (receivedBytes < expectedBytes) return { status: 'short', receivedBytes, expectedBytes };
  return { status: 'ok' };
}

export function describeVerdict(verdict: ByteVerdict): string {
  switch (verdict.status) {
    case 'ok':
      return 'ok';
    case 'short':
      return `short: ${verdict.receivedBytes} of ${verdict.expectedBytes} bytes`;
    case 'differs':
      return `differs from byte ${verdict.offset} (of ${verdict.expectedBytes})`;
  }
}
