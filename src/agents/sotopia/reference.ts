/**
 * SOTOPIA's strategist, actor and evaluator requests under the reference protocol, laid out as the EPO release does
 * from its templates (read from the installed extracts, never written here):
 * - the seat's own past strategies are woven into its history before each own `said:` line (`agents/llm_agent.py:80-95`);
 * - the strategist's template is filled and then cut into a user/assistant chat as `reshape_prompt` does
 *   (`generation_utils/generate.py:80-148`), the strategy passed on raw;
 * - the actor gets one user message from the action template (`generate.py:842-846` carries the strategy);
 * - the evaluator gets one user message from its template, the rubric being the dimensions' field descriptions.
 * The JSON format instructions (langchain's text around each pydantic schema) are not in the release's files: epo
 * states the same schema in its own words there.
 */
import { EpoError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/messages.js';
import { formatDocstring } from '../../reference/python-literal.js';
import type { SotopiaEvaluatorTemplates, SotopiaPromptTemplates } from '../../reference/sotopia-extracts.js';
import type { ActionType } from '../../envs/sotopia/episode-rules.js';

/** Python's `str.splitlines()` line breaks; a break at the very end makes no extra line. */
const BREAKS = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029]);

export function pySplitLines(s: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (!BREAKS.has(s.charCodeAt(i))) continue;
    lines.push(s.slice(start, i));
    if (s[i] === '\r' && s[i + 1] === '\n') i++;
    start = i + 1;
  }
  if (start < s.length) lines.push(s.slice(start));
  return lines;
}

/** The history with the seat's own earlier strategies (raw outputs, in order) woven in before its `said:` lines. */
export function weaveStrategies(history: string, name: string, strategies: readonly string[]): string {
  let k = 0;
  return pySplitLines(history).map((line) => {
    if (!(line.includes(name) && line.includes('said'))) return line;
    const parts = line.split(`${name} said:`);
    if (parts.length > 1 && k < strategies.length) return `${parts[0]}${name} strategy: ${strategies[k++]}\n${name} said:${parts[1]}`;
    return line;
  }).join('\n');
}

/** Python `str.format` over a template's named fields. */
export function fillTemplate(template: string, values: Record<string, string>, where: string): string {
  return template.replace(/\{\{|\}\}|\{(\w+)\}/g, (m, k: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (!(k! in values)) throw new EpoError('BAD_DATA', `the reference template has a field {${k}} the layout does not fill`, { where });
    return values[k!];
  });
}

const firstGroup = (re: RegExp, s: string, what: string): string => {
  const m = re.exec(s);
  if (!m) throw new EpoError('BAD_INPUT', `the strategist prompt has no ${what}, which the reference layout needs`, { where: 'reshape_prompt' });
  return m[1];
};

/** `get_action_type_argument`: `said:` gives the text after the opening quote up to the line end (closing quote kept). */
function actionOf(chunk: string): [string, string] {
  if (!chunk.includes('said:')) return [' left the conversation', ''];
  return [' said: ', firstGroup(/said:\s*"([\s\S]*?)\n/, chunk, 'quoted utterance')];
}

/** The filled strategist prompt as the user/assistant chat the reference sends its strategy model. */
export function reshapePrompt(prompt: string, t: SotopiaPromptTemplates): ChatMessage[] {
  const speaker = firstGroup(/Your current objective is to assist (.+?) in reaching their goal/, prompt, 'speaker');
  const participants = firstGroup(/\nParticipants: (.+?)\n/, prompt, 'participants line').split(' and ');
  const isFirst = participants[0] === speaker;
  const other = isFirst ? participants[1] : participants[0];
  const text = prompt.replace(/Agent2/g, () => other);
  const chunks = text.split('Turn #');
  const head = text.split('Conversation Starts:')[0];
  const messages: ChatMessage[] = [];
  let own: [string, string] = ['', ''];
  let strategy = 'None';
  const ownTurn = (i: number) => (isFirst ? i % 2 !== 0 : i % 2 === 0);
  if (isFirst) messages.push({ role: 'user', content: (head + t.reshapeFirst).replace(/Agent1/g, () => speaker) });
  else {
    const [type, arg] = actionOf(chunks[1] ?? '');
    messages.push({ role: 'user', content: `${head}${t.reshapeSecond}${other}${type}${arg}` });
  }
  for (let i = isFirst ? 1 : 2; i < chunks.length; i++) {
    let chunk = chunks[i];
    if (ownTurn(i)) {
      if (chunk.includes('strategy:')) {
        strategy = firstGroup(/strategy:\s?(.+?)\n/, chunk, 'strategy line');
        chunk = chunk.replace(/(.+?) strategy:\s?(.+?)\n/g, '');
      } else strategy = 'None';
      own = actionOf(chunk);
      messages.push({ role: 'assistant', content: strategy });
    } else {
      const [type, arg] = actionOf(chunk);
      messages.push({ role: 'user', content: `${speaker}${own[0]}${own[1]}\n${other}${type}${arg}` });
    }
  }
  return messages;
}

/** The strategist's request for `name` at its turn: template filled with the woven history, then reshaped. */
export function referenceStrategistMessages(t: SotopiaPromptTemplates, name: string, wovenHistory: string): ChatMessage[] {
  const prompt = fillTemplate(formatDocstring(t.strategy), { agent: name, history: wovenHistory }, 'agenerate_strategy');
  return reshapePrompt(prompt, t);
}

/** epo's statement of the actor's JSON format (the reference sends langchain's text for the same schema). */
export function actionFormatInstructions(types: readonly ActionType[]): string {
  const schema = {
    properties: {
      action_type: { title: 'Action Type', description: 'whether to speak at this turn or choose to not do anything', enum: [...types], type: 'string' },
      argument: { title: 'Argument', description: 'the utterance if choose to speak', type: 'string' },
    },
    required: ['action_type', 'argument'],
  };
  return `Answer with one JSON object that matches this JSON schema:\n\`\`\`\n${JSON.stringify(schema)}\n\`\`\``;
}

export interface ReferenceActorInput {
  name: string;
  /** 0-based turn index (the fork's observation turn number). */
  turn: number;
  wovenHistory: string;
  /** The strategist's raw output ('' when the seat has no strategist). */
  strategy: string;
  actionTypes: readonly ActionType[];
}

export function referenceActorMessages(t: SotopiaPromptTemplates, p: ReferenceActorInput): ChatMessage[] {
  const content = fillTemplate(formatDocstring(t.action), {
    agent: p.name, turn_number: String(p.turn), history: p.wovenHistory, strategy: p.strategy,
    action_list: p.actionTypes.join(' '), format_instructions: actionFormatInstructions(p.actionTypes),
  }, 'agenerate_action');
  return [{ role: 'user', content }];
}

/** epo's statement of the evaluator's JSON format, carrying the extracted rubric as the schema's descriptions. */
export function evaluationFormatInstructions(e: SotopiaEvaluatorTemplates): string {
  const dims = Object.fromEntries(e.dimensions.map((d) => [d.name, { title: d.name, description: d.description, type: 'array', items: [{ type: 'string' }, { type: 'integer' }] }]));
  const seat = { properties: dims, required: e.dimensions.map((d) => d.name) };
  const schema = { properties: { agent_1_evaluation: seat, agent_2_evaluation: seat }, required: ['agent_1_evaluation', 'agent_2_evaluation'] };
  return `Answer with one JSON object that matches this JSON schema; each dimension is [reasoning, integer score]:\n\`\`\`\n${JSON.stringify(schema)}\n\`\`\``;
}

export function referenceEvaluatorMessages(e: SotopiaEvaluatorTemplates, history: string): ChatMessage[] {
  const content = fillTemplate(formatDocstring(e.template), { history, format_instructions: evaluationFormatInstructions(e) }, 'ReachGoalLLMEvaluator');
  return [{ role: 'user', content }];
}
