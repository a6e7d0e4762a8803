/**
 * The logging the HTTP layer needs: pino's `logger.info(obj, msg)` shape, so the CLI can pass
 * its pino logger straight in. The silent default is a no-op object rather than `if (logger)`
 * checks scattered through the handlers.
 */
export interface ServerLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

const noop = (): void => {};

export const silentLogger: ServerLogger = { info: noop, warn: noop, error: noop };
