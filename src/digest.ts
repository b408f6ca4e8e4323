import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The algorithm that produced a stored digest. Stored with each token, so that adding a scheme or
 * rotating secrets never invalidates tokens issued before.
 */
export type DigestScheme = 'sha256' | 'hmac-sha256';

/** One server secret of the keyring, already encoded as bytes. */
export interface DigestKey {
  readonly id: string;
  readonly secret: Uint8Array;
}

/** A token digest together with the scheme and key that produced it. */
export interface TokenDigest {
  readonly digest: string;
  readonly scheme: DigestScheme;
  readonly keyId: string | null;
}

/**
 * Computes the digest of `token`: HMAC-SHA-256 under `key`, or plain SHA-256 without one.
 * A slow password hash would add nothing here, because a token carries about 256 bits
 * of entropy and cannot be guessed, and it would slow every verification.
 */
export function digestToken(token: string, key: DigestKey | null): TokenDigest {
  const message = utf8ToBytes(token);
  if (key === null) {
    return { digest: bytesToHex(sha256(message)), scheme: 'sha256', keyId: null };
  }
  return { digest: bytesToHex(hmac(sha256, key.secret, message)), scheme: 'hmac-sha256', keyId: key.id };
}

/**
 * Lists every digest under which `token` may be stored, newest scheme first: one per
 * secret of the keyring, then plain SHA-256 for tokens issued before secrets were set.
 */
export function digestCandidates(token: string, keys: readonly DigestKey[]): TokenDigest[] {
  const candidates = keys.map((key) => digestToken(token, key));
  candidates.push(digestToken(token, null));
  return candidates;
}

/**
 * Compares two byte arrays without branching on their contents, so the time taken does not
 * reveal where they differ. Returns `false` for different lengths and never throws.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let difference = a.length ^ b.length;
  for (let i = 0; i < length; i++) {
    difference |= (a[i % a.length] ?? 0) ^ (b[i % b.length] ?? 0);
  }
  return difference === 0;
}

/** Tells whether a stored record's digest fields match a computed candidate. */
export function digestMatches(
  stored: { digest: string; digestScheme: string; digestKeyId: string | null },
  candidate: TokenDigest,
): boolean {
  const sameDigest = timingSafeEqual(utf8ToBytes(stored.digest), utf8ToBytes(candidate.digest));
  return sameDigest && stored.digestScheme === candidate.scheme && stored.digestKeyId === candidate.keyId;
}
