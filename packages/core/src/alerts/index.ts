// Alerts: rule schemas, the pure state machine, anomaly scores and templating. The evaluation
// scheduler, API, delivery and UI live in the server and web packages (docs/alerts.md).
export * from './rule.ts';
export * from './state-machine.ts';
export * from './anomaly.ts';
export * from './template.ts';
