/**
 * A scripted backend for end-to-end evaluations: it reads the prompt, finds which task it is about (by the first
 * observation in the "Task:" message) and how far the episode is, and answers as a perfect strategist (the next
 * walkthrough step, in words) or as an actor that follows the strategist's thought. `garbage` answers nonsense.
 */
import type { ChatModel, CompletionRequest } from '../../src/llm/model.js';
import { scriptedModel } from '../../src/llm/scripted.js';

export interface WalkthroughModel {
  model: ChatModel & { calls: CompletionRequest[] };
  /** The first observation of every request, in arrival order. */
  seen: string[];
  /** Answer delay in ms; may be changed while the model serves. */
  delay: { ms: number };
}

const NEXT = 'The next step is: ';

export function firstObservation(req: CompletionRequest): string | undefined {
  const m = req.messages.find((x) => x.role === 'user' && x.content.startsWith('Task:\n'));
  return m?.content.slice('Task:\n'.length).split('\nThought: ')[0];
}

export function walkthroughModel(plans: Map<string, string[]>, opts: { garbage?: boolean; delayMs?: number } = {}): WalkthroughModel {
  const seen: string[] = [];
  const delay = { ms: opts.delayMs ?? 0 };
  const model = scriptedModel(async (req) => {
    if (delay.ms) await new Promise((r) => setTimeout(r, delay.ms));
    const first = firstObservation(req);
    if (first === undefined) throw new Error('no "Task:" message in the prompt');
    seen.push(first);
    if (opts.garbage) return req.messages[0].content.startsWith('You guide') ? '' : 'lorem ipsum dolor sit amet';
    const plan = plans.get(first);
    if (!plan) throw new Error(`unknown task: ${first.slice(0, 80)}`);
    if (req.messages[0].content.startsWith('You guide')) {
      const k = req.messages.filter((m) => m.role === 'user' && m.content.startsWith("Actor's action:")).length;
      return `Thought: ${NEXT}${plan[k] ?? 'look'}`;
    }
    const last = req.messages[req.messages.length - 1].content;
    const i = last.lastIndexOf(NEXT);
    return i < 0 ? 'I am lost.' : `Action: ${last.slice(i + NEXT.length).split('\n')[0]}`;
  }, { spec: 'scripted:walkthrough' });
  return { model, seen, delay };
}
