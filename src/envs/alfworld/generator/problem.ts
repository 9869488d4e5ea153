/**
 * The PDDL problem of a generated game: typed constants, the scene as facts, and the goal in the same form as the
 * official games' goals for the task type.
 */
import type { Scene } from './scene.js';
import type { AlfworldStats } from './stats.js';
import type { TaskSpec } from './tasks.js';

function goal(t: TaskSpec): string {
  const O = `${t.object}Type`, R = `${t.target}Type`;
  switch (t.type) {
    case 'look_at_obj_in_light':
      return `(and
      (exists (?ot - object ?r - receptacle ?a - agent ?l - location)
        (and (objectType ?ot ${R}) (toggleable ?ot) (isToggled ?ot)
             (receptacleAtLocation ?r ?l) (atLocation ?a ?l) (inReceptacle ?ot ?r)))
      (exists (?o - object ?a - agent)
        (and (objectType ?o ${O}) (holds ?a ?o))))`;
    case 'pick_two_obj_and_place':
      return `(and
      (exists (?r - receptacle)
        (exists (?o1 - object)
          (and (objectType ?o1 ${O}) (receptacleType ?r ${R}) (inReceptacle ?o1 ?r)
            (exists (?o2 - object)
              (and (not (= ?o1 ?o2)) (objectType ?o2 ${O}) (receptacleType ?r ${R}) (inReceptacle ?o2 ?r)))))))`;
    default: {
      const state = { pick_clean_then_place_in_recep: ['cleanable', 'isClean'], pick_heat_then_place_in_recep: ['heatable', 'isHot'], pick_cool_then_place_in_recep: ['coolable', 'isCool'] }[t.type as string];
      const extra = state ? ` (${state[0]} ?o) (${state[1]} ?o)` : '';
      return `(and
      (exists (?r - receptacle)
        (exists (?o - object)
          (and (objectType ?o ${O}) (receptacleType ?r ${R})${extra} (inReceptacle ?o ?r)))))`;
    }
  }
}

export function problemText(name: string, scene: Scene, task: TaskSpec, stats: AlfworldStats): string {
  const otypes = Object.keys(stats.objectProps).sort();
  const rtypes = Object.keys(stats.receptacleProps).sort();
  const present = [...new Set(scene.receptacles.map((r) => r.type))].sort();
  const locs = [scene.agentLoc, ...new Set([...scene.receptacles.map((r) => r.loc), ...scene.objects.filter((o) => !o.in).map((o) => o.loc)])];
  const facts: string[] = [];
  const f = (...parts: string[]): void => { facts.push(`(${parts.join(' ')})`); };
  f('atLocation', 'agent1', scene.agentLoc);
  for (const r of scene.receptacles) {
    f('receptacleType', r.id, `${r.type}Type`);
    f('receptacleAtLocation', r.id, r.loc);
    if (r.openable) f('openable', r.id);
    if (r.opened) f('opened', r.id);
  }
  for (const o of scene.objects) {
    f('objectType', o.id, `${o.type}Type`);
    f('objectAtLocation', o.id, o.loc);
    if (o.in) f('inReceptacle', o.id, o.in);
    for (const p of o.props) f(p, o.id);
  }
  for (const rt of present) for (const ot of stats.canContain[rt] ?? []) f('canContain', `${rt}Type`, `${ot}Type`);
  const decl = (names: string[], type: string): string => names.map((n) => `    ${n} - ${type}`).join('\n');
  return `(define (problem ${name})
  (:domain alfred)
  (:objects
    agent1 - agent
${decl(otypes.map((t) => `${t}Type`), 'otype')}
${decl(rtypes.map((t) => `${t}Type`), 'rtype')}
${decl(scene.receptacles.map((r) => r.id), 'receptacle')}
${decl(scene.objects.map((o) => o.id), 'object')}
${decl(locs, 'location')}
  )
  (:init
${facts.map((x) => `    ${x}`).join('\n')}
  )
  (:goal
    ${goal(task)}
  )
)
`;
}
