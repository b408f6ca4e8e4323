// Token format: `<prefix>_<body><checksum>`.
//
// The body is 43 base62 characters (62^43 ≈ 2^256) and the checksum is the CRC-32 of
// `<prefix>_<body>` written as 6 base62 characters (62^6 > 2^32). Base62 has no `_`, so the
// separator is unambiguous and the token is parsed by position from the end, which lets the
// prefix itself contain `_`.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Number of random base62 characters in a token body. */
export const BODY_LENGTH = 43;
/** Number of base62 characters of the CRC-32 checksum. */
export const CHECKSUM_LENGTH = 6;
/** Number of characters shown to users to tell tokens apart. */
export const SUFFIX_LENGTH = 4;

/** Segments of lowercase letters and digits joined by `_`, starting with a letter. */
export const PREFIX_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
export const MAX_PREFIX_LENGTH = 32;

// The largest multiple of 62 that fits in a byte is 248: bytes at or above it are drawn
// again, so every character is equally likely (no modulo bias).
const REJECTION_LIMIT = 248;

export interface ParsedToken {
  prefix: string;
  body: string;
  checksum: string;
}

/** Builds the regular expression that matches exactly the tokens of `prefix`. */
export function tokenPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}_[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);
}

/** Returns a random base62 string from the platform CSPRNG, uniform over the alphabet. */
export function randomBase62(length: number): string {
  let out = '';
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte >= REJECTION_LIMIT) continue;
      out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Computes the CRC-32 (IEEE 802.3, as in zlib) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Encodes a 32-bit unsigned integer as exactly 6 base62 characters, zero-padded. */
export function encodeChecksum(value: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** Generates a new token for `prefix`. The prefix must already be validated. */
export function generateToken(prefix: string): string {
  const head = `${prefix}_${randomBase62(BODY_LENGTH)}`;
  return head + encodeChecksum(crc32(head));
}

/**
 * Parses `token` by position and checks its prefix and checksum. Returns `null` for anything
 * that is not a well-formed token of `prefix`; this needs no store access.
 */
export function parseToken(token: string, prefix: string): ParsedToken | null {
  const tailLength = BODY_LENGTH + CHECKSUM_LENGTH;
  if (token.length !== prefix.length + 1 + tailLength) return null;
  if (!token.startsWith(`${prefix}_`)) return null;

  const tail = token.slice(prefix.length + 1);
  for (let i = 0; i < tail.length; i++) {
    if (!isBase62(tail.charCodeAt(i))) return null;
  }

  const body = tail.slice(0, BODY_LENGTH);
  const checksum = tail.slice(BODY_LENGTH);
  if (encodeChecksum(crc32(`${prefix}_${body}`)) !== checksum) return null;

  return { prefix, body, checksum };
}

/** Returns the display suffix of a token: its last {@link SUFFIX_LENGTH} characters. */
export function tokenSuffix(token: string): string {
  return token.slice(-SUFFIX_LENGTH);
}

function isBase62(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) // a-z
  );
}
