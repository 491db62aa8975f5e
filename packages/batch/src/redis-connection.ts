import { Redis } from 'ioredis';
import { batchError } from './batch-error.js';

/**
 * Opens an ioredis connection suitable for BullMQ (`maxRetriesPerRequest: null`) and checks the
 * server is Redis 6.2 or newer (`ERR_BATCH_REDIS_VERSION` otherwise).
 */
export async function openRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    const major = Number(version?.[1] ?? 0);
    const minor = Number(version?.[2] ?? 0);
    if (major < 6 || (major === 6 && minor < 2)) {
      throw batchError(
        'ERR_BATCH_REDIS_VERSION',
        `Expected Redis 6.2 or newer at ${redactUrl(url)}; found ${version ? `${major}.${minor}` : 'an unknown version'}. Upgrade Redis (Debian: apt-get install redis-server).`,
        { found: version ? `${major}.${minor}` : undefined },
      );
    }
    return redis;
  } catch (error) {
    redis.disconnect();
    if ((error as { code?: string }).code === 'ERR_BATCH_REDIS_VERSION') throw error;
    throw batchError(
      'ERR_BATCH_REDIS_UNREACHABLE',
      `Expected a reachable Redis 6.2+ at ${redactUrl(url)}; connecting failed: ${(error as Error).message}. Check --redis and that redis-server is running.`,
      {},
      error,
    );
  }
}

/** The URL with any password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}
