import { networkInterfaces } from 'node:os';

/**
 * Throws unless this machine has the IPv6 loopback `::1`, so that IPv6 tests fail with a clear
 * message instead of skipping or failing obscurely.
 */
export function requireIpv6Loopback(): void {
  const hasIpv6Loopback = Object.values(networkInterfaces()).some((addresses) =>
    (addresses ?? []).some((address) => address.family === 'IPv6' && address.address === '::1'),
  );
  if (!hasIpv6Loopback) {
    throw new Error('this machine has no IPv6 loopback (::1): the IPv6 listener tests need one');
  }
}
