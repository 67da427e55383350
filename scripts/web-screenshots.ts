/**
 * Screenshots of the browser app for the README: docs/images/web-live.png and docs/images/web-studio.png.
 * Only the bundled astronaut appears: the fake camera plays a clip that `vivify script` renders from the
 * astronaut herself (a smile, an open mouth, a head turn), so no real person's frame is committed.
 *
 *   npm run build:web is not needed: this builds its own copy.
 *   node --import tsx scripts/web-screenshots.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { renderScript } from '../src/expression/script.js';
import { ASTRONAUT, ROOT } from '../test/helpers.js';
import { buildWeb, makeY4m, openApp, serveStatic, waitForApp } from '../test/web/harness.js';

const CAMERA_TIMELINE = `duration 4s
fps 25
blink off
at 0s neutral
at 0.6s happy 0.9, au 25=2 26=2, pose yaw 14 pitch -4
at 3.4s happy 0.9, au 25=2 26=2, pose yaw 14 pitch -4
at 4s neutral, pose yaw 0 pitch 0
`;

const dir = mkdtempSync(path.join(tmpdir(), 'vivify-shots-'));
const out = path.join(ROOT, 'docs', 'images');
try {
  const clip = path.join(dir, 'camera.mp4');
  await renderScript(ASTRONAUT, CAMERA_TIMELINE, clip, { size: 384 });
  const camera = path.join(dir, 'camera.y4m');
  makeY4m(clip, camera, { size: 384, seconds: 4, fps: 25 });
  await buildWeb(path.join(dir, 'dist'));
  const server = await serveStatic(path.join(dir, 'dist'));
  const s = await openApp(`${server.url}#live`, { camera, viewport: { width: 1280, height: 800 } });
  const save = async (name: string): Promise<void> => {
    const png = await s.page.screenshot();
    await sharp(png).png({ compressionLevel: 9, palette: true, quality: 90 }).toFile(path.join(out, name));
    console.log(`wrote docs/images/${name}`);
  };
  try {
    await waitForApp(s.page);
    await s.page.click('#camera-button');
    // Wait for the middle of the clip's held smile, head turned.
    await s.page.waitForFunction(
      () => (window as unknown as { vivify: { live(): { frames: number } } }).vivify.live().frames > 30,
      undefined,
      { timeout: 60_000 },
    );
    // (A string: functions passed to the page must not carry the TypeScript loader's helpers.)
    await s.page.evaluate(`new Promise((resolve) => {
      const v = document.querySelector('#camera');
      const check = (_, m) => (m.mediaTime % 4 > 1.8 && m.mediaTime % 4 < 2.6 ? resolve() : v.requestVideoFrameCallback(check));
      v.requestVideoFrameCallback(check);
    })`);
    await s.page.waitForTimeout(400);
    await save('web-live.png');
    await s.page.click('#camera-button');
    await s.page.goto(`${server.url}#studio`);
    await waitForApp(s.page);
    await s.page.fill('#emotion-surprised', '0.7');
    await s.page.fill('#au-12', '2.5');
    await s.page.waitForTimeout(1500);
    await s.page.evaluate(() => document.querySelector('.sidebar')!.scrollTo(0, 0));
    await save('web-studio.png');
    await s.page.click('[data-mode-tab=timeline]');
    await s.page.fill('#timeline-scrub', '1.6');
    await s.page.waitForTimeout(1500);
    await save('web-timeline.png');
    if (s.errors.length) throw new Error(s.errors.join('\n'));
  } finally {
    await s.close();
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
