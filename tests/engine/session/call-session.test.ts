import { describe, expect, it } from 'vitest';
import type { CallEvent, Speaker } from '../../../main/contract/events';
import { ModelMissingError } from '../../../main/engine/asr/models';
import { ModelFileError } from '../../../main/engine/asr/onnx-file';
import { AsrConfigError } from '../../../main/engine/asr/recognizer';
import { VadModelError } from '../../../main/engine/audio/vad';
import { AudioFormatError } from '../../../main/engine/audio/wav';
import { SourceError } from '../../../main/engine/session/open-source';
import { TranscriptError } from '../../../main/engine/transcripts';
import { competitorNames, loadPlaybook, localText } from '../../../main/engine/playbook/load';
import { defaultPlaybookDir } from '../../../main/engine/resources';
import { RuleSet } from '../../../main/engine/rules/engine';
import {
  CallSession,
  type CallRecorder,
  type IntentModel,
} from '../../../main/engine/session/call-session';
import type { CallSource, SourceUtterance } from '../../../main/engine/session/source';
import { CompetitorMatcher } from '../../../main/engine/intents/competitors';
import { summarizeCall } from '../../../main/engine/summary/summarize';

const playbook = loadPlaybook(defaultPlaybookDir());
const competitors = new CompetitorMatcher(
  playbook.battlecards.map((b) => ({
    id: b.id,
    name: localText(b.competitor, 'en'),
    aliases: competitorNames(b),
  })),
);

/** Labels by exact sentence: stands in for the intent model so session logic is tested alone. */
class LookupIntentModel implements IntentModel {
  constructor(private readonly labels: Record<string, string[]>) {}
  async classify(input: { text: string }) {
    return (this.labels[input.text] ?? []).map((label) => ({ label, confidence: 0.9 }));
  }
}

class ListSource implements CallSource {
  readonly description = 'test call';
  constructor(
    private readonly turns: Array<[Speaker, string, number, number]>,
    private readonly failAfter?: number,
  ) {}
  async run(sink: Parameters<CallSource['run']>[0], { signal }: { signal: AbortSignal }) {
    for (const [i, [speaker, text, start, end]] of this.turns.entries()) {
      if (signal.aborted) return;
      if (this.failAfter === i)
        throw Object.assign(new Error('microphone unplugged'), { code: 'device_lost' });
      sink.partial(speaker, text.split(' ')[0], start + 0.2);
      sink.utterance({ speaker, text, start, end } satisfies SourceUtterance);
      await new Promise((r) => setImmediate(r));
    }
  }
}

function session(source: CallSource, labels: Record<string, string[]>, recorder?: CallRecorder) {
  return new CallSession(
    {
      playbook,
      rules: new RuleSet(playbook),
      intents: new LookupIntentModel(labels),
      competitors,
      summarize: summarizeCall,
      recorder,
    },
    { source, lang: 'en' },
  );
}

const turns: Array<[Speaker, string, number, number]> = [
  ['rep', 'Hi, this is Alex.', 0, 2],
  ['customer', 'We are also looking at Helix, they are cheaper.', 3, 6],
  ['rep', 'Our screen is bigger than Helix.', 7, 9],
  ['rep', 'Helix support is worse.', 10, 12],
  ['rep', 'People like us more than Helix.', 13, 15],
  ['customer', 'Let me think about it.', 16, 18],
];
const labels = {
  'We are also looking at Helix, they are cheaper.': ['price_objection'],
  'Our screen is bigger than Helix.': ['rep_competitor_comparison'],
  'Helix support is worse.': ['rep_competitor_comparison'],
  'People like us more than Helix.': ['rep_competitor_comparison'],
  'Let me think about it.': ['stall'],
};

describe('a call session', () => {
  it('publishes utterances, intents, cues, the manager alert and the summary in call order', async () => {
    const s = session(new ListSource(turns), labels);
    const events: CallEvent[] = [];
    s.on((e) => events.push(e));
    await s.run();

    expect(events[0].type).toBe('call_started');
    expect(events.at(-2)?.type).toBe('summary');
    expect(events.at(-1)).toMatchObject({ type: 'call_ended', reason: 'completed' });
    const cues = events.filter((e) => e.type === 'cue');
    expect(cues.map((c) => [c.kind, c.refId])).toEqual([
      ['battlecard', 'helix-devices'],
      ['talk_track', 'price_objection'],
      ['talk_track', 'cite_evidence_when_comparing'],
      ['talk_track', 'stall'],
    ]);
    // Each cue comes right after the utterance that triggered it, at its end time or later.
    for (const cue of cues) {
      const u = events.find((e) => e.type === 'utterance' && e.id === cue.utteranceId);
      expect(u?.type === 'utterance' && cue.t >= u.end && cue.t < u.end + 1).toBe(true);
      expect(cue.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const alert = events.find((e) => e.type === 'manager_alert');
    expect(alert).toMatchObject({ rule: 'evidence-when-comparing', cueId: cues[2].id });
    const battlecard = cues[0];
    expect(battlecard.competitor).toBe('Helix Devices');
    expect(battlecard.battlecard?.landmines.length).toBeGreaterThan(0);
    expect(cues[1].talkTrack?.phrasings.length).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.type === 'partial')).toBe(true);
  });

  it('names the competitor from the playbook even when the model did not label the sentence', async () => {
    const s = session(new ListSource([['customer', 'helix devices quoted us less', 1, 3]]), {});
    const events: CallEvent[] = [];
    s.on((e) => events.push(e));
    await s.run();
    expect(events.find((e) => e.type === 'intent')).toMatchObject({
      label: 'competitor_mention',
      competitor: 'Helix Devices',
    });
  });

  it('confirms a tentative cue by publishing the same cue again, not a second card', async () => {
    const sure: IntentModel = {
      classify: async ({ text }) =>
        text === 'Let me check with my boss first.'
          ? [{ label: 'stall', confidence: 0.45 }]
          : text === 'Let me think about it.'
            ? [{ label: 'stall', confidence: 0.98 }]
            : [],
    };
    const s = new CallSession(
      {
        playbook,
        rules: new RuleSet(playbook),
        intents: sure,
        competitors,
        summarize: summarizeCall,
      },
      {
        source: new ListSource([
          ['customer', 'Let me check with my boss first.', 100, 103],
          ['customer', 'Let me think about it.', 104, 107],
        ]),
        lang: 'en',
      },
    );
    const events: CallEvent[] = [];
    s.on((e) => events.push(e));
    await s.run();
    const cues = events.filter((e) => e.type === 'cue');
    const utterances = events.filter((e) => e.type === 'utterance');
    expect(cues).toHaveLength(2);
    expect(cues[0]).toMatchObject({ refId: 'stall', tentative: true });
    expect(cues[1]).toMatchObject({
      id: cues[0].id,
      refId: 'stall',
      tentative: false,
      confirmed: true,
      utteranceId: utterances[1].id,
    });
    expect(cues[1].t).toBeGreaterThanOrEqual(107);
    expect(s.feedback(cues[0].id, 'helpful')).toBe(true);
  });

  it('writes every event to the recorder and ends the call there', async () => {
    const recorded: string[] = [];
    const recorder: CallRecorder = {
      startCall: (c) => recorded.push(`start:${c.title}`),
      recordEvent: (_id, e) => recorded.push(e.type),
      endCall: (_id, reason) => recorded.push(`end:${reason}`),
    };
    await session(new ListSource(turns.slice(0, 2)), labels, recorder).run();
    expect(recorded[0]).toBe('start:test call');
    expect(recorded).toContain('cue');
    expect(recorded.at(-1)).toBe('end:completed');
  });

  it('ends the call with a fatal problem naming the disk trouble when storing fails mid-call', async () => {
    const written: string[] = [];
    const recorder: CallRecorder = {
      startCall: () => {},
      recordEvent: (_id, e) => {
        if (written.length === 5) throw new Error('/data/cuecard.db: the disk is full');
        written.push(e.type);
      },
      endCall: () => {},
    };
    const s = session(new ListSource(turns), labels, recorder);
    const events: CallEvent[] = [];
    s.on((e) => events.push(e));
    await s.run();
    const problems = events.filter((e) => e.type === 'problem');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'store_failed', fatal: true });
    expect(problems[0].type === 'problem' && problems[0].message).toMatch(
      /\/data\/cuecard\.db: the disk is full\. The call was stopped; what was stored before it is kept/,
    );
    expect(events.at(-1)).toMatchObject({ type: 'call_ended', reason: 'error' });
    // Nothing is written after the failure, and the rest of the call is not acted on.
    expect(written).toHaveLength(5);
    expect(events.filter((e) => e.type === 'utterance').length).toBeLessThan(turns.length);
  });

  it('ends with reason "error" when the source reports a fatal problem without throwing', async () => {
    const failing: CallSource = {
      description: 'unplugged',
      run: async (sink) => {
        sink.utterance({ speaker: 'customer', text: 'Let me think about it.', start: 0, end: 2 });
        sink.problem('device_lost', 'the microphone was unplugged', true, 2);
      },
    };
    const s = session(failing, labels);
    const events: CallEvent[] = [];
    s.on((e) => events.push(e));
    await s.run();
    expect(events.at(-1)).toMatchObject({ type: 'call_ended', reason: 'error' });
  });

  it('gives every step of a fast replay its utterance’s call time, so identical replays match', async () => {
    const times = async () => {
      let clock = 0;
      // Each reading of the clock moves it on by 250 ms, as slow processing would.
      const s = new CallSession(
        {
          playbook,
          rules: new RuleSet(playbook),
          intents: new LookupIntentModel(labels),
          competitors,
          summarize: summarizeCall,
          now: () => (clock += 250),
        },
        { source: new ListSource(turns), lang: 'en' },
      );
      const events: CallEvent[] = [];
      s.on((e) => events.push(e));
      await s.run();
      return events.filter((e) => e.type !== 'call_started').map((e) => `${e.type}@${e.t}`);
    };
    const first = await times();
    expect(first).toContain('cue@6');
    expect(first.at(-1)).toBe('call_ended@18');
    expect(await times()).toEqual(first);
  });

  it('ends with a fatal problem, a summary of what was heard, and reason "error" when the source fails', async () => {
    const s = session(new ListSource(turns, 3), labels);
    const events: CallEvent[] = [];
    s.on((e) => events.push(e));
    await s.run();
    expect(events.find((e) => e.type === 'problem')).toMatchObject({
      code: 'device_lost',
      fatal: true,
      message: 'microphone unplugged',
    });
    expect(events.filter((e) => e.type === 'utterance')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'call_ended', reason: 'error' });
  });

  it('keeps no call and writes no summary when the source fails before anything is heard', async () => {
    const recorded: string[] = [];
    const recorder: CallRecorder = {
      startCall: () => recorded.push('start'),
      recordEvent: (_id, e) => recorded.push(e.type),
      endCall: () => recorded.push('end'),
    };
    const s = session(new ListSource(turns, 0), labels, recorder);
    const events: CallEvent[] = [];
    s.on((e) => events.push(e));
    await s.run();
    expect(events.map((e) => e.type)).toEqual(['call_started', 'problem', 'call_ended']);
    expect(recorded).toEqual([]);
  });

  it('records feedback and escalations only for the current call', async () => {
    const s = session(new ListSource(turns.slice(0, 2)), labels);
    const events: CallEvent[] = [];
    s.on((e) => events.push(e));
    const running = s.run();
    await running;
    const cue = events.find((e) => e.type === 'cue');
    expect(s.feedback(cue!.type === 'cue' ? cue!.id : '', 'helpful')).toBe(true);
    expect(s.feedback('no-such-cue', 'helpful')).toBe(false);
    const id = s.escalate('customer wants a discount');
    const escalation = events.find((e) => e.type === 'escalation');
    expect(escalation).toMatchObject({ id, state: 'requested' });
    expect(escalation?.type === 'escalation' && escalation.note).toMatch(
      /customer wants a discount[\s\S]*Helix/,
    );
  });

  it('stops early when asked, with reason "stopped"', async () => {
    const endless: CallSource = {
      description: 'endless',
      run: (_sink, { signal }) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    };
    const s = session(endless, {});
    const events: CallEvent[] = [];
    s.on((e) => events.push(e));
    const running = s.run();
    await s.stop();
    await running;
    expect(events.at(-1)).toMatchObject({ type: 'call_ended', reason: 'stopped' });
  });
});

/** A session on a fake monotonic clock that the source can move forward. */
function clockedSession(source: CallSource, clock: { ms: number }, recorder?: CallRecorder) {
  return new CallSession(
    {
      playbook,
      rules: new RuleSet(playbook),
      intents: new LookupIntentModel(labels),
      competitors,
      summarize: summarizeCall,
      recorder,
      now: () => clock.ms,
    },
    { source, lang: 'en' },
  );
}

async function eventsOf(s: CallSession): Promise<CallEvent[]> {
  const events: CallEvent[] = [];
  s.on((e) => events.push(e));
  await s.run();
  return events;
}

type Sink = Parameters<CallSource['run']>[0];
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the time of call events', () => {
  const sources: Array<[string, (sink: Sink, clock: { ms: number }) => Promise<void>]> = [
    [
      'a recording that fails after scanning for 3.16 s',
      async (_sink, clock) => {
        clock.ms += 3160;
        throw new ModelMissingError('sherpa-onnx-x', 'not downloaded');
      },
    ],
    [
      'overlapping turns whose partials come after the other turn ended',
      async (sink) => {
        sink.partial('rep', 'So', 2.5);
        sink.utterance({ speaker: 'customer', text: 'Let me think about it.', start: 5, end: 7 });
        await tick();
        sink.partial('rep', 'So what', 6.9);
        sink.utterance({ speaker: 'rep', text: 'So what do you need?', start: 2, end: 8 });
        await tick();
      },
    ],
    [
      'warnings and levels stamped earlier than the words before them',
      async (sink) => {
        sink.utterance({ speaker: 'customer', text: 'Let me think about it.', start: 3, end: 5 });
        await tick();
        sink.problem('transcript_warning', 'late warning', false, 0);
        sink.level('customer', -30, true, 1);
      },
    ],
    [
      'a source that fails after words',
      async (sink, clock) => {
        sink.utterance({ speaker: 'customer', text: 'Let me think about it.', start: 30, end: 40 });
        await tick();
        clock.ms += 500;
        throw new Error('device gone');
      },
    ],
  ];

  it.each(sources)('never goes back in time: %s', async (_name, play) => {
    const clock = { ms: 1000 };
    const source: CallSource = { description: 'test', run: (sink) => play(sink, clock) };
    const events = await eventsOf(clockedSession(source, clock));
    expect(events.at(-1)?.type).toBe('call_ended');
    for (let i = 1; i < events.length; i++) {
      const [before, after] = [events[i - 1], events[i]];
      expect(after.t, `${after.type} after ${before.type}`).toBeGreaterThanOrEqual(before.t);
    }
  });

  it('ends a call that failed after 3.16 s at 3.16 s, not at 0', async () => {
    const clock = { ms: 1000 };
    const source: CallSource = {
      description: 'x.wav',
      run: async () => {
        clock.ms += 3160;
        throw new ModelMissingError('sherpa-onnx-x', 'not downloaded');
      },
    };
    const events = await eventsOf(clockedSession(source, clock));
    expect(events.map((e) => [e.type, e.t])).toEqual([
      ['call_started', 0],
      ['problem', 3.16],
      ['call_ended', 3.16],
    ]);
  });
});

describe('problem codes', () => {
  class FollowUpCalendarError extends Error {
    override readonly name = 'FollowUpCalendarError';
  }
  const failures: Array<[string, Error]> = [
    ['audio_format', new AudioFormatError('/tmp/x.wav', 'audio is 8-bit PCM')],
    ['model_missing', new ModelMissingError('sherpa-onnx-x', 'not downloaded')],
    ['model_file', new ModelFileError('/tmp/m.onnx', 'empty model file')],
    ['asr_config', new AsrConfigError('bad recognizer')],
    ['vad_model', new VadModelError('no VAD model', null)],
    ['transcript_format', new TranscriptError('x.vtt line 1: missing header', 'x.vtt', 1)],
    ['bad_source', new SourceError('x: no such file')],
    ['device_lost', Object.assign(new Error('microphone unplugged'), { code: 'device_lost' })],
    ['source_failed', Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })],
    ['source_failed', new Error('something broke')],
    ['follow_up_calendar', new FollowUpCalendarError('calendar down')],
  ];

  it.each(failures)('reports a failing source with the snake_case code %s', async (code, error) => {
    const source: CallSource = {
      description: 'test',
      run: async () => {
        throw error;
      },
    };
    const events = await eventsOf(clockedSession(source, { ms: 0 }));
    expect(events.find((e) => e.type === 'problem')).toMatchObject({
      code,
      message: error.message,
      fatal: true,
    });
  });

  it('turns a code a source reports in another case into snake_case', async () => {
    const source: CallSource = {
      description: 'test',
      run: async (sink) => {
        sink.problem('AudioDeviceStalled', 'no audio for 5 s', false, 0);
        sink.problem('audio-device-closed', 'closed', false, 0);
      },
    };
    const codes = (await eventsOf(clockedSession(source, { ms: 0 })))
      .filter((e) => e.type === 'problem')
      .map((e) => (e.type === 'problem' ? e.code : ''));
    expect(codes).toEqual(['audio_device_stalled', 'audio_device_closed']);
  });
});

describe('whether a call was stored', () => {
  const memoryRecorder = (failStart = false) => {
    const started: string[] = [];
    const recorder: CallRecorder = {
      startCall: (call) => {
        if (failStart) throw new Error('disk full');
        started.push(call.id);
      },
      recordEvent: () => {},
      endCall: () => {},
    };
    return { recorder, started };
  };

  it('says stored: true, with the id the recorder kept, once words were heard', async () => {
    const { recorder, started } = memoryRecorder();
    const s = session(new ListSource(turns.slice(0, 1)), labels, recorder);
    const events = await eventsOf(s);
    expect(events.at(-1)).toMatchObject({ type: 'call_ended', callId: s.id, stored: true });
    expect(started).toEqual([s.id]);
  });

  it('says stored: false when the source failed before anything was heard', async () => {
    const { recorder, started } = memoryRecorder();
    const events = await eventsOf(session(new ListSource(turns, 0), labels, recorder));
    expect(events.at(-1)).toMatchObject({ type: 'call_ended', reason: 'error', stored: false });
    expect(started).toEqual([]);
  });

  it('says stored: false, with a fatal problem, when the store refused the call', async () => {
    const { recorder } = memoryRecorder(true);
    const events = await eventsOf(session(new ListSource(turns.slice(0, 1)), labels, recorder));
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'problem', code: 'store_failed', fatal: true }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'call_ended', reason: 'error', stored: false });
  });
});
