/** `epo serve --model scripted:echo` as a user runs it: a real process printing its URL, answering the SDK. */
import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

describe('epo serve (CLI)', () => {
  it('prints the URL and serves scripted:echo behind a bearer token from the environment', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--model', 'scripted:echo', '--port', '0', '--token-env', 'EPO_SERVE_TEST_TOKEN'], {
      env: { ...process.env, EPO_SERVE_TEST_TOKEN: 'serve-token-1234' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '', err = '';
        child.stdout.on('data', (d: Buffer) => { out += d; if (out.includes('\n')) resolve(out.split('\n')[0]); });
        child.stderr.on('data', (d: Buffer) => { err += d; });
        child.on('exit', (code) => reject(new Error(`epo serve exited with ${code}: ${err}`)));
      });
      const m = /^serving scripted:echo as "echo" at (http:\/\/127\.0\.0\.1:\d+\/v1) \(spec for clients: \1#echo\?key_env=EPO_SERVE_TEST_TOKEN\)$/.exec(line);
      expect(m, line).not.toBeNull();
      const client = new OpenAI({ baseURL: m![1], apiKey: 'serve-token-1234', maxRetries: 0 });
      const r = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'ping pong' }] });
      expect(r.choices[0].message.content).toBe('ping pong');
      const denied = new OpenAI({ baseURL: m![1], apiKey: 'other', maxRetries: 0 });
      await expect(denied.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401 });
    } finally {
      child.kill('SIGTERM');
    }
  });
});

/** Run `epo serve` until it exits or prints its URL (then it is stopped and that is reported as a failure). */
function serveOnce(args: string[]): Promise<{ code: number | null; stderr: string; served: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve) => {
    let out = '', err = '', served = false;
    child.stdout.on('data', (d: Buffer) => { out += d; if (out.includes('serving') && !served) { served = true; child.kill('SIGTERM'); } });
    child.stderr.on('data', (d: Buffer) => { err += d; });
    child.on('exit', (code) => resolve({ code, stderr: err, served }));
  });
}

describe('epo serve (CLI) refuses to start', () => {
  it('with a local model that cannot load, naming the spec, before listening', async () => {
    const r = await serveOnce(['--model', 'local:/nonexistent/epo-ckpt', '--port', '0']);
    expect(r.served).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[NOT_FOUND\]: cannot load the model local:\/nonexistent\/epo-ckpt: .*\(at --model\)\n$/);
  });
  it('with an impossible --host, naming the flag', async () => {
    const r = await serveOnce(['--model', 'scripted:echo', '--host', '999.1.1.1', '--port', '0']);
    expect(r.served).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[BAD_INPUT\]: .*999\.1\.1\.1.* \(at --host\)\n$/);
  });
});
