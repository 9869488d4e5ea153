/**
 * Secrets come from environment variables, or are written inline in a model spec (`#m?header.X-Api-Key=…`). Before
 * anything is logged, stored or exported, the values of secret-looking variables are replaced, and so are the
 * secret parameters of any spec in the text, so a key can never leak even if it ends up inside an error message.
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD)$/i;

export const REDACTED = '[REDACTED]';

export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([k, v]) => SECRET_NAME.test(k) && typeof v === 'string' && v.length >= 8)
    .map(([, v]) => v as string);
}

/**
 * Whether a spec parameter carries a secret: every header value (`header.NAME`), and key, api_key, token, password,
 * secret, auth… names. `key_env` and `header_env.NAME` name environment variables, not secrets.
 */
export function isSecretParam(name: string): boolean {
  let n = name;
  try { n = decodeURIComponent(name); } catch { /* keep it as written */ }
  n = n.toLowerCase();
  if (n.startsWith('header_env.') || n.endsWith('_env')) return false;
  return n.startsWith('header.') || /(key|token|secret|password|passwd|pwd|credentials?|auth|authorization|signature|sig)$/.test(n);
}

// The password runs to the last "@" of the authority: URL parsers accept a raw "@" in it.
const PASSWORD_IN_URL = /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"']*:)[^/?#\s"']+@/gi;

function redactParams(text: string, value: string): string {
  return text
    .replace(new RegExp(`([?&])([^=&#\\s"']+)=${value}`, 'g'), (m: string, sep: string, name: string) => (isSecretParam(name) ? `${sep}${name}=${REDACTED}` : m))
    .replace(PASSWORD_IN_URL, `$1${REDACTED}@`);
}

/**
 * A spec without its inline secrets; everything else is kept byte for byte. A value runs to the next `&`, and in the
 * base URL of an http(s) spec also to the `#` before the model; in the options after the model a `#` is part of it.
 */
export const redactSpecSecrets = (spec: string): string => {
  const hash = /^\s*https?:\/\//.test(spec) ? spec.indexOf('#') : -1;
  return hash < 0 ? redactParams(spec, '[^&]*') : redactParams(spec.slice(0, hash), '[^&#]*') + redactParams(spec.slice(hash), '[^&]*');
};

export function redact(text: string, secrets: string[] = secretValues()): string {
  let out = text;
  // Longest first: a secret that holds another (KEY and KEY-2) would otherwise leave its remainder in the open.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (out.includes(s)) out = out.split(s).join(REDACTED);
  // Bearer tokens first (an inline `header.Authorization=Bearer <token>` would be cut at the space below), then
  // inline spec secrets in free text (a value ends at a space or quote too; a `#` may belong to it).
  out = out.replace(/(Bearer\s+)[A-Za-z0-9._~+/-]{8,}/g, `$1${REDACTED}`);
  return redactParams(out, '[^&\\s"\'\\\\]*');
}
