/** ALFWorld-format household task generator: scenes from measured statistics, six task types, planned walkthroughs. */
export { loadStats, ROOM_TYPES, TASK_TYPES, type AlfworldStats, type RoomType, type TaskType } from './stats.js';
export { sampleScene, type Scene, type SceneKnobs } from './scene.js';
export { sampleTask, sceneNeeds, folderName, type TaskSpec } from './tasks.js';
export { plan, walkthrough, type Step } from './planner.js';
export { problemText } from './problem.js';
export { grammarText, type GrammarVariant } from './grammar.js';
export { DOMAIN_PDDL } from './domain.js';
export { displayNames } from './ids.js';
export { checkOptions, generateGame, generateSet, writeSet, allocateTypes, officialMix, type GenerateOptions, type GeneratedGame, type GenerateSummary } from './write.js';
