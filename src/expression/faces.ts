/**
 * Several faces of one picture edited at once: which faces (`--face all`, `--face 0,2`), settings per face
 * (`--emotion 0:happy,1:surprised`), and one picture from the faces' renders. Pure: RGBA in, RGBA out.
 *
 * Each face is rendered by its own editor over the same portrait (its own warp, mouth, eyes and lids); a face's
 * render differs from the portrait only where its edit moved or re-shaded something, which its mask says (1
 * moved a pixel or more, less for less). The picture takes, at each pixel, the mask-weighted mean of the faces
 * that changed it, and the portrait where none did: where only one face reaches, that face's render; where
 * two faces' edits meet (neighbours' cheeks, a turned head's surroundings over the next face), a blend by how
 * much each moved it, with no seam.
 */
import type { RgbaImage } from '../face/image.js';
import type { FaceSelection } from '../options.js';
import type { FaceResult } from '../face/types.js';
import { composeFaces } from '../render/compose.js';
import type { RendererOptions } from '../render/renderer.js';
import { createFaceEditor, type EditResult, type EditSpec, type FaceEditor } from './edit.js';

/** The indices a selection names among `count` faces, in the selection's order; throws on a missing face. */
export function selectedFaces(selection: FaceSelection, count: number, what: string): number[] {
  if (selection === 'all') return Array.from({ length: count }, (_, i) => i);
  for (const i of selection)
    if (i >= count)
      throw new RangeError(
        `${what} has ${count} face${count === 1 ? '' : 's'}; face ${i} does not exist (faces are numbered from 0, largest first)`,
      );
  return [...selection];
}

/**
 * Settings text with optional face prefixes, comma-separated: `happy=0.8` (every chosen face),
 * `0:happy,1:surprised=0.5` (face 0 happy, face 1 surprised). Returns, per face index ('*' for every face),
 * the comma-joined items for that face, for the setting's own parser.
 */
export function splitPerFace(text: string): Map<number | '*', string> {
  const out = new Map<number | '*', string[]>();
  for (const item of text.split(',')) {
    const m = /^\s*(\d+)\s*:(.*)$/.exec(item);
    const key: number | '*' = m ? Number(m[1]) : '*';
    const body = m ? m[2]! : item;
    out.set(key, [...(out.get(key) ?? []), body]);
  }
  return new Map([...out].map(([k, v]) => [k, v.join(',')]));
}

/** The faces a per-face setting names by prefix (`0:happy,2:sad` → 0, 2). */
export function facesNamed(perFace: Map<number | '*', unknown>): number[] {
  return [...perFace.keys()].filter((k): k is number => k !== '*').sort((a, b) => a - b);
}

export interface GroupEditResult {
  image: RgbaImage;
  /** Per pixel, the largest of the faces' masks (see {@link EditResult.mask}). */
  mask: Float32Array;
  /** Each face's own edit, in the order of the faces given. */
  faces: EditResult[];
}

export interface GroupEditor {
  readonly editors: readonly FaceEditor[];
  /**
   * Renders each face's spec (one per face, in order; undefined leaves that face as it is) into one picture;
   * `amount` and `sequence` as for {@link FaceEditor.edit}.
   */
  edit(specs: readonly (EditSpec | undefined)[], amount?: number, sequence?: boolean): GroupEditResult;
}

/** Prepares edits of several faces (analyses of `image`) at once. */
export function createGroupEditor(
  image: RgbaImage,
  faces: readonly FaceResult[],
  options: RendererOptions = {},
): GroupEditor {
  const editors = faces.map((f) => createFaceEditor(image, f, undefined, options));
  return {
    editors,
    edit(specs, amount = 1, sequence = false) {
      if (specs.length !== editors.length)
        throw new RangeError(`Expected ${editors.length} edit specs (one per face) but received ${specs.length}`);
      const results = editors.map((e, i) => e.edit(specs[i] ?? {}, amount, sequence));
      return { ...composeFaces(image, results), faces: results };
    },
  };
}
