/**
 * Vivify's public API. The engine (analysis core, motion, render, metrics) is platform-neutral; this
 * entry adds Node's media I/O (sharp, ffmpeg) and model loading from the installed packages.
 */
export { VivifyError, isVivifyError, printable, quote, type VivifyErrorCode } from './errors.js';

export type { RgbaImage, VideoFrame } from './face/image.js';
export { createImage } from './face/image.js';
export {
  readImage,
  writeImage,
  encodeImage,
  DEFAULT_MAX_PIXELS,
  type ImageInput,
  type ReadImageOptions,
} from './media/image-file.js';
export {
  probeVideo,
  probeFrameTiming,
  planConstantRate,
  decodeVideo,
  openVideoWriter,
  type VideoInfo,
  type FrameTiming,
  type ConstantRatePlan,
  type DecodeOptions,
  type VideoWriter,
  type VideoWriterOptions,
  type VideoOutputFormat,
} from './media/video.js';
export { findFfmpeg } from './media/ffmpeg.js';
export { mediaKind } from './media/kind.js';

export { createFaceAnalyzer, type NodeFaceAnalyzer } from './analysis/node/analyze.js';
export {
  createFaceAnalyzerWith,
  identitySimilarity,
  DEFAULT_ANALYZER_OPTIONS,
  type FaceAnalyzer,
  type FaceAnalyzerOptions,
  type FaceAnalyzerRuntime,
  type FaceTracker,
  type FrameAnalysis,
  type AnalyzeOptions,
} from './analysis/analyzer.js';
export { fetchModelLoader, type FetchLoaderOptions, type FetchProgress } from './analysis/models-fetch.js';
export type { ModelBackend, ModelName, ModelArtifactsLoader } from './analysis/models.js';
export type { FaceResult, HeadPose, Box, EyeApertures, MouthAperture, Gaze, Emotion } from './face/types.js';
export { EMOTIONS } from './face/types.js';
export { CANONICAL_FACE, estimatePose, toCanonicalFrame } from './face/measures.js';
export { LM, GROUPS, MESH_TRIANGLES, LANDMARK_COUNT } from './face/topology.js';
export { faceToJSON } from './analysis/serialize.js';

export { drawAnalysisOverlay } from './render/overlay.js';

export {
  scanVideo,
  scanVideos,
  listVideos,
  type ScanResult,
  type ScanOptions,
  type ScanStatus,
  type ListVideosOptions,
} from './dataset/scan.js';

export {
  animate,
  prepareReenactment,
  resolveAnimateOptions,
  type AnimateOptions,
  type AnimateReport,
  type PreparedReenactment,
} from './reenact/node/animate.js';
export { ANIMATE_OPTIONS, DEFAULT_ANIMATE_OPTIONS, type AnimateSettings } from './reenact/options.js';
export {
  createReenactor,
  driveReenactor,
  debugPanel,
  type DriveStats,
  type DrivingFrame,
  type Reenactor,
  type ReenactorOptions,
  type ReenactedFrame,
} from './reenact/reenactor.js';
export { pickFace } from './analysis/pick-face.js';
export {
  resolveOptions,
  parseOptionText,
  optionKey,
  optionDefaults,
  type OptionSpec,
  type OptionSpecs,
  type OptionType,
} from './options.js';
export {
  faceState,
  retarget,
  projectState,
  DEFAULT_RETARGET,
  type FaceState,
  type RetargetOptions,
  type RegionSelection,
} from './motion/motion.js';
export { createRenderer, type Renderer, type RenderFrameInput, type RenderFrameOutput } from './render/renderer.js';

export { l1, psnr, ssim, keypointDistance, cosineSimilarity, IBUG68 } from './eval/metrics.js';
export { pearson } from './face/stats.js';
export { createReenactEvaluator, type ReenactMetrics, type ReenactEvaluation } from './eval/reenact.js';
export { evaluateFiles, runReenactJob, type ReenactJob } from './eval/reenact-run.js';

export {
  ACTION_UNITS,
  AU_NAMES,
  applyAUs,
  bothSides,
  type ActionUnit,
  type AuIntensities,
} from './face/action-units.js';
export { estimateAUs, type AuEstimate } from './analysis/au-estimate.js';
export { EMOTION_NAMES, emotionAUs, emotionChange, type EmotionName } from './emotion/emotion.js';
export { createFaceEditor, neutralise, type EditSpec, type EditResult, type FaceEditor } from './expression/edit.js';
export { composeFaces, composeChanges } from './render/compose.js';
export {
  createGroupEditor,
  selectedFaces,
  splitPerFace,
  type GroupEditor,
  type GroupEditResult,
} from './expression/faces.js';
export { parseFaceSelection, type FaceSelection } from './options.js';
export {
  parseTimeline,
  createTimelineSampler,
  needsMotionModels,
  TimelineError,
  type Timeline,
  type TimelineFrame,
} from './expression/timeline.js';
export { renderScript, type ScriptOptions } from './expression/node/script.js';
export {
  GENERATE_LABELS,
  generateMotion,
  predictEmotionSequence,
  SMILE_DYNAMICS,
  type GenerateLabel,
  type GenerateOptions,
  type GeneratedMotion,
} from './generate/generate.js';
export type { MotionFrame } from './generate/features.js';
export { loadMotionModels, type MotionModels, type MotionModelFile } from './generate/model.js';
export { generatedFrames, type GeneratedFrames } from './expression/generated.js';
export { GENERATE_OPTIONS } from './generate/options.js';
export {
  generateVideo,
  loadShippedMotionModels,
  type GenerateVideoOptions,
  type GenerateVideoReport,
} from './expression/node/generate-video.js';
export { clipLandmarks, cacheDir, type ClipLandmarks } from './dataset/landmarks.js';
export { scriptedAUs, scriptedState } from './expression/scripted.js';

// Talking portraits: speech or text drives the face (docs/speech.md).
export {
  speakVideo,
  loadShippedSpeechModel,
  type SpeakVideoOptions,
  type SpeakVideoReport,
} from './speech/node/speak.js';
export { SPEAK_OPTIONS, type SpeakEmotion, type SpeakSettings } from './speech/speak-options.js';
export { readSpeech, MAX_SPEECH_SECONDS, type SpeechAudio, type ReadSpeechOptions } from './speech/node/audio-in.js';
export { synthesize, listVoices, DEFAULT_VOICE } from './speech/node/tts.js';
export { decodeAudio, probeAudio, SPEECH_SAMPLE_RATE, type AudioInfo } from './media/audio.js';
export {
  audioFeatures,
  createAudioFeatureStream,
  normaliseAudioFeatures,
  speechActivity,
  type AudioFrames,
} from './analysis/audio-features.js';
export { speechMotion, type SpeechMotion, type SpeechMotionOptions } from './speech/speech-motion.js';
export { loadSpeechModel, SPEECH_AUS, type SpeechModel, type SpeechPrediction } from './speech/model.js';

export {
  augment,
  batchAnalyze,
  batchAnimate,
  batchScan,
  type AugmentOptions,
  type BatchOptions,
  type BatchAnalyzeSettings,
} from './batch/jobs.js';
export { runBatch, type BatchJob, type BatchReport, type BatchProgress, type BatchRunOptions } from './batch/run.js';
export { runWorker, queueStatus, type WorkerOptions } from './batch/remote.js';
export {
  AUGMENT_OPTIONS,
  BATCH_OPTIONS,
  WORKER_OPTIONS,
  type AugmentSettings,
  type BatchSettings,
  type AuSet,
  type PoseTurn,
} from './batch/options.js';
export { planVariants, type Variant, type VariantKind } from './batch/variants.js';
export { listInputs, type Listing, type ListedFile } from './batch/inputs.js';
export type { ManifestRecord } from './batch/store.js';
export { editTargets, turnedPose } from './expression/edit.js';
export { parseAuText, parseEmotionText } from './expression/options.js';

// Whole bodies: the Node pipeline, the body detector and the pure per-frame core.
export { animateBody, type AnimateBodyOptions, type AnimateBodyReport } from './body/node/animate.js';
export { createBodyDetector } from './body/node/load-models.js';
export { createBodyDetectorWith, type BodyDetector } from './body/movenet.js';
export { BODY_OPTIONS, resolveBodyOptions, type BodyOptions } from './body/options.js';
export { prepareBodyScene, renderBody, type BodyScene, type BodyFrame } from './body/render.js';
export { createRetargeter, type RetargetMode } from './body/retarget.js';
export { parseSkeletonJson, poseToJson, type SkeletonSequence } from './body/skeleton-file.js';
export { JOINTS, type BodyPose } from './body/skeleton.js';
export { trackBody, type TrackedFrame } from './body/track.js';
export {
  createBodyFaceRenderer,
  createHeadMotion,
  headTurn,
  type BodyFace,
  type BodyFaceMotion,
  type BodyHeadMode,
} from './body/face.js';
