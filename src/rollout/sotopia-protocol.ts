/**
 * A SOTOPIA protocol: the episode rules and every request layout (strategist, actor, evaluator) chosen once per run,
 * so the episode loop never asks which protocol it follows. `epo` is this project's own; `reference` is the EPO
 * release's, its templates read from the installed `epo-reference` extracts.
 */
import type { ChatMessage } from '../core/messages.js';
import type { ProtocolName } from '../config/commands/common.js';
import { DEFAULT_RULES, REFERENCE_RULES, type EpisodeRules } from '../envs/sotopia/episode-rules.js';
import { evaluatorMessages } from '../envs/sotopia/evaluator.js';
import { fullName, type Character, type Scenario } from '../envs/sotopia/profiles.js';
import { renderHistory, turnLine, type HistoryEntry } from '../envs/sotopia/render.js';
import { referenceBackground, referenceEvaluatorHistory, referenceInbox, type ProfileTemplates } from '../envs/sotopia/reference-view.js';
import { actorMessages } from '../agents/sotopia/actor.js';
import { referenceActorMessages, referenceEvaluatorMessages, referenceStrategistMessages, weaveStrategies } from '../agents/sotopia/reference.js';
import { extendStrategistChat, foldSystem, parseStrategy, strategistFirstUser, strategistNextUser, strategistSystem } from '../agents/sotopia/strategist.js';
import { readReferenceJson } from '../reference/files.js';
import { SOTOPIA_EVALUATOR_JSON, SOTOPIA_PROFILES_JSON, SOTOPIA_PROMPTS_JSON, type SotopiaEvaluatorTemplates, type SotopiaPromptTemplates } from '../reference/sotopia-extracts.js';

/** What a seat's requests are built from at its turn. */
export interface SeatTurn {
  scenario: Scenario;
  characters: readonly [Character, Character];
  seat: 0 | 1;
  /** 0-based turn index. */
  turn: number;
  history: readonly HistoryEntry[];
  /** This seat's strategist outputs so far, raw, in order. */
  ownStrategies: readonly string[];
  /** This seat's previous strategist chat and how many history entries it had seen (epo's chat extends it). */
  previousChat?: ChatMessage[];
  seen: number;
  systemRole: boolean;
}

export interface SotopiaProtocol {
  name: ProtocolName;
  rules: EpisodeRules;
  /** Whether actor and evaluator requests carry their JSON schema (`response_format`); the reference's do not. */
  structuredOutput: boolean;
  /** Whether a partner without its own strategist is guided by the tested seat's strategist by default. */
  partnerStrategistByDefault: boolean;
  strategistInput(s: SeatTurn): ChatMessage[];
  /** What the actor is given of the strategist's raw output. */
  strategyForActor(output: string): string;
  actorInput(s: SeatTurn, strategy: string | undefined): ChatMessage[];
  evaluatorInput(scenario: Scenario, characters: readonly [Character, Character], history: readonly HistoryEntry[], systemRole: boolean): ChatMessage[];
}

const namesOf = (c: readonly [Character, Character]) => [fullName(c[0]), fullName(c[1])] as const;

export const EPO_SOTOPIA: SotopiaProtocol = {
  name: 'epo',
  rules: DEFAULT_RULES,
  structuredOutput: true,
  partnerStrategistByDefault: false,
  strategistInput(s) {
    const names = namesOf(s.characters);
    const user = s.previousChat
      ? strategistNextUser(s.history.slice(s.seen).map((h) => turnLine(h.turn, names[h.seat], h.action)), names[s.seat], s.turn)
      : strategistFirstUser(renderHistory(s.scenario, s.characters, s.seat, s.history), names[s.seat], s.turn);
    return extendStrategistChat(s.previousChat, s.ownStrategies.at(-1), user, strategistSystem(names[s.seat], names[1 - s.seat]), s.systemRole);
  },
  strategyForActor: parseStrategy,
  actorInput(s, strategy) {
    const names = namesOf(s.characters);
    return foldSystem(actorMessages({ name: names[s.seat], history: renderHistory(s.scenario, s.characters, s.seat, s.history), turn: s.turn, actionTypes: DEFAULT_RULES.actionTypes, strategy }), s.systemRole);
  },
  evaluatorInput(scenario, characters, history, systemRole) {
    return foldSystem(evaluatorMessages(renderHistory(scenario, characters, 'environment', history, { skipNone: true }), namesOf(characters)), systemRole);
  },
};

/** epo's protocol with other rules (the CLI's --max-turns and --action-types). */
export const epoSotopia = (rules: EpisodeRules): SotopiaProtocol => ({
  ...EPO_SOTOPIA, rules,
  actorInput(s, strategy) {
    const names = namesOf(s.characters);
    return foldSystem(actorMessages({ name: names[s.seat], history: renderHistory(s.scenario, s.characters, s.seat, s.history), turn: s.turn, actionTypes: rules.actionTypes, strategy }), s.systemRole);
  },
});

export interface ReferenceTemplates {
  prompts: SotopiaPromptTemplates;
  profiles: ProfileTemplates;
  evaluator: SotopiaEvaluatorTemplates;
}

/** The installed extracts (an EpoError saying how to install them when missing). */
export const loadReferenceTemplates = (root?: string): ReferenceTemplates => ({
  prompts: readReferenceJson<SotopiaPromptTemplates>(SOTOPIA_PROMPTS_JSON, root),
  profiles: readReferenceJson<ProfileTemplates>(SOTOPIA_PROFILES_JSON, root),
  evaluator: readReferenceJson<SotopiaEvaluatorTemplates>(SOTOPIA_EVALUATOR_JSON, root),
});

/** The EPO release's protocol. The system-role choice does not apply: its requests have no system message. */
export function referenceSotopia(t: ReferenceTemplates): SotopiaProtocol {
  const rules = REFERENCE_RULES;
  const woven = (s: SeatTurn) => {
    const names = namesOf(s.characters);
    const inbox = referenceInbox(referenceBackground(t.profiles, s.scenario, s.characters, s.seat), names, s.history);
    return { name: names[s.seat], history: weaveStrategies(inbox, names[s.seat], s.ownStrategies) };
  };
  return {
    name: 'reference',
    rules,
    structuredOutput: false,
    partnerStrategistByDefault: true,
    strategistInput(s) {
      const w = woven(s);
      return referenceStrategistMessages(t.prompts, w.name, w.history);
    },
    strategyForActor: (output) => output,
    actorInput(s, strategy) {
      const w = woven(s);
      return referenceActorMessages(t.prompts, { name: w.name, turn: s.turn, wovenHistory: w.history, strategy: strategy ?? '', actionTypes: rules.actionTypes });
    },
    evaluatorInput(scenario, characters, history) {
      const bg = referenceBackground(t.profiles, scenario, characters, 'environment');
      return referenceEvaluatorMessages(t.evaluator, referenceEvaluatorHistory(bg, namesOf(characters), history));
    },
  };
}

/** The protocol a run follows, chosen once. */
export const sotopiaProtocol = (name: ProtocolName, epoRules: EpisodeRules = DEFAULT_RULES, root?: string): SotopiaProtocol =>
  (name === 'reference' ? referenceSotopia(loadReferenceTemplates(root)) : epoSotopia(epoRules));
