import type { DemoModel } from './model-types.ts';
import { DAY, HOUR } from './model-types.ts';
import { clamp, round } from './prng.ts';
import { MINUTE } from './schedule.ts';
import { iso } from './wire.ts';

const SPEED_KMH = { bike: 14, scooter: 24, car: 28 } as const;
const WEATHER_FACTOR = { clear: 1, rain: 1.2, snow: 1.5, fog: 1.1 } as const;

/** Delivery-time regressor: the model with the latency incident. Its label is the real delivery time. */
export const etaRegressor: DemoModel = {
  spec: {
    id: 'eta-regressor',
    name: 'Delivery ETA regressor',
    task: 'regression',
    owner_team: 'logistics-ml',
    tags: ['demo', 'logistics', 'batch-inference'],
    description: 'Predicts delivery time in minutes (simulated by `vigil demo`).',
    schema: {
      features: [
        { name: 'distance_km', type: 'numeric', min: 0, max: 100 },
        { name: 'restaurant_prep_min', type: 'numeric', min: 0, max: 120 },
        { name: 'traffic_index', type: 'numeric', min: 0, max: 1 },
        { name: 'num_items', type: 'numeric', min: 1, max: 50 },
        { name: 'courier_rating', type: 'numeric', min: 1, max: 5, nullable: true, description: 'null for new couriers' },
        { name: 'hour_of_day', type: 'numeric', min: 0, max: 23 },
        { name: 'day_of_week', type: 'numeric', min: 0, max: 6 },
        { name: 'weather', type: 'categorical', categories: ['clear', 'rain', 'snow', 'fog'] },
        { name: 'is_peak', type: 'boolean' },
      ],
      segments: ['city', 'vehicle'],
    },
  },
  short: 'eta',
  versions: [
    { version: '0.9.0', source: 'mlflow:run/0b4d19', validation_metrics: { mae: 2.9, rmse: 3.7, mape: 0.1, r2: 0.86 } },
    { version: '1.0.0', source: 'mlflow:run/c2f781', validation_metrics: { mae: 2.7, rmse: 3.5, mape: 0.095, r2: 0.88 } },
  ],
  stableVersion: '0.9.0',
  share: 0.2,
  labelShare: 0.85,
  labelDelayBounds: { min: 5 * MINUTE, max: 120 * MINUTE },
  unseen: { weather: 'sandstorm' },
  history: (base) => [
    { version: '0.9.0', environment: 'production', started_at: iso(base - DAY), ended_at: null, outcome: 'succeeded' },
    { version: '1.0.0', environment: 'staging', started_at: iso(base - 6 * HOUR), ended_at: null, outcome: 'succeeded' },
  ],
  versionAt: () => '0.9.0',
  sample(rng, t, incidents) {
    const spike = incidents.latency?.model === 'eta-regressor';
    const date = new Date(t);
    const hour = date.getUTCHours();
    const peak = (hour >= 11 && hour <= 13) || (hour >= 18 && hour <= 20);
    const city = rng.weighted({ berlin: 30, paris: 25, madrid: 20, london: 25 });
    const vehicle = rng.weighted({ bike: 40, scooter: 35, car: 25 });
    const weather = rng.weighted(city === 'london' ? { clear: 50, rain: 35, snow: 3, fog: 12 } : { clear: 70, rain: 20, snow: 5, fog: 5 });
    const distance = round(clamp(rng.logNormal(vehicle === 'car' ? 6 : 3, 0.5), 0.2, 100), 2);
    const prep = round(clamp(rng.logNormal(12, 0.4), 0, 120), 1);
    const traffic = round(clamp(rng.normal(peak ? 0.65 : 0.35, 0.15), 0, 1), 3);
    const items = Math.round(clamp(rng.logNormal(3, 0.6), 1, 50));
    const expected = prep + (distance / SPEED_KMH[vehicle]) * 60 * (1 + 0.8 * traffic) * WEATHER_FACTOR[weather] + 4;
    const actual = clamp(expected + rng.normal(0, 3), 5, 120);
    const batch = rng.int(1, 16);
    // a slow feature-store replica: a fifth of calls wait on it during the incident
    const slow = spike && rng.chance(0.2) ? rng.logNormal(25, 0.5) : 1;
    return {
      features: {
        distance_km: distance, restaurant_prep_min: prep, traffic_index: traffic, num_items: items,
        courier_rating: rng.chance(0.05) ? null : round(clamp(rng.normal(4.6, 0.3), 1, 5), 2),
        hour_of_day: hour, day_of_week: date.getUTCDay(), weather, is_peak: peak,
      },
      segment: { city, vehicle },
      prediction: round(clamp(expected + rng.normal(0, 2), 1, 180), 2),
      label: round(actual, 2),
      labelDelayMs: Math.round(actual * MINUTE),
      latencyMs: round(rng.logNormal(20, 0.3) * (1 + 0.04 * batch) * slow, 2),
      batchSize: batch,
    };
  },
};
