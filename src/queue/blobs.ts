/**
 * Binary blobs with a time to live: job inputs and results. Redis holds them for the
 * queue; a Map holds them for the embedded single-process mode.
 */
import type { Redis } from 'ioredis';

export interface BlobStore {
  put(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
}

export class RedisBlobStore implements BlobStore {
  constructor(private readonly redis: Redis) {}
  async put(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }
  get(key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(key);
  }
  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }
}

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, { value: Buffer; expires: number }>();
  async put(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    this.sweep();
    this.blobs.set(key, { value, expires: Date.now() + ttlSeconds * 1000 });
  }
  async get(key: string): Promise<Buffer | null> {
    const blob = this.blobs.get(key);
    if (!blob || blob.expires < Date.now()) return null;
    return blob.value;
  }
  async delete(key: string): Promise<void> {
    this.blobs.delete(key);
  }
  private sweep(): void {
    const now = Date.now();
    for (const [key, blob] of this.blobs) if (blob.expires < now) this.blobs.delete(key);
  }
}
