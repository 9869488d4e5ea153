/**
 * epo's public API: what a TypeScript program imports from `epo`. Everything here is stable in meaning; deep imports
 * into the package's files are not part of the API.
 *
 *   contracts      TextEnv, Task, MultiSeatEnv, ChatModel, Middleware, Episode, Label
 *   models         createModel (any spec: openai:, http(s)://…#model, local:, scripted:), wrap, registerScriptedModel
 *   environments   defineEnvironment, registerEnvironment, checkTextEnv; ALFWorld, WebShop, SOTOPIA engines
 *   evaluation     evaluate, summarise, metrics with 95% intervals
 *   self-play      selfPlay with suite or SOTOPIA arenas
 *   rewards        environment-grounded labels, the LLM judge, return rules
 *   datasets       buildDataset, JSONL and LLaMA-Factory exports
 *   training       trainEpo (the built-in model, EPO loss), the loss itself
 */
import { registerBuiltins } from './builtins.js';

registerBuiltins();

// contracts
export type { MaybePromise, StepResult, Task, TaskSource, TextEnv } from './core/env.js';
export type { MultiSeatEnv, SeatStep } from './core/multi-seat.js';
export type { Call, Episode, ModelRef, Outcome, TokenUsage, Turn } from './core/episode.js';
export { episodeId, episodeUsage, strategistChat } from './core/episode.js';
export type { Label } from './core/label.js';
export type { ChatMessage, Role as MessageRole } from './core/messages.js';
export { EpoError, isEpoError, type ErrorCode } from './core/errors.js';
export { createRng, deriveSeed, type Rng } from './core/random.js';
export { createLogger, silentLogger, type Logger } from './core/log.js';

// models
export type { ChatModel, CompletionRequest, CompletionResult, CompletionUsage, JsonSchemaSpec, Middleware } from './llm/model.js';
export { wrap } from './llm/model.js';
export { createModel, registerBackend, type CreateModelOptions } from './llm/create.js';
export { parseModelSpec, type ModelSpec } from './llm/spec.js';
export { registerScriptedModel, type ScriptedFactory } from './llm/named-scripts.js';
export { scriptedModel } from './llm/scripted.js';

// environments
export { defineEnvironment, defaultOutcome, type EnvironmentDefinition } from './eval/define.js';
export { registerEnvironment, registeredEnvironments, resolveEnvironment } from './eval/registry.js';
export type { Suite, SuiteFactory, SuiteOptions } from './eval/suite.js';
export { checkTextEnv, type EnvCheckOptions, type EnvCheckReport } from './envs/check.js';
export type { EnvPrompts, Example, ExampleStep } from './agents/roles.js';
export { AlfworldEnv, loadAlfworldTasks, type AlfworldTask } from './envs/alfworld/index.js';
export { loadWebShop, webshopTasks, WebShopEnv, type WebShopTask } from './envs/webshop/index.js';
export { SotopiaEnv, sotopiaEnvTask, type SotopiaEnvTask } from './envs/sotopia/env.js';

// agents and rollouts
export { ruleActor } from './agents/rule-actor.js';
export { runEpisode, MODES, type Mode, type RoleModel } from './rollout/episode.js';
export { runEpisodes, type ScheduleOptions, type ScheduleStats } from './rollout/scheduler.js';

// evaluation
export { evaluate, summariseRun, type EvalOptions, type EvalResult } from './eval/evaluate.js';
export { formatTable, summarise, type Protocol, type Summary } from './eval/report.js';
export { meanCI, wilson, type Estimate } from './eval/stats.js';
export { RunStore } from './store/run-store.js';

// rewards
export { envLabel, progressRewards } from './rewards/env-progress.js';
export { judgeEpisode, labelEpisodes, type JudgeOptions } from './rewards/judge/label.js';
export { assignWeights, discountedReturns, makeRule, RULE_NAMES, type ReturnRule, type RuleName } from './rewards/returns.js';

// datasets and training
export { buildDataset, type BuildOptions, type Dataset, type DatasetExample, type DatasetSource } from './train/dataset.js';
export { writeJsonl } from './train/export/jsonl.js';
export { writeLlamaFactory, type LlamaFactoryOptions } from './train/export/llamafactory.js';
export { TRAIN_DEFAULTS, trainEpo, type TrainExample, type TrainOptions, type TrainResult } from './train/trainer.js';
export { epoBatchLoss, epoSampleLoss, type WeightedSpan } from './train/epo-loss.js';

// self-play
export { selfPlay, type SelfPlayOptions, type SelfPlayResult } from './selfplay/selfplay.js';
export { suiteArena, type SuiteArenaOptions } from './selfplay/suite-arena.js';
export { sotopiaArena } from './selfplay/sotopia-arena.js';
export type { Arena } from './selfplay/arena.js';

// configuration
export { resolveConfig, configToYaml } from './config/resolve.js';

// plug-in: a strategist for agents epo did not build
export { strategize, strategistInput, type StrategistState, type StrategizeOptions, type Strategizing } from './plugin/strategize.js';
export { injectStrategy, INJECT_MODES, type InjectMode } from './plugin/inject.js';
export { TASK_AGNOSTIC, type StrategistPrompt } from './plugin/prompt.js';
export { renderMessage, renderMessages, type AgentMessage, type ToolCall } from './plugin/conversation.js';

// the released EPO RL data, exact Llama-3/Qwen2 token counts, the LLaMA-Factory hand-off
export { importEpoRl, preprocessScores, type EpoRlRecord, type ImportOptions as EpoRlImportOptions } from './train/epo-rl-data.js';
export { tokenizerJsonCounter } from './train/export/token-counters.js';
export { resolveBaseModel } from './train/export/base-model.js';

// the run viewer (epo view) and shareable run reports
export { startView, type ViewServer } from './view/server.js';
export { runReportHtml } from './view/report.js';

// environment server: environments over AgentGym's HTTP protocol and /v1/envs
export { startEnvServer, type EnvServerOptions, type RunningEnvServer } from './serve/env/server.js';
export { loadServedEnv, type LoadServedOptions } from './serve/env/load.js';
export type { ServedEnv } from './serve/env/served.js';

// tracking, self-play reports and episode transcripts
export { parseReportTo, fanOut, nullTracker, TRACKER_NAMES, type Tracker, type TrackerName, type TableRow } from './track/tracker.js';
export { openTrackers } from './track/open.js';
export { jsonlTracker } from './track/jsonl.js';
export { tensorboardTracker } from './track/tensorboard.js';
export { wandbTracker } from './track/wandb.js';
export { summariseSelfPlay, type SelfPlaySummary } from './selfplay/summary.js';
export { renderSelfPlayReport } from './selfplay/report.js';
export { formatEpisode } from './eval/transcript.js';
export { episodeWeights, type SeatWeights } from './rewards/episode-weights.js';

// the reference protocol for ALFWorld and WebShop: the release's layout over its installed files
export { epoLayout, type ChatLayout, type EpisodeLayout, type LayoutContext, type StepView, type ThoughtView } from './agents/layout.js';
export { loadAlfshopReference, type AlfshopReference } from './reference/alfshop.js';
export { parseReferenceAction, promptWithIcl, referenceLayout } from './reference/alfshop-layout.js';
export { referenceSuite, type ReferenceSampling } from './reference/alfshop-protocol.js';
export { referenceData, REFERENCE_FILES } from './reference/install.js';

// plug-in: the strategist proxy (epo proxy)
export { startProxy, type ProxyOptions, type RunningProxy } from './plugin/proxy/server.js';
export { abReport, formatAbReport, newcombeDiff, type AbReport, type ArmReport } from './plugin/proxy/ab-report.js';

// the reference protocol: SOTOPIA and the judge
export { sotopiaProtocol, referenceSotopia, loadReferenceTemplates, EPO_SOTOPIA, type SotopiaProtocol } from './rollout/sotopia-protocol.js';
export { REFERENCE_RULES } from './envs/sotopia/episode-rules.js';
export { referenceJudgeEpisode, referenceJudgeRequest, shareGptRecord } from './rewards/judge/reference.js';

// plug-in adapters (epo/ai-sdk, epo/langchain are subpath exports): recording agent sessions as episodes
export { SessionLog, type SessionLogOptions, type SessionOutcome } from './plugin/session-log.js';
export { sessionEpisodes, PLUGIN_ENV, type SessionCall, type SessionMeta } from './plugin/session-episode.js';
