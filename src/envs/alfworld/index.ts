/** ALFWorld: a fast, faithful engine for the official text-household game files. */
export { AlfworldEnv, agentObservation, openGame, walkthrough, BANNER, type AlfworldEnvOptions } from './env.js';
export { AlfworldGame, NOTHING_HAPPENS, type StepOutcome } from './game.js';
export { loadGame, gameFromData, readGameData, readLogic, withLogic, type GameData, type Logic } from './load.js';
export { loadAlfworldTasks, findGameFiles, taskTypeOf, alfworldRoot, SPLITS, type AlfworldTask, type LoadTasksOptions } from './tasks.js';
export { SubgoalTracker, analyseGoal } from './progress.js';
export { alfworldData, RELEASE_ZIP } from './data.js';
export { demangle } from './names.js';
export { ALFWORLD_TASK_TYPES, TASK_TYPES, REPORT_ORDER, parseTaskType, taskTypeIn, typeName, type TaskType } from './task-types.js';
