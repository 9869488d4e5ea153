/**
 * The adapters are subpath exports with optional peer dependencies: `import 'epo'` must load neither them nor their
 * frameworks, and the AI SDK adapter must load without `ai` at all (it imports only its types).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

/** The modules a source file loads at run time: static imports and re-exports (not `import type`), dynamic imports. */
function runtimeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s+)?'([^']+)'/gm)) out.push(m[1]);
  for (const m of source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1]);
  return out;
}

/** Every module reached at run time from `entry`: project files (as paths from the root) and packages (by name). */
function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>(), packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of runtimeImports(readFileSync(join(root, file), 'utf8'))) {
      if (!spec.startsWith('.')) { packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]); continue; }
      visit(join(dirname(file), spec).replace(/\.js$/, '.ts'));
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the adapters stay out of the main entry', () => {
  it('runtimeImports: worked example', () => {
    expect(runtimeImports("import type { A } from 'ai';\nimport { b, type C } from './b.js';\nexport { d } from './d.js';\nimport './side.js';\nconst e = await import('./e.js');"))
      .toEqual(['./b.js', './d.js', './side.js', './e.js']);
  });

  it("src/index.ts loads no adapter, no AI SDK and no LangChain", () => {
    const { files, packages } = reach('src/index.ts');
    expect(files.size).toBeGreaterThan(50);
    expect([...files].filter((f) => f.includes('plugin/adapters'))).toEqual([]);
    expect([...packages].filter((p) => p === 'ai' || p.startsWith('@ai-sdk/') || p.startsWith('@langchain/'))).toEqual([]);
  });

  it('the AI SDK adapter loads without `ai`; the LangChain adapter needs only @langchain/core', () => {
    expect([...reach('src/plugin/adapters/ai-sdk.ts').packages].filter((p) => p === 'ai' || p.startsWith('@ai-sdk/') || p.startsWith('@langchain/'))).toEqual([]);
    expect([...reach('src/plugin/adapters/langchain.ts').packages].filter((p) => p === 'ai' || p.startsWith('@ai-sdk/') || p.startsWith('@langchain/'))).toEqual(['@langchain/core']);
  });

  it('package.json: subpath exports of built adapter files, frameworks as optional peer dependencies only', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    for (const [sub, file] of [['./ai-sdk', 'ai-sdk'], ['./langchain', 'langchain']]) {
      expect(pkg.exports[sub]).toEqual({ types: `./dist/plugin/adapters/${file}.d.ts`, default: `./dist/plugin/adapters/${file}.js` });
      expect(existsSync(join(root, 'src', 'plugin', 'adapters', `${file}.ts`))).toBe(true);
    }
    for (const dep of ['ai', '@langchain/core']) {
      expect(pkg.peerDependenciesMeta[dep]).toEqual({ optional: true });
      expect(pkg.peerDependencies[dep]).toBeDefined();
      expect(pkg.dependencies[dep]).toBeUndefined();
    }
  });
});
