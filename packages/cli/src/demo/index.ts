/** `vigil demo`: simulated traffic for three models with scheduled incidents (see docs/demo.md). */
export { runDemo, type RunDemoOptions } from './run-demo.ts';
export { demoOptionsFromEnv, DEMO_DEFAULTS, type DemoOptions } from './options.ts';
export { incidentsAt, CYCLE_MS, DRIFT, LATENCY_SPIKE, BAD_DEPLOY } from './schedule.ts';
