/** Face analysis on the real portraits in ../shared/data (skipped when the folder is absent). */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createFaceAnalyzer, type NodeFaceAnalyzer } from '../../src/analysis/node/analyze.js';
import { readManifest } from '../../src/dataset/manifest.js';
import { DATA, HAVE_DATA } from '../helpers.js';

const rows = HAVE_DATA
  ? readManifest(DATA)
      .filter((r) => r.kind === 'image')
      .map((r) => ({ file: r.file, category: r.category }))
  : [];

let analyzer: NodeFaceAnalyzer;
before(async () => {
  if (HAVE_DATA) analyzer = await createFaceAnalyzer({ emotion: false, maxFaces: 40 });
});
after(() => analyzer?.close());

test('every core and non-photo portrait has a face', { skip: !HAVE_DATA && 'no ../shared/data' }, async () => {
  const missing: string[] = [];
  for (const r of rows.filter((r) => r.category === 'core' || r.category === 'nonphoto')) {
    const faces = await analyzer.analyze(path.join(DATA, r.file));
    if (faces.length === 0) missing.push(r.file);
    else assert.ok(faces[0]!.score > 0.5 && faces[0]!.pose.fitErrorRms < 0.1, r.file);
  }
  assert.deepEqual(missing, []);
});

test(
  'hard images: no crash, no face on the coffee cup, several in group photos, largest first',
  { skip: !HAVE_DATA && 'no ../shared/data' },
  async () => {
    const counts: Record<string, number> = {};
    for (const r of rows.filter((r) => r.category === 'hard')) {
      const faces = await analyzer.analyze(path.join(DATA, r.file));
      counts[path.basename(r.file)] = faces.length;
      for (let i = 1; i < faces.length; i++)
        assert.ok(
          faces[i - 1]!.box.width * faces[i - 1]!.box.height >= 0.8 * faces[i]!.box.width * faces[i]!.box.height,
        );
    }
    assert.equal(counts['skimage_coffee.png'], 0);
    assert.equal(counts['facerec_two_people.jpg'], 2);
    assert.ok(counts['deepface_selfie-many-people.jpg']! >= 3, JSON.stringify(counts));
    assert.ok(counts['human_solvay1927.jpg']! >= 5, JSON.stringify(counts));
  },
);
