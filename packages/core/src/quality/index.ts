export * from './kinds.ts';
export * from './run-checks.ts';
export * from './summary.ts';
