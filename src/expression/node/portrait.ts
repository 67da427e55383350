/**
 * The portrait side of the Node pipelines that render a face from motion alone (`vivify script`, `vivify
 * generate`, `vivify speak`): the image read and fitted to the output size, its face chosen and analysed,
 * and a renderer over it.
 */
import type { NodeFaceAnalyzer } from '../../analysis/node/analyze.js';
import { pickFace } from '../../analysis/pick-face.js';
import type { RgbaImage } from '../../face/image.js';
import type { FaceResult } from '../../face/types.js';
import { readImage, type ImageInput } from '../../media/image-file.js';
import { faceState, type FaceState } from '../../motion/motion.js';
import { loadMouthBank } from '../../reenact/node/mouth-bank-file.js';
import { createRenderer, type Renderer } from '../../render/renderer.js';
import { fitSize, resizeImage } from '../../render/resize.js';

export interface Portrait {
  image: RgbaImage;
  face: FaceResult;
  state: FaceState;
  renderer: Renderer;
}

/**
 * Reads `source`, scales it to fit `size` (the longer side; as it is when undefined), picks face `face` (a
 * one-line error naming the source when there is none; its action units estimated with `actionUnits`), and prepares a
 * renderer with the bank of real mouths (`mouth: 'bank'`) or the drawn one.
 */
export async function loadPortrait(
  source: ImageInput,
  analyzer: NodeFaceAnalyzer,
  o: { size?: number; face: number; mouth: string; actionUnits?: boolean },
): Promise<Portrait> {
  let image = await readImage(source);
  if (o.size) {
    const s = fitSize(image.width, image.height, o.size);
    image = resizeImage(image, s.width, s.height);
  }
  const face = pickFace(
    await analyzer.analyze(image, o.actionUnits ? { actionUnits: true } : {}),
    o.face,
    typeof source === 'string' ? source : 'the source image',
    o.size ? { size: o.size, width: image.width, height: image.height } : undefined,
  );
  const state = faceState(face);
  const renderer = createRenderer(image, state, face.landmarks, {
    mouth: o.mouth === 'bank' ? { bank: await loadMouthBank() } : undefined,
  });
  return { image, face, state, renderer };
}
