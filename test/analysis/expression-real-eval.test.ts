/**
 * `vivify eval expression-real` on one MEAD actor (M030, ../shared/data; skipped when the folder is absent):
 * the table's figures are finite and sane — the happy edit of the actor's neutral frame is closer to the real
 * happy apex than the unedited frame is, identity lies in (0, 1] — and its one-line errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ExpressionRealResult } from '../../src/eval/expression-real.js';
import { DATA, HAVE_DATA, runCli, tempDir } from '../helpers.js';

test('eval expression-real: M030, happy and sad', { skip: !HAVE_DATA && 'no ../shared/data' }, (t) => {
  const dir = tempDir(t);
  const json = path.join(dir, 'extra.json');
  const r = runCli(
    [
      'eval',
      'expression-real',
      '--data',
      DATA,
      '--actors',
      'M030',
      '--emotions',
      'happy,sad',
      '--out',
      dir,
      '--json',
      json,
    ],
    { timeoutMs: 900_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\| M030 \| happy \|/);
  assert.match(r.stdout, /\| \*\*all\*\* \(2\) \|/);
  const res = JSON.parse(readFileSync(json, 'utf8')) as ExpressionRealResult;
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'expression-real.json'), 'utf8')), res);
  assert.match(readFileSync(path.join(dir, 'expression-real.md'), 'utf8'), /vivify eval expression-real/);
  assert.deepEqual(res.rows.map((x) => x.emotion).sort(), ['happy', 'sad']);
  for (const x of res.rows) {
    for (const v of [x.error.edit, x.error.noEdit, x.error.ratio, x.judge.l1, x.identity.edit, x.identity.apex])
      assert.ok(Number.isFinite(v), JSON.stringify(x));
    // Landmark errors: a fraction of the eye distance, not pixels or garbage.
    assert.ok(x.error.edit > 0 && x.error.edit < 0.5, `${x.emotion} edit error ${x.error.edit}`);
    assert.ok(x.error.noEdit > 0.005 && x.error.noEdit < 0.5, `${x.emotion} no-edit error ${x.error.noEdit}`);
    assert.ok(x.judge.l1 >= 0 && x.judge.l1 <= 2 + 1e-6);
    for (const s of [x.identity.edit, x.identity.apex]) assert.ok(s > 0 && s <= 1 + 1e-6, `identity ${s}`);
    assert.equal(x.heldOut, false);
  }
  const happy = res.rows.find((x) => x.emotion === 'happy')!;
  assert.ok(happy.error.edit < happy.error.noEdit, `happy: edit ${happy.error.edit} vs no edit ${happy.error.noEdit}`);
  assert.ok(happy.identity.edit > 0.5, `happy identity ${happy.identity.edit}`);
  assert.equal(res.all.rows, 2);
});

test('eval expression-real: one-line errors', (t) => {
  const dir = tempDir(t);
  const missing = runCli(['eval', 'expression-real', '--data', path.join(dir, 'nothing'), '--out', dir]);
  assert.equal(missing.code === 0, false);
  assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
  assert.match(missing.stderr, /^error: no MANIFEST\.tsv in .*nothing \(pass --data\)/);
  const actor = runCli(['eval', 'expression-real', '--actors', 'M030,X999', '--out', dir]);
  assert.equal(actor.code, 2, actor.stderr);
  assert.equal(actor.stderr.trim().split('\n').length, 1, actor.stderr);
  assert.match(actor.stderr, /actors among M030, W009.*for --actors but received "M030,X999"/);
  const emotion = runCli(['eval', 'expression-real', '--emotions', 'smug', '--out', dir]);
  assert.equal(emotion.code, 2, emotion.stderr);
  assert.match(emotion.stderr, /emotions among .*happy.*for --emotions/);
  const json = runCli(['eval', 'expression-real', '--json', path.join(dir, 'x.txt'), '--out', dir]);
  assert.equal(json.code, 2, json.stderr);
  assert.match(json.stderr, /--json needs a \.json file name/);
});
