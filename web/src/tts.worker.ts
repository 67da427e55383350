/**
 * Text to speech in the browser, offline: eSpeak NG compiled to WebAssembly (the `espeak-ng` package that
 * `vivify speak --text` runs in Node), in a worker of its own, loaded only when text is first spoken (its
 * .wasm, voices included, is 18 MB). The voice list and writing systems are the command line's
 * (src/speech/text-scripts.ts).
 */
import ESpeakNG from 'espeak-ng';
import { DEFAULT_VOICE, MAX_TEXT_CHARS, parseVoiceList, textScripts, voiceScript } from '../../src/engine.js';
import { errorMessage, workerScope } from './worker-scope.js';

export type TtsRequest = { type: 'voices'; id: number } | { type: 'say'; id: number; text: string; voice: string };
export type TtsEvent =
  | { type: 'voices'; id: number; voices: [string, string][] }
  | { type: 'wav'; id: number; wav: Uint8Array<ArrayBuffer> }
  | { type: 'error'; id: number; message: string };

const scope = workerScope<TtsRequest, TtsEvent>();
const WASM_URL = new URL('../../node_modules/espeak-ng/dist/espeak-ng.wasm', import.meta.url);

let compiled: Promise<WebAssembly.Module> | undefined;
function wasm(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const res = await fetch(WASM_URL);
    if (!res.ok) throw new Error(`could not load the text-to-speech engine (${WASM_URL.href}: HTTP ${res.status})`);
    return WebAssembly.compileStreaming(res);
  })();
  compiled.catch(() => (compiled = undefined));
  return compiled;
}

/** Runs eSpeak NG once (as its command line), returning what it printed and its file system. */
async function run(args: string[], text?: string): Promise<{ out: string[]; err: string[]; fs: EspeakFs }> {
  const module = await wasm();
  const out: string[] = [];
  const err: string[] = [];
  const m = await ESpeakNG({
    arguments: args,
    print: (s) => out.push(s),
    printErr: (s) => err.push(s),
    preRun: text === undefined ? [] : [(mod) => mod.FS.writeFile('/text.txt', text)],
    instantiateWasm: (imports, done) => {
      void WebAssembly.instantiate(module, imports).then((instance) => done(instance, module));
      return {};
    },
  });
  return { out, err, fs: m.FS };
}
type EspeakFs = { readFile(path: string): Uint8Array };

let voiceList: Promise<Map<string, string>> | undefined;
/** eSpeak NG's voices: language code → language name (as src/speech/node/tts.ts lists them). */
function voices(): Promise<Map<string, string>> {
  voiceList ??= (async () => {
    return parseVoiceList((await run(['--voices'])).out);
  })();
  voiceList.catch(() => (voiceList = undefined));
  return voiceList;
}

async function say(text: string, voice = DEFAULT_VOICE): Promise<Uint8Array<ArrayBuffer>> {
  if (!/\p{L}|\p{N}/u.test(text)) throw new Error('the text has nothing to say: type some words');
  if (text.length > MAX_TEXT_CHARS)
    throw new Error(`the text is ${text.length} characters long; at most ${MAX_TEXT_CHARS} are spoken at once`);
  const all = await voices();
  if (!all.has(voice.toLowerCase()))
    throw new Error(
      `unsupported language or voice "${voice}" (eSpeak NG has ${all.size} voices, e.g. en-us, en-gb, fr-fr, de, es)`,
    );
  const other = textScripts(text).filter((s) => s !== voiceScript(voice));
  if (other.length)
    throw new Error(
      `the text is in ${other.join(' and ')} script, which the voice ${voice} (${all.get(voice.toLowerCase())}) does not read: choose a voice for its language`,
    );
  const { err, fs } = await run(['-v', voice, '-w', '/speech.wav', '-f', '/text.txt'], text);
  const wav = fs.readFile('/speech.wav');
  if (wav.length <= 44) throw new Error(`text to speech gave no sound${err[0] ? `: ${err[0]}` : ''}`);
  return new Uint8Array(wav);
}

scope.listen((msg) => {
  const reply =
    msg.type === 'voices'
      ? voices().then((v): TtsEvent => ({ type: 'voices', id: msg.id, voices: [...v] }))
      : say(msg.text, msg.voice).then((wav): TtsEvent => ({ type: 'wav', id: msg.id, wav }));
  void reply
    .catch((e: unknown): TtsEvent => ({ type: 'error', id: msg.id, message: errorMessage(e) }))
    .then((e) => scope.post(e, e.type === 'wav' ? [e.wav.buffer] : []));
});
