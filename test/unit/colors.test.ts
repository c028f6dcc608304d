import { describe, expect, it } from 'vitest';
import { serviceColor } from '../../src/cli/colors.js';

describe('service colours', () => {
  it('gives ten services ten different colours, and a service the same colour each time', () => {
    const names = Array.from({ length: 10 }, (_, i) => `svc${i}`);
    const colours = names.map((n) => serviceColor(n)('x'));
    expect(new Set(colours).size).toBe(10);
    expect(serviceColor('svc3')('x')).toBe(colours[3]);
  });
});
