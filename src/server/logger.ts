import pino, { Logger } from 'pino';

/** Structured JSON logs; credentials never reach them. */
export function makeLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'khabar' },
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'connectionParams.authorization', '*.token'], censor: '[redacted]' },
  });
}
