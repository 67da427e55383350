import { VivifyError } from '../errors.js';
import { mediaKind } from '../media/kind.js';
import { checkRunPaths } from '../media/run-paths.js';
import { videoFormatForPath } from '../media/video.js';
import { speakVideo } from '../speech/node/speak.js';
import { SPEAK_OPTIONS } from '../speech/speak-options.js';
import { listVoices } from '../speech/node/tts.js';
import type { CommandContext } from './context.js';
import { type FlagsOf, defineCommand } from './options.js';
import { createProgress } from './progress.js';

export const speakCommand = defineCommand({
  name: 'speak',
  summary: 'make a portrait talk: lips in sync with a voice (a speech file, or text spoken offline)',
  usage:
    'vivify speak --source portrait.jpg (--audio speech.wav | --text "…") -o talk.mp4 [--emotion happy=0.7] [options]',
  positionals: { name: 'arguments', min: 0, max: 0 },
  options: {
    source: { type: 'string', value: 'image', description: 'The portrait (JPEG, PNG, WebP)' },
    audio: {
      type: 'string',
      value: 'speech',
      description: 'Speech to follow: WAV, MP3, M4A, FLAC, Ogg or a video with sound (up to 10 minutes)',
    },
    text: { type: 'string', value: '"words"', description: 'Words to say, spoken offline by eSpeak NG (see --voice)' },
    output: {
      type: 'string',
      short: 'o',
      value: 'out.mp4',
      description: 'Result: an .mp4 with the speech as its sound track',
    },
    ...SPEAK_OPTIONS,
    voices: { type: 'boolean', default: false, description: 'List the voices of --voice and exit' },
  },
  examples: [
    'vivify speak --source portrait.jpg --audio speech.wav -o talk.mp4',
    'vivify speak --source portrait.jpg --audio interview.m4a -o talk.mp4 --emotion happy=0.7 --seed 3',
    'vivify speak --source portrait.jpg --text "Hello! I can talk now." -o hello.mp4',
    'vivify speak --source portrait.jpg --text "Bonjour à tous." --voice fr-fr -o bonjour.mp4',
  ],
});

type SpeakArgs = FlagsOf<typeof speakCommand.options>;

export async function runSpeak(args: SpeakArgs, ctx: CommandContext): Promise<number> {
  if (args.voices) {
    for (const [code, name] of await listVoices()) ctx.out(`${code.padEnd(12)} ${name}`);
    return 0;
  }
  for (const k of ['source', 'output'] as const)
    if (!args[k]) throw new VivifyError('E_USAGE', `vivify speak needs --${k} (usage: ${speakCommand.usage})`);
  if ((args.audio === undefined) === (args.text === undefined))
    throw new VivifyError('E_USAGE', `vivify speak needs one of --audio and --text (usage: ${speakCommand.usage})`);
  const output = args.output!;
  if (videoFormatForPath(output) !== 'mp4')
    throw new VivifyError('E_USAGE', `vivify speak writes an .mp4 (it carries the speech), got ${output}`);
  await checkRunPaths(
    [
      { name: '--source', path: args.source },
      { name: '--audio', path: args.audio },
    ],
    [{ name: '--output', path: output }],
  );
  if ((await mediaKind(args.source!)) !== 'image')
    throw new VivifyError('E_USAGE', `--source must be an image (JPEG, PNG, WebP): ${args.source}`);
  let bar: ReturnType<typeof createProgress> | undefined;
  const r = await speakVideo(args.source!, output, {
    audio: args.audio,
    text: args.text,
    emotion: args.emotion,
    voice: args.voice,
    seed: args.seed,
    fps: args.fps,
    mouthScale: args['mouth-scale'],
    face: args.face,
    mouth: args.mouth,
    size: args.size,
    signal: ctx.signal,
    onProgress: (p) => {
      // Reading the speech takes a second or two even for minutes of it: only the frames are counted.
      if (p.stage !== 'render') return;
      bar ??= createProgress('speak', p.total);
      bar.update(p.done);
    },
  });
  bar?.done(`${r.frames} frames`);
  ctx.out(
    `${output}: ${r.frames} frames at ${r.fps} fps (${r.durationS.toFixed(2)} s) with the speech as its sound track${args.emotion ? `, ${args.emotion.name} ${args.emotion.intensity}` : ''}, seed ${args.seed}`,
  );
  if (r.speech.clippedShare > 0.001)
    ctx.err(
      `warning: ${(r.speech.clippedShare * 100).toFixed(1)}% of the speech samples are clipped (distorted input)`,
    );
  ctx.out(
    `${r.msPerFrame.toFixed(1)} ms/frame rendering (${(1000 / r.msPerFrame).toFixed(0)} frames/s); ${(r.totalMs / 1000).toFixed(1)} s in all`,
  );
  return 0;
}
