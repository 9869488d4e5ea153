/**
 * Reading request fields as AgentGym's pydantic models do: an integer field accepts a whole number or a string of
 * digits; a missing or mistyped field is a 422 naming its location.
 */
import { RouteError } from './http.js';

type Source = 'body' | 'query';

export function intField(value: unknown, name: string, source: Source = 'body'): number {
  if (value === undefined || value === null) throw new RouteError(422, 'Field required', 'missing', [source, name]);
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new RouteError(422, 'Input should be a valid integer', 'int_parsing', [source, name]);
  return n;
}

export function optionalInt(value: unknown, name: string, source: Source = 'body'): number | undefined {
  return value === undefined || value === null ? undefined : intField(value, name, source);
}

export function strField(value: unknown, name: string, source: Source = 'body'): string {
  if (value === undefined || value === null) throw new RouteError(422, 'Field required', 'missing', [source, name]);
  if (typeof value !== 'string') throw new RouteError(422, 'Input should be a valid string', 'string_type', [source, name]);
  return value;
}
