import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Yaml from 'yaml';
import { withPackage } from '../../agent/load-once.js';

const require = createRequire(import.meta.url);
const yamlDir = require.resolve('yaml').replace(/dist[/\\]index\.js$/, '');

function cachedFromYaml(): string[] {
  return Object.keys(require.cache).filter((key) => key.startsWith(yamlDir));
}

describe('withPackage', () => {
  describe('when the package was not loaded before', () => {
    it('gives it to the caller and keeps none of its modules after', () => {
      expect(cachedFromYaml()).toEqual([]);
      const value = withPackage<typeof Yaml, unknown>('yaml', (yaml) =>
        yaml.parse('a: [1, 2]\n'),
      );
      expect(value).toEqual({ a: [1, 2] });
      expect(cachedFromYaml()).toEqual([]);
    });
  });

  describe('when the caller throws', () => {
    it('still lets the package go, and passes the error on', () => {
      expect(() =>
        withPackage('yaml', () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(cachedFromYaml()).toEqual([]);
    });
  });

  describe('when used again', () => {
    it('loads the package afresh each time', () => {
      const first = withPackage<typeof Yaml, unknown>('yaml', (y) => y.parse);
      const second = withPackage<typeof Yaml, unknown>('yaml', (y) => y.parse);
      expect(first).toBeTypeOf('function');
      expect(second).not.toBe(first);
    });
  });
});
