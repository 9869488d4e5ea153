/**
 * The rule-based actor (`scripted:rule-actor`): turns the strategist's thought into the admissible command closest
 * to it, with no model. It reads the last user message of the actor's chat, which holds `Thought: …` and, when the
 * rollout offers them (`showAdmissible`), `Available actions: a, b, …`.
 *
 * Closest = (1) the longest admissible command that appears verbatim in the thought; else (2) the highest token
 * overlap: matched thought tokens (command words and numbers) over the command's tokens, with a bonus when the verb
 * (first word, or "go to") matches. Ties are broken by role words: when the thought says "new", first a command
 * the actor has not issued yet in this episode (so "go to a new place" explores), then more words of the task
 * sentence; otherwise the other way round (so "take it" and "go to the target" resolve to the task's object and
 * receptacle); then a smaller character edit distance to the thought; then list order.
 * Without an action list it answers the thought's last sentence as the command (the environment decides).
 */
import { estimateTokens, type ChatModel, type CompletionResult } from '../llm/model.js';

const tokens = (s: string): string[] => s.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').split(/\s+/).filter(Boolean);

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

const greater = (a: number[], b: number[]): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
};

const verbOf = (cmd: string): string => (cmd.startsWith('go to') ? 'go' : cmd.split(' ')[0]);

/** The admissible command closest to a thought (see the file comment), or undefined for an empty list. */
export function closestCommand(thought: string, admissible: readonly string[], task = '', issued: ReadonlySet<string> = new Set()): string | undefined {
  if (!admissible.length) return undefined;
  const low = ` ${tokens(thought).join(' ')} `;
  const verbatim = admissible.filter((c) => low.includes(` ${tokens(c).join(' ')} `));
  if (verbatim.length) return verbatim.reduce((a, b) => (b.length > a.length ? b : a));
  const th = tokens(thought);
  const bag = new Map<string, number>();
  for (const t of th) bag.set(t, (bag.get(t) ?? 0) + 1);
  const taskWords = new Set(tokens(task).filter((t) => !/^\d+$/.test(t) && !['a', 'an', 'some', 'the', 'in', 'on', 'to', 'put', 'your', 'task', 'is'].includes(t)));
  const thoughtVerbs = new Set(th.map((t, i) => (t === 'go' && th[i + 1] === 'to' ? 'go' : t)));
  // Role words: "new" asks for a command not issued yet (a place not visited), otherwise the task's words decide
  // ("take it", "go to the target" → the task's object and receptacle).
  const wantsNew = /\bnew\b/.test(thought.toLowerCase());
  let best: string | undefined, bestKey: number[] | undefined;
  for (const c of admissible) {
    const ct = tokens(c);
    const left = new Map(bag);
    let hit = 0;
    for (const t of ct) { const n = left.get(t) ?? 0; if (n > 0) { hit++; left.set(t, n - 1); } }
    const score = hit / Math.max(1, ct.length) + (thoughtVerbs.has(verbOf(c)) ? 0.5 : 0);
    const fresh = issued.has(c) ? 0 : 1;
    const taskHits = ct.filter((t) => taskWords.has(t)).length;
    const key = [score, wantsNew ? fresh : taskHits, wantsNew ? taskHits : fresh, -editDistance(c, thought.toLowerCase())];
    if (!bestKey || greater(key, bestKey)) { best = c; bestKey = key; }
  }
  return best;
}

/** Thought and action list from the actor's last user message. */
export function readActorTurn(text: string): { thought: string; admissible?: string[] } {
  const th = /(?:^|\n)Thought:\s*([^\n]*)/.exec(text);
  const av = /(?:^|\n)Available actions:\s*([^\n]*)/.exec(text);
  return { thought: th?.[1]?.trim() ?? '', admissible: av ? av[1].split(', ').map((s) => s.trim()).filter(Boolean) : undefined };
}

export function ruleActor(spec = 'scripted:rule-actor'): ChatModel {
  return {
    spec,
    async complete(req): Promise<CompletionResult> {
      const last = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const { thought, admissible } = readActorTurn(last);
      const task = req.messages.map((m) => /Your task is to: ([^\n]*)/.exec(m.content)?.[1]).find(Boolean) ?? '';
      const fallback = thought.split(/(?<=[.!?])\s+/).filter(Boolean).pop()?.replace(/[.!?]+$/, '') ?? '';
      const issued = new Set(req.messages.filter((m) => m.role === 'assistant').map((m) => m.content.replace(/^Action:\s*/, '').trim()));
      const cmd = admissible ? closestCommand(thought, admissible, task, issued) : fallback;
      const text = `Action: ${cmd ?? fallback}`;
      const prompt = req.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
      return { text, usage: { promptTokens: prompt, completionTokens: estimateTokens(text) }, finishReason: 'stop', model: 'rule-actor' };
    },
  };
}
