/**
 * A small in-memory `EngineApi` for UI tests: it answers every command with realistic data and
 * plays a short scripted call (utterances, levels, a battlecard, talk-tracks, a manager alert and
 * a summary) when `call.startReplay` is invoked. Timers it starts are released by `dispose()`.
 */
import type {
  CallDetail,
  CallListItem,
  CommandArgs,
  CommandName,
  CommandResults,
  EngineApi,
  PlaybookView,
  PushMessage,
  Result,
} from '../../main/contract/api';
import type { CallEvent, CallLang, CueEvent } from '../../main/contract/events';

export interface FakeEngine extends EngineApi {
  /** Every command received, in order. */
  readonly invocations: Array<{ command: CommandName; args: unknown }>;
  /** Pushes an event to subscribers and records it in the current call. */
  emit(event: CallEvent): void;
  subscriberCount(): number;
  dispose(): Promise<void>;
}

export interface FakeEngineOptions {
  /** Milliseconds between scripted events of a replay; 0 plays them all at once. */
  stepMs?: number;
  lang?: CallLang;
}

const TEXT = {
  en: {
    rep: 'Alex Chen',
    customer: 'Dana Wu',
    lines: [
      ['rep', 'Hi Dana, this is Alex from Northwind Medical. Thanks for making time today.'],
      [
        'customer',
        'It is. We are also looking at Helix Devices. Their pump is about twenty percent cheaper.',
      ],
      ['rep', 'I understand. Our pump has a bigger screen and a longer battery life than Helix.'],
      ['customer', 'Honestly, our capital budget is frozen until the next fiscal year.'],
      ['customer', 'Let me think about it and get back to you.'],
    ],
    battlecard: {
      competitor: 'Helix Devices',
      theirClaims: ['About 20% cheaper list price', 'Longest battery in class'],
      ourFacts: [
        'Their list price excludes the drug-library licence (about 12% more per year)',
        'Their own spec sheet: 11 hours at 25 ml/h; VitaFlow runs 14 hours',
        'No published dosing-error data',
      ],
      landmines: [
        'How is the drug library licensed after year one?',
        'Can they show clinical data on dosing errors?',
      ],
      avoid: ['Disparaging their service quality without data'],
    },
    price: {
      title: 'Price objection',
      phrasings: [
        'Looking at five years instead of the sticker price, which budget line do the pumps come from?',
        'Their list price leaves out the drug-library licence. Shall we compare total cost over five years?',
        'If we put licence and service costs side by side, would the gap still be twenty percent?',
      ],
      evidence: ['Drug-library licence adds about 12% per year to Helix list price'],
    },
    budget: {
      title: 'Budget freeze',
      phrasings: [
        'When does the freeze lift? I can prepare the approval packet now so you are first in line.',
        'Would a pilot with billing that starts after the freeze help?',
        'Who needs to sign the approval packet when budgets reopen?',
      ],
      evidence: ['Deferred billing is available for pilots'],
    },
    alert: 'Rep compared against Helix Devices three times without citing evidence',
  },
  zh: {
    rep: '李明',
    customer: '王芳',
    lines: [
      ['rep', '王主任您好，我是北风医疗的李明，谢谢您抽时间。'],
      ['customer', '我们也在看瀚途医疗，他们的泵便宜大概百分之二十。'],
      ['rep', '理解。我们的泵屏幕更大，续航也比瀚途长。'],
      ['customer', '说实话，我们今年的设备预算已经冻结了。'],
      ['customer', '我们再考虑考虑吧。'],
    ],
    battlecard: {
      competitor: '瀚途医疗',
      theirClaims: ['标价便宜约 20%', '同类续航最长'],
      ourFacts: [
        '标价不含药物库授权（每年约加 12%）',
        '其规格书：25 ml/h 下 11 小时；VitaFlow 14 小时',
      ],
      landmines: ['第一年之后药物库怎么授权？', '能否提供给药差错的临床数据？'],
      avoid: ['没有数据时不要贬低对方服务'],
    },
    price: {
      title: '价格异议',
      phrasings: [
        '如果按五年总成本来看，而不是只看标价，这批泵走哪条预算线？',
        '对方标价不含药物库授权，我们按五年总成本对比一下好吗？',
        '把授权和服务费放在一起比，差距还有百分之二十吗？',
      ],
      evidence: ['药物库授权每年约增加标价的 12%'],
    },
    budget: {
      title: '预算冻结',
      phrasings: [
        '冻结什么时候解除？我可以先把审批材料准备好。',
        '先做试点、解冻后再开始计费，可以吗？',
      ],
      evidence: ['试点可延期计费'],
    },
    alert: '销售三次与瀚途医疗对比均未引用证据',
  },
} as const;

/** A realistic call as the engine would emit it, in `lang`, with its call id. */
export function sampleCallEvents(callId: string, lang: CallLang = 'en'): CallEvent[] {
  const text = TEXT[lang];
  const events: CallEvent[] = [
    {
      type: 'call_started',
      callId,
      source: `${lang}-medtech-pump.vtt`,
      lang,
      startedAt: '2025-03-04T09:00:00.000Z',
      t: 0,
    },
  ];
  let t = 0.5;
  text.lines.forEach(([speaker, line], index) => {
    const id = `u${index + 1}`;
    events.push({
      type: 'level',
      channel: 'rep',
      rmsDb: speaker === 'rep' ? -18 : -62,
      speech: speaker === 'rep',
      t,
    });
    events.push({
      type: 'level',
      channel: 'customer',
      rmsDb: speaker === 'customer' ? -20 : -60,
      speech: speaker === 'customer',
      t,
    });
    events.push({
      type: 'partial',
      speaker,
      text: line.slice(0, Math.ceil(line.length / 2)),
      t: t + 1,
    });
    const name = speaker === 'rep' ? text.rep : text.customer;
    events.push({
      type: 'utterance',
      id,
      speaker,
      text: line,
      start: t,
      end: t + 4,
      t: t + 4,
      lang,
      name,
    });
    t += 4.5;
  });
  const cue = (over: Partial<CueEvent> & Pick<CueEvent, 'id' | 'kind' | 'title'>): CueEvent => ({
    type: 'cue',
    intent: null,
    competitor: null,
    rule: 'objection',
    refId: over.id,
    utteranceId: 'u2',
    t: 9.2,
    latencyMs: 140,
    ...over,
  });
  events.splice(
    events.findIndex((e) => e.type === 'utterance' && e.id === 'u3'),
    0,
    {
      type: 'intent',
      utteranceId: 'u2',
      label: 'competitor_mention',
      speaker: 'customer',
      confidence: 0.94,
      t: 9.1,
      competitor: text.battlecard.competitor,
    },
    {
      type: 'intent',
      utteranceId: 'u2',
      label: 'price_objection',
      speaker: 'customer',
      confidence: 0.88,
      t: 9.1,
    },
    cue({
      id: 'cue-helix',
      kind: 'battlecard',
      title: text.battlecard.competitor,
      competitor: text.battlecard.competitor,
      rule: 'competitor',
      refId: 'helix',
      battlecard: {
        ...text.battlecard,
        theirClaims: [...text.battlecard.theirClaims],
        ourFacts: [...text.battlecard.ourFacts],
        landmines: [...text.battlecard.landmines],
        avoid: [...text.battlecard.avoid],
      },
    }),
    cue({
      id: 'cue-price',
      kind: 'talk_track',
      title: text.price.title,
      intent: 'price_objection',
      refId: 'price_objection',
      talkTrack: { phrasings: [...text.price.phrasings], evidence: [...text.price.evidence] },
    }),
  );
  events.push(
    {
      type: 'manager_alert',
      id: 'alert-1',
      rule: 'cite-evidence',
      cueId: null,
      message: text.alert,
      t: t - 8,
    },
    cue({
      id: 'cue-budget',
      kind: 'talk_track',
      title: text.budget.title,
      intent: 'budget_freeze',
      refId: 'budget_freeze',
      utteranceId: 'u4',
      t: t - 4.4,
      talkTrack: { phrasings: [...text.budget.phrasings], evidence: [...text.budget.evidence] },
    }),
    {
      type: 'summary',
      callId,
      t,
      competitors: [text.battlecard.competitor],
      objections: ['price_objection', 'budget_freeze', 'stall'],
      stakeholders: [lang === 'en' ? 'head of nursing' : '护理部主任'],
      nextSteps: [
        {
          text: lang === 'en' ? 'Send the clinical study' : '发送临床研究报告',
          when: lang === 'en' ? 'Tuesday at ten' : '周二上午十点',
          owner: 'rep',
          utteranceId: 'u5',
        },
      ],
      tags: ['icu'],
      talkRatio: { rep: 0.45, customer: 0.55 },
      followUpEmail: {
        subject:
          lang === 'en' ? 'VitaFlow: the study and next Tuesday' : 'VitaFlow：临床研究与下周二演示',
        body:
          lang === 'en'
            ? 'Hi Dana,\n\nThanks for your time today.'
            : '王主任您好：\n\n感谢您今天抽出时间。',
        lang,
      },
    },
    { type: 'call_ended', callId, reason: 'completed', t },
  );
  return events;
}

export const SAMPLE_PLAYBOOK: PlaybookView = {
  dir: 'playbook',
  battlecards: [
    {
      id: 'helix',
      competitor: 'Helix Devices',
      aliases: ['Helix', '瀚途医疗'],
      theirClaims: [...TEXT.en.battlecard.theirClaims],
      ourFacts: [...TEXT.en.battlecard.ourFacts],
      landmines: [...TEXT.en.battlecard.landmines],
    },
  ],
  talkTracks: [
    {
      id: 'price_objection',
      title: { en: TEXT.en.price.title, zh: TEXT.zh.price.title },
      intent: 'price_objection',
      phrasings: { en: [...TEXT.en.price.phrasings], zh: [...TEXT.zh.price.phrasings] },
      evidence: [...TEXT.en.price.evidence],
      record: { shown: 12, helpful: 7, notHelpful: 2 },
    },
  ],
  rules: [
    {
      id: 'competitor',
      description: 'When the customer mentions a competitor, show its battlecard',
    },
  ],
  errors: [
    {
      file: 'talk-tracks/stall.md',
      line: 14,
      field: 'phrasings.zh',
      message: 'needs at least one phrasing',
    },
  ],
};

/** Creates the fake. Replays are instant unless `stepMs` is set. */
export function createFakeEngine(options: FakeEngineOptions = {}): FakeEngine {
  const listeners = new Set<(message: PushMessage) => void>();
  const invocations: Array<{ command: CommandName; args: unknown }> = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const calls = new Map<string, CallEvent[]>();
  let currentCallId: string | null = null;
  let counter = 0;
  let settings: Record<string, unknown> = {
    lang: 'auto',
    overlay: { opacity: 0.92, clickThrough: false },
  };

  const push = (message: PushMessage) => {
    for (const listener of [...listeners]) listener(message);
  };
  const emit = (event: CallEvent) => {
    if (currentCallId) calls.get(currentCallId)?.push(event);
    push({ kind: 'event', event });
  };
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });
  const listItem = (id: string): CallListItem => {
    const events = calls.get(id) ?? [];
    const started = events.find((e) => e.type === 'call_started');
    const ended = events.find((e) => e.type === 'call_ended');
    return {
      id,
      title: started?.type === 'call_started' ? started.source : id,
      source: started?.type === 'call_started' ? started.source : id,
      lang: started?.type === 'call_started' ? started.lang : 'en',
      startedAt: started?.type === 'call_started' ? started.startedAt : new Date(0).toISOString(),
      endedAt: ended ? '2025-03-04T09:01:00.000Z' : null,
      status: ended ? 'completed' : 'live',
      durationS: ended?.t ?? 0,
      competitors: ['Helix Devices'],
    };
  };

  const handlers: { [C in CommandName]: (args: CommandArgs<C>) => Result<CommandResults[C]> } = {
    'call.startReplay': (args) => {
      const callId = `call-${++counter}`;
      currentCallId = callId;
      calls.set(callId, []);
      const lang: CallLang =
        args.lang === 'zh' || args.lang === 'en' ? args.lang : (options.lang ?? 'en');
      const script = sampleCallEvents(callId, lang);
      const step = options.stepMs ?? 0;
      if (step === 0) {
        queueMicrotask(() => {
          for (const event of script) emit(event);
        });
      } else {
        script.forEach((event, index) => {
          const timer = setTimeout(
            () => {
              timers.delete(timer);
              emit(event);
            },
            step * (index + 1),
          );
          timers.add(timer);
        });
      }
      return ok({ callId });
    },
    'call.startLive': () => ({
      ok: false,
      error: { code: 'no_device', message: 'no microphone found' },
    }),
    'call.stop': () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const callId = currentCallId;
      if (callId) emit({ type: 'call_ended', callId, reason: 'stopped', t: 0 });
      return ok({ callId });
    },
    'call.snapshot': () =>
      ok({
        callId: currentCallId,
        events: currentCallId ? [...(calls.get(currentCallId) ?? [])] : [],
      }),
    'cue.feedback': (args) => {
      emit({
        type: 'feedback',
        cueId: args.cueId,
        action: args.action,
        helpful: args.action === 'helpful' ? true : args.action === 'not_helpful' ? false : null,
        t: 0,
      });
      return ok({ stored: true as const });
    },
    'call.escalate': (args) => {
      const id = `esc-${++counter}`;
      emit({ type: 'escalation', id, state: 'requested', note: args.note ?? '', t: 0 });
      return ok({ escalationId: id });
    },
    'calls.list': (args) => {
      const query = args.query?.toLowerCase().trim();
      const items: CallListItem[] = [];
      for (const [id, events] of calls) {
        if (!query) {
          items.push(listItem(id));
          continue;
        }
        const hit = events.find(
          (e) => e.type === 'utterance' && e.text.toLowerCase().includes(query),
        );
        if (hit?.type === 'utterance') items.push({ ...listItem(id), snippet: hit.text });
      }
      return ok(items.reverse());
    },
    'calls.get': (args) => {
      const events = calls.get(args.callId);
      if (!events)
        return { ok: false, error: { code: 'not_found', message: `no call ${args.callId}` } };
      const summary = events.find((e) => e.type === 'summary');
      let detailSummary: CallDetail['summary'] = null;
      if (summary?.type === 'summary') {
        const { type: _type, callId: _callId, t: _t, ...rest } = summary;
        detailSummary = rest;
      }
      return ok({ ...listItem(args.callId), events: [...events], summary: detailSummary });
    },
    'playbook.get': () => ok(SAMPLE_PLAYBOOK),
    'settings.get': () => ok(settings),
    'settings.set': (args) => {
      settings = { ...settings, ...args.patch };
      return ok(settings);
    },
    'models.list': () =>
      ok([
        {
          name: 'sherpa-zipformer-en',
          languages: ['en'],
          sizeBytes: 70_000_000,
          state: 'missing' as const,
        },
      ]),
    'models.pull': (args) => {
      push({
        kind: 'model_progress',
        status: {
          name: args.name,
          languages: ['en'],
          sizeBytes: 70_000_000,
          state: 'downloading',
          progress: 0.5,
        },
      });
      return ok({
        name: args.name,
        languages: ['en'],
        sizeBytes: 70_000_000,
        state: 'installed' as const,
      });
    },
    'models.verify': () => ok([]),
    'audio.devices': () =>
      ok([{ id: 0, name: 'Built-in Microphone', inputChannels: 1, hostApi: 'ALSA' }]),
  };

  return {
    invocations,
    emit,
    subscriberCount: () => listeners.size,
    async invoke(command, args) {
      invocations.push({ command, args });
      const handler = handlers[command] as (a: unknown) => Result<never>;
      return handler(args);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      listeners.clear();
    },
  };
}
