/**
 * Where a server listens: checking --host and --port before binding, and turning the operating system's listen
 * failures into errors that say which setting to change. Pure functions; the server and the CLI share them.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { EpoError } from '../core/errors.js';

/** What to call the settings in errors: the CLI passes its flags, library callers get the option names. */
export interface ListenNames { host: string; port: string }
export const OPTION_NAMES: ListenNames = { host: 'host', port: 'port' };

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** An IPv4 or IPv6 literal (IPv6 may come in brackets, returned without) or a hostname; anything else is refused. */
export function checkHost(host: string, where = '--host'): string {
  const inner = /^\[(.*)\]$/.exec(host)?.[1];
  if (inner !== undefined) {
    if (isIPv6(inner)) return inner;
    throw new EpoError('BAD_INPUT', `"${host}" is not an IPv6 address (only IPv6 addresses go in brackets)`, { where });
  }
  if (isIPv4(host) || isIPv6(host)) return host;
  const labels = host.split('.');
  // All-numeric names are meant as IPv4 addresses (999.1.1.1, 1.2.3); a resolver would guess at them.
  if (labels.every((l) => /^\d+$/.test(l))) throw new EpoError('BAD_INPUT', `"${host}" is not a valid IPv4 address (four numbers from 0 to 255)`, { where });
  if (host.length > 253 || !labels.every((l) => LABEL.test(l))) {
    throw new EpoError('BAD_INPUT', `"${host}" is not an IP address or a hostname (letters, digits, hyphens and dots; e.g. 127.0.0.1, ::1, localhost)`, { where });
  }
  return host;
}

/** A port number from 0 to 65535 written as plain digits (0 asks the system for a free port). */
export function checkPort(port: string, where = '--port'): number {
  const n = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new EpoError('BAD_INPUT', `port must be a whole number from 0 to 65535 (0 picks a free one), got "${port}"`, { where });
  return n;
}

/** A listen failure as an error naming the setting to change; other failures keep their message. */
export function listenError(e: unknown, host: string, port: number, names: ListenNames = OPTION_NAMES): EpoError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const at = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new EpoError('BAD_INPUT', `port ${port} on ${host} is already in use; stop what holds it or choose another port (0 picks a free one)`, { where: names.port, cause: e });
    case 'EADDRNOTAVAIL':
      return new EpoError('BAD_INPUT', `${host} is not an address of this machine; listen on 127.0.0.1 (this machine only) or one of its own addresses`, { where: names.host, cause: e });
    case 'EACCES':
    case 'EPERM':
      return new EpoError('BAD_INPUT', `not allowed to listen on port ${port} (ports below 1024 need privileges); choose a port from 1024 up`, { where: names.port, cause: e });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new EpoError('BAD_INPUT', `cannot resolve the host ${host} to an address of this machine; give an IP address such as 127.0.0.1`, { where: names.host, cause: e });
    default:
      return new EpoError('INTERNAL', `cannot listen on ${at}: ${(e as Error)?.message ?? String(e)}`, { where: `${names.host} ${names.port}`, cause: e });
  }
}
