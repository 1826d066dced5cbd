export * from './types.ts';
export * from './access.ts';
export * from './lockout.ts';
export * from './session.ts';
export * from './audit.ts';
export * from './oidc-mapping.ts';
