/** `epo serve env` as a user runs it: a real process printing its URL, serving SOTOPIA's AgentGym-style routes. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { post } from './env-client.js';

/** Start `epo serve …`; resolves with the first stdout line, or the exit code and stderr when it stops first. */
function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const first = new Promise<{ line?: string; code?: number | null; stderr: string }>((resolve) => {
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d; if (out.includes('\n')) resolve({ line: out.split('\n')[0], stderr: err }); });
    child.stderr.on('data', (d: Buffer) => { err += d; });
    child.on('exit', (code) => resolve({ code, stderr: err }));
  });
  return { child, first };
}

describe('epo serve env (CLI)', () => {
  it('serves the built-in SOTOPIA tasks without data, behind a token from the environment', async () => {
    // No SOTOPIA data in this data root: the built-in tasks are served.
    const { child, first } = serve(['env', '--env', 'sotopia', '--port', '0', '--token-env', 'EPO_ENV_TEST_TOKEN'], { EPO_DATA_DIR: join(tmpdir(), 'epo-no-data-here'), EPO_ENV_TEST_TOKEN: 'env-token-99' });
    try {
      const { line, stderr } = await first;
      const m = /^serving sotopia \((\d+) games\) at (http:\/\/127\.0\.0\.1:\d+): AgentGym routes at \/, epo routes at \/v1\/envs$/.exec(line ?? '');
      expect(m, `${line} ${stderr}`).not.toBeNull();
      const auth = { authorization: 'Bearer env-token-99' };
      expect((await post(m![2], '/create')).status).toBe(401);
      const { id } = (await post(m![2], '/create', {}, auth)).body;
      expect((await post(m![2], '/reset', { id, game: 0 }, auth)).body).toMatchObject({ id, turn: 0 });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses bad flags, naming them, before listening', async () => {
    const [r1, r2, r3] = await Promise.all([
      serve(['env', '--env', 'sotopia', '--max-instances', '0', '--port', '0']).first,
      serve(['env', '--env', 'sotopia', '--port', '0', '--token-env', 'EPO_UNSET_VAR_FOR_TEST']).first,
      serve(['--port', '0']).first,
    ]);
    expect(r1).toMatchObject({ code: 2, stderr: expect.stringMatching(/--max-instances must be .*got "0" \(at --max-instances\)/) });
    expect(r2).toMatchObject({ code: 2, stderr: expect.stringMatching(/environment variable EPO_UNSET_VAR_FOR_TEST is not set \(at --token-env\)/) });
    expect(r3).toMatchObject({ code: 2, stderr: expect.stringMatching(/required option '--model <spec>' not specified/) });
  });
});
