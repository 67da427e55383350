/**
 * What text to speech needs to know before it speaks, without running it: the default voice, the longest
 * text, eSpeak NG's voice list as `--voices` prints it, and which writing system a voice reads. Pure: the
 * command line (node/tts.ts) and the web app's text-to-speech worker share it.
 */

/** The voice used when none is given. */
export const DEFAULT_VOICE = 'en-us';
/** The longest text spoken at once, in characters. */
export const MAX_TEXT_CHARS = 5000;

/** eSpeak NG's `--voices` output (a header line, then one voice a line) → language code → language name. */
export function parseVoiceList(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const m = /^\s*\d+\s+(\S+)\s+\S+\s+(\S+)/.exec(l);
    if (m) out.set(m[1]!.toLowerCase(), m[2]!.replace(/_/g, ' '));
  }
  return out;
}

/** Writing systems by the language codes that use them (eSpeak NG's voices); any other voice reads Latin. */
const VOICE_SCRIPTS: [RegExp, string][] = [
  [/^(ru|uk|bg|sr|mk|be|ky|kk|ba|tt|cv|mn)\b/, 'Cyrillic'],
  [/^el\b|^grc\b/, 'Greek'],
  [/^(ar|fa|ur|ps|sd|ug|ku)\b/, 'Arabic'],
  [/^he\b/, 'Hebrew'],
  [/^(hi|mr|ne|kok|sa|bh|mai)\b/, 'Devanagari'],
  [/^(bn|as|bpy)\b/, 'Bengali'],
  [/^(cmn|yue|hak|zh|ja)\b/, 'Han'],
  [/^ko\b/, 'Hangul'],
  [/^ka\b/, 'Georgian'],
  [/^hy\b/, 'Armenian'],
  [/^th\b/, 'Thai'],
  [/^ta\b/, 'Tamil'],
  [/^te\b/, 'Telugu'],
  [/^kn\b/, 'Kannada'],
  [/^ml\b/, 'Malayalam'],
  [/^gu\b/, 'Gujarati'],
  [/^pa\b/, 'Gurmukhi'],
  [/^or\b/, 'Oriya'],
  [/^si\b/, 'Sinhala'],
  [/^my\b/, 'Myanmar'],
  [/^am\b/, 'Ethiopic'],
];
const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Arabic',
  'Hebrew',
  'Devanagari',
  'Bengali',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Georgian',
  'Armenian',
  'Thai',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Gujarati',
  'Gurmukhi',
  'Oriya',
  'Sinhala',
  'Myanmar',
  'Ethiopic',
];

/** The writing system a voice reads. */
export function voiceScript(voice: string): string {
  return VOICE_SCRIPTS.find(([re]) => re.test(voice.toLowerCase()))?.[1] ?? 'Latin';
}

/** The writing systems of a text's letters (digits, spaces and punctuation have none). */
export function textScripts(text: string): string[] {
  const found = new Set<string>();
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    const s = SCRIPTS.find((name) => new RegExp(`\\p{Script=${name}}`, 'u').test(ch)) ?? 'another';
    found.add(s === 'Hiragana' || s === 'Katakana' ? 'Han' : s);
  }
  return [...found];
}
