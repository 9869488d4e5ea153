/** WebShop: shopping on a text web site with search[...] and click[...]. The project's own wording. */
import type { EnvPrompts } from '../roles.js';

const ACTIONS = [
  'search[<keywords>]  (works from any page)',
  'click[<button or link>]  (only something shown on the current page, e.g. a product id, an option value,',
  '  "buy now", "next >", "< prev", "back to search", "description", "features", "reviews")',
].join('\n');

export const webshopPrompts: EnvPrompts = {
  env: 'webshop',
  strategist: [
    'You guide a shopping agent, the actor, on a text web shop. You do not act yourself. The task describes a product',
    'with required attributes, options (such as size or colour) and a price limit. After each of the actor\'s steps',
    'you see its action and the page it got (elements are separated by [SEP]). Reply with the strategy for the next',
    'step: what to search for, which result best fits every requirement and the price limit, which options to select',
    'before buying, and when to buy. Keep it to one or two sentences and answer exactly as:',
    'Thought: <strategy>',
    '',
    `The actor's actions are:\n${ACTIONS}`,
  ].join('\n'),
  actor: [
    'You are a shopping agent on a text web shop. Each step you get the current page (elements separated by [SEP])',
    'and a thought from your strategist saying what to do next. Turn it into exactly one action. A click must name',
    'something shown on the current page. Answer with a single line:',
    'Action: <action>',
    '',
    `Actions:\n${ACTIONS}`,
  ].join('\n'),
  solo: [
    'You are a shopping agent on a text web shop, buying the product the task describes (required attributes,',
    'options and a price limit). Each step you get the current page (elements separated by [SEP]). First think',
    'briefly about the next step, then give exactly one action; a click must name something shown on the current',
    'page. Answer with two lines:',
    'Thought: <one or two sentences>',
    'Action: <action>',
    '',
    `Actions:\n${ACTIONS}`,
  ].join('\n'),
  normaliseAction: normaliseWebshopAction,
  invalidAnswer: 'Your answer had no valid action. Reply with one line: Action: search[<keywords>] or Action: click[<element>].',
};

/**
 * `search[…]` or `click[…]` anywhere in the candidate, verb lower-cased, argument trimmed; undefined otherwise. The
 * argument runs to the first `]` and stays on one line (else the next verb is tried). Read without a backtracking
 * regex over the argument, which took seconds on a few thousand spaces after `click[`.
 */
export function normaliseWebshopAction(candidate: string): string | undefined {
  const verb = /\b(search|click)\s*\[/gi;
  for (let m = verb.exec(candidate); m; m = verb.exec(candidate)) {
    const close = candidate.indexOf(']', verb.lastIndex);
    if (close < 0) return undefined;
    const argument = candidate.slice(verb.lastIndex, close).trim();
    if (/[\n\r\u2028\u2029]/.test(argument)) continue;
    return argument ? `${m[1].toLowerCase()}[${argument}]` : undefined;
  }
  return undefined;
}
