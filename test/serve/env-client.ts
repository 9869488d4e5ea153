/** A tiny JSON client for the environment server tests: status and parsed body of each request. */
export interface Reply { status: number; body: any }

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* a non-JSON answer stays text */ }
  return { status: res.status, body: parsed };
}

export const post = (base: string, path: string, body?: unknown, headers?: Record<string, string>) => call(base, 'POST', path, body ?? {}, headers);
export const get = (base: string, path: string, headers?: Record<string, string>) => call(base, 'GET', path, undefined, headers);
