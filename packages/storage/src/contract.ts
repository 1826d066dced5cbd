/** Contract suites every backend runs; imported only by tests. */
export * from './event-store.contract.ts';
