import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import schema from './agent-config.schema.json' with { type: 'json' };

/** Where the generated validator lives, from the repository's root. */
export const AGENT_CONFIG_VALIDATOR_FILE = 'schemas/agent-config-validator.ts';

/** How the schema is applied: defaults filled in, first error only. */
export const AGENT_CONFIG_AJV_OPTIONS = {
  useDefaults: true,
  allErrors: false,
} as const;

const HEADER = `/* eslint-disable */
// @ts-nocheck
// Generated from agent-config.schema.json by agent-config-codegen.ts
// (ajv standalone code): do not edit. After changing the schema, run
//   npm run build --silent && node dist/schemas/agent-config-codegen.js
// from the repository's root. The running agent checks its config with
// this module, so it never loads ajv (DESIGN section 10: agent memory).
import { createRequire } from 'node:module';

// ajv's ES module output still calls require() for its runtime helpers.
const require = createRequire(import.meta.url);
`;

/**
 * The validator module's text: ajv's standalone code for the agent config
 * schema, formatted as the repository formats TypeScript. ajv and prettier
 * load only here, never in the agent.
 */
export async function agentConfigValidatorSource(): Promise<string> {
  const { Ajv } = await import('ajv');
  // A CommonJS module: under NodeNext its default import is the module.
  const standalone = (await import('ajv/dist/standalone/index.js')).default;
  const prettier = await import('prettier');
  const ajv = new Ajv({
    ...AGENT_CONFIG_AJV_OPTIONS,
    code: { source: true, esm: true },
  });
  // An ES module is strict already; ajv's directive would follow imports.
  const code = standalone
    .default(ajv, ajv.compile(schema))
    .replace(/^"use strict";/, '');
  const file = resolve(AGENT_CONFIG_VALIDATOR_FILE);
  const options = await prettier.resolveConfig(file);
  return prettier.format(HEADER + code, { ...options, filepath: file });
}

// `node dist/schemas/agent-config-codegen.js` from the repository's root.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(
    AGENT_CONFIG_VALIDATOR_FILE,
    await agentConfigValidatorSource(),
  );
  console.log(`wrote ${AGENT_CONFIG_VALIDATOR_FILE}`);
}
