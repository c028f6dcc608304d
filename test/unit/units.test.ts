import { describe, expect, it } from 'vitest';
import { formatDuration, parseBytes, parseDuration } from '../../src/model/units.js';

describe('parseDuration', () => {
  it.each([
    ['1h2m3s', 3_723_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['10us', 0.01],
    ['10µs', 0.01],
    ['10μs', 0.01],
    ['1ns', 0.000001],
    ['1.5h', 5_400_000],
    ['2m', 120_000],
    ['90s', 90_000],
    ['.5s', 500],
    ['5.s', 5000],
    ['1.7us', 0.0017],
    ['+5s', 5000],
    ['0', 0],
    ['1h0m0s', 3_600_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });

  it('reads the number 0 as no time at all', () => {
    expect(parseDuration(0)).toBe(0);
  });

  it.each([
    ['', /expected a number and a unit/],
    ['10 parsecs', /unknown unit " parsecs"/],
    ['10parsecs', /unknown unit "parsecs"/],
    ['-5s', /cannot be negative/],
    ['10', /unit is missing/],
    ['abc', /expected a number and a unit/],
    ['.s', /expected a number and a unit/],
    ['1h 30m', /unknown unit "h "/],
    ['3000000h', /too long/],
  ])('rejects %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it('rejects a bare number other than 0, and says how to write it', () => {
    expect(() => parseDuration(30)).toThrow(/write 30s/);
  });
});

describe('formatDuration', () => {
  it.each([
    [30_000, '30s'],
    [90_000, '1m30s'],
    [60_000, '1m0s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
    [86_400_000, '24h0m0s'],
    [3_600_001, '1h0m0.001s'],
    [500, '500ms'],
    [1500, '1.5s'],
    [1234.5, '1.2345s'],
    [1.5, '1.5ms'],
    [0.01, '10µs'],
    [0.0015, '1.5µs'],
    [0.000001, '1ns'],
    [0, '0s'],
  ])('%d ms prints as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips what it parses', () => {
    for (const text of ['1h2m3s', '1m30s', '500ms', '1.5s', '10µs', '2h0m0s']) {
      expect(formatDuration(parseDuration(text))).toBe(text);
    }
  });

  it('rejects negative and non-finite input', () => {
    expect(() => formatDuration(-1)).toThrow(/non-negative/);
    expect(() => formatDuration(Number.NaN)).toThrow(/non-negative/);
  });
});

describe('parseBytes', () => {
  it.each([
    ['512m', 536_870_912],
    ['1g', 1_073_741_824],
    ['100kb', 102_400],
    ['1.5gb', 1_610_612_736],
    ['128M', 134_217_728],
    ['1KiB', 1024],
    ['5mib', 5_242_880],
    ['2 mb', 2_097_152],
    ['1024', 1024],
    ['10b', 10],
    ['10B', 10],
    ['0.5k', 512],
    ['1.7k', 1740],
    ['1t', 1024 ** 4],
    ['1p', 1024 ** 5],
  ])('%s is %d bytes', (text, n) => {
    expect(parseBytes(text)).toBe(n);
  });

  it('takes numbers as bytes, and -1 as unlimited', () => {
    expect(parseBytes(1024)).toBe(1024);
    expect(parseBytes(-1)).toBe(-1);
  });

  it.each(['10 parsecs', '-5m', '1ib', '1kk', '1kbb', '5mi', 'm', '', '1  k', '1e3', 'k1'])('rejects %j', (text) => {
    expect(() => parseBytes(text)).toThrow(/invalid size/);
  });

  it.each([-5, 1.5, Number.POSITIVE_INFINITY])('rejects the number %d', (n) => {
    expect(() => parseBytes(n)).toThrow(/whole number of bytes/);
  });
});
