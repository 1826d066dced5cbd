import type { DemoModel } from './model-types.ts';
import { DAY, HOUR } from './model-types.ts';
import { clamp, round, sigmoid } from './prng.ts';
import { MINUTE } from './schedule.ts';
import { iso } from './wire.ts';

const MERCHANTS = ['grocery', 'restaurants', 'fuel', 'fashion', 'electronics', 'travel', 'digital_goods', 'other'] as const;
const BASE_MIX = { grocery: 25, restaurants: 18, fuel: 12, fashion: 12, electronics: 10, travel: 8, digital_goods: 10, other: 5 };
// during the drift window a promotion brings in online electronics and digital-goods buyers
const DRIFT_MIX = { grocery: 12, restaurants: 9, fuel: 6, fashion: 10, electronics: 25, travel: 8, digital_goods: 27, other: 3 };

/** Binary card-fraud scorer: the model whose inputs drift. */
export const fraudDetector: DemoModel = {
  spec: {
    id: 'fraud-detector',
    name: 'Card fraud detector',
    task: 'binary',
    owner_team: 'risk-ml',
    tags: ['demo', 'payments', 'realtime'],
    description: 'Scores card transactions for fraud (simulated by `vigil demo`).',
    schema: {
      features: [
        { name: 'amount', type: 'numeric', min: 0, max: 50_000, description: 'transaction amount, EUR' },
        { name: 'avg_amount_30d', type: 'numeric', min: 0, max: 50_000 },
        { name: 'account_age_days', type: 'numeric', min: 0, max: 20_000 },
        { name: 'txn_count_24h', type: 'numeric', min: 0, max: 500 },
        { name: 'distance_from_home_km', type: 'numeric', min: 0, max: 20_000 },
        { name: 'hour_of_day', type: 'numeric', min: 0, max: 23 },
        { name: 'ip_risk_score', type: 'numeric', min: 0, max: 1, nullable: true, description: 'null for card-present transactions' },
        { name: 'merchant_category', type: 'categorical', categories: [...MERCHANTS] },
        { name: 'device_type', type: 'categorical', categories: ['desktop', 'mobile', 'tablet', 'pos_terminal'] },
        { name: 'payment_method', type: 'categorical', categories: ['credit', 'debit', 'wallet', 'bnpl'] },
        { name: 'is_international', type: 'boolean' },
        { name: 'card_present', type: 'boolean' },
      ],
      segments: ['region', 'channel'],
      classes: ['0', '1'],
    },
  },
  short: 'fd',
  versions: [
    { version: '2.2.1', source: 'mlflow:run/5c1e0a', validation_metrics: { accuracy: 0.948, roc_auc: 0.902, precision: 0.7, recall: 0.52, f1: 0.6 } },
    { version: '2.3.0', source: 'mlflow:run/8f3b2d', validation_metrics: { accuracy: 0.957, roc_auc: 0.931, precision: 0.78, recall: 0.58, f1: 0.66 } },
    { version: '2.4.0-rc1', source: 'mlflow:run/a91c44', validation_metrics: { accuracy: 0.959, roc_auc: 0.936, precision: 0.79, recall: 0.6, f1: 0.68 } },
  ],
  stableVersion: '2.3.0',
  share: 0.5,
  labelShare: 0.6,
  labelDelayBounds: { min: 5 * MINUTE, max: 3 * HOUR },
  unseen: { merchant_category: 'crypto_atm', device_type: 'smart_tv', payment_method: 'voucher' },
  history: (base) => [
    { version: '2.2.1', environment: 'production', started_at: iso(base - 3 * DAY), ended_at: iso(base - DAY), outcome: 'succeeded' },
    { version: '2.3.0', environment: 'production', started_at: iso(base - DAY), ended_at: null, outcome: 'succeeded' },
    { version: '2.4.0-rc1', environment: 'staging', started_at: iso(base - 12 * HOUR), ended_at: null, outcome: 'succeeded' },
  ],
  // a few pods were never restarted: a trickle of traffic is still served by the superseded version
  versionAt: (rng) => (rng.chance(0.03) ? '2.2.1' : '2.3.0'),
  sample(rng, t, incidents) {
    const drift = incidents.drift?.model === 'fraud-detector';
    const region = rng.weighted({ na: 40, eu: 35, apac: 15, latam: 10 });
    const channel = rng.weighted({ web: 45, mobile_app: 40, pos: 15 });
    const merchant = rng.weighted(drift ? DRIFT_MIX : BASE_MIX);
    const avg = clamp(round(rng.logNormal(55, 0.6), 2), 1, 50_000);
    const amount = clamp(round(rng.logNormal(drift ? 140 : 48, drift ? 1.1 : 1.0), 2), 0.5, 50_000);
    const accountAge = Math.round(clamp(rng.logNormal(420, 1.1), 0, 20_000));
    const txn24 = clamp(rng.poisson(3), 0, 500);
    const distance = clamp(round(rng.logNormal(8, 1.3), 1), 0, 20_000);
    const international = rng.chance(region === 'latam' ? 0.15 : 0.07);
    const cardPresent = channel === 'pos' ? rng.chance(0.95) : false;
    const device = channel === 'pos' ? 'pos_terminal' : channel === 'mobile_app' ? 'mobile' : rng.weighted({ desktop: 70, mobile: 20, tablet: 10 });
    const ipRisk = channel === 'pos' ? null : round(rng.next() ** 2.5, 3);
    const hour = new Date(t).getUTCHours();

    // what the model can see ...
    const seen =
      -4.6 + 0.9 * Math.log(amount / avg) + 1.3 * (international ? 1 : 0) + 2.6 * (ipRisk ?? 0) - 0.6 * (cardPresent ? 1 : 0) +
      (merchant === 'digital_goods' || merchant === 'electronics' ? 0.7 : 0) + (accountAge < 30 ? 1.2 : 0) + (txn24 > 8 ? 0.9 : 0);
    // ... and a fraud pattern it has not learnt, which comes with the drifted traffic
    const unseen = drift && merchant === 'digital_goods' ? 1.0 : 0;
    const fraud = rng.chance(sigmoid(seen + unseen + rng.normal(0, 0.9)));
    const score = round(sigmoid(seen + rng.normal(0, 0.5)), 4);
    return {
      features: {
        amount, avg_amount_30d: avg, account_age_days: accountAge, txn_count_24h: txn24, distance_from_home_km: distance,
        hour_of_day: hour, ip_risk_score: ipRisk, merchant_category: merchant, device_type: device,
        payment_method: rng.weighted({ credit: 50, debit: 30, wallet: 15, bnpl: 5 }), is_international: international, card_present: cardPresent,
      },
      segment: { region, channel },
      prediction: score >= 0.5 ? 1 : 0,
      score,
      label: fraud ? 1 : 0,
      labelDelayMs: clamp(rng.logNormal(25 * MINUTE, 1.0), 5 * MINUTE, 3 * HOUR),
      latencyMs: round(rng.logNormal(12, 0.35), 2),
      featureLagMs: Math.round(rng.uniform(20_000, 180_000)),
    };
  },
};
