/**
 * A small SOTOPIA-style set written by this project: four characters and four scenarios covering cooperation,
 * negotiation, persuasion and a secret, at different relationship levels. It runs offline (tests, demos, smoke
 * runs) and is never mixed with the official benchmark.
 */
import type { Character, Combo, RelationshipProfile, Scenario } from './profiles.js';

export const BUILTIN_CHARACTERS: Character[] = [
  {
    id: 'epo-char-ines', firstName: 'Ines', lastName: 'Okafor', age: 34, occupation: 'bakery owner', gender: 'Woman',
    pronouns: 'She/her', publicInfo: 'Ines runs a small bakery near the train station and knows most of her customers by name.',
    bigFive: 'Openness - High; Conscientiousness - High; Extraversion - High; Agreeableness - Medium; Neuroticism - Low',
    moralValues: ['Fairness'], schwartzValues: ['Achievement', 'Benevolence'],
    personality: 'Ines is warm but shrewd; she likes a fair deal and remembers who kept their word.',
    decisionMaking: 'Practical, quick', secret: 'She is quietly planning to sell the bakery next spring.', mbti: 'ESTJ',
  },
  {
    id: 'epo-char-tomas', firstName: 'Tomas', lastName: 'Lindqvist', age: 41, occupation: 'landlord', gender: 'Man',
    pronouns: 'He/him', publicInfo: 'Tomas owns three buildings in the old town and restores their facades himself.',
    bigFive: 'Openness - Medium; Conscientiousness - High; Extraversion - Low; Agreeableness - Medium; Neuroticism - Medium',
    moralValues: ['Loyalty'], schwartzValues: ['Security', 'Tradition'],
    personality: 'Tomas is careful with money and slow to trust, yet generous once convinced.',
    decisionMaking: 'Analytical, cautious', secret: 'He owes the bank more than his buildings are worth.', mbti: 'ISTJ',
  },
  {
    id: 'epo-char-ravi', firstName: 'Ravi', lastName: 'Menon', age: 27, occupation: 'nurse', gender: 'Man',
    pronouns: 'He/him', publicInfo: 'Ravi works night shifts at the city hospital and plays in a weekend football league.',
    bigFive: 'Openness - Medium; Conscientiousness - Medium; Extraversion - High; Agreeableness - High; Neuroticism - Low',
    moralValues: ['Care'], schwartzValues: ['Benevolence', 'Stimulation'],
    personality: 'Ravi is easy-going and funny, and avoids conflict when he can.',
    decisionMaking: 'Intuitive, spontaneous', secret: 'He failed his first licensing exam and never told his family.', mbti: 'ENFP',
  },
  {
    id: 'epo-char-noor', firstName: 'Noor', lastName: 'Haddad', age: 30, occupation: 'software tester', gender: 'Nonbinary',
    pronouns: 'They/them', publicInfo: 'Noor volunteers at a repair café on Saturdays and collects old maps.',
    bigFive: 'Openness - High; Conscientiousness - Medium; Extraversion - Low; Agreeableness - High; Neuroticism - Medium',
    moralValues: ['Honesty'], schwartzValues: ['Self-Direction', 'Universalism'],
    personality: 'Noor is thoughtful and precise, and speaks up when something seems unfair.',
    decisionMaking: 'Deliberate, evidence-seeking', secret: 'They are applying for a job in another country.', mbti: 'INTP',
  },
];

export const BUILTIN_SCENARIOS: Scenario[] = [
  {
    id: 'epo-scn-rent', codename: 'shop_rent_renewal', source: 'epo', relationship: 'acquaintance',
    scenario: 'A shop owner and her landlord meet at the bakery to renew the lease, which ends next month.',
    goals: [
      'Renew the lease for two years with a rent increase of at most 5% (<extra_info>Extra information: the bakery cannot afford more than a 5% increase this year.</extra_info>)',
      'Renew the lease with a rent increase of at least 10% (<extra_info>Extra information: property taxes went up 8% and you need the margin.</extra_info>)',
    ],
  },
  {
    id: 'epo-scn-shift', codename: 'swap_night_shift', source: 'epo', relationship: 'friend',
    scenario: 'Two friends who work at the same hospital talk during a coffee break; one of them needs a night shift covered.',
    goals: [
      'Get your friend to cover your Friday night shift (<extra_info>Extra information: your sister is getting married on Saturday morning.</extra_info>)',
      'Keep your Friday evening free without hurting the friendship (<extra_info>Extra information: you promised to help a relative move house on Friday.</extra_info>)',
    ],
  },
  {
    id: 'epo-scn-bike', codename: 'used_bike_sale', source: 'epo', relationship: 'stranger',
    scenario: 'One person is selling a used bicycle through a classified ad; a stranger comes to look at it.',
    goals: [
      'Sell the bicycle for at least 180 euros (<extra_info>Extra information: you paid 400 euros two years ago; the gears were serviced last month.</extra_info>)',
      'Buy the bicycle for at most 150 euros (<strategy_hint>Hint: point out wear and ask about its history.</strategy_hint>)',
    ],
  },
  {
    id: 'epo-scn-noise', codename: 'late_night_noise', source: 'epo', relationship: 'know_by_name',
    scenario: 'Two neighbours who know each other by name meet on the stairs; one was kept awake by music from the other flat.',
    goals: [
      'Agree on quiet hours after 22:00 on weekdays (<clarification_hint>Hint: you may propose compromises.</clarification_hint>)',
      'Keep the Friday rehearsals with your band at home (<extra_info>Extra information: the band has a concert in three weeks.</extra_info>)',
    ],
  },
];

export const BUILTIN_RELATIONSHIPS: RelationshipProfile[] = [
  { id: 'epo-rel-1', characterIds: ['epo-char-ines', 'epo-char-tomas'], relationship: 'acquaintance', backgroundStory: 'Tomas has been Ines’s landlord for six years.' },
  { id: 'epo-rel-2', characterIds: ['epo-char-ravi', 'epo-char-noor'], relationship: 'friend', backgroundStory: 'Ravi and Noor met at the repair café and became friends.' },
];

export const BUILTIN_COMBOS: Combo[] = [
  { id: 'epo-task-rent-1', scenarioId: 'epo-scn-rent', characterIds: ['epo-char-ines', 'epo-char-tomas'] },
  { id: 'epo-task-shift-1', scenarioId: 'epo-scn-shift', characterIds: ['epo-char-ravi', 'epo-char-noor'] },
  { id: 'epo-task-bike-1', scenarioId: 'epo-scn-bike', characterIds: ['epo-char-tomas', 'epo-char-ravi'] },
  { id: 'epo-task-bike-2', scenarioId: 'epo-scn-bike', characterIds: ['epo-char-noor', 'epo-char-ines'] },
  { id: 'epo-task-noise-1', scenarioId: 'epo-scn-noise', characterIds: ['epo-char-noor', 'epo-char-tomas'] },
];
