/**
 * The renderer's output, pinned: a fixed set of edits of the astronaut (smile, surprise, a blink with the jaw
 * dropped, a turned head, with the bank of real mouths and with the drawn mouth) hashed pixel for pixel, so a
 * refactor of the renderer or the mouth cannot change a picture unnoticed. The landmarks come from a fixture
 * (test/fixtures/astronaut-landmarks.json: the analyzer's output on assets/astronaut.png), so no model runs
 * and the numbers are plain JavaScript arithmetic, the same on every machine.
 *
 * A change that is meant to alter pictures updates the hashes: run with VIVIFY_PRINT_GOLDEN=1 to print them,
 * look at the pictures, and say in the commit why they changed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import { bothSides } from '../../src/face/action-units.js';
import type { FaceResult } from '../../src/face/types.js';
import type { RgbaImage } from '../../src/face/image.js';
import { createFaceEditor, type EditSpec } from '../../src/expression/edit.js';
import { loadMouthBank } from '../../src/reenact/node/mouth-bank-file.js';
import type { MouthBank } from '../../src/render/mouth-bank.js';
import { astronautFixture } from '../helpers.js';

const CASES: Record<string, { spec: EditSpec; bank: boolean }> = {
  'happy=1, bank': { spec: { emotions: [{ name: 'happy', intensity: 1 }] }, bank: true },
  'surprised=1, bank': { spec: { emotions: [{ name: 'surprised', intensity: 1 }] }, bank: true },
  'surprised=1, drawn': { spec: { emotions: [{ name: 'surprised', intensity: 1 }] }, bank: false },
  'AU45=5 AU26=4, bank': { spec: { aus: bothSides({ 45: 5, 26: 4 }) }, bank: true },
  'yaw 20, pitch -8, AU12=3': { spec: { aus: bothSides({ 12: 3 }), pose: { yawDeg: 20, pitchDeg: -8 } }, bank: true },
};

const GOLDEN: Record<string, string> = {
  'happy=1, bank': 'a60e9f8838d7fee3',
  'surprised=1, bank': '5c3ea9361802780b',
  'surprised=1, drawn': '635408540f0114ff',
  'AU45=5 AU26=4, bank': '480a97d664f2ff13',
  'yaw 20, pitch -8, AU12=3': '76eb85024464f483',
};

let image: RgbaImage;
let face: FaceResult;
let bank: MouthBank;
before(async () => {
  ({ image, face } = await astronautFixture());
  bank = await loadMouthBank();
});

test('renders of a fixed set of edits are pixel for pixel what they were', () => {
  const hashes: Record<string, string> = {};
  const editors = new Map<boolean, ReturnType<typeof createFaceEditor>>();
  for (const [name, { spec, bank: withBank }] of Object.entries(CASES)) {
    let editor = editors.get(withBank);
    if (!editor) {
      editor = createFaceEditor(image, face, undefined, withBank ? { mouth: { bank } } : {});
      editors.set(withBank, editor);
    }
    const out = editor.edit(spec);
    hashes[name] = createHash('sha256').update(out.image.data).digest('hex').slice(0, 16);
  }
  if (process.env.VIVIFY_PRINT_GOLDEN) console.log(JSON.stringify(hashes, null, 2));
  assert.deepEqual(hashes, GOLDEN);
});
