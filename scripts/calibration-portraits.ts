/**
 * The portraits scripts/calibrate-aus.ts calibrates the AU estimator on (scripts/eval-expression.ts tests the
 * estimator on others). A module of its own so that importing the list does not run the calibration.
 */
export const CALIBRATION_PORTRAITS = [
  'skimage_astronaut.png',
  'lp_s2.jpg',
  'facerec_obama.jpg',
  'deepface_img35.jpg',
  'human_stock-teen-6.jpg',
  'codeformer_Einstein01.png',
  'fomm_03.png',
  'dfl_000044.jpg',
];
