import type { DemoModel } from './model-types.ts';
import { DAY, HOUR } from './model-types.ts';
import { clamp, round, type Rng } from './prng.ts';
import { BAD_DEPLOY, MINUTE } from './schedule.ts';
import { iso } from './wire.ts';

const CLASSES = ['billing', 'cancellation', 'technical_support', 'sales', 'shipping', 'other'] as const;
type Intent = (typeof CLASSES)[number];
const MIX: Record<Intent, number> = { billing: 22, cancellation: 10, technical_support: 28, sales: 12, shipping: 20, other: 8 };
const SENTIMENT: Record<Intent, number> = { billing: -0.1, cancellation: -0.5, technical_support: -0.25, sales: 0.35, shipping: -0.05, other: 0 };
const ORDER_ID: Record<Intent, number> = { billing: 0.6, cancellation: 0.3, technical_support: 0.25, sales: 0.05, shipping: 0.85, other: 0.2 };
const LANGUAGES: Record<string, Record<string, number>> = { na: { en: 90, es: 10 }, eu: { en: 35, de: 25, fr: 20, es: 10, it: 5, nl: 5 }, apac: { en: 100 } };

/**
 * Class probabilities: the true class gets a margin over noise. The bad build (1.4.0) shipped with
 * a stale label map, so cancellations and shipping requests mostly land in "other" / "billing".
 */
function classify(rng: Rng, truth: Intent, bad: boolean): Record<Intent, number> {
  const logits = {} as Record<Intent, number>;
  for (const c of CLASSES) logits[c] = rng.normal(0, 1) + (c === truth ? (bad ? 1.9 : 2.6) : 0);
  if (bad && (truth === 'cancellation' || truth === 'shipping')) logits[truth === 'cancellation' ? 'other' : 'billing'] += 3.5;
  let total = 0;
  for (const c of CLASSES) total += Math.exp(logits[c]);
  const probs = {} as Record<Intent, number>;
  for (const c of CLASSES) probs[c] = round(Math.exp(logits[c]) / total, 4);
  return probs;
}

/** Multiclass support-ticket router: the model that gets a bad deployment. */
export const intentRouter: DemoModel = {
  spec: {
    id: 'intent-router',
    name: 'Support intent router',
    task: 'multiclass',
    owner_team: 'support-ml',
    tags: ['demo', 'nlp', 'support'],
    description: 'Routes incoming support messages to a queue (simulated by `vigil demo`).',
    schema: {
      features: [
        { name: 'message_length', type: 'numeric', min: 1, max: 5000 },
        { name: 'num_tokens', type: 'numeric', min: 1, max: 1500 },
        { name: 'sentiment', type: 'numeric', min: -1, max: 1 },
        { name: 'previous_contacts_30d', type: 'numeric', min: 0, max: 100 },
        { name: 'account_age_days', type: 'numeric', min: 0, max: 20_000, nullable: true, description: 'null for guests' },
        { name: 'hour_of_day', type: 'numeric', min: 0, max: 23 },
        { name: 'language', type: 'categorical', categories: ['en', 'de', 'fr', 'es', 'it', 'nl'] },
        { name: 'customer_tier', type: 'categorical', categories: ['free', 'pro', 'enterprise'] },
        { name: 'has_order_id', type: 'boolean' },
      ],
      segments: ['channel', 'region'],
      classes: [...CLASSES],
    },
  },
  short: 'ir',
  versions: [
    { version: '1.3.0', source: 'mlflow:run/31d0c7', validation_metrics: { accuracy: 0.905, macro_f1: 0.88, log_loss: 0.33 } },
    // looked better offline than the version it replaced: the regression only shows in production
    { version: '1.4.0', source: 'mlflow:run/77e9b1', validation_metrics: { accuracy: 0.921, macro_f1: 0.9, log_loss: 0.29 } },
  ],
  stableVersion: BAD_DEPLOY.stableVersion,
  share: 0.3,
  labelShare: 0.7,
  labelDelayBounds: { min: MINUTE, max: 45 * MINUTE },
  unseen: { language: 'pt', customer_tier: 'trial' },
  history: (base) => [
    { version: '1.3.0', environment: 'production', started_at: iso(base - DAY), ended_at: null, outcome: 'succeeded' },
    { version: '1.4.0', environment: 'staging', started_at: iso(base - DAY + 2 * HOUR), ended_at: null, outcome: 'succeeded' },
  ],
  versionAt: (_rng, _t, incidents) => (incidents.badDeploy ? incidents.badDeploy.version : BAD_DEPLOY.stableVersion),
  sample(rng, t, incidents) {
    const bad = incidents.badDeploy?.model === 'intent-router';
    const region = rng.weighted({ na: 45, eu: 40, apac: 15 });
    const channel = rng.weighted({ chat: 50, email: 35, voice: 15 });
    const truth = rng.weighted(MIX);
    const length = Math.round(clamp(rng.logNormal(channel === 'email' ? 600 : 160, 0.6), 1, 5000));
    const probs = classify(rng, truth, bad);
    let best: Intent = 'other';
    for (const c of CLASSES) if (probs[c] > probs[best]) best = c;
    return {
      features: {
        message_length: length,
        num_tokens: Math.round(clamp(length / 4.2 + rng.normal(0, 3), 1, 1500)),
        sentiment: round(clamp(rng.normal(SENTIMENT[truth], 0.3), -1, 1), 3),
        previous_contacts_30d: clamp(rng.poisson(truth === 'cancellation' ? 3 : 1), 0, 100),
        account_age_days: rng.chance(0.08) ? null : Math.round(clamp(rng.logNormal(500, 1), 0, 20_000)),
        hour_of_day: new Date(t).getUTCHours(),
        language: rng.weighted(LANGUAGES[region] ?? { en: 1 }),
        customer_tier: rng.weighted({ free: 55, pro: 35, enterprise: 10 }),
        has_order_id: rng.chance(ORDER_ID[truth]),
      },
      segment: { channel, region },
      prediction: best,
      scores: probs,
      label: truth,
      labelDelayMs: clamp(rng.logNormal(6 * MINUTE, 0.8), MINUTE, 45 * MINUTE),
      latencyMs: round(rng.logNormal(bad ? 48 : 35, bad ? 0.45 : 0.3), 2),
    };
  },
};
