// Storage keys: generated here, never taken from a request, the same for every store.
import { randomUUID } from "node:crypto";

/** A fresh storage key for a published file: random, with the format's extension. */
export function newStorageKey(extension: string): string {
  return `${randomUUID()}.${extension}`;
}

export const KEY_PATTERN = /^[0-9a-f-]{36}\.[a-z0-9.]+$/;

/** Refuses anything that is not one of our keys (a bug, never user input). */
export function checkedKey(storageKey: string): string {
  if (!KEY_PATTERN.test(storageKey)) throw new Error(`Not a storage key: ${storageKey}`);
  return storageKey;
}
