/**
 * @vigil/sdk — send predictions, labels, metrics, logs, pipeline and training runs to Vigil,
 * and manage the model registry.
 *
 * @example
 * import { VigilClient } from '@vigil/sdk';
 * const vigil = new VigilClient({ url: 'http://127.0.0.1:8470', token: process.env.VIGIL_TOKEN! });
 * vigil.logPrediction({ id: 'req-1', model: 'churn', version: '3', features: { age: 41 }, prediction: 'yes', score: 0.8 });
 * await vigil.close();
 */
export { VigilClient, type VigilClientOptions, type FlushOptions } from './client.ts';
export { VigilApiError, VigilSdkError, type ApiErrorDetail, type SdkErrorCode } from './errors.ts';
export { backoffDelay } from './http.ts';
export * from './types.ts';
