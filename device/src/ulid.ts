import { randomBytes } from 'node:crypto';

/**
 * ULIDs (26 characters of Crockford base32: 48 bits of milliseconds, 80
 * random bits). Within one millisecond the random part is incremented, so
 * ids from one process sort in the order they were made. The time part is
 * whatever clock the caller passes (the agent passes its wall clock even
 * when it is not trusted yet: the id only has to be unique, the reading's
 * `ts` is carried separately).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export class UlidFactory {
  private lastTime = -1;
  private lastRandom = new Uint8Array(10);

  next(timeMs: number): string {
    let t = Math.floor(timeMs);
    if (!Number.isFinite(t) || t < 0) t = 0;
    if (t > 0xffffffffffff) t = 0xffffffffffff;
    if (t <= this.lastTime) {
      t = this.lastTime;
      if (!increment(this.lastRandom)) {
        // 2^80 ids in one millisecond: move to the next millisecond.
        t = this.lastTime + 1;
        this.lastRandom = new Uint8Array(randomBytes(10));
      }
    } else {
      this.lastRandom = new Uint8Array(randomBytes(10));
    }
    this.lastTime = t;
    return encodeTime(t) + encodeRandom(this.lastRandom);
  }
}

function increment(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 255) {
      bytes[i] = bytes[i]! + 1;
      return true;
    }
    bytes[i] = 0;
  }
  return false;
}

function encodeTime(t: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits -> 16 characters of 5 bits.
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

export const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;
