/**
 * Secrets come from environment variables only. Before anything is logged, stored or exported, the values of
 * secret-looking variables are replaced, so a key can never leak even if it ends up inside an error message.
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD)$/i;

export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([k, v]) => SECRET_NAME.test(k) && typeof v === 'string' && v.length >= 8)
    .map(([, v]) => v as string);
}

export function redact(text: string, secrets: string[] = secretValues()): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  // Bearer tokens in headers that came from elsewhere.
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/-]{8,}/g, '$1[REDACTED]');
}
