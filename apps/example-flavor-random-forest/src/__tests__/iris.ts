// A slice of Fisher's iris data (10 rows per species), written inline so the tests need no download.
// Features: sepal length, sepal width, petal length, petal width (cm). Labels: 0 setosa,
// 1 versicolor, 2 virginica.
import { RandomForestClassifier, RandomForestRegression } from 'ml-random-forest';

export const FEATURE_NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;

export const IRIS_FEATURES: number[][] = [
  [5.1, 3.5, 1.4, 0.2], [4.9, 3.0, 1.4, 0.2], [4.7, 3.2, 1.3, 0.2], [4.6, 3.1, 1.5, 0.2], [5.0, 3.6, 1.4, 0.2],
  [5.4, 3.9, 1.7, 0.4], [4.6, 3.4, 1.4, 0.3], [5.0, 3.4, 1.5, 0.2], [4.4, 2.9, 1.4, 0.2], [4.9, 3.1, 1.5, 0.1],
  [7.0, 3.2, 4.7, 1.4], [6.4, 3.2, 4.5, 1.5], [6.9, 3.1, 4.9, 1.5], [5.5, 2.3, 4.0, 1.3], [6.5, 2.8, 4.6, 1.5],
  [5.7, 2.8, 4.5, 1.3], [6.3, 3.3, 4.7, 1.6], [4.9, 2.4, 3.3, 1.0], [6.6, 2.9, 4.6, 1.3], [5.2, 2.7, 3.9, 1.4],
  [6.3, 3.3, 6.0, 2.5], [5.8, 2.7, 5.1, 1.9], [7.1, 3.0, 5.9, 2.1], [6.3, 2.9, 5.6, 1.8], [6.5, 3.0, 5.8, 2.2],
  [7.6, 3.0, 6.6, 2.1], [4.9, 2.5, 4.5, 1.7], [7.3, 2.9, 6.3, 1.8], [6.7, 2.5, 5.8, 1.8], [7.2, 3.6, 6.1, 2.5],
];

export const IRIS_LABELS: number[] = IRIS_FEATURES.map((_, index) => Math.floor(index / 10));

/** Unseen flowers to predict: one clear example of each species plus two borderline ones. */
export const IRIS_QUERIES: number[][] = [
  [5.0, 3.3, 1.4, 0.2],
  [6.0, 2.9, 4.5, 1.5],
  [6.9, 3.1, 5.4, 2.1],
  [6.0, 2.2, 5.0, 1.5],
  [5.9, 3.0, 5.1, 1.8],
];

/** A small, deterministic classifier (seeded; no out-of-bag pass, which tiny data cannot feed). */
export function trainIrisClassifier(): RandomForestClassifier {
  const forest = new RandomForestClassifier({ nEstimators: 15, seed: 7, noOOB: true });
  forest.train(IRIS_FEATURES, IRIS_LABELS);
  return forest;
}

/** A small regressor: petal width from the other three features. */
export function trainPetalWidthRegressor(): RandomForestRegression {
  const forest = new RandomForestRegression({ nEstimators: 15, seed: 7, noOOB: true });
  forest.train(
    IRIS_FEATURES.map((row) => row.slice(0, 3)),
    IRIS_FEATURES.map((row) => row[3]!),
  );
  return forest;
}
