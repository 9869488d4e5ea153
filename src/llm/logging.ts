/**
 * Call logging: one structured line per model call (spec, tokens, cost, cached, milliseconds) or per failure
 * (error code and message). The logger redacts secrets; prompts and answers are not logged (the episode has them).
 */
import { describeError, isEpoError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Middleware } from './model.js';

export function logCalls(logger: Logger, fields: Record<string, unknown> = {}): Middleware {
  return {
    async wrapComplete(req, next, model) {
      const t0 = performance.now();
      try {
        const r = await next(req);
        logger.debug('model call', {
          ...fields, model: model.spec, promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens,
          ms: Math.round(performance.now() - t0), finishReason: r.finishReason,
          ...(r.cached ? { cached: true } : {}), ...(r.truncated ? { truncated: true } : {}), ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}),
        });
        return r;
      } catch (e) {
        logger.warn('model call failed', {
          ...fields, model: model.spec, ms: Math.round(performance.now() - t0),
          error: describeError(e), ...(isEpoError(e) && e.details?.status !== undefined ? { status: e.details.status } : {}),
        });
        throw e;
      }
    },
  };
}
