// One classifier for failed engine calls, so no call site reads the client's error shape itself.
import { describe, expect, it } from 'vitest';
import { engineStatus, isConflict, isNotFound, isNotModified } from '../../src/errors.js';

/** A failed call as the engine client reports it: an Error carrying the HTTP status. */
const failed = (statusCode: number) =>
  Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, json: { message: 'x' } });

describe('engine error classifier', () => {
  it('reads the HTTP status the engine client puts on its error', () => {
    expect(engineStatus(failed(500))).toBe(500);
    expect([isNotFound(failed(404)), isConflict(failed(409)), isNotModified(failed(304))]).toEqual([true, true, true]);
  });

  it('tells one status from another', () => {
    expect([isNotFound(failed(409)), isConflict(failed(404)), isNotModified(failed(200))]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('finds no status on anything else: a lost connection, a plain error, nothing, a status that is not a number', () => {
    const lost = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const err of [lost, new Error('x'), undefined, null, 'text', { statusCode: '404' }]) {
      expect(engineStatus(err)).toBeUndefined();
      expect(isNotFound(err)).toBe(false);
    }
  });
});
