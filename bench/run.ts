/** `npm run -s bench -- <name> [args]`: runs bench/<name>.ts. Each bench prints readable figures, then one JSON line. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
const available = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.replace(/\.ts$/, ''));
if (!name || !existsSync(join(here, `${name}.ts`))) {
  console.error(`usage: npm run -s bench -- <name> [args]\navailable: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(join(here, `${name}.ts`));
