import { pino } from 'pino';
import type { Logger } from './context.ts';

/**
 * JSON lines on stdout via pino. Anything that looks like a credential is redacted by key,
 * so a token passed in a log field never reaches the log.
 */
export function createLogger(level: string, dest: NodeJS.WritableStream = process.stdout): Logger {
  const p = pino(
    {
      level,
      base: { service: 'vigil' },
      redact: {
        paths: [
          'token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'cookie', '*.cookie', 'headers.cookie', 'set-cookie', '*["set-cookie"]',
          'password', '*.password', 'current_password', '*.current_password', 'new_password', '*.new_password', 'secret', '*.secret', 'client_secret', '*.client_secret', 'csrf_token', '*.csrf_token',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    dest as pino.DestinationStream,
  );
  const at = (fn: 'info' | 'warn' | 'error' | 'debug') => (msg: string, fields?: Record<string, unknown>) => (fields ? p[fn](fields, msg) : p[fn](msg));
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}
