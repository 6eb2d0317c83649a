/* Tend's encrypted record format: every private record (journal entries now, check-ins and
   plans later) is sealed here, in the worker's browser, with the data key.

   content ─JSON, UTF-8─▶ u32 BE length ‖ JSON ‖ zero bytes, to a size class
           ─AES-256-GCM(data key, fresh nonce, AAD "tend v1 record␀id␀type␀version")─▶
   envelope: 0x01 ‖ nonce (12) ‖ ciphertext ‖ tag (16), as unpadded base64url

   Padding means the server learns a record's length only to within its size class, and the
   additional data binds the ciphertext to its id, type and version, so a blob moved to
   another record, kind or version does not open. tests/reference/records.py is the same in
   Python, and tests/vectors/records.json holds the answers both must give. */

import { b64url, randomBytes } from "./crypto.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The envelope's first byte: this version of the format. */
export const FORMAT_VERSION = 0x01;

/** The fixed start of every record's additional data (NUL-terminated). */
export const RECORD_AAD_PREFIX = "tend v1 record\0";

/** Padded plaintext sizes, in bytes; beyond the last, the next multiple of it. */
export const SIZE_CLASSES = Object.freeze([
  256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536,
]);

const LARGEST_CLASS = SIZE_CLASSES[SIZE_CLASSES.length - 1];
const LENGTH_BYTES = 4;
const MAX_CONTENT_BYTES = 0xffffffff;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RECORD_TYPE = /^[a-z][a-z0-9_-]*$/;

/** A record is in a form this version of Tend cannot read, or its contents are damaged. */
export class RecordFormatError extends Error {
  constructor(message = "This entry couldn't be opened.", options = undefined) {
    super(message, options);
    this.name = "RecordFormatError";
  }
}

/** A record did not verify: it was changed, moved to another record, or sealed with another
    key. */
export class RecordOpenError extends Error {
  constructor(message = "This entry couldn't be opened.", options = undefined) {
    super(message, options);
    this.name = "RecordOpenError";
  }
}

const NEWER_FORMAT = "This entry was saved in a form this version of Tend can't read yet. "
  + "Updating the app may open it.";

/**
 * The padded size for content of a given length: the smallest size class that holds the
 * 4-byte length prefix and the content, or beyond 65,536 bytes the next multiple of 65,536.
 *
 * @param {number} n the content's length in bytes (the JSON, without the prefix)
 * @returns {number} the padded plaintext's length in bytes
 */
export function paddedLength(n) {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_CONTENT_BYTES) {
    throw new RangeError("A record's content must be between 0 and 4 GiB long.");
  }
  const needed = LENGTH_BYTES + n;
  const fits = SIZE_CLASSES.find((size) => size >= needed);
  return fits ?? Math.ceil(needed / LARGEST_CLASS) * LARGEST_CLASS;
}

/**
 * Pad content to its size class: u32 big-endian length ‖ content ‖ zero bytes.
 *
 * @param {Uint8Array} bytes the content (a record's UTF-8 JSON)
 * @returns {Uint8Array} paddedLength(bytes.length) bytes
 */
export function pad(bytes) {
  const padded = new Uint8Array(paddedLength(bytes.length));
  new DataView(padded.buffer).setUint32(0, bytes.length, false);
  padded.set(bytes, LENGTH_BYTES);
  return padded;
}

/**
 * The content inside padded bytes.
 *
 * @param {Uint8Array} bytes from pad
 * @returns {Uint8Array} the content (a view into bytes, not a copy)
 * @throws {RecordFormatError} if the length prefix does not fit inside the padded bytes
 */
export function unpad(bytes) {
  if (bytes.length < LENGTH_BYTES) throw new RecordFormatError();
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .getUint32(0, false);
  if (length > bytes.length - LENGTH_BYTES) throw new RecordFormatError();
  return bytes.subarray(LENGTH_BYTES, LENGTH_BYTES + length);
}

/**
 * The additional data that binds a record's ciphertext to its id, type and version:
 * UTF-8 of "tend v1 record␀" + id + "␀" + type + "␀" + version.
 *
 * @param {string} id canonical lower-case UUIDv4
 * @param {string} type the kind of record, e.g. "journal" (lower-case letters, digits,
 *   "_" and "-", starting with a letter)
 * @param {number} version whole number ≥ 1: the version this write will have
 * @returns {Uint8Array}
 * @throws {TypeError|RangeError} if any of them is not well formed
 */
export function recordAad(id, type, version) {
  if (typeof id !== "string" || !UUID_V4.test(id)) {
    throw new TypeError("A record's id is a lower-case UUIDv4.");
  }
  if (typeof type !== "string" || !RECORD_TYPE.test(type)) {
    throw new TypeError("A record's type is a lower-case word, such as \"journal\".");
  }
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new RangeError("A record's version is a whole number from 1.");
  }
  return encoder.encode(`${RECORD_AAD_PREFIX}${id}\0${type}\0${String(version)}`);
}

/**
 * Seal a record's content for the server and IndexedDB.
 *
 * @param {CryptoKey} dataKey the data key (AES-GCM 256, may be non-extractable)
 * @param {{id: string, type: string, version: number}} record what the ciphertext is bound
 *   to; version is the one this write will have (the previous version + 1, or 1 if new)
 * @param {*} content anything JSON can hold (for records, an object)
 * @param {Uint8Array} [nonce] only test vectors pass this; otherwise a fresh random one
 * @returns {Promise<string>} the envelope, 0x01 ‖ nonce ‖ ciphertext and tag, as base64url
 */
export async function sealRecord(
  dataKey, { id, type, version }, content, nonce = randomBytes(NONCE_BYTES),
) {
  const aad = recordAad(id, type, version);
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) {
    throw new TypeError("A record's nonce is 12 bytes.");
  }
  const json = JSON.stringify(content);
  if (json === undefined) throw new TypeError("A record's content must be JSON.");
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: aad }, dataKey, pad(encoder.encode(json)),
  );
  const envelope = new Uint8Array(HEADER_BYTES + sealed.byteLength);
  envelope[0] = FORMAT_VERSION;
  envelope.set(nonce, 1);
  envelope.set(new Uint8Array(sealed), HEADER_BYTES);
  return b64url.encode(envelope);
}

/**
 * Open a record sealed by sealRecord.
 *
 * @param {CryptoKey} dataKey the data key
 * @param {{id: string, type: string, version: number}} record the id, type and version the
 *   server holds the envelope under
 * @param {string} envelope base64url, from sealRecord
 * @returns {Promise<*>} the content, as it was sealed
 * @throws {RecordFormatError} if the envelope is not one this version of Tend can read
 *   (unknown format byte, not base64url, too short, a length prefix that does not fit)
 * @throws {RecordOpenError} if it does not verify: changed, sealed for another id, type or
 *   version, or with another key
 */
export async function openRecord(dataKey, { id, type, version }, envelope) {
  const aad = recordAad(id, type, version);
  let bytes;
  try {
    bytes = b64url.decode(envelope);
  } catch (error) {
    throw new RecordFormatError(undefined, { cause: error });
  }
  if (bytes.length > 0 && bytes[0] !== FORMAT_VERSION) throw new RecordFormatError(NEWER_FORMAT);
  if (bytes.length < HEADER_BYTES + TAG_BYTES) throw new RecordFormatError();
  let padded;
  try {
    padded = new Uint8Array(await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.subarray(1, HEADER_BYTES), additionalData: aad },
      dataKey,
      bytes.subarray(HEADER_BYTES),
    ));
  } catch (error) {
    if (error instanceof DOMException && error.name === "OperationError") {
      throw new RecordOpenError(undefined, { cause: error });
    }
    throw error;
  }
  const json = unpad(padded);
  try {
    return JSON.parse(decoder.decode(json));
  } catch (error) {
    throw new RecordFormatError(undefined, { cause: error });
  }
}

/**
 * A record id derived from `input` (always the same for the same input): the first 16
 * bytes of its SHA-256, shaped as a canonical lower-case UUIDv4.
 * @param {Uint8Array} input
 * @returns {Promise<string>}
 */
export async function digestId(input) {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", input)).slice(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The record types the server stores and syncs (server/sync/schemas.py RecordType). */
export const SYNCED_TYPES = Object.freeze(["journal", "checkin", "reflection", "agenda", "supervision", "plan"]);

/** @returns {string} a new record id: a random, canonical lower-case UUIDv4 */
export function newRecordId() {
  return crypto.randomUUID();
}
