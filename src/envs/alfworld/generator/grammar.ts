/**
 * The text grammar written into generated games, in TextWorld's template language: the same rules and the same
 * observation format as the official ALFWorld games ("You arrive at …", "On the X, you see a, b, and c.", lists
 * joined with ", " and ", and ", "nothing" for an empty list), so that what an agent learns here reads the same
 * there. Two variants: `release` (the current games: `move X to Y`) and `epo` (the EPO reference's games:
 * `put X in/on Y`, and "You arrive at loc N." which the reference strips).
 */
export type GrammarVariant = 'release' | 'epo';

type Rule = { condition?: string; rhs: string }[];

const ON_R = 'inreceptacle(o:object, r:receptacle)';
const HERE = 'atlocation(a:agent, l:location) & receptacleatlocation(r:receptacle, l:location)';
const LOOSE = 'atlocation(a:agent, l:location) & objectatlocation(o:object, l:location) & receptacleatlocation(r:receptacle, l:location) & not_inreceptacle(o:object, r:receptacle)';

/** examineObject: the most specific state description first. */
const OBJECT_STATES: [string, string][] = [
  ['isclean(o:object) & ishot(o:object) & issliced(o:object)', 'This is a hot and clean sliced {o.name}.'],
  ['isclean(o:object) & iscool(o:object) & issliced(o:object)', 'This is a cool and clean sliced {o.name}.'],
  ['isclean(o:object) & issliced(o:object)', 'This is a clean sliced {o.name}.'],
  ['ishot(o:object) & issliced(o:object)', 'This is a hot sliced {o.name}.'],
  ['iscool(o:object) & issliced(o:object)', 'This is a cool sliced {o.name}.'],
  ['isclean(o:object) & ishot(o:object)', 'This is a hot and clean {o.name}.'],
  ['isclean(o:object) & iscool(o:object)', 'This is a cool and clean {o.name}.'],
  ['ishot(o:object)', 'This is a hot {o.name}.'],
  ['isclean(o:object)', 'This is a clean {o.name}.'],
  ['iscool(o:object)', 'This is a cold {o.name}.'],
  ['toggleable(o:object) & istoggled(o:object)', 'This {o.name} is on.'],
  ['toggleable(o:object) & not_istoggled(o:object)', 'This {o.name} is off.'],
  ['sliceable(o:object) & issliced(o:object)', 'This is a sliced {o.name}.'],
];

const HELP = [
  'Available commands:',
  '  look:                             describe where you are',
  '  inventory:                        list what you carry',
  '  go to (receptacle):               walk to a receptacle',
  '  open (receptacle):                open a receptacle',
  '  close (receptacle):               close a receptacle',
  '  take (object) from (receptacle):  pick an object up from a receptacle',
  '  {PLACE}',
  '  examine (something):              look closely at a receptacle or an object',
  '  use (object):                     switch an object on or off',
  '  heat (object) with (receptacle):  heat an object in a receptacle',
  '  clean (object) with (receptacle): clean an object in a receptacle',
  '  cool (object) with (receptacle):  cool an object in a receptacle',
  '  slice (object) with (object):     slice an object with a sharp object',
];

function rules(variant: GrammarVariant, task: string): Record<string, Rule> {
  const place = variant === 'release'
    ? { feedback: 'You move the {o.name} to the {r.name}.', help: 'move (object) to (receptacle):    put an object in or on a receptacle' }
    : { feedback: 'You put the {o.name} in/on the {r.name}.', help: 'put (object) in/on (receptacle):  put an object in or on a receptacle' };
  return {
    intro: [{ rhs: '-= Welcome to TextWorld, ALFRED! =-\n\n#look.feedback#\n\n#task#' }],
    task: [{ rhs: `Your task is to: ${task}` }],
    'GotoLocation.feedback': [{ rhs: `You arrive at ${variant === 'release' ? '{r.name}' : '{lend.name}'}. #examineReceptacle.feedback#` }],
    'OpenObject.feedback': [{ rhs: 'You open the {r.name}. #examineReceptacle.feedback#' }],
    'CloseObject.feedback': [{ rhs: 'You close the {r.name}.' }],
    'PickupObject.feedback': [{ rhs: 'You pick up the {o.name} from the {r.name}.' }],
    'PutObject.feedback': [{ rhs: place.feedback }],
    'inventory.feedback': [
      { condition: 'holdsany(a:agent)', rhs: "You are carrying: [{o.indefinite + ' ' + o.name | holds(a:agent, o:object)}]." },
      { rhs: 'You are not carrying anything.' },
    ],
    'examineReceptacle.feedback': [
      { condition: 'openable(r:receptacle) & opened(r:receptacle)', rhs: `The {r.name} is open. In it, you see [{o.indefinite + ' ' + o.name | ${ON_R}}].` },
      { condition: 'openable(r:receptacle)', rhs: 'The {r.name} is closed.' },
      { rhs: `On the {r.name}, you see [{o.indefinite + ' ' + o.name | ${ON_R}}].` },
    ],
    'examineObject.feedback': [
      { condition: 'isreceptacleobject(o:object)', rhs: "This is a normal {o.name}. In it, you see [{o2.indefinite + ' ' + o2.name | inreceptacleobject(o2:object, o:object)}]." },
      ...OBJECT_STATES.map(([condition, rhs]) => ({ condition, rhs })),
      { rhs: "There's nothing special about {o.name}." },
    ],
    'toggleObject.feedback': [
      { condition: 'toggleable(o:object) & istoggled(o:object)', rhs: 'You turn on the {o.name}.' },
      { condition: 'toggleable(o:object)', rhs: 'You turn off the {o.name}.' },
      { rhs: "You don't see any switch on the {o.name}." },
    ],
    'heatObject.feedback': [{ rhs: 'You heat the {o.name} using the {r.name}.' }],
    'cleanObject.feedback': [{ rhs: 'You clean the {o.name} using the {r.name}.' }],
    'coolObject.feedback': [{ rhs: 'You cool the {o.name} using the {r.name}.' }],
    'sliceObject.feedback': [{ rhs: 'You sliced the {co.name} with the {ko.name}.' }],
    'look.feedback': [
      { condition: HERE, rhs: '#look-variations#. Next to it, you see #list_objects_on_the_floor#.' },
      { rhs: 'You are in the middle of a room. Looking quickly around you, you see #list_appliances#.' },
    ],
    'look-variations': [{ rhs: `You are facing the [{r.name | ${HERE}}]` }],
    list_objects_on_the_floor: [{ condition: LOOSE, rhs: `[{#overview(o)# | ${LOOSE}}]` }, { rhs: 'nothing' }],
    list_appliances: [
      { condition: 'receptacleatlocation(r:receptacle, l:location)', rhs: '[{#overview(r)# | receptacleatlocation(r:receptacle, l:location)}]' },
      { rhs: 'nothing' },
    ],
    'overview(o)': [{ rhs: '{o.indefinite} {o.name}' }],
    'overview(r)': [{ rhs: '{r.indefinite} {r.name or r.id}' }],
    'help.feedback': [{ rhs: '\n' + HELP.join('\n').replace('{PLACE}', place.help) + '\n' }],
    list_empty: [{ rhs: 'nothing' }],
    list_separator: [{ rhs: ', ' }],
    list_last_separator: [{ rhs: ', and ' }],
  };
}

/** Command templates and the rule each command's feedback comes from. */
function actions(variant: GrammarVariant): [name: string, template: string, feedback: string][] {
  return [
    ['GotoLocation', 'go to [{r.name | receptacleatlocation(r:receptacle, lend:location)}]', 'GotoLocation.feedback'],
    ['OpenObject', 'open {r}', 'OpenObject.feedback'],
    ['CloseObject', 'close {r}', 'CloseObject.feedback'],
    ['PickupObject', 'take {o} from {r}', 'PickupObject.feedback'],
    ['PutObject', variant === 'release' ? 'move {o} to {r}' : 'put {o} in/on {r}', 'PutObject.feedback'],
    ['inventory', 'inventory', 'inventory.feedback'],
    ['examineReceptacle', 'examine {r}', 'examineReceptacle.feedback'],
    ['examineObject', 'examine {o}', 'examineObject.feedback'],
    ['ToggleObject', 'use {o}', 'toggleObject.feedback'],
    ['HeatObject', 'heat {o} with {r}', 'heatObject.feedback'],
    ['CleanObject', 'clean {o} with {r}', 'cleanObject.feedback'],
    ['CoolObject', 'cool {o} with {r}', 'coolObject.feedback'],
    ['SliceObject', 'slice {co} with {ko}', 'sliceObject.feedback'],
    ['look', 'look', 'look.feedback'],
    ['help', 'help', 'help.feedback'],
  ];
}

/** The whole grammar text of one game; only the task sentence differs between games. */
export function grammarText(task: string, variant: GrammarVariant = 'release'): string {
  const json = JSON.stringify(rules(variant, task), null, 4).replace(/\n/g, '\n    ');
  const acts = actions(variant).map(([name, template, feedback]) =>
    `action ${name} {\n    template :: "${template}";\n    feedback :: "#${feedback}#";\n}\n`);
  return `grammar :: """\n    ${json}\n""";\n\n${acts.join('\n')}`;
}
