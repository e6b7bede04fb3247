import type { Socket } from 'node:net';

const ipv4MappedPrefix = '::ffff:';

/**
 * `tcp 127.0.0.1:50123`, `ws [::1]:50124`. A dual-stack listener sees IPv4 clients as
 * IPv4-mapped IPv6 addresses; they are shown as plain IPv4, as operators expect.
 */
export function formatPeer(scheme: 'tcp' | 'ws', socket: Socket): string {
  const address = socket.remoteAddress;
  const port = socket.remotePort;
  if (address === undefined || port === undefined) return `${scheme} unknown`;
  if (address.startsWith(ipv4MappedPrefix) && address.includes('.')) {
    return `${scheme} ${address.slice(ipv4MappedPrefix.length)}:${port}`;
  }
  return address.includes(':') ? `${scheme} [${address}]:${port}` : `${scheme} ${address}:${port}`;
}
