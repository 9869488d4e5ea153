/** WebShop: catalogue, search engine, pages and reward. The public surface other parts of epo use. */
export { loadWebShop, type WebShopWorld, type LoadOptions, type Setting } from './world.js';
export { WebShopEnv, parseAction, type WebShopTask, type WebShopEnvOptions, type PageName } from './env.js';
export { webshopTasks, taskFromGoal, type WebShopSplit } from './tasks.js';
export { computeReward, tokenSetRatio, type Reward, type RewardParts } from './reward.js';
export { Bm25Index, SEARCH_RETURN_N } from './bm25.js';
export { analyze, tokenize } from './analyzer.js';
export { normalizeColor, COLOR_SET } from './normalize.js';
export type { Goal, Product } from './types.js';
