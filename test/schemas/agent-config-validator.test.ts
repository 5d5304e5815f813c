import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  AGENT_CONFIG_AJV_OPTIONS,
  AGENT_CONFIG_VALIDATOR_FILE,
  agentConfigValidatorSource,
} from '../../schemas/agent-config-codegen.js';
import { validate as generated } from '../../schemas/agent-config-validator.js';
import schema from '../../schemas/agent-config.schema.json' with { type: 'json' };

const validate = generated as unknown as ValidateFunction;
const BASE = { collector: 'https://c.example:8443', state: '/var/lib/vigil' };

describe('the generated agent config validator', () => {
  describe('when compared with the schema it was generated from', () => {
    it('is what the code generator makes of the schema today', async () => {
      const committed = readFileSync(AGENT_CONFIG_VALIDATOR_FILE, 'utf8');
      // On failure: npm run build && node dist/schemas/agent-config-codegen.js
      expect(committed).toBe(await agentConfigValidatorSource());
    });
  });

  describe('when given configs good and bad', () => {
    const compiled = new Ajv({ ...AGENT_CONFIG_AJV_OPTIONS }).compile(schema);

    it.each([
      ['the minimal config', BASE],
      ['an unknown key', { ...BASE, colector: 'x' }],
      ['a relative path', { ...BASE, watch: ['data'] }],
      ['a name of 5,000 characters', { ...BASE, state: `/${'a'.repeat(5e3)}` }],
      ['a bad sensor', { ...BASE, sensors: { fs: 'sometimes' } }],
      ['a bad duration', { ...BASE, batch: { max_wait: 'soon' } }],
      ['no collector', { state: '/s' }],
      ['not an object', ['collector']],
    ])('fills and judges %s as ajv does at run time', (_what, input) => {
      const mine = structuredClone(input);
      const theirs = structuredClone(input);
      expect(validate(mine)).toBe(compiled(theirs));
      expect(validate.errors).toEqual(compiled.errors);
      expect(mine).toEqual(theirs);
    });
  });
});
