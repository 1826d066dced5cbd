export type * from './event-store.ts';
export type * from './meta-store.ts';
export type * from './security-store.ts';
export type * from './dashboard-store.ts';
export type * from './alert-store.ts';
