/**
 * Text to speech, offline: eSpeak NG compiled to WebAssembly (the `espeak-ng` npm package, 18 MB, no
 * download at install or run time), run in-process. Loaded only when text is spoken. eSpeak NG is GPL-3.0
 * software; Vivify calls it as a separate package (docs/speech.md).
 */
import { promises as fs } from 'node:fs';
import { VivifyError } from '../../errors.js';
import { quote } from '../../errors.js';
import { DEFAULT_VOICE, MAX_TEXT_CHARS, parseVoiceList, textScripts, voiceScript } from '../text-scripts.js';

export { DEFAULT_VOICE, MAX_TEXT_CHARS, textScripts, voiceScript };

interface EspeakModule {
  FS: { readFile(path: string): Uint8Array; writeFile(path: string, data: string): void };
}
type EspeakFactory = (arg: {
  arguments: string[];
  print?: (s: string) => void;
  printErr?: (s: string) => void;
  preRun?: ((m: EspeakModule) => void)[];
}) => Promise<EspeakModule>;

async function loadEspeak(): Promise<EspeakFactory> {
  // A name in a variable: the package ships no types, and is loaded only when text is spoken.
  const name = 'espeak-ng';
  try {
    return ((await import(name)) as { default: EspeakFactory }).default;
  } catch (cause) {
    throw new VivifyError('E_TTS', `the text-to-speech engine (npm package espeak-ng) is missing: run npm install`, {
      cause,
    });
  }
}

let voices: Promise<Map<string, string>> | undefined;

/** eSpeak NG's voices: language code → language name. */
export function listVoices(): Promise<Map<string, string>> {
  voices ??= (async () => {
    const lines: string[] = [];
    const espeak = await loadEspeak();
    await espeak({ arguments: ['--voices'], print: (s) => lines.push(s), printErr: () => undefined });
    return parseVoiceList(lines);
  })();
  return voices;
}

/**
 * Checks that a voice exists and can read the text; throws E_TTS with one line saying what is wrong.
 */
async function checkTextAndVoice(text: string, voice = DEFAULT_VOICE): Promise<void> {
  if (!/\p{L}|\p{N}/u.test(text)) throw new VivifyError('E_TTS', `--text has nothing to say: ${quote(text)}`);
  if (text.length > MAX_TEXT_CHARS)
    throw new VivifyError(
      'E_TTS',
      `--text is ${text.length} characters long; at most ${MAX_TEXT_CHARS} are spoken at once (split it, or use --audio)`,
    );
  const all = await listVoices();
  if (!all.has(voice.toLowerCase()))
    throw new VivifyError(
      'E_TTS',
      `unsupported language or voice ${quote(voice)} (eSpeak NG has ${all.size} voices, e.g. ${['en-us', 'en-gb', 'fr-fr', 'de', 'es', 'ru', 'cmn', 'hi'].filter((v) => all.has(v)).join(', ')}; vivify speak --voices lists them)`,
    );
  const wanted = voiceScript(voice);
  const other = textScripts(text).filter((s) => s !== wanted);
  if (other.length)
    throw new VivifyError(
      'E_TTS',
      `the text is in ${other.join(' and ')} script, which the voice ${voice} (${all.get(voice.toLowerCase())}) does not read: choose a voice for its language with --voice`,
    );
}

/**
 * Speaks `text` with eSpeak NG and writes a WAV (mono 16-bit, 22.05 kHz) to `file`.
 *
 * @example
 * await synthesize('Hello there.', 'hello.wav', { voice: 'en-gb' });
 */
export async function synthesize(text: string, file: string, options: { voice?: string } = {}): Promise<void> {
  const voice = options.voice ?? DEFAULT_VOICE;
  await checkTextAndVoice(text, voice);
  const espeak = await loadEspeak();
  const errors: string[] = [];
  let wav: Uint8Array;
  try {
    const m = await espeak({
      arguments: ['-v', voice, '-w', '/speech.wav', '-f', '/text.txt'],
      print: () => undefined,
      printErr: (s) => errors.push(s),
      preRun: [(mod) => mod.FS.writeFile('/text.txt', text)],
    });
    wav = m.FS.readFile('/speech.wav');
  } catch (cause) {
    throw new VivifyError('E_TTS', `text to speech failed: ${errors[0] ?? (cause as Error).message}`, { cause });
  }
  if (wav.length <= 44)
    throw new VivifyError('E_TTS', `text to speech gave no sound${errors[0] ? `: ${errors[0]}` : ''}`);
  await fs.writeFile(file, wav);
}
