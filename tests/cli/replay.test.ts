import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../main/contract/events';
import { packagedVadModelPath } from '../../main/engine/audio/vad';
import { encodeWav } from '../../main/engine/audio/wav';
import { loadPlaybook } from '../../main/engine/playbook/load';
import { defaultPlaybookDir } from '../../main/engine/resources';
import { jsonLines, cuecard as runCuecard } from '../helpers/cli';
import { legacyEncoder } from '../helpers/legacy-encoding';
import { describeWithShared, REPO_ROOT, sharedPath } from '../helpers/shared';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cuecard-cli-'));
const db = path.join(tmp, 'calls.db');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// No ASR model is installed for these tests: recordings must stop with the pull hint.
const cuecard = (...args: string[]) => runCuecard(args, { env: { CUECARD_DATA_DIR: tmp } });

function events(stdout: string): CallEvent[] {
  const all = jsonLines<CallEvent>(stdout);
  // Whatever the input, the stream never goes back in time.
  for (let i = 1; i < all.length; i++) {
    expect(all[i].t, `${all[i].type} after ${all[i - 1].type}`).toBeGreaterThanOrEqual(
      all[i - 1].t,
    );
  }
  return all;
}

/** Cards a rule showed again, as a new cue, within its cooldown: "rule/refId at t1 and t2". */
function cardsShownTwiceWithinCooldown(all: CallEvent[], playbookDir: string): string[] {
  const rules = new Map(loadPlaybook(playbookDir).rules.map((rule) => [rule.id, rule]));
  const firstShown = new Map<string, number>();
  const doubled: string[] = [];
  for (const cue of all) {
    if (cue.type !== 'cue' || cue.confirmed) continue;
    const key = `${cue.rule}/${cue.refId}`;
    const last = firstShown.get(key);
    const repeat = rules.get(cue.rule)?.repeat;
    const cooldown = repeat === 'once_per_call' ? Infinity : (repeat?.cooldown_s ?? 0);
    if (last !== undefined && cue.t - last < cooldown)
      doubled.push(`${key} at ${last} and ${cue.t}`);
    firstShown.set(key, cue.t);
  }
  return doubled;
}

function score(truth: string, stdout: string): { code: number; report: string } {
  const file = path.join(tmp, `${path.basename(truth)}.ndjson`);
  writeFileSync(file, stdout);
  const r = spawnSync('python3', [sharedPath('fixtures/check_cues.py'), truth, file], {
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, report: r.stdout + r.stderr };
}

describeWithShared('cuecard replay on the shared call transcripts', () => {
  for (const [name, rep] of [
    ['en-medtech-pump', 'Alex Chen'],
    ['zh-medtech-pump', '李明'],
  ]) {
    it(`finds every expected cue in ${name} and ends with a summary`, async () => {
      const r = await cuecard(
        'replay',
        sharedPath(`fixtures/transcripts/${name}.vtt`),
        '--rep',
        rep,
        '--json',
        '--db',
        db,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const scored = score(sharedPath(`fixtures/calls/${name}.truth.json`), r.stdout);
      expect(scored.report).toMatch(/cues 5\/5, must_not violations 0/);
      expect(scored.code).toBe(0);

      const all = events(r.stdout);
      expect(cardsShownTwiceWithinCooldown(all, defaultPlaybookDir())).toEqual([]);
      const summary = all.findLast((e) => e.type === 'summary');
      expect(summary).toBeDefined();
      expect(all.at(-1)?.type).toBe('call_ended');
      if (summary?.type !== 'summary') return;
      expect(summary.competitors).toEqual([name.startsWith('zh') ? '瀚途医疗' : 'Helix Devices']);
      expect(summary.objections).toEqual(['price_objection', 'budget_freeze', 'stall']);
      expect(summary.followUpEmail.lang).toBe(name.slice(0, 2));
    });
  }

  // zh-brightline's competitor 轨迹 is also an ordinary word. The English call is stored in the
  // shared database, which the next test lists; the Chinese one in its own.
  for (const [name, rep, callDb] of [
    ['en-brightline', 'Priya Nair', db],
    ['zh-brightline', '张伟', path.join(tmp, 'zh-brightline.db')],
  ] as const) {
    it(`finds every expected cue in ${name} with the Brightline playbook`, async () => {
      const dir = path.join(REPO_ROOT, 'tests/fixtures/brightline');
      const playbook = path.join(dir, 'playbook');
      const vtt = path.join(dir, `${name}.vtt`);
      const r = await cuecard(
        'replay',
        vtt,
        '--playbook',
        playbook,
        '--rep',
        rep,
        '--json',
        '--db',
        callDb,
      );
      expect(r.stderr).toBe('');
      const scored = score(path.join(dir, `${name}.truth.json`), r.stdout);
      expect(scored.report).toMatch(/cues 5\/5, must_not violations 0/);
      expect(cardsShownTwiceWithinCooldown(events(r.stdout), playbook)).toEqual([]);
    });
  }

  it('stores the replayed calls so they can be listed, searched and shown', async () => {
    const list = await cuecard('calls', 'list', '--db', db, '--json');
    expect(list.code).toBe(0);
    const calls = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(calls.map((c) => c.title)).toEqual(
      expect.arrayContaining(['en-medtech-pump.vtt', 'zh-medtech-pump.vtt']),
    );

    const found = await cuecard('calls', 'list', '--db', db, '--search', '预算', '--json');
    expect(
      found.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).title),
    ).toEqual(['zh-medtech-pump.vtt']);

    const en = calls.find((c) => c.title === 'en-medtech-pump.vtt');
    const shown = await cuecard('calls', 'show', en.id, '--db', db);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/BATTLECARD Helix Devices/);
    expect(shown.stdout).toMatch(/Follow-up email/);
  });

  it('prints a readable timeline without --json', async () => {
    const r = await cuecard(
      'replay',
      sharedPath('fixtures/transcripts/en-medtech-pump.vtt'),
      '--rep',
      'Alex Chen',
      '--db',
      db,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[00:21\.6\] customer +It is\. We are also looking at Helix Devices/);
    expect(r.stdout).toMatch(/▶ BATTLECARD Helix Devices/);
    expect(r.stdout).toMatch(/! manager notified:/);
    expect(r.stdout).not.toMatch(/^\{/m);
  });

  it('replays the real people transcripts and finds the moments a reader finds', async () => {
    const en = events(
      (
        await cuecard(
          'replay',
          sharedPath('fixtures/transcripts/real/en-phone-plan-cancellation.vtt'),
          '--rep',
          'Tom',
          '--json',
          '--db',
          db,
        )
      ).stdout,
    );
    const labelsOf = (all: CallEvent[], pattern: RegExp) => {
      const u = all.find((e) => e.type === 'utterance' && pattern.test(e.text));
      expect(u, String(pattern)).toBeDefined();
      return all
        .filter((e) => e.type === 'intent' && u?.type === 'utterance' && e.utteranceId === u.id)
        .map((e) => (e.type === 'intent' ? e.label : ''));
    };
    expect(labelsOf(en, /spending over \$50 a month/)).toContain('price_objection');
    expect(labelsOf(en, /gonna just gonna try another company/)).toContain('competitor_mention');
    expect(en.at(-1)?.type).toBe('call_ended');

    const zh = events(
      (
        await cuecard(
          'replay',
          sharedPath('fixtures/transcripts/real/zh-ecommerce-presales-pc.vtt'),
          '--rep',
          '客服',
          '--json',
          '--db',
          db,
        )
      ).stdout,
    );
    expect(labelsOf(zh, /不是我用我帮朋友买/)).toEqual(
      expect.arrayContaining(['decision_maker', 'price_objection']),
    );
    expect(labelsOf(zh, /我再看看/)).toContain('stall');
  });

  it('finds speech on both channels of a recording, then names `cuecard models pull` when no ASR model is installed', async () => {
    const r = await cuecard(
      'replay',
      sharedPath('fixtures/calls/en-medtech-pump.wav'),
      '--json',
      '--db',
      db,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cuecard models pull/);
    expect(r.stderr).toMatch(/speech on rep: \d+ segment/);
    expect(r.stderr).toMatch(/speech on customer: \d+ segment/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});

describe('cuecard replay input errors', () => {
  it('names the file when it does not exist', async () => {
    const r = await cuecard('replay', path.join(tmp, 'missing.vtt'), '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.vtt: no such file/);
  });

  it('names the file and line of a broken transcript', async () => {
    const file = path.join(tmp, 'broken.vtt');
    writeFileSync(file, 'WEBVTT\n\n1\n00:00:01.000 --> banana\n<v A>hello\n');
    const r = await cuecard('replay', file, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.vtt.*line 4/);
  });

  it('names the file when a recording is not 16-bit PCM', async () => {
    const file = path.join(tmp, 'float.wav');
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + 8, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(3, 20); // IEEE float
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(16000, 24);
    header.writeUInt32LE(64000, 28);
    header.writeUInt16LE(4, 32);
    header.writeUInt16LE(32, 34);
    header.write('data', 36);
    header.writeUInt32LE(8, 40);
    writeFileSync(file, Buffer.concat([header, Buffer.alloc(8)]));
    const r = await cuecard('replay', file, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/float\.wav/);
    expect(r.stderr).toMatch(/16-bit/);
  });

  describe('an installed speech model that cannot work', () => {
    const name = 'sherpa-onnx-streaming-zipformer-en-2023-06-26';
    /** Installs `name` with the VAD model in place of its three networks, then replays a WAV. */
    async function replayWith(
      damage: (files: Record<string, string>, record: { files: Record<string, unknown> }) => void,
    ) {
      const vad = packagedVadModelPath();
      expect(vad).not.toBeNull();
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cuecard-wrong-model-'));
      const modelDir = path.join(dataDir, 'models', 'asr', name);
      mkdirSync(modelDir, { recursive: true });
      const manifest = JSON.parse(
        readFileSync(path.join(REPO_ROOT, 'models/asr-manifest.json'), 'utf8'),
      );
      const names: Record<string, string> = manifest.models.find(
        (m: { name: string }) => m.name === name,
      ).files;
      const files = Object.fromEntries(
        Object.entries(names).map(([part, file]) => [part, path.join(modelDir, file)]),
      );
      for (const part of ['encoder', 'decoder', 'joiner']) copyFileSync(vad as string, files[part]);
      writeFileSync(files.tokens, '<blk> 0\na 1\n');
      const record = {
        name,
        archiveSha256: '0'.repeat(64),
        installedAt: '2026-01-01T00:00:00.000Z',
        files: Object.fromEntries(
          Object.values(names).map((file) => [
            file,
            { size: statSync(path.join(modelDir, file)).size, sha256: '0'.repeat(64) },
          ]),
        ),
      };
      damage(files, record);
      writeFileSync(path.join(modelDir, '.cuecard-model.json'), JSON.stringify(record));
      const file = path.join(dataDir, 'call.wav');
      const tone = Float32Array.from({ length: 32_000 }, (_, i) => 0.3 * Math.sin(i / 5));
      writeFileSync(file, encodeWav([tone, new Float32Array(tone.length)], 16_000));
      const r = await runCuecard(['replay', file, '--lang', 'en', '--json'], {
        env: { CUECARD_DATA_DIR: dataDir },
      });
      rmSync(dataDir, { recursive: true, force: true });
      expect(r.code).toBe(1); // a refusal, not the 255 of a process that died
      expect(r.stderr).toMatch(new RegExp(`cuecard models pull ${name}`));
      expect(r.stderr).not.toMatch(/terminate called|\n\s+at /);
      return { ...r, problem: events(r.stdout).find((e) => e.type === 'problem') };
    }

    it('real ONNX files of the wrong kind: a problem, not a dead process', async () => {
      // sherpa-onnx ends the process it runs in on these; Cuecard finds out in a child process.
      const r = await replayWith(() => {});
      expect(r.problem).toMatchObject({ code: 'asr_config' });
      expect(r.stderr).toMatch(/could not load the ASR model in .*zipformer-en/);
    });

    it('a file cut short since it was installed: named before anything loads it', async () => {
      const r = await replayWith((files) => truncateSync(files.encoder, 100_000));
      expect(r.problem).toMatchObject({ code: 'model_file' });
      expect(r.stderr).toMatch(/encoder.* is 100000 bytes, but was \d+ when installed/);
    });

    it('a file cut short and recorded so: named as damaged, without the runtime’s raw output', async () => {
      const r = await replayWith((files, record) => {
        truncateSync(files.encoder, 100_000);
        record.files[path.basename(files.encoder)] = { size: 100_000, sha256: '0'.repeat(64) };
      });
      expect(r.problem).toMatchObject({ code: 'model_file' });
      expect(r.stderr).toMatch(/is damaged or incomplete \(onnxruntime: /);
    });

    it('an unreadable install record', async () => {
      const r = await replayWith((_files, record) => {
        (record as { files: unknown }).files = null;
      });
      expect(r.problem).toMatchObject({ code: 'model_file' });
      expect(r.stderr).toMatch(/the install record is unreadable/);
    });
  });

  it('rejects an unknown --lang', async () => {
    const r = await cuecard('replay', 'x.vtt', '--lang', 'fr');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--lang must be en, zh or auto/);
  });

  it('names the playbook file and line of a broken playbook', async () => {
    const dir = path.join(tmp, 'bad-playbook');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'rules.yaml'),
      'rules:\n  - id: r\n    when: { intent: stall, count: -1 }\n    then: [{ show: talk_track }]\n',
    );
    const r = await cuecard('replay', 'x.vtt', '--playbook', dir, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rules\.yaml:3: rules\[0\]\.when\.count/);
  });

  it('names the file, line and column of an alias bomb in a playbook, without a stack trace', async () => {
    const dir = path.join(tmp, 'bomb-playbook');
    mkdirSync(dir, { recursive: true });
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [from, to] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg'].map((p) => p.split('')))
      levels.push(`${to}: &${to} [${Array(9).fill(`*${from}`).join(', ')}]`);
    writeFileSync(path.join(dir, 'bomb.yaml'), `${levels.join('\n')}\n`);
    const r = await cuecard('replay', 'x.vtt', '--playbook', dir, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bomb\.yaml:2:8: YAML aliases expand to too much data/);
    expect(r.stderr).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});

describe('cuecard replay of the inputs a new user has', () => {
  it('replays a UTF-16 transcript, giving each voice of a two-speaker cue its own line', async () => {
    const file = path.join(tmp, 'utf16.vtt');
    const vtt = [
      'WEBVTT',
      '',
      '00:00:01.000 --> 00:00:04.000',
      '<v Alex Chen>The price is 40,000 dollars.',
      '',
      '00:00:05.000 --> 00:00:07.300',
      '<v Dana>Let me think about it.',
      '<v Alex Chen>Sure.',
      '',
    ].join('\r\n');
    writeFileSync(file, Buffer.from(`\ufeff${vtt}`, 'utf16le'));
    const r = await cuecard('replay', file, '--rep', 'Alex Chen', '--db', db);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[00:05\.0\] customer +Let me think about it\.$/m);
    expect(r.stdout).toMatch(/^\[00:06\.8\] rep +Sure\.$/m);

    const id = /^call ended \(completed\); stored as (\S+) \(cuecard calls show \1\)$/m.exec(
      r.stdout,
    )?.[1];
    expect(id).toBeDefined();
    const shown = await cuecard('calls', 'show', id as string, '--db', db);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^utf16\.vtt +\(completed/);
  });

  it('replays a GB18030 Chinese transcript as Chinese, with a warning, and refuses Windows-1252', async () => {
    const gbk = path.join(tmp, 'gbk.vtt');
    const text =
      '00:00:01.000 --> 00:00:04.000\n王主任：预算冻结了，我们再看看吧。\n\n' +
      '00:00:05.000 --> 00:00:06.000\n李明：好的，我下周再联系您。\n';
    writeFileSync(gbk, legacyEncoder('gb18030')(`WEBVTT\n\n${text}`));
    const r = await cuecard('replay', gbk, '--rep', '李明', '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[00:01\.0\] customer +预算冻结了，我们再看看吧。$/m);
    expect(r.stdout).toMatch(/^\[00:05\.0\] rep +好的，我下周再联系您。$/m);
    expect(r.stdout).toMatch(
      /^warning: gbk\.vtt: read as GB18030 \(Chinese\) text because it is not UTF-8/m,
    );

    const western = path.join(tmp, 'western.vtt');
    writeFileSync(
      western,
      Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDana: Caf\u00e9?\n', 'latin1'),
    );
    const refused = await cuecard('replay', western, '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'cuecard replay: western.vtt line 4: the file is not UTF-8 text (this line has bytes that ' +
        'are not UTF-8); save it as UTF-8\n',
    );
  });

  it('refuses a 200 MB transcript at once, naming the file and the limit', async () => {
    const file = path.join(tmp, 'big200m.vtt');
    writeFileSync(file, 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Alex>Hi.\n\n');
    truncateSync(file, 200_000_000);
    const r = await cuecard('replay', file, '--rep', 'Alex', '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^cuecard replay: big200m\.vtt: the file is 200\.0 MB; Cuecard reads transcripts up to 20\.0 MB/,
    );
  });

  it('plays a cut-short recording without an extension, then stores nothing and says so', async () => {
    const file = path.join(tmp, 'recording');
    const tone = Float32Array.from({ length: 16_000 }, (_, i) => 0.3 * Math.sin(i / 5));
    const whole = encodeWav([tone, new Float32Array(tone.length)], 16_000);
    writeFileSync(file, whole.subarray(0, 44 + 32_000)); // 0.5 s of the declared 1 s

    const json = await cuecard('replay', file, '--json', '--db', db);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/cuecard models pull/);
    expect(json.stderr).not.toMatch(/not a transcript/);
    const all = events(json.stdout);
    expect(all.filter((e) => e.type === 'problem')).toEqual([
      expect.objectContaining({
        code: 'recording_incomplete',
        fatal: false,
        message: expect.stringMatching(
          /^recording: the recording is cut short: .*\(0\.50 s missing\)$/,
        ),
      }),
      expect.objectContaining({ code: 'model_missing', fatal: true }),
    ]);
    const started = all[0];
    expect(all.at(-1)).toMatchObject({ type: 'call_ended', reason: 'error', stored: false });
    const list = await cuecard('calls', 'list', '--db', db, '--json');
    expect(list.stdout).not.toContain(started.type === 'call_started' ? started.callId : '?');

    const readable = await cuecard('replay', file, '--db', db);
    expect(readable.stdout).toMatch(/^call from recording$/m);
    expect(readable.stdout).toMatch(/^warning: recording: the recording is cut short/m);
    expect(readable.stdout).toMatch(/^call ended \(error\); nothing was stored$/m);
    expect(readable.stdout).not.toMatch(/^call [0-9a-f-]{36}/m);
  });
});
