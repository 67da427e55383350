/**
 * Screenshots of the browser app for the README and docs/web.md, each mode (Live, what the tracker sees, lip-sync
 * to the microphone, the studio's expression, compare, timeline, video file and speak) at 1280×800 (web-*.png) and on a phone at
 * 390×844 (web-phone-*.png), in docs/images/.
 * Only the bundled astronaut appears: the fake camera plays the gallery's example clip, which `vivify script`
 * rendered from the astronaut herself (a smile, an open mouth, a head turn), so no real person's frame is committed.
 * The Speak mode's speech is the mode's own example text, spoken by eSpeak NG in the page.
 *
 *   npm run build:web is not needed: this builds its own copy.
 *   node --import tsx scripts/web-screenshots.ts            (every picture)
 *   node --import tsx scripts/web-screenshots.ts speak     (only the Speak mode's two)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { ROOT } from '../test/helpers.js';
import { buildWeb, makeY4m, openApp, serveStatic, waitForApp } from '../test/web/harness.js';

/** The camera: the gallery's example clip, the astronaut herself smiling and turning (5 s, looped). */
const CAMERA_CLIP = path.join(ROOT, 'assets', 'examples', 'smile-turn.webm');

const dir = mkdtempSync(path.join(tmpdir(), 'vivify-shots-'));
const out = path.join(ROOT, 'docs', 'images');
const onlySpeak = process.argv.slice(2).includes('speak');

/** The Speak mode: the example text spoken in the page, animated, the result paused mid-sentence on the stage. */
/**
 * What the tracker sees, on or off: driver and result side by side, the driver's mesh, the bars. On a phone
 * (`drawer`) the settings are in the drawer, which slides in and is closed again.
 */
async function trackerView(page: Page, on: boolean, drawer = false): Promise<void> {
  if (drawer) {
    await page.click('#drawer-button');
    await page.waitForTimeout(400);
  }
  await page.selectOption('#view-layout', on ? 'side-by-side' : 'result');
  for (const box of ['#view-driver-mesh', '#view-bars']) await (on ? page.check(box) : page.uncheck(box));
  if (drawer) await page.click('#drawer-close');
}

/** Live lip-sync to the fake microphone (the stage's button), shot with the mouth open once it has drawn 40 frames, then stopped. */
async function lipSync(page: Page, save: (name: string, page: Page) => Promise<void>, name: string): Promise<void> {
  await page.waitForFunction(() => !(document.querySelector('#lipsync-button') as HTMLButtonElement).disabled);
  await page.click('#lipsync-button');
  await page.waitForFunction(
    () =>
      ((window as unknown as { vivify: { live(): { lipsync?: { frames: number } } } }).vivify.live().lipsync?.frames ??
        0) >= 40,
    undefined,
    { timeout: 60_000 },
  );
  // The fake microphone beeps: wait for a frame with the mouth open.
  await page.waitForFunction(
    () => {
      const opens = (window as unknown as { vivify: { live(): { lipsync?: { opens: number[] } } } }).vivify.live()
        .lipsync?.opens;
      return !!opens?.length && opens[opens.length - 1]! > 0.3;
    },
    undefined,
    { timeout: 30_000, polling: 20 },
  );
  await save(name, page);
  await page.click('#lipsync-button');
}

async function speakShot(page: Page, name: string, url: string): Promise<void> {
  await page.goto(`${url}#studio`);
  await waitForApp(page);
  await page.click('[data-mode-tab=speak]');
  await page.click('#speak-say');
  await page.waitForFunction(
    () => !(document.querySelector('#speak-render') as HTMLButtonElement).disabled,
    undefined,
    {
      timeout: 60_000,
    },
  );
  await page.click('#speak-render');
  await page.waitForFunction(() => !(document.querySelector('#speak-stage') as HTMLElement).hidden, undefined, {
    timeout: 120_000,
  });
  await page.evaluate(`(async () => {
    const v = document.querySelector('#speak-result');
    v.pause();
    v.currentTime = 1.2;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
  })()`);
  // The toast has been read (it may have left by itself).
  const toastClose = page.locator('#toasts .toast-close');
  while ((await toastClose.count()) > 0) await toastClose.first().click();
  // Until the player's loading ring has gone.
  await page.waitForTimeout(2000);
  const png = await page.screenshot();
  await sharp(png).png({ compressionLevel: 9, palette: true, quality: 90 }).toFile(path.join(out, name));
  console.log(`wrote docs/images/${name}`);
}

try {
  const camera = path.join(dir, 'camera.y4m');
  makeY4m(CAMERA_CLIP, camera, { size: 384, seconds: 5, fps: 25 });
  await buildWeb(path.join(dir, 'dist'));
  const server = await serveStatic(path.join(dir, 'dist'));
  const s = await openApp(`${server.url}#live`, { camera, viewport: { width: 1280, height: 800 } });
  if (onlySpeak) {
    try {
      await speakShot(s.page, 'web-speak.png', server.url);
      const phone = await openApp(`${server.url}#studio`, { viewport: { width: 390, height: 844 } });
      await speakShot(phone.page, 'web-phone-speak.png', server.url);
      if (s.errors.length || phone.errors.length) throw new Error([...s.errors, ...phone.errors].join('\n'));
      await phone.close();
    } finally {
      await s.close();
      await server.close();
    }
  } else {
    const save = async (name: string, page = s.page): Promise<void> => {
      const png = await page.screenshot();
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
      const check = (_, m) => (m.mediaTime % 5 > 2.6 && m.mediaTime % 5 < 3.2 ? resolve() : v.requestVideoFrameCallback(check));
      v.requestVideoFrameCallback(check);
    })`);
      await s.page.waitForTimeout(400);
      await save('web-live.png');
      // What the tracker sees: driver and result side by side, the driver's mesh, the bars.
      await trackerView(s.page, true);
      await s.page.evaluate(() => document.querySelector('#show-panel')!.scrollIntoView());
      await s.page.waitForTimeout(2500);
      await save('web-live-tracker.png');
      await trackerView(s.page, false);
      await s.page.click('#camera-button');
      // Lip-sync to the (fake) microphone: the portrait's mouth follows its beeps.
      await lipSync(s.page, save, 'web-live-lipsync.png');
      await s.page.goto(`${server.url}#studio`);
      await waitForApp(s.page);
      await s.page.fill('#emotion-surprised', '0.7');
      await s.page.fill('#au-12', '2.5');
      await s.page.waitForTimeout(1500);
      await s.page.evaluate(() => document.querySelector('#expression-presets')!.scrollIntoView());
      await save('web-studio.png');
      // Judging the edit: before | after, zoomed on the face.
      await s.page.check('#studio-compare');
      await s.page.fill('#studio-split', '50');
      await s.page.check('#studio-zoom');
      await s.page.waitForTimeout(500);
      await save('web-compare.png');
      await s.page.uncheck('#studio-compare');
      await s.page.uncheck('#studio-zoom');
      await s.page.click('[data-mode-tab=timeline]');
      await s.page.fill('#timeline-scrub', '1.6');
      await s.page.waitForTimeout(1500);
      await save('web-timeline.png');
      // The Video file mode: the gallery's clip animates the portrait; the result on the stage, paused at 2.8 s.
      const videoMode = async (page: Page): Promise<void> => {
        await page.click('[data-mode-tab=video]');
        await page.setInputFiles('#video-file', CAMERA_CLIP);
        await page.waitForFunction(() => !(document.querySelector('#video-animate') as HTMLButtonElement).disabled);
        await page.click('#video-animate');
        await page.waitForFunction(() => !(document.querySelector('#video-stage') as HTMLElement).hidden, undefined, {
          timeout: 240_000,
        });
        await page.evaluate(`(async () => {
          const v = document.querySelector('#video-result');
          v.pause();
          v.currentTime = 2.8;
          await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
        })()`);
        const toastClose = page.locator('#toasts .toast-close');
        while ((await toastClose.count()) > 0) await toastClose.first().click();
        // Until the player's loading ring has gone.
        await page.waitForTimeout(2000);
      };
      await videoMode(s.page);
      await save('web-video.png');
      await speakShot(s.page, 'web-speak.png', server.url);
      if (s.errors.length) throw new Error(s.errors.join('\n'));
      // A phone: the stage first, the controls in a drawer; an example clip drives the portrait.
      const phone = await openApp(`${server.url}#live`, { viewport: { width: 390, height: 844 } });
      try {
        await waitForApp(phone.page);
        await phone.page.click('#drawer-button');
        await phone.page.waitForTimeout(400);
        await save('web-phone-drawer.png', phone.page);
        await phone.page.click('[data-example="smile-turn.webm"]');
        await phone.page.waitForFunction(
          () => (window as unknown as { vivify: { live(): { frames: number } } }).vivify.live().frames > 40,
          undefined,
          { timeout: 60_000 },
        );
        await save('web-phone-live.png', phone.page);
        // What the tracker sees, on a phone: the view settings are in the drawer (which slides in).
        await trackerView(phone.page, true, true);
        await phone.page.waitForTimeout(2500);
        await save('web-phone-live-tracker.png', phone.page);
        await trackerView(phone.page, false, true);
        await phone.page.click('#camera-button');
        await lipSync(phone.page, save, 'web-phone-lipsync.png');
        await phone.page.goto(`${server.url}#studio`);
        await waitForApp(phone.page);
        await phone.page.click('#drawer-button');
        await phone.page.click('[data-preset="Surprise"]');
        await phone.page.click('#drawer-close');
        await phone.page.check('#studio-compare');
        await phone.page.check('#studio-zoom');
        await phone.page.fill('#studio-split', '50');
        await phone.page.waitForTimeout(1500);
        await save('web-phone-studio.png', phone.page);
        await phone.page.uncheck('#studio-compare');
        await phone.page.uncheck('#studio-zoom');
        await phone.page.click('[data-mode-tab=timeline]');
        await phone.page.fill('#timeline-scrub', '1.6');
        await phone.page.waitForTimeout(1500);
        // The preview first, the editor under it (the scrubber is further down on a phone).
        await phone.page.evaluate(() => document.querySelector('#page-studio .viewport')!.scrollIntoView());
        await save('web-phone-timeline.png', phone.page);
        await videoMode(phone.page);
        await save('web-phone-video.png', phone.page);
        await speakShot(phone.page, 'web-phone-speak.png', server.url);
        if (phone.errors.length) throw new Error(phone.errors.join('\n'));
      } finally {
        await phone.close();
      }
    } finally {
      await s.close();
      await server.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
