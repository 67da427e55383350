/** Fixtures of the batch tests, made from the bundled astronaut: small portraits, one face each. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ASTRONAUT } from '../helpers.js';

/**
 * `n` small, distinct portraits of the astronaut (crops at different places and sizes, some mirrored or
 * re-lit), 144–200 px, each with one face: cheap to analyse and edit, so a run of hundreds of variants
 * takes seconds.
 */
export async function makePortraits(dir: string, n: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const side = 300 + (i % 7) * 10;
    const left = 90 + ((i * 13) % 50);
    const top = (i * 7) % 30;
    const size = 144 + (i % 8) * 8;
    let img = sharp(ASTRONAUT).extract({ left, top, width: side, height: side }).resize(size, size);
    if (i % 3 === 1) img = img.flop();
    if (i % 4 === 2) img = img.modulate({ brightness: 1.15 });
    const file = path.join(dir, `p${String(i).padStart(3, '0')}.${i % 5 === 0 ? 'jpg' : 'png'}`);
    await (file.endsWith('.jpg') ? img.jpeg({ quality: 90 }) : img.png()).toFile(file);
    files.push(file);
  }
  return files;
}
