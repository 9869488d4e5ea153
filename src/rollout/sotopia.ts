/**
 * The SOTOPIA episode loop: two seats take turns (seat 0 first). On its turn a seat's strategist (when it has one)
 * proposes one strategy from that seat's view and its own earlier strategies, then the seat's actor answers with a
 * JSON action; the episode ends per `episode-rules.ts`; then the evaluator scores both seats on the seven
 * dimensions. Every model call is recorded: the strategist's chat exactly (it extends turn by turn, see
 * `strategistChat`), the actor's prompt and raw reply, token usage.
 */
import { deriveSeed } from '../core/random.js';
import { strategistChat, type Call, type Episode, type ModelRef, type Turn, type TokenUsage } from '../core/episode.js';
import { describeError, EpoError, isEpoError } from '../core/errors.js';
import type { ChatMessage } from '../core/messages.js';
import type { ChatModel, CompletionRequest, CompletionResult } from '../llm/model.js';
import { completeJson } from '../llm/structured.js';
import { actionJsonSchema, actionSchema } from '../agents/sotopia/actor.js';
import { endReason, normaliseAction, seatAt, type AgentAction, type EpisodeRules } from '../envs/sotopia/episode-rules.js';
import { DIMENSIONS, EVALUATION_JSON_SCHEMA, evaluationSchema, flatScores, type Dimension } from '../envs/sotopia/evaluator.js';
import { fullName, type Character, type Combo, type Scenario } from '../envs/sotopia/profiles.js';
import { renderBackground, turnLine, type HistoryEntry } from '../envs/sotopia/render.js';
import { EPO_SOTOPIA, epoSotopia, type SeatTurn, type SotopiaProtocol } from './sotopia-protocol.js';

export type Seat = 0 | 1;

export interface SeatAgents {
  actor: ChatModel;
  strategist?: ChatModel;
}

export interface SotopiaSampling {
  actorTemperature: number;
  strategistTemperature: number;
  actorMaxTokens: number;
  strategistMaxTokens: number;
  evaluatorMaxTokens: number;
  /** Repair attempts for malformed JSON (actor and evaluator). */
  maxRepairs: number;
  /** False for chat templates without a system role: instructions open the first user message instead. */
  systemRole: boolean;
}

export const DEFAULT_SAMPLING: SotopiaSampling = {
  actorTemperature: 0.7, strategistTemperature: 0.7, actorMaxTokens: 512, strategistMaxTokens: 64, evaluatorMaxTokens: 4096, maxRepairs: 2, systemRole: true,
};

/** Everything an episode needs; the task (scenario and characters) is copied into the episode so it stands alone. */
export interface SotopiaEpisodeSpec {
  id: string;
  taskId: string;
  trial: number;
  seed: number;
  run: string;
  combo: Combo;
  scenario: Scenario;
  characters: [Character, Character];
  seats: [SeatAgents, SeatAgents];
  evaluator?: ChatModel;
  /** The seats whose scores the benchmark reports (the tested model's seats); outcome.reward averages their goal. */
  testSeats: Seat[];
  models: Record<string, ModelRef>;
  rules?: EpisodeRules;
  /** Rules and request layouts (default: epo's, with `rules`); when given, its rules win over `rules`. */
  protocol?: SotopiaProtocol;
  sampling?: Partial<SotopiaSampling>;
  codeVersion: string;
  dataVersion?: string;
  signal?: AbortSignal;
}

/** The evaluation stored on an episode. */
export interface SotopiaEvaluation {
  evaluator: string;
  ok: boolean;
  /** Per seat: character name, the seven scores plus overall, and the judge's reasoning per dimension. */
  seats?: { character: string; scores: Record<Dimension | 'overall', number>; reasoning: Record<Dimension, string> }[];
  testSeats: Seat[];
  /** The judge's chat as sent (first attempt), for audits and judge studies. */
  input?: ChatMessage[];
  raw?: string;
  attempts?: number;
  usage?: TokenUsage;
  error?: string;
}

/** A model wrapper that adds up token usage and cost until drained (one episode's calls are sequential). */
function metered(model: ChatModel): ChatModel & { drain(): TokenUsage } {
  let u: TokenUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };
  return {
    spec: model.spec,
    async complete(req: CompletionRequest): Promise<CompletionResult> {
      const r = await model.complete(req);
      u.promptTokens += r.usage.promptTokens;
      u.completionTokens += r.usage.completionTokens;
      u.costUsd! += r.costUsd ?? 0;
      return r;
    },
    drain() { const out = u; u = { promptTokens: 0, completionTokens: 0, costUsd: 0 }; return out; },
  };
}

export async function runSotopiaEpisode(spec: SotopiaEpisodeSpec): Promise<Episode> {
  const protocol = spec.protocol ?? (spec.rules ? epoSotopia(spec.rules) : EPO_SOTOPIA);
  const rules = protocol.rules;
  const sampling = { ...DEFAULT_SAMPLING, ...spec.sampling };
  const startedAt = new Date().toISOString();
  const chars = spec.characters;
  const names = [fullName(chars[0]), fullName(chars[1])] as const;
  const actors = spec.seats.map((s) => metered(s.actor));
  const strategists = spec.seats.map((s) => (s.strategist ? metered(s.strategist) : undefined));
  const history: HistoryEntry[] = [];
  const turns: Turn[] = [];
  // Per seat: the strategist's last chat, its outputs so far and how much history it had seen.
  const strat: { chat?: ChatMessage[]; outputs: string[]; seen: number }[] = [{ outputs: [], seen: 0 }, { outputs: [], seen: 0 }];
  let reason: string | undefined;

  for (let t = 0; reason === undefined; t++) {
    if (spec.signal?.aborted) throw spec.signal.reason ?? new EpoError('INTERRUPTED', 'episode aborted', { where: spec.id });
    const seat = seatAt(t);
    const turnStart = Date.now();
    const s = strat[seat];
    const seatTurn: SeatTurn = {
      scenario: spec.scenario, characters: chars, seat, turn: t, history: [...history], ownStrategies: [...s.outputs],
      previousChat: s.chat, seen: s.seen, systemRole: sampling.systemRole,
    };

    let strategy: string | undefined;
    let strategistCall: Call | undefined;
    const sm = strategists[seat];
    if (sm) {
      const input = protocol.strategistInput(seatTurn);
      const t0 = Date.now();
      const res = await sm.complete({
        messages: input, temperature: sampling.strategistTemperature, maxTokens: sampling.strategistMaxTokens,
        seed: deriveSeed(spec.seed, t, 'strategist'), signal: spec.signal,
      });
      strategistCall = { input, output: res.text, usage: sm.drain(), ms: Date.now() - t0, ...(res.truncated ? { truncated: true } : {}) };
      strategy = protocol.strategyForActor(res.text);
      s.chat = input; s.outputs.push(res.text); s.seen = history.length;
    }

    const actorInput = protocol.actorInput(seatTurn, strategy);
    const t1 = Date.now();
    let action: AgentAction;
    let raw = '';
    let parseError: string | undefined;
    let attempts = 0;
    try {
      const r = await completeJson(actors[seat], {
        messages: actorInput, temperature: sampling.actorTemperature, maxTokens: sampling.actorMaxTokens,
        seed: deriveSeed(spec.seed, t, 'actor'), signal: spec.signal,
      }, actionSchema(rules.actionTypes), { maxRepairs: sampling.maxRepairs, jsonSchema: actionJsonSchema(rules.actionTypes), plain: !protocol.structuredOutput });
      action = normaliseAction(r.value); raw = r.raw; attempts = r.attempts;
    } catch (e) {
      if (!isEpoError(e, 'MODEL_OUTPUT')) throw e;
      // Unusable output after the repairs: the seat does nothing this turn, and the turn says why.
      action = { type: 'none', argument: '' }; parseError = describeError(e); attempts = sampling.maxRepairs + 1;
    }
    const actorCall: Call = { input: actorInput, output: raw, usage: actors[seat].drain(), ms: Date.now() - t1, ...(parseError ? { parseError } : {}) };

    history.push({ turn: t, seat, action });
    reason = endReason(history.map((h) => h.action), rules);
    turns.push({
      index: t, seat, ...(strategistCall ? { strategist: strategistCall } : {}), actor: actorCall,
      action: JSON.stringify({ action_type: action.type, argument: action.argument }),
      observation: turnLine(t, names[seat], action), reward: 0, done: reason !== undefined,
      info: { character: names[seat], actionType: action.type, argument: action.argument, ...(strategy !== undefined ? { strategy } : {}), actorAttempts: attempts },
      ms: Date.now() - turnStart,
    });
  }

  const episode: Episode = {
    id: spec.id, run: spec.run, env: 'sotopia', taskId: spec.taskId, trial: spec.trial, seed: spec.seed, models: spec.models,
    codeVersion: spec.codeVersion, ...(spec.dataVersion ? { dataVersion: spec.dataVersion } : {}),
    task: { ...(protocol.name === 'epo' ? {} : { protocol: protocol.name }), comboId: spec.combo.id, scenarioId: spec.scenario.id, codename: spec.scenario.codename, relationship: spec.scenario.relationship, testSeats: spec.testSeats, scenario: spec.scenario, characters: chars },
    initialObservation: renderBackground(spec.scenario, chars, 'environment'),
    turns, outcome: { reward: 0, success: false, reason: reason!, evaluated: false },
    startedAt, finishedAt: startedAt,
  };
  if (spec.evaluator) await evaluateSotopiaEpisode(episode, spec.evaluator, { sampling, signal: spec.signal, protocol });
  episode.finishedAt = new Date().toISOString();
  return episode;
}

/** The history entries of a stored episode (from its turns). */
export function episodeHistory(e: Episode): HistoryEntry[] {
  return e.turns.map((t) => ({ turn: t.index, seat: (t.seat ?? seatAt(t.index)) as Seat, action: { type: t.info?.actionType as AgentAction['type'], argument: String(t.info?.argument ?? '') } }));
}

/** Task facts copied into a SOTOPIA episode. */
export function episodeTask(e: Episode): { scenario: Scenario; characters: [Character, Character]; testSeats: Seat[] } {
  const t = e.task as { scenario?: Scenario; characters?: [Character, Character]; testSeats?: Seat[] };
  if (!t.scenario || !t.characters) throw new EpoError('BAD_DATA', 'not a SOTOPIA episode (task has no scenario/characters)', { where: e.id });
  return { scenario: t.scenario, characters: t.characters, testSeats: t.testSeats ?? [0, 1] };
}

/**
 * Score an episode with the evaluator and write `evaluation` and `outcome` into it. A judge that never produces valid
 * JSON within the repairs, or whose endpoint fails after its retries, leaves `evaluation.ok = false`: the episode is
 * kept and `epo eval sotopia` evaluates it again on the next run. Only an abort propagates.
 */
export async function evaluateSotopiaEpisode(e: Episode, evaluator: ChatModel, opts: { sampling?: Partial<SotopiaSampling>; signal?: AbortSignal; protocol?: SotopiaProtocol } = {}): Promise<SotopiaEvaluation> {
  const sampling = { ...DEFAULT_SAMPLING, ...opts.sampling };
  const { scenario, characters, testSeats } = episodeTask(e);
  const names = [fullName(characters[0]), fullName(characters[1])] as const;
  const judge = metered(evaluator);
  const protocol = opts.protocol ?? EPO_SOTOPIA;
  const messages = protocol.evaluatorInput(scenario, characters, episodeHistory(e), sampling.systemRole);
  let ev: SotopiaEvaluation;
  try {
    const r = await completeJson(judge, {
      messages, temperature: 0, maxTokens: sampling.evaluatorMaxTokens, seed: deriveSeed(e.seed, 'evaluator'), signal: opts.signal,
    }, evaluationSchema, { maxRepairs: sampling.maxRepairs, jsonSchema: EVALUATION_JSON_SCHEMA, plain: !protocol.structuredOutput });
    ev = {
      evaluator: evaluator.spec, ok: true, testSeats, input: messages, raw: r.raw, attempts: r.attempts, usage: judge.drain(),
      seats: r.value.seats.map((s, k) => ({
        character: names[k], scores: flatScores(s),
        reasoning: Object.fromEntries(DIMENSIONS.map((d) => [d, s[d].reasoning])) as Record<Dimension, string>,
      })),
    };
  } catch (err) {
    // Unusable output or an endpoint that stays down after retries: keep the dialogue, evaluate again later.
    if (opts.signal?.aborted) throw err;
    ev = { evaluator: evaluator.spec, ok: false, testSeats, input: messages, error: describeError(err), usage: judge.drain() };
  }
  e.evaluation = ev as unknown as Record<string, unknown>;
  const goals = ev.seats?.map((s) => s.scores.goal / 10);
  const reward = goals ? testSeats.reduce((a: number, s) => a + goals[s], 0) / testSeats.length : 0;
  // "success" is only a convenience for list views: SOTOPIA reports scores, not success.
  e.outcome = { ...e.outcome, reward, success: ev.ok && reward >= 0.7, evaluated: ev.ok, ...(goals ? { seatRewards: goals } : {}) };
  return ev;
}

export type UsageRole = 'actor' | 'strategist' | 'partner' | 'partner_strategist' | 'evaluator';

/** Tokens and cost of one episode by role (the tested seats' actor and strategist, the partner's, the evaluator). */
export function sotopiaUsageByRole(e: Episode): Record<UsageRole, TokenUsage> {
  const zero = (): TokenUsage => ({ promptTokens: 0, completionTokens: 0, costUsd: 0 });
  const out: Record<UsageRole, TokenUsage> = { actor: zero(), strategist: zero(), partner: zero(), partner_strategist: zero(), evaluator: zero() };
  const add = (role: UsageRole, x?: TokenUsage) => {
    if (!x) return;
    out[role].promptTokens += x.promptTokens; out[role].completionTokens += x.completionTokens; out[role].costUsd! += x.costUsd ?? 0;
  };
  const testSeats = ((e.task as { testSeats?: number[] }).testSeats ?? [0, 1]);
  for (const t of e.turns) {
    const tested = testSeats.includes(t.seat ?? seatAt(t.index));
    add(tested ? 'strategist' : 'partner_strategist', t.strategist?.usage);
    add(tested ? 'actor' : 'partner', t.actor?.usage);
  }
  add('evaluator', (e.evaluation as SotopiaEvaluation | undefined)?.usage);
  return out;
}

/** Tokens and cost of one episode, all roles included (strategists, actors, evaluator). */
export function sotopiaEpisodeUsage(e: Episode): TokenUsage {
  const u: TokenUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };
  for (const x of Object.values(sotopiaUsageByRole(e))) { u.promptTokens += x.promptTokens; u.completionTokens += x.completionTokens; u.costUsd! += x.costUsd ?? 0; }
  return u;
}

/**
 * What training takes from a SOTOPIA episode: for each seat that had a strategist, its exact chat
 * (`strategistChat(e, seat)`) and that seat's outcome (goal/10), so self-play episodes give one sample per seat.
 */
export function sotopiaStrategistSamples(e: Episode): { seat: Seat; chat: ChatMessage[]; reward: number | undefined }[] {
  const rewards = e.outcome.seatRewards as number[] | undefined;
  return ([0, 1] as const).filter((s) => e.turns.some((t) => t.seat === s && t.strategist))
    .map((seat) => ({ seat, chat: strategistChat(e, seat), reward: rewards?.[seat] }));
}
