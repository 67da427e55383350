/**
 * How the edit's emotions (apex AU intensities, src/emotion/emotion-data.ts) read in the emotion coordinates
 * of the motion models (the older emotion directions they were trained with): one row per emotion at
 * intensity 1, its coordinates per expressive emotion.
 *
 *   npx tsx scripts/emotion-coordinates.ts
 */
import { ACTION_UNITS } from '../src/face/action-units.js';
import { emotionAUs } from '../src/emotion/emotion.js';
import { emotionCoordinates, EXPRESSIVE_EMOTIONS } from '../src/generate/features.js';

console.log(`| edit at 1 | ${EXPRESSIVE_EMOTIONS.join(' | ')} |`);
console.log(`|---|${EXPRESSIVE_EMOTIONS.map(() => '---').join('|')}|`);
for (const e of EXPRESSIVE_EMOTIONS) {
  const a = emotionAUs(e, 1);
  const row = ACTION_UNITS.flatMap((au) => [a.left[au] ?? 0, a.right[au] ?? 0]);
  console.log(
    `| ${e} | ${emotionCoordinates(row)
      .map((v) => v.toFixed(2))
      .join(' | ')} |`,
  );
}
