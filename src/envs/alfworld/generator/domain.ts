/**
 * The household domain written into generated games: the same predicates, actions and parameter names as the
 * official ALFWorld domain (so the engine, the grammar templates and learned skills carry over), in the project's
 * own PDDL text. Only live actions are kept; costs are left out since nothing reads them.
 */
const ACTIONS: [name: string, params: string, pre: string, eff: string][] = [
  ['look', '?a - agent ?l - location', '(atLocation ?a ?l)', '(checked ?l)'],
  ['inventory', '?a - agent', '()', '(checked ?a)'],
  ['examineReceptacle', '?a - agent ?r - receptacle',
    '(exists (?l - location) (and (atLocation ?a ?l) (receptacleAtLocation ?r ?l)))', '(checked ?r)'],
  ['examineObject', '?a - agent ?o - object',
    // The official domain separates these two variables with a comma, which PDDL readers may take differently; the
    // same spelling gives generated games whatever behaviour the engine gives the official ones.
    `(or
      (exists (?l - location, ?r - receptacle)
        (and (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (inReceptacle ?o ?r) (or (not (openable ?r)) (opened ?r))))
      (holds ?a ?o))`, '(checked ?o)'],
  ['GotoLocation', '?a - agent ?lStart - location ?lEnd - location ?r - receptacle',
    '(and (atLocation ?a ?lStart) (receptacleAtLocation ?r ?lEnd))',
    '(and (not (atLocation ?a ?lStart)) (atLocation ?a ?lEnd))'],
  ['OpenObject', '?a - agent ?l - location ?r - receptacle',
    '(and (openable ?r) (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (not (opened ?r)))', '(and (opened ?r) (checked ?r))'],
  ['CloseObject', '?a - agent ?l - location ?r - receptacle',
    '(and (openable ?r) (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (opened ?r))', '(not (opened ?r))'],
  ['PickupObject', '?a - agent ?l - location ?o - object ?r - receptacle',
    `(and (pickupable ?o) (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (inReceptacle ?o ?r) (not (holdsAny ?a))
      (or (not (openable ?r)) (opened ?r)))`,
    '(and (not (inReceptacle ?o ?r)) (holds ?a ?o) (holdsAny ?a) (not (objectAtLocation ?o ?l)))'],
  ['PutObject', '?a - agent ?l - location ?o - object ?r - receptacle ?ot - otype ?rt - rtype',
    `(and (holds ?a ?o) (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (or (not (openable ?r)) (opened ?r))
      (objectType ?o ?ot) (receptacleType ?r ?rt) (canContain ?rt ?ot))`,
    '(and (inReceptacle ?o ?r) (objectAtLocation ?o ?l) (not (holds ?a ?o)) (not (holdsAny ?a)))'],
  ['CleanObject', '?a - agent ?l - location ?r - receptacle ?o - object',
    `(and (cleanable ?o) (or (receptacleType ?r SinkType) (receptacleType ?r SinkBasinType))
      (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (holds ?a ?o))`, '(isClean ?o)'],
  ['HeatObject', '?a - agent ?l - location ?r - receptacle ?o - object',
    '(and (heatable ?o) (receptacleType ?r MicrowaveType) (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (holds ?a ?o))',
    '(and (isHot ?o) (not (isCool ?o)))'],
  ['CoolObject', '?a - agent ?l - location ?r - receptacle ?o - object',
    '(and (coolable ?o) (receptacleType ?r FridgeType) (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (holds ?a ?o))',
    '(and (isCool ?o) (not (isHot ?o)))'],
  ['ToggleObject', '?a - agent ?l - location ?o - object ?r - receptacle',
    '(and (toggleable ?o) (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (inReceptacle ?o ?r))',
    '(and (when (isOn ?o) (not (isOn ?o))) (when (not (isOn ?o)) (isOn ?o)) (isToggled ?o))'],
  ['SliceObject', '?a - agent ?l - location ?co - object ?ko - object',
    `(and (sliceable ?co) (or (objectType ?ko KnifeType) (objectType ?ko ButterKnifeType))
      (atLocation ?a ?l) (objectAtLocation ?co ?l) (holds ?a ?ko))`, '(isSliced ?co)'],
  ['help', '?a - agent', '()', '(checked ?a)'],
];

const PREDICATES = [
  '(atLocation ?a - agent ?l - location)', '(receptacleAtLocation ?r - receptacle ?l - location)',
  '(objectAtLocation ?o - object ?l - location)', '(openable ?r - receptacle)', '(opened ?r - receptacle)',
  '(inReceptacle ?o - object ?r - receptacle)', '(isReceptacleObject ?o - object)',
  '(inReceptacleObject ?inner - object ?outer - object)', '(isReceptacleObjectFull ?o - object)',
  '(wasInReceptacle ?o - object ?r - receptacle)', '(checked ?r - receptacle)', '(examined ?l - location)',
  '(receptacleType ?r - receptacle ?t - rtype)', '(canContain ?rt - rtype ?ot - otype)',
  '(objectType ?o - object ?t - otype)', '(holds ?a - agent ?o - object)', '(holdsAny ?a - agent)',
  '(holdsAnyReceptacleObject ?a - agent)', '(full ?r - receptacle)', '(isClean ?o - object)', '(cleanable ?o - object)',
  '(isHot ?o - object)', '(heatable ?o - object)', '(isCool ?o - object)', '(coolable ?o - object)',
  '(pickupable ?o - object)', '(moveable ?o - object)', '(toggleable ?o - object)', '(isOn ?o - object)',
  '(isToggled ?o - object)', '(sliceable ?o - object)', '(isSliced ?o - object)',
];

export const DOMAIN_PDDL = `; Household domain of epo's ALFWorld task generator: the agent walks between receptacles, opens and closes them,
; carries one object at a time, cleans it in a sink, heats it in a microwave, cools it in a fridge, turns lamps on.
(define (domain alfred)
  (:requirements :adl :typing)
  (:types agent location receptacle object rtype otype)
  (:predicates
${PREDICATES.map((p) => `    ${p}`).join('\n')}
  )
${ACTIONS.map(([name, params, pre, eff]) => `
  (:action ${name}
    :parameters (${params})
    :precondition ${pre}
    :effect ${eff}
  )`).join('\n')}
)
`;
