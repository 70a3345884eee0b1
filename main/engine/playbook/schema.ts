/**
 * The playbook format: a folder of YAML files, each a mapping with any of the sections
 * `playbook`, `evidence`, `battlecards`, `talk_tracks` and `rules`. Sections from all files
 * are merged; one file holds `playbook`. Text a rep reads may be a plain string (used for
 * every language) or a map of language to text (`{ en: ..., zh: ... }`). What these schemas
 * cannot see alone (references, intent names, rules that can never fire) is checked in
 * `checks.ts`. See resources/playbooks/README.md.
 */
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, "-" or "_"');

/**
 * An intent label as written in a playbook. Whether it names a known intent is checked with
 * the whole playbook at hand (see `checks.ts`), so a typo gets a "did you mean" hint.
 */
const intentName = z.string().min(1);

/** A text per language, or one text for all languages. */
export const LocalText = z.union(
  [z.string().min(1), z.record(z.enum(['en', 'zh']), z.string().min(1))],
  {
    error: 'expected a text, or a map of language (en, zh) to text',
  },
);
export type LocalText = z.infer<typeof LocalText>;

/** A list of texts per language, or one list for all languages. */
export const LocalList = z.union(
  [z.array(z.string().min(1)), z.record(z.enum(['en', 'zh']), z.array(z.string().min(1)))],
  {
    error:
      'expected a list of texts, or a map of language (en, zh) to lists of texts ' +
      '(quote a text that contains ": ")',
  },
);
export type LocalList = z.infer<typeof LocalList>;

export const PlaybookMeta = z
  .object({
    name: z.string().min(1),
    company: LocalText.optional(),
    product: LocalText.optional(),
    /** Words that name our own company or product; they never count as a competitor. */
    own_names: z.array(z.string().min(1)).default([]),
    /**
     * Intent labels beyond the built-in ones (`INTENT_LABELS` in main/contract/events.ts) that
     * a newer intent model emits. Rules and talk-tracks may name only built-in or listed labels.
     */
    extra_intents: z
      .array(
        z
          .string()
          .regex(/^[a-z][a-z0-9_]*$/, 'an intent label is lowercase letters, digits and "_"'),
      )
      .default([]),
  })
  .strict();

export const Evidence = z
  .object({
    id,
    text: LocalText,
  })
  .strict();

export const Battlecard = z
  .object({
    id,
    competitor: LocalText,
    aliases: z.array(z.string().min(1)).default([]),
    /**
     * Phrases in which a name is used in its ordinary sense ("double helix", "身体康泰");
     * a name heard inside one of them is not taken for the competitor.
     */
    not_when: z.array(z.string().min(1)).default([]),
    their_claims: LocalList.default([]),
    our_facts: LocalList.default([]),
    landmines: LocalList.default([]),
    avoid: LocalList.default([]),
  })
  .strict();

export const TalkTrack = z
  .object({
    id,
    title: LocalText,
    /** The intent this talk-track answers, if any (lets rules say "the matching talk-track"). */
    intent: intentName.nullable().default(null),
    phrasings: LocalList,
    /** Ids of evidence entries to show with the talk-track. */
    evidence: z.array(id).default([]),
  })
  .strict();

const SpeakerCondition = z.enum(['rep', 'customer', 'any']);

export const RuleCondition = z
  .object({
    /** The intent (or one of the intents) whose arrival triggers the rule. */
    intent: z.union([intentName, z.array(intentName).min(1)], {
      error: 'expected an intent, or a list of intents',
    }),
    speaker: SpeakerCondition.default('any'),
    /** Fire when the intent has been heard this many times (default 1). */
    count: z.number().int().min(1).max(100).default(1),
    /** Only occurrences within this many seconds count. */
    within_s: z.number().positive().optional(),
    /** Occurrences before the latest of these intents do not count ("without evidence since"). */
    without: z.array(intentName).default([]),
    /** Fire only if one of these intents was heard in an earlier utterance of the call. */
    after: z.array(intentName).default([]),
    /** Only when this competitor (battlecard id) is named. */
    competitor: id.optional(),
    /** Minimum intent confidence, 0..1 (default: the model's own threshold). */
    min_confidence: z.number().min(0).max(1).optional(),
  })
  .strict();

export const ShowAction = z
  .object({
    /** `battlecard` = the named competitor's; `talk_track` = the one for the matched intent. */
    show: z.union(
      [
        z.enum(['battlecard', 'talk_track']),
        z.object({ battlecard: id }).strict(),
        z.object({ talk_track: id }).strict(),
      ],
      { error: 'expected battlecard, talk_track, { battlecard: ID } or { talk_track: ID }' },
    ),
  })
  .strict();

export const AlertAction = z.object({ alert_manager: LocalText }).strict();

export const RuleAction = z.union([ShowAction, AlertAction], {
  error: 'expected an action: `show: ...` or `alert_manager: MESSAGE`',
});

export const Rule = z
  .object({
    id,
    description: LocalText.optional(),
    enabled: z.boolean().default(true),
    when: RuleCondition,
    then: z.array(RuleAction).min(1),
    /** `once_per_call`, or a cooldown per shown item in seconds (default 60). */
    repeat: z
      .union([z.literal('once_per_call'), z.object({ cooldown_s: z.number().min(0) }).strict()], {
        error: 'expected once_per_call or { cooldown_s: SECONDS }',
      })
      .default({ cooldown_s: 60 }),
  })
  .strict();

export const PlaybookFile = z
  .object({
    playbook: PlaybookMeta.optional(),
    evidence: z.array(Evidence).optional(),
    battlecards: z.array(Battlecard).optional(),
    talk_tracks: z.array(TalkTrack).optional(),
    rules: z.array(Rule).optional(),
  })
  .strict();

export type PlaybookMeta = z.infer<typeof PlaybookMeta>;
export type Evidence = z.infer<typeof Evidence>;
export type Battlecard = z.infer<typeof Battlecard>;
export type TalkTrack = z.infer<typeof TalkTrack>;
export type Rule = z.infer<typeof Rule>;
export type RuleCondition = z.infer<typeof RuleCondition>;
export type RuleAction = z.infer<typeof RuleAction>;
export type PlaybookFile = z.infer<typeof PlaybookFile>;
