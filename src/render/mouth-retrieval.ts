/**
 * Choosing real mouths from the bank for a target mouth: a shape distance that tolerates a little vertical
 * stretch and weighs the jaw, yaw and how much an exemplar must be enlarged; the nearest exemplars; and,
 * over a video, one exemplar at a time — the nearest in shape, kept until another is clearly nearer (no
 * flicker between near-equals as the lips jitter), with a short crossfade at each change. In reenactment the
 * driver's own mouth is one more candidate.
 */
import { MOUTH_OPENING } from '../face/topology.js';
import { DRIVER, type MouthBank, type MouthExemplar } from './mouth-bank.js';

/** The driver's own mouth is preferred by this much shape distance: it moves with the driver's speech. */
const DRIVER_BONUS = 0.05;

/** A bank candidate chosen for one frame, with its blend weight. */
export interface BankChoice {
  exemplar: MouthExemplar;
  /** Shape distance to the target (see {@link shapeDistance}). */
  distance: number;
  weight: number;
}

/**
 * Farther than this nothing in the bank is close enough: the drawn interior is used. A real mouth stretched
 * to a shout wider than any in the bank still looks like a mouth; the drawn arch looks drawn, so the bar is
 * set past the widest shouts of the portraits in docs/images/mouths.png (with their teeth cost, below).
 */
export const BANK_MAX_DISTANCE = 0.55;
/** A yaw difference of this many degrees costs as much as a shape distance of 0.1. */
const YAW_COST = 0.1 / 20;
/**
 * The vertical stretch an exemplar may take to fit a target, and what a stretch costs (× ln s, as distance):
 * up to 1.6× taller, so a shout more open than any exemplar takes the most open real mouths.
 */
const STRETCH_MIN = 0.75;
const STRETCH_MAX = 1.6;
const STRETCH_COST = 0.5;
/** Each doubling of an exemplar's size to fill the target costs as much as this shape distance (it blurs). */
const UPSAMPLING_COST = 0.06;
/**
 * The jaw decides whether the teeth are apart (a shout) or together behind parted lips (a grimace), which the
 * lips' outline alone does not: its difference counts this many times.
 */
const JAW_WEIGHT = 3;
/** The x coordinates of the inner-lip points (which slide along the lips) count less than their heights. */
const X_WEIGHT = 0.5;

/**
 * Distance between an exemplar's shape feature and a target's: the exemplar's inner-lip heights may be
 * stretched vertically (by the factor that fits best, within 0.75–1.25, at a cost) since the warp onto the
 * target's lips stretches it anyway; a mouth of the same form but a little more open is a good match, a
 * different form is not.
 */
export function shapeDistance(e: Float32Array, t: Float32Array): number {
  const n = MOUTH_OPENING.length;
  let ee = 0;
  let et = 0;
  for (let k = 0; k < n; k++) {
    ee += e[2 * k + 1]! * e[2 * k + 1]!;
    et += e[2 * k + 1]! * t[2 * k + 1]!;
  }
  const s = Math.min(STRETCH_MAX, Math.max(STRETCH_MIN, ee > 1e-9 ? et / ee : 1));
  let d = 0;
  for (let k = 0; k < n; k++) {
    const dx = X_WEIGHT * (e[2 * k]! - t[2 * k]!);
    const dy = s * e[2 * k + 1]! - t[2 * k + 1]!;
    d += dx * dx + dy * dy;
  }
  const dj = JAW_WEIGHT * (e[2 * n]! - t[2 * n]!);
  const dw = e[2 * n + 1]! - t[2 * n + 1]!;
  const ls = STRETCH_COST * Math.log(s);
  return Math.sqrt(d + dj * dj + dw * dw + ls * ls);
}

export interface RetrieveOptions {
  /** People whose exemplars are not to be used (an evaluation leaves out the evaluated person's own mouths). */
  exclude?: ReadonlySet<string>;
  /** Head yaw of the target, degrees. */
  yawDeg?: number;
  /** Inner mouth width of the target, pixels: exemplars with less detail than it needs cost more. */
  widthPx?: number;
  /** How many candidates to return. Default 3. */
  k?: number;
  /**
   * How much of the target opening's height its upper teeth should fill at the midline, 0–1 (where the
   * portrait's upper incisal edge lies between its lips): an exemplar showing more or less costs more.
   */
  upperTeeth?: number;
}

/** The k exemplars nearest to a target shape, nearest first (their weights: nearest 1, others 0). */
export function rankMouths(bank: MouthBank, feature: Float32Array, options: RetrieveOptions = {}): BankChoice[] {
  const k = options.k ?? 3;
  const best: BankChoice[] = [];
  for (const e of bank.exemplars) {
    if (options.exclude?.has(e.person)) continue;
    const d = exemplarDistance(e, feature, options);
    if (best.length < k || d < best[best.length - 1]!.distance) {
      best.push({ exemplar: e, distance: d, weight: 0 });
      best.sort((a, b) => a.distance - b.distance);
      if (best.length > k) best.pop();
    }
  }
  if (best[0]) best[0].weight = 1;
  return best;
}

function exemplarDistance(e: MouthExemplar, feature: Float32Array, o: RetrieveOptions): number {
  const upsampling = o.widthPx ? Math.max(0, Math.log2(o.widthPx / e.widthPx)) : 0;
  const teeth =
    o.upperTeeth === undefined || e.upperTeeth === undefined ? 0 : TEETH_COST * Math.abs(e.upperTeeth - o.upperTeeth);
  return (
    shapeDistance(e.feature, feature) +
    Math.abs(e.yawDeg - (o.yawDeg ?? 0)) * YAW_COST +
    UPSAMPLING_COST * upsampling +
    teeth
  );
}

/**
 * Upper teeth showing where the target should show none (or the reverse) cost as much as this shape
 * distance: a smile with the upper lip raised off the teeth takes mouths that show them, a talking mouth whose
 * upper lip covers them takes mouths that do not.
 */
const TEETH_COST = 0.3;

/** A new mouth is taken only when it is this much nearer than the one showing. */
const HOLD = 0.04;
/** A change of exemplar is crossfaded over this many frames. */
const FADE_FRAMES = 4;

/**
 * The exemplar(s) to show for successive frames of one portrait: the nearest in shape, but the one already
 * showing is kept until another is clearly nearer (no flicker between near-equals as the lips jitter), and
 * a change is crossfaded over a few frames. Frames must come in order; a single frame (an edit) gets the
 * nearest. Returns [] when nothing in the bank is within BANK_MAX_DISTANCE.
 */
export function createMouthTrack(): (
  bank: MouthBank,
  feature: Float32Array,
  options?: RetrieveOptions,
  driver?: MouthExemplar,
) => BankChoice[] {
  let current: MouthExemplar | undefined;
  let previous: MouthExemplar | undefined;
  let fade = FADE_FRAMES;
  return (bank, feature, options = {}, driver) => {
    const [ranked] = rankMouths(bank, feature, { ...options, k: 1 });
    const ownDistance = driver ? exemplarDistance(driver, feature, options) - DRIVER_BONUS : Infinity;
    const best =
      driver && !(ownDistance >= (ranked?.distance ?? Infinity)) ? { exemplar: driver, distance: ownDistance } : ranked;
    if (!best || best.distance > BANK_MAX_DISTANCE) {
      current = previous = undefined;
      fade = FADE_FRAMES;
      return [];
    }
    // The driver's mouth is one candidate whatever the frame: "held" means still taking it, freshly cut.
    if (current?.person === DRIVER) current = driver;
    if (previous?.person === DRIVER) previous = driver ?? previous;
    const held = !current
      ? Infinity
      : current.person === DRIVER
        ? ownDistance
        : options.exclude?.has(current.person)
          ? Infinity
          : exemplarDistance(current, feature, options);
    if (!(held <= best.distance + HOLD && held <= BANK_MAX_DISTANCE)) {
      previous = current;
      current = best.exemplar;
      fade = previous ? 0 : FADE_FRAMES;
    }
    const shown: BankChoice = { exemplar: current!, distance: Math.min(held, best.distance), weight: 1 };
    if (!previous || fade >= FADE_FRAMES) return [shown];
    fade++;
    shown.weight = fade / (FADE_FRAMES + 1);
    return [shown, { exemplar: previous, distance: NaN, weight: 1 - shown.weight }];
  };
}
