import { isIPv4 } from 'node:net';

/**
 * Whether a URL's host is this machine: 127.0.0.0/8, ::1 or localhost. Only there may a secret go
 * over plain http (the emulator, a test server); anywhere else it would cross a network in clear.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost') return true;
  if (host === '[::1]' || host === '::1') return true;
  return isIPv4(host) && host.startsWith('127.');
}
