/** Contract suites every backend runs; imported only by tests. */
export * from './event-store.contract.ts';
export * from './meta-store.contract.ts';
export * from './security-store.contract.ts';
export * from './dashboard-store.contract.ts';
export * from './alert-store.contract.ts';
export * from './drift-store.contract.ts';
export * from './performance-store.contract.ts';
export * from './scored-rows.contract.ts';
