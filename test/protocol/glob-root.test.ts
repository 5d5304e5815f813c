import { describe, expect, it } from 'vitest';
import { globRoot } from '../../protocol/glob-root.js';

describe('globRoot', () => {
  it.each([
    ['/srv/data/customers/**', '/srv/data/customers'],
    ['/srv/data/*/reports/*.csv', '/srv/data'],
    ['/srv/data/contract.pdf', '/srv/data/contract.pdf'],
    ['/srv/{a,b}/x', '/srv'],
    ['/**', '/'],
  ])('takes %s to the literal root %s', (glob, root) => {
    expect(globRoot(glob)).toBe(root);
  });
});
