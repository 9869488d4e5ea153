/**
 * The models every entry point knows by name, registered in this one place: the built-in transformer behind
 * `local:` specs (loaded on first use) and the named scripted models (`scripted:echo`, `scripted:judge`,
 * `scripted:sotopia`, `scripted:rule-actor`). The CLI and the library entry call it once; calling again is harmless.
 */
import { ruleActor } from './agents/rule-actor.js';
import { scriptedSotopiaFactory } from './agents/sotopia/scripted.js';
import { echoFactory, registerScriptedModel } from './llm/named-scripts.js';
import { registerLocalBackend } from './model/register.js';
import { scriptedJudgeFactory } from './rewards/judge/scripted.js';

let done = false;

export function registerBuiltins(): void {
  if (done) return;
  done = true;
  registerLocalBackend();
  registerScriptedModel('echo', echoFactory);
  registerScriptedModel('judge', scriptedJudgeFactory);
  registerScriptedModel('sotopia', scriptedSotopiaFactory);
  registerScriptedModel('rule-actor', (_o, spec) => ruleActor(spec));
}
