/**
 * The engine's front door: everything the browser app (web/) and its workers use of Vivify, in one module.
 * Everything it reaches is pure TypeScript on typed arrays (no Node APIs, no files): the browser runs the
 * same code as the command line. test/unit/layers.test.ts holds web/ to importing the engine only from here.
 */
export { createFaceAnalyzerWith, type FaceAnalyzer, type FaceTracker } from './analysis/analyzer.js';
export {
  type AudioFeatureStream,
  createAudioFeatureStream,
  normaliseAudioFeatures,
  SILENCE_RMS,
  SPEECH_SAMPLE_RATE,
  speechActivity,
} from './analysis/audio-features.js';
export { fetchModelLoader } from './analysis/models-fetch.js';
export { type ModelBackend } from './analysis/models.js';
export { BODY_OPTIONS, resolveBodyOptions, smoothingCutoffHz, type BodyOptions } from './body/options.js';
export { createBodyDetectorWith, type BodyDetector } from './body/movenet.js';
export { createBodyFaceRenderer, createHeadMotion, type BodyFace } from './body/face.js';
export { prepareBodyScene, renderBody, type BodyRenderState } from './body/render.js';
export { createRetargeter } from './body/retarget.js';
export { seenCount, type BodyPose } from './body/skeleton.js';
export { createPoseSmoother } from './body/pose-smoother.js';
export { chooseBodyPerson, isFullLength, jointsInPicture, type BodyPerson } from './body/source.js';
export { trackBody } from './body/track.js';
export { VivifyError } from './errors.js';
export { createFaceEditor, type EditSpec, type FaceEditor } from './expression/edit.js';
export { scriptedAUs, scriptedState } from './expression/scripted.js';
export {
  autoBlinks,
  createTimelineSampler,
  needsMotionModels,
  parseTime,
  parseTimeline,
  TimelineError,
  type TimelineFrame,
} from './expression/timeline.js';
export { ACTION_UNITS, type ActionUnit, AU_MAX, AU_NAMES, bothSides } from './face/action-units.js';
export { type RgbaImage } from './face/image.js';
export { type Box, EMOTIONS, type FaceResult } from './face/types.js';
export { EMOTION_NAMES, type EmotionName } from './emotion/emotion-names.js';
export { loadMotionModels, type MotionModels } from './generate/model.js';
export { faceState, type FaceState, projectState, stateFromLandmarks } from './motion/motion.js';
export { loadSpeechModel, SPEECH_AUS, SPEECH_FPS, type SpeechModel } from './speech/model.js';
export { mouthCurves, speechMotion } from './speech/speech-motion.js';
export { optionKey, type OptionSpec, type OptionSpecs, parseOptionText } from './options.js';
export { createGroupReenactor, type GroupMember } from './reenact/group-reenactor.js';
export { ANIMATE_OPTIONS, REENACTOR_OPTION_NAMES } from './reenact/options.js';
export {
  createReenactor,
  type DrivingFrame,
  type ReenactedFrame,
  type Reenactor,
  type ReenactorOptions,
} from './reenact/reenactor.js';
export { type MouthBank, parseMouthBank } from './render/mouth-bank.js';
export { type EyeBank, parseEyeBank } from './render/eye-bank.js';
export { drawAnalysisOverlay, drawFaceMesh } from './render/overlay.js';
export { createRenderer, type Renderer, type RendererOptions } from './render/renderer.js';
export { SPEAK_OPTIONS, type SpeakEmotion } from './speech/speak-options.js';
export { DEFAULT_VOICE, MAX_TEXT_CHARS, parseVoiceList, textScripts, voiceScript } from './speech/text-scripts.js';
