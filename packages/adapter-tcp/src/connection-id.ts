import { randomBytes } from 'node:crypto';

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const idLength = 12;
// Bytes at or above this would bias the modulo towards the first letters.
const unbiasedLimit = 256 - (256 % letters.length);

/** A random id of 12 letters, for logs (the Rust server's connection ids look the same). */
export function newConnectionId(): string {
  let id = '';
  while (id.length < idLength) {
    for (const byte of randomBytes(idLength * 2)) {
      if (byte < unbiasedLimit && id.length < idLength) id += letters.charAt(byte % letters.length);
    }
  }
  return id;
}
