// A simulated binary classifier whose truth is known, for the CBPE and concept-drift tests (and
// anything else that needs labelled traffic with a controlled shift): a latent feature
// x ~ Normal(mean, sd); the true probability of class 1 is sigmoid(slope · x + intercept) (the
// concept); the model's score is sigmoid(0.8 · x + 0.2) — monotone in x, so P(label | score) is a
// monotone function of the score, but not the identity: raw scores are miscalibrated and CBPE
// must calibrate them. Covariate shift moves `mean` / `sd`; concept shift changes `slope` /
// `intercept` while the model (the score) stays the same. Randomness comes in as an rng.
import type { Rng } from '../drift/random.ts';

export interface SimulatedPopulation {
  /** The latent feature's distribution (covariate shift). Reference: mean 0, sd 1. */
  mean: number;
  sd: number;
  /** The concept: P(label = 1 | x) = sigmoid(slope · x + intercept). Reference: slope 2, intercept −0.5. */
  slope: number;
  intercept: number;
}

export const REFERENCE_POPULATION: SimulatedPopulation = { mean: 0, sd: 1, slope: 2, intercept: -0.5 };

export interface SimulatedRows {
  scores: number[];
  labels: number[];
  /** The true P(label = 1) of each row. */
  truth: number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The model's score for a latent x (fixed: the model does not change when the world does). */
export const simulatedScore = (x: number): number => sigmoid(0.8 * x + 0.2);

/** n rows from the population: scores, labels drawn Bernoulli(truth), and the truth. */
export function simulateRows(rng: Rng, population: SimulatedPopulation, n: number): SimulatedRows {
  const scores: number[] = [], labels: number[] = [], truth: number[] = [];
  for (let i = 0; i < n; i++) {
    // Box–Muller; 1 − u keeps the logarithm finite
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const x = population.mean + population.sd * z;
    const p = sigmoid(population.slope * x + population.intercept);
    scores.push(simulatedScore(x));
    truth.push(p);
    labels.push(rng() < p ? 1 : 0);
  }
  return { scores, labels, truth };
}

/**
 * A simulated three-class classifier: a latent x ∈ R² ~ Normal(mean, sd² I); the true class
 * probabilities softmax(W x + b) (the concept); the model's scores softmax(0.5 (W₀ x + b₀) + c) with
 * the reference concept W₀, b₀ — underconfident and biased towards the first class, so they need
 * calibrating. Covariate shift moves `mean` / `sd`, concept shift changes `weights` / `biases`.
 */
export interface SimulatedMulticlassPopulation {
  mean: readonly [number, number];
  sd: number;
  weights: readonly (readonly [number, number])[];
  biases: readonly number[];
}

export const MULTICLASS_CLASSES = ['a', 'b', 'c'] as const;

export const REFERENCE_MULTICLASS_POPULATION: SimulatedMulticlassPopulation = {
  mean: [0, 0], sd: 1, weights: [[2, 0], [-1, 1.7], [-1, -1.7]], biases: [0, -0.3, 0.2],
};

export interface SimulatedMulticlassRows {
  scores: number[][];
  labels: string[];
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const MODEL_SHIFT = [0.3, 0, -0.3];

/** n rows from the population: the model's class scores and labels drawn from the true probabilities. */
export function simulateMulticlassRows(rng: Rng, population: SimulatedMulticlassPopulation, n: number): SimulatedMulticlassRows {
  const ref = REFERENCE_MULTICLASS_POPULATION, scores: number[][] = [], labels: string[] = [];
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  for (let i = 0; i < n; i++) {
    const x = [population.mean[0] + population.sd * normal(), population.mean[1] + population.sd * normal()] as const;
    const logits = (w: SimulatedMulticlassPopulation['weights'], b: readonly number[]) => w.map((wk, k) => wk[0] * x[0] + wk[1] * x[1] + b[k]!);
    const truth = softmax(logits(population.weights, population.biases));
    scores.push(softmax(logits(ref.weights, ref.biases).map((z, k) => 0.5 * z + MODEL_SHIFT[k]!)));
    const u = rng();
    let k = 0, acc = truth[0]!;
    while (u >= acc && k < truth.length - 1) acc += truth[++k]!;
    labels.push(MULTICLASS_CLASSES[k]!);
  }
  return { scores, labels };
}
