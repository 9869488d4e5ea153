/**
 * What each seat and the evaluator see under the reference protocol, laid out as the EPO release's SOTOPIA fork does
 * (`envs/parallel.py`): profiles from the extracted templates per relationship (only `personality_and_values` of a
 * profile's personality fields), visibility by `viewer` marks, the context block, the agent's inbox as text (0-based
 * `Turn #k` lines, a blank line between messages) and the evaluator's history (1-based turn markers, no `none`).
 * The few fixed words below are the tokens the fork's parsers depend on (the judge and the strategist's chat builder
 * cut the text at them), not prompt text.
 */
import { actionSentence, type HistoryEntry } from './render.js';
import { fullName, type Character, type Relationship, type Scenario } from './profiles.js';
import { genderWord } from './visibility.js';

/** parallel.py's profile templates (extracted/sotopia-profiles.json). */
export interface ProfileTemplates {
  stranger: string;
  know_by_name: string;
  acquaintance: string;
  friend_or_closer: string;
}

export type ReferenceViewer = 0 | 1 | 'environment';

export const CONTEXT_HEADER = 'Here is the context of this interaction:';
export const CONVERSATION_STARTS = 'Conversation Starts:';
const UNKNOWN = 'Unknown';

const group = (r: Relationship): keyof ProfileTemplates =>
  r === 'stranger' ? 'stranger' : r === 'know_by_name' ? 'know_by_name' : r === 'acquaintance' ? 'acquaintance' : 'friend_or_closer';

/** The profile of `c` in seat `seat`, with its viewer marks (the fork's f-string fields filled). */
export function referenceProfile(t: ProfileTemplates, rel: Relationship, c: Character, seat: 0 | 1): string {
  const fields: Record<string, string> = {
    'profile.first_name': c.firstName, 'profile.last_name': c.lastName, 'profile.age': String(c.age),
    '_map_gender_to_adj(profile.gender)': c.gender ? genderWord(c.gender) : '', 'profile.occupation.lower()': c.occupation.toLowerCase(),
    'profile.gender_pronoun': c.pronouns, 'profile.public_info': c.publicInfo, 'profile.personality_and_values': c.personality,
    'profile.secret': c.secret, agent_id: String(seat),
  };
  return t[group(rel)].replace(/\{([^{}]+)\}/g, (m, k: string) => fields[k] ?? m);
}

interface Node { tag?: string; viewer?: string; text?: string; children: Node[] }

/** The fork renders marked text with an XML parser; malformed text is wrapped in a root first, and `&` escaped. */
function parse(xml: string): Node {
  const root: Node = { tag: 'root', children: [] };
  const stack: Node[] = [root];
  const bareAmp = /&(?![a-zA-Z]+;|#\d+;)/.test(xml);
  const decode = (s: string) => (bareAmp ? s : s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'));
  let i = 0;
  for (const m of xml.matchAll(/<(\/?)([A-Za-z_][\w-]*)([^<>]*?)(\/?)>/g)) {
    if (m.index > i) stack[stack.length - 1].children.push({ text: decode(xml.slice(i, m.index)), children: [] });
    i = m.index + m[0].length;
    if (m[1]) { if (stack.length > 1) stack.pop(); continue; }
    const node: Node = { tag: m[2], viewer: /viewer=['"]([^'"]*)['"]/.exec(m[3])?.[1], children: [] };
    stack[stack.length - 1].children.push(node);
    if (!m[4]) stack.push(node);
  }
  if (i < xml.length) stack[stack.length - 1].children.push({ text: decode(xml.slice(i)), children: [] });
  return root;
}

const RENDERED_TAGS = ['root', 'p', 'extra_info', 'clarification_hint', 'strategy_hint'];
const allText = (n: Node): string => (n.text ?? '') + n.children.map(allText).join('');

function renderNode(n: Node, viewer: string): string {
  if (n.text !== undefined) return n.text;
  if (!RENDERED_TAGS.includes(n.tag!)) return '';
  return n.children.filter((c) => c.text !== undefined || c.viewer === undefined || c.viewer === viewer).map((c) => renderNode(c, viewer)).join('');
}

/** Marked text as `viewer` sees it: an agent sees unmarked parts and its own; the environment sees all text. */
export function renderFor(marked: string, viewer: ReferenceViewer): string {
  if (!marked) return '';
  const root = parse(marked);
  // a document that is one element is its own root (the goal wrappers); otherwise the parser wrapped it
  const top = root.children.length === 1 && root.children[0].tag ? root.children[0] : root;
  return viewer === 'environment' ? allText(top) : renderNode(top, `agent_${viewer}`);
}

/** `format_docstring` over the fork's context block. */
const dedent = (s: string): string => s.replace(/\n +/g, '\n').trim();

/** The context block as `viewer` sees it (the partner's goal `Unknown` for a seat). */
export function referenceBackground(t: ProfileTemplates, scenario: Scenario, chars: readonly [Character, Character], viewer: ReferenceViewer): string {
  const names = chars.map(fullName);
  const bios = ([0, 1] as const).map((s) => renderFor(referenceProfile(t, scenario.relationship, chars[s], s), viewer));
  const goals = ([0, 1] as const).map((s) => (viewer !== 'environment' && viewer !== s ? UNKNOWN : renderFor(`<root viewer='agent_${s}'>${scenario.goals[s]}</root>`, viewer)));
  const lines = [CONTEXT_HEADER, `Scenario: ${renderFor(scenario.scenario, viewer)}`, `Participants: ${names[0]} and ${names[1]}`];
  if (bios[0] || bios[1]) lines.push(`${names[0]}'s background: ${bios[0] || UNKNOWN}`, `${names[1]}'s background: ${bios[1] || UNKNOWN}`);
  lines.push(`${names[0]}'s goal: ${goals[0]}`, `${names[1]}'s goal: ${goals[1]}`);
  return dedent(lines.join('\n'));
}

/**
 * A seat's inbox as one text before it acts at 0-based turn `entries.length`: the context observation, then one
 * observation per action so far (`Turn #k: <what was done>`, empty after a `none`), joined by line breaks.
 */
export function referenceInbox(background: string, names: readonly [string, string], entries: readonly HistoryEntry[]): string {
  const obs = [`\n${background}\n${CONVERSATION_STARTS}\n`];
  for (const e of entries) obs.push(`Turn #${e.turn}: ${e.action.type === 'none' ? '' : actionSentence(names[e.seat], e.action)}\n`);
  return obs.join('\n');
}

/** The evaluator's history: the environment's context, `Turn #n` (1-based) markers and every action but `none`. */
export function referenceEvaluatorHistory(background: string, names: readonly [string, string], entries: readonly HistoryEntry[]): string {
  const lines = [background];
  for (const e of entries) {
    lines.push(`Turn #${e.turn + 1}`);
    if (e.action.type !== 'none') lines.push(actionSentence(names[e.seat], e.action));
  }
  return lines.join('\n');
}
