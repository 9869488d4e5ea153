/**
 * The environment to serve, by name: the three built-in ones with their AgentGym shapes, or any registered
 * environment (`resolveEnvironment`: a name, a module path, a package) in the ALFWorld style.
 */
import { existsSync } from 'node:fs';
import { dataDir, datasetDir } from '../../data/dir.js';
import { resolveEnvironment } from '../../eval/registry.js';
import type { ServedEnv } from './served.js';

export interface LoadServedOptions {
  /** Data root (default: EPO_DATA_DIR or the cache). */
  data?: string;
  /** Split of a registered environment's suite (default: its evaluation split). */
  split?: string;
  onProgress?: (msg: string) => void;
}

export async function loadServedEnv(env: string, o: LoadServedOptions = {}): Promise<ServedEnv<any>> {
  const root = o.data ?? dataDir();
  if (env === 'alfworld') return (await import('./alfworld.js')).servedAlfworld(root);
  if (env === 'webshop') {
    const { loadWebShop } = await import('../../envs/webshop/world.js');
    const world = await loadWebShop({ root: datasetDir('webshop', root), onProgress: o.onProgress });
    return (await import('./webshop.js')).servedWebshop(world);
  }
  if (env === 'sotopia') {
    const { selectTasks } = await import('../../envs/sotopia/task-spec.js');
    const dir = datasetDir('sotopia', root);
    // Offline without the data: the built-in tasks, so the protocol can be tried anywhere.
    const selection = existsSync(dir) ? selectTasks('all', '--env sotopia', dir) : selectTasks('builtin', '--env sotopia');
    return (await import('./sotopia.js')).servedSotopia(selection);
  }
  const { factory } = await resolveEnvironment(env);
  const suite = await factory.build({ split: o.split ?? factory.defaults.evalSplit, data: root, seed: 0, example: false });
  return (await import('./suite.js')).servedSuite(suite);
}
