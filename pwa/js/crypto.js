/* Tend's key hierarchy, in Web Crypto only (see docs/keys.md).

   password ─NFKC, UTF-8─▶ PBKDF2-SHA256 ─▶ master ─HKDF─▶ auth key (sent to the server)
                                                   └─HKDF─▶ wrapping key ─wraps─▶ data key
   recovery code ─HKDF(recovery salt)─▶ its own auth key and wrapping key

   The data key encrypts everything private. It leaves this device only wrapped, and the
   wrapping keys are never extractable. tests/reference/keys.py is the same in Python, and
   tests/vectors/keys.json holds the answers both must give. */

const encoder = new TextEncoder();

/** PBKDF2 iterations for new passwords. */
export const DEFAULT_ITERATIONS = 600000;

/** Additional data bound into every wrapped data key. */
export const DATA_KEY_AAD = encoder.encode("tend v1 data key");

const AUTH_INFO = encoder.encode("tend v1 authentication");
const WRAPPING_INFO = encoder.encode("tend v1 wrapping");
const RECOVERY_AUTH_INFO = encoder.encode("tend v1 recovery authentication");
const RECOVERY_WRAPPING_INFO = encoder.encode("tend v1 recovery wrapping");

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const WRAPPED_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES;
const AES_GCM_256 = { name: "AES-GCM", length: 256 };

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RECOVERY_CODE_BYTES = 20;
const RECOVERY_CODE_CHARS = 32;
/* Ignored when a recovery code is typed: spaces, line breaks, hyphens and the dashes phones
   substitute for them. Spelt out, not \s, so that keys.py ignores exactly the same set. */
const SEPARATORS = /[\t\n\v\f\r \u00a0\u2000-\u200b\u202f\u3000\ufeff\-\u2010-\u2015\u2212]+/g;
const READ_AS = { I: "1", L: "1", O: "0" };

/** A wrapped key did not verify: the password or recovery code was wrong. */
export class WrongKeyError extends Error {
  constructor(message = "That password or recovery code does not open this key.") {
    super(message);
    this.name = "WrongKeyError";
  }
}

/** A typed recovery code is not one Tend could have made; the message says why, plainly. */
export class RecoveryCodeError extends Error {
  constructor(message) {
    super(message);
    this.name = "RecoveryCodeError";
  }
}

/** Base64url without padding: how every binary value travels in the API. */
export const b64url = {
  /**
   * @param {Uint8Array} bytes
   * @returns {string}
   */
  encode(bytes) {
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },

  /**
   * @param {string} text unpadded base64url
   * @returns {Uint8Array}
   * @throws {TypeError} if the text is anything else
   */
  decode(text) {
    if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
      throw new TypeError("Not unpadded base64url.");
    }
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  },
};

/**
 * @param {number} n
 * @returns {Uint8Array} n bytes from the browser's cryptographic random source
 */
export function randomBytes(n) {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

/** @returns {Uint8Array} a new 16-byte salt */
export function randomSalt() {
  return randomBytes(SALT_BYTES);
}

/** HKDF input keying material as a CryptoKey that can only derive. */
function hkdfKey(ikm) {
  return crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits", "deriveKey"]);
}

function hkdfParams(salt, info) {
  return { name: "HKDF", hash: "SHA-256", salt, info };
}

/** The 32-byte auth key and the non-extractable wrapping key from one HKDF input. */
async function deriveKeyPair(ikmKey, salt, authInfo, wrappingInfo) {
  const authBits = await crypto.subtle.deriveBits(hkdfParams(salt, authInfo), ikmKey, 256);
  const wrappingKey = await crypto.subtle.deriveKey(
    hkdfParams(salt, wrappingInfo), ikmKey, AES_GCM_256, false, ["wrapKey", "unwrapKey"],
  );
  return { authKey: new Uint8Array(authBits), wrappingKey };
}

/**
 * The password's keys: PBKDF2-SHA256 gives a master key, and HKDF splits it in two.
 *
 * @param {string} password as typed; normalised to NFKC, then UTF-8
 * @param {Uint8Array} salt the account's salt
 * @param {number} iterations PBKDF2 iterations
 * @returns {Promise<{authKey: Uint8Array, wrappingKey: CryptoKey}>} authKey (32 bytes) is
 *   what the server checks; wrappingKey (AES-GCM 256, non-extractable) wraps the data key
 */
export async function deriveAccountKeys(password, salt, iterations) {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new RangeError("PBKDF2 needs a positive whole number of iterations.");
  }
  const passwordKey = await crypto.subtle.importKey(
    "raw", encoder.encode(password.normalize("NFKC")), "PBKDF2", false, ["deriveBits"],
  );
  const master = new Uint8Array(await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations }, passwordKey, 256,
  ));
  const masterKey = await hkdfKey(master);
  master.fill(0);
  return deriveKeyPair(masterKey, new Uint8Array(0), AUTH_INFO, WRAPPING_INFO);
}

/**
 * The recovery code's own keys. HKDF alone: the code already has 160 bits of entropy.
 *
 * @param {Uint8Array} codeBytes the code's 20 bytes (see parseRecoveryCode)
 * @param {Uint8Array} recoverySalt the account's recovery salt
 * @returns {Promise<{authKey: Uint8Array, wrappingKey: CryptoKey}>}
 */
export async function deriveRecoveryKeys(codeBytes, recoverySalt) {
  if (codeBytes.length !== RECOVERY_CODE_BYTES) {
    throw new RangeError("A recovery code is 20 bytes.");
  }
  const codeKey = await hkdfKey(codeBytes);
  return deriveKeyPair(codeKey, recoverySalt, RECOVERY_AUTH_INFO, RECOVERY_WRAPPING_INFO);
}

/**
 * A new random data key. It is extractable only so that it can be wrapped: keep it no
 * longer than that, and store the copy from toNonExtractable or unwrapDataKey instead.
 *
 * @returns {Promise<CryptoKey>} AES-GCM 256, ["encrypt", "decrypt"]
 */
export function generateDataKey() {
  return crypto.subtle.generateKey(AES_GCM_256, true, ["encrypt", "decrypt"]);
}

/**
 * A non-extractable copy of an extractable data key, fit to keep.
 *
 * @param {CryptoKey} dataKey extractable AES-GCM key
 * @returns {Promise<CryptoKey>}
 */
export async function toNonExtractable(dataKey) {
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", dataKey));
  try {
    return await crypto.subtle.importKey("raw", raw, AES_GCM_256, false, ["encrypt", "decrypt"]);
  } finally {
    raw.fill(0);
  }
}

/**
 * Wrap the data key: nonce (12 bytes) ‖ AES-GCM ciphertext and tag of its raw 32 bytes.
 *
 * @param {CryptoKey} dataKey extractable AES-GCM 256 key
 * @param {CryptoKey} wrappingKey from deriveAccountKeys or deriveRecoveryKeys
 * @param {Uint8Array} [aad] additional data; DATA_KEY_AAD
 * @param {Uint8Array} [nonce] only test vectors pass this; otherwise a fresh random one
 * @returns {Promise<Uint8Array>} 60 bytes
 */
export async function wrapDataKey(
  dataKey, wrappingKey, aad = DATA_KEY_AAD, nonce = randomBytes(NONCE_BYTES),
) {
  const sealed = await crypto.subtle.wrapKey(
    "raw", dataKey, wrappingKey, { name: "AES-GCM", iv: nonce, additionalData: aad },
  );
  const wrapped = new Uint8Array(WRAPPED_BYTES);
  wrapped.set(nonce);
  wrapped.set(new Uint8Array(sealed), NONCE_BYTES);
  return wrapped;
}

/**
 * Unwrap the data key.
 *
 * @param {Uint8Array} wrapped 60 bytes from wrapDataKey
 * @param {CryptoKey} wrappingKey
 * @param {{extractable?: boolean, aad?: Uint8Array}} [options] extractable only to re-wrap
 *   it (a password change or a new recovery code)
 * @returns {Promise<CryptoKey>} AES-GCM 256, ["encrypt", "decrypt"]
 * @throws {WrongKeyError} if it does not verify: the password or code was wrong
 */
export async function unwrapDataKey(
  wrapped, wrappingKey, { extractable = false, aad = DATA_KEY_AAD } = {},
) {
  if (wrapped.length !== WRAPPED_BYTES) throw new TypeError("A wrapped data key is 60 bytes.");
  try {
    return await crypto.subtle.unwrapKey(
      "raw",
      wrapped.subarray(NONCE_BYTES),
      wrappingKey,
      { name: "AES-GCM", iv: wrapped.subarray(0, NONCE_BYTES), additionalData: aad },
      AES_GCM_256,
      extractable,
      ["encrypt", "decrypt"],
    );
  } catch (error) {
    if (error instanceof DOMException && error.name === "OperationError") throw new WrongKeyError();
    throw error;
  }
}

/**
 * @param {Uint8Array} bytes a recovery code's 20 bytes
 * @returns {string} 32 Crockford base32 characters in 8 groups of 4, e.g. "7K3M-…"
 */
export function formatRecoveryCode(bytes) {
  if (bytes.length !== RECOVERY_CODE_BYTES) throw new RangeError("A recovery code is 20 bytes.");
  let chars = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      chars += CROCKFORD[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return chars.match(/.{4}/g).join("-");
}

/**
 * Read a typed recovery code, forgivingly: any case; spaces, hyphens and line breaks
 * ignored; I and L read as 1, O as 0.
 *
 * @param {string} text
 * @returns {Uint8Array} its 20 bytes
 * @throws {RecoveryCodeError} with a message fit to show, if it cannot be a recovery code
 */
export function parseRecoveryCode(text) {
  const chars = Array.from(text.replace(SEPARATORS, "").toUpperCase(), (c) => READ_AS[c] ?? c);
  if (chars.length !== RECOVERY_CODE_CHARS) {
    throw new RecoveryCodeError(
      `A recovery code has 32 letters and numbers, but this one has ${chars.length}. `
      + "Please check it against the code you saved.",
    );
  }
  const bytes = new Uint8Array(RECOVERY_CODE_BYTES);
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of chars) {
    const value = CROCKFORD.indexOf(char);
    if (value < 0) {
      throw new RecoveryCodeError(
        `“${char}” is never used in a recovery code. `
        + "Please check that character against the code you saved.",
      );
    }
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[index++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  return bytes;
}

/** @returns {{code: string, bytes: Uint8Array}} a new recovery code, to show once */
export function generateRecoveryCode() {
  const bytes = randomBytes(RECOVERY_CODE_BYTES);
  return { code: formatRecoveryCode(bytes), bytes };
}

/**
 * What the API receives at sign-up and password change: a new salt, derive, wrap.
 *
 * @param {string} password
 * @param {CryptoKey} dataKey extractable, so that it can be wrapped
 * @param {number} [iterations]
 * @returns {Promise<{salt: string, iterations: number, auth_key: string,
 *   wrapped_data_key: string}>} binary values as b64url
 */
export async function accountKeyMaterial(password, dataKey, iterations = DEFAULT_ITERATIONS) {
  const salt = randomSalt();
  const { authKey, wrappingKey } = await deriveAccountKeys(password, salt, iterations);
  return {
    salt: b64url.encode(salt),
    iterations,
    auth_key: b64url.encode(authKey),
    wrapped_data_key: b64url.encode(await wrapDataKey(dataKey, wrappingKey)),
  };
}

/**
 * A new recovery code and what the API receives for it (sign-up, new code).
 *
 * @param {CryptoKey} dataKey extractable, so that it can be wrapped
 * @returns {Promise<{code: string, material: {salt: string, auth_key: string,
 *   wrapped_data_key: string}}>} show `code` once; send `material`
 */
export async function recoveryKeyMaterial(dataKey) {
  const { code, bytes } = generateRecoveryCode();
  const salt = randomSalt();
  const { authKey, wrappingKey } = await deriveRecoveryKeys(bytes, salt);
  bytes.fill(0);
  return {
    code,
    material: {
      salt: b64url.encode(salt),
      auth_key: b64url.encode(authKey),
      wrapped_data_key: b64url.encode(await wrapDataKey(dataKey, wrappingKey)),
    },
  };
}
