/**
 * The SOTOPIA actor: plays one character for one turn. Its prompt holds its own view of the episode (background with
 * its goal, the partner's goal hidden, the conversation so far), an optional strategy from its strategist, the allowed
 * action types, and asks for JSON `{"action_type": ..., "argument": ...}`.
 */
import { z } from 'zod';
import type { ChatMessage } from '../../core/messages.js';
import type { ActionType, AgentAction } from '../../envs/sotopia/episode-rules.js';
import type { JsonSchemaSpec } from '../../llm/model.js';

const TYPE_HELP: Record<ActionType, string> = {
  none: '"none": do nothing this turn (argument "")',
  speak: '"speak": say something; the argument is the words you say',
  'non-verbal communication': '"non-verbal communication": a gesture or facial expression, e.g. "nods slowly"',
  action: '"action": a physical action, e.g. "hands over the keys"',
  leave: '"leave": leave the conversation, which ends it (argument ""); do so once your goal is reached or clearly cannot be',
};

export interface ActorPromptInput {
  name: string;
  /** The character's own view: background and conversation so far (render.ts renderHistory). */
  history: string;
  /** 0-based turn index. */
  turn: number;
  actionTypes: readonly ActionType[];
  strategy?: string;
}

export function actorMessages(p: ActorPromptInput): ChatMessage[] {
  const system = `You are ${p.name} in a role-play of an everyday social situation. Stay in character: speak and act as ${p.name} would, given the background you are shown. Your goal is known only to you; pursue it, but also:
- sound natural and do not repeat yourself;
- keep or improve your relationship with the other person;
- find out information that matters for your goal;
- keep your secrets;
- respect social norms, morals and the law;
- look after your financial and material interests where they are at stake.`;
  const strategy = p.strategy ? `\nA social-skills adviser proposes this strategy for your turn: "${p.strategy}". Use it if it helps you; you may ignore it.\n` : '';
  const user = `${p.history}

It is turn #${p.turn + 1} and it is your turn, ${p.name}.
${strategy}
Choose one action type:
${p.actionTypes.map((t) => `- ${TYPE_HELP[t]}`).join('\n')}
Keep the argument to one or two sentences. Reply with only a JSON object, for example {"action_type": "speak", "argument": "..."}.`;
  return [{ role: 'system', content: system }, { role: 'user', content: user }];
}

/** Zod schema of the reply, restricted to the allowed types; none and leave lose their argument. */
export function actionSchema(types: readonly ActionType[]): z.ZodType<AgentAction> {
  return z.object({
    action_type: z.string().transform((s) => s.trim().toLowerCase().replace(/_/g, ' ').replace(/^non verbal/, 'non-verbal'))
      .refine((s): s is ActionType => (types as readonly string[]).includes(s), { message: `action_type must be one of: ${types.join(', ')}` }),
    argument: z.union([z.string(), z.null()]).optional().transform((s) => s ?? ''),
  }).transform((r) => ({
    type: r.action_type as ActionType,
    argument: r.action_type === 'none' || r.action_type === 'leave' ? '' : r.argument.trim(),
  })) as unknown as z.ZodType<AgentAction>;
}

export const actionJsonSchema = (types: readonly ActionType[]): JsonSchemaSpec => ({
  name: 'sotopia_action',
  schema: {
    type: 'object', additionalProperties: false, required: ['action_type', 'argument'],
    properties: { action_type: { type: 'string', enum: [...types] }, argument: { type: 'string' } },
  },
});
