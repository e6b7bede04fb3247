import type { ClientLink, LinkHandlers, LinkOptions } from './client-link.js';
import { ClientError } from './client-error.js';
import type { ServerAddress } from './server-address.js';
import { TcpLink } from './tcp-link.js';
import { WebSocketLink } from './websocket-link.js';

/** A connection to `address`, usable at once (see `ClientLink`); failing to connect shows in `closed`. */
export function openLink(
  address: ServerAddress,
  handlers: LinkHandlers = {},
  options: LinkOptions = {},
): ClientLink {
  if (address.transport === 'websocket') return new WebSocketLink(address, handlers, options);
  if (options.offset !== undefined) {
    throw new ClientError(
      'ADDRESS_INVALID',
      'reading from a byte offset needs a WebSocket address (ws://host:port)',
    );
  }
  return new TcpLink(address, handlers, options);
}

/** A connection to `address` once it is open; a `ClientError` (`SERVER_UNREACHABLE`) when it cannot be. */
export async function connectLink(
  address: ServerAddress,
  handlers: LinkHandlers = {},
  options: LinkOptions = {},
): Promise<ClientLink> {
  const link = openLink(address, handlers, options);
  await link.opened;
  return link;
}
