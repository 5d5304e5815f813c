/* eslint-disable */
// @ts-nocheck
// Generated from agent-config.schema.json by agent-config-codegen.ts
// (ajv standalone code): do not edit. After changing the schema, run
//   npm run build --silent && node dist/schemas/agent-config-codegen.js
// from the repository's root. The running agent checks its config with
// this module, so it never loads ajv (DESIGN section 10: agent memory).
import { createRequire } from 'node:module';

// ajv's ES module output still calls require() for its runtime helpers.
const require = createRequire(import.meta.url);
export const validate = validate10;
export default validate10;
const schema11 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://vigil.invalid/schemas/agent-config.schema.json',
  title: 'Vigil agent configuration',
  type: 'object',
  additionalProperties: false,
  required: ['collector', 'state'],
  properties: {
    collector: {
      type: 'string',
      maxLength: 2048,
      pattern: '^https://[^\\s/?#]+(/[^\\s]*)?$',
    },
    state: { $ref: '#/definitions/absPath' },
    watch: {
      type: 'array',
      maxItems: 4096,
      items: { $ref: '#/definitions/absPath' },
      default: [],
    },
    batch: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_events: {
          type: 'integer',
          minimum: 1,
          maximum: 10000,
          default: 500,
        },
        max_wait: { $ref: '#/definitions/duration', default: '1s' },
      },
    },
    spool: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_bytes: { type: 'integer', minimum: 65536, default: 268435456 },
      },
    },
    sensors: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        audit: { type: 'boolean', default: true },
        fs: { enum: [true, false, 'auto'], default: 'auto' },
      },
    },
    heartbeat: { $ref: '#/definitions/duration', default: '60s' },
    designated_refresh: { $ref: '#/definitions/duration', default: '30s' },
    log_level: {
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
      default: 'info',
    },
  },
  definitions: {
    absPath: { type: 'string', minLength: 1, maxLength: 4096, pattern: '^/' },
    duration: {
      type: 'string',
      maxLength: 32,
      pattern: '^[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)$',
    },
  },
};
const schema12 = {
  type: 'string',
  minLength: 1,
  maxLength: 4096,
  pattern: '^/',
};
const schema14 = {
  type: 'string',
  maxLength: 32,
  pattern: '^[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)$',
};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require('ajv/dist/runtime/ucs2length').default;
const pattern0 = new RegExp('^https://[^\\s/?#]+(/[^\\s]*)?$', 'u');
const pattern1 = new RegExp('^/', 'u');
const pattern3 = new RegExp('^[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)$', 'u');
function validate10(
  data,
  { instancePath = '', parentData, parentDataProperty, rootData = data } = {},
) {
  /*# sourceURL="https://vigil.invalid/schemas/agent-config.schema.json" */ let vErrors =
    null;
  let errors = 0;
  if (errors === 0) {
    if (data && typeof data == 'object' && !Array.isArray(data)) {
      if (data.watch === undefined) {
        data.watch = [];
      }
      if (data.batch === undefined) {
        data.batch = {};
      }
      if (data.spool === undefined) {
        data.spool = {};
      }
      if (data.sensors === undefined) {
        data.sensors = {};
      }
      if (data.heartbeat === undefined) {
        data.heartbeat = '60s';
      }
      if (data.designated_refresh === undefined) {
        data.designated_refresh = '30s';
      }
      if (data.log_level === undefined) {
        data.log_level = 'info';
      }
      let missing0;
      if (
        (data.collector === undefined && (missing0 = 'collector')) ||
        (data.state === undefined && (missing0 = 'state'))
      ) {
        validate10.errors = [
          {
            instancePath,
            schemaPath: '#/required',
            keyword: 'required',
            params: { missingProperty: missing0 },
            message: "must have required property '" + missing0 + "'",
          },
        ];
        return false;
      } else {
        const _errs1 = errors;
        for (const key0 in data) {
          if (!func2.call(schema11.properties, key0)) {
            validate10.errors = [
              {
                instancePath,
                schemaPath: '#/additionalProperties',
                keyword: 'additionalProperties',
                params: { additionalProperty: key0 },
                message: 'must NOT have additional properties',
              },
            ];
            return false;
            break;
          }
        }
        if (_errs1 === errors) {
          if (data.collector !== undefined) {
            let data0 = data.collector;
            const _errs2 = errors;
            if (errors === _errs2) {
              if (typeof data0 === 'string') {
                if (func3(data0) > 2048) {
                  validate10.errors = [
                    {
                      instancePath: instancePath + '/collector',
                      schemaPath: '#/properties/collector/maxLength',
                      keyword: 'maxLength',
                      params: { limit: 2048 },
                      message: 'must NOT have more than 2048 characters',
                    },
                  ];
                  return false;
                } else {
                  if (!pattern0.test(data0)) {
                    validate10.errors = [
                      {
                        instancePath: instancePath + '/collector',
                        schemaPath: '#/properties/collector/pattern',
                        keyword: 'pattern',
                        params: { pattern: '^https://[^\\s/?#]+(/[^\\s]*)?$' },
                        message:
                          'must match pattern "' +
                          '^https://[^\\s/?#]+(/[^\\s]*)?$' +
                          '"',
                      },
                    ];
                    return false;
                  }
                }
              } else {
                validate10.errors = [
                  {
                    instancePath: instancePath + '/collector',
                    schemaPath: '#/properties/collector/type',
                    keyword: 'type',
                    params: { type: 'string' },
                    message: 'must be string',
                  },
                ];
                return false;
              }
            }
            var valid0 = _errs2 === errors;
          } else {
            var valid0 = true;
          }
          if (valid0) {
            if (data.state !== undefined) {
              let data1 = data.state;
              const _errs4 = errors;
              const _errs5 = errors;
              if (errors === _errs5) {
                if (typeof data1 === 'string') {
                  if (func3(data1) > 4096) {
                    validate10.errors = [
                      {
                        instancePath: instancePath + '/state',
                        schemaPath: '#/definitions/absPath/maxLength',
                        keyword: 'maxLength',
                        params: { limit: 4096 },
                        message: 'must NOT have more than 4096 characters',
                      },
                    ];
                    return false;
                  } else {
                    if (func3(data1) < 1) {
                      validate10.errors = [
                        {
                          instancePath: instancePath + '/state',
                          schemaPath: '#/definitions/absPath/minLength',
                          keyword: 'minLength',
                          params: { limit: 1 },
                          message: 'must NOT have fewer than 1 characters',
                        },
                      ];
                      return false;
                    } else {
                      if (!pattern1.test(data1)) {
                        validate10.errors = [
                          {
                            instancePath: instancePath + '/state',
                            schemaPath: '#/definitions/absPath/pattern',
                            keyword: 'pattern',
                            params: { pattern: '^/' },
                            message: 'must match pattern "' + '^/' + '"',
                          },
                        ];
                        return false;
                      }
                    }
                  }
                } else {
                  validate10.errors = [
                    {
                      instancePath: instancePath + '/state',
                      schemaPath: '#/definitions/absPath/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    },
                  ];
                  return false;
                }
              }
              var valid0 = _errs4 === errors;
            } else {
              var valid0 = true;
            }
            if (valid0) {
              let data2 = data.watch;
              const _errs7 = errors;
              if (errors === _errs7) {
                if (Array.isArray(data2)) {
                  if (data2.length > 4096) {
                    validate10.errors = [
                      {
                        instancePath: instancePath + '/watch',
                        schemaPath: '#/properties/watch/maxItems',
                        keyword: 'maxItems',
                        params: { limit: 4096 },
                        message: 'must NOT have more than 4096 items',
                      },
                    ];
                    return false;
                  } else {
                    var valid2 = true;
                    const len0 = data2.length;
                    for (let i0 = 0; i0 < len0; i0++) {
                      let data3 = data2[i0];
                      const _errs9 = errors;
                      const _errs10 = errors;
                      if (errors === _errs10) {
                        if (typeof data3 === 'string') {
                          if (func3(data3) > 4096) {
                            validate10.errors = [
                              {
                                instancePath: instancePath + '/watch/' + i0,
                                schemaPath: '#/definitions/absPath/maxLength',
                                keyword: 'maxLength',
                                params: { limit: 4096 },
                                message:
                                  'must NOT have more than 4096 characters',
                              },
                            ];
                            return false;
                          } else {
                            if (func3(data3) < 1) {
                              validate10.errors = [
                                {
                                  instancePath: instancePath + '/watch/' + i0,
                                  schemaPath: '#/definitions/absPath/minLength',
                                  keyword: 'minLength',
                                  params: { limit: 1 },
                                  message:
                                    'must NOT have fewer than 1 characters',
                                },
                              ];
                              return false;
                            } else {
                              if (!pattern1.test(data3)) {
                                validate10.errors = [
                                  {
                                    instancePath: instancePath + '/watch/' + i0,
                                    schemaPath: '#/definitions/absPath/pattern',
                                    keyword: 'pattern',
                                    params: { pattern: '^/' },
                                    message:
                                      'must match pattern "' + '^/' + '"',
                                  },
                                ];
                                return false;
                              }
                            }
                          }
                        } else {
                          validate10.errors = [
                            {
                              instancePath: instancePath + '/watch/' + i0,
                              schemaPath: '#/definitions/absPath/type',
                              keyword: 'type',
                              params: { type: 'string' },
                              message: 'must be string',
                            },
                          ];
                          return false;
                        }
                      }
                      var valid2 = _errs9 === errors;
                      if (!valid2) {
                        break;
                      }
                    }
                  }
                } else {
                  validate10.errors = [
                    {
                      instancePath: instancePath + '/watch',
                      schemaPath: '#/properties/watch/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    },
                  ];
                  return false;
                }
              }
              var valid0 = _errs7 === errors;
              if (valid0) {
                let data4 = data.batch;
                const _errs12 = errors;
                if (errors === _errs12) {
                  if (
                    data4 &&
                    typeof data4 == 'object' &&
                    !Array.isArray(data4)
                  ) {
                    if (data4.max_events === undefined) {
                      data4.max_events = 500;
                    }
                    if (data4.max_wait === undefined) {
                      data4.max_wait = '1s';
                    }
                    const _errs14 = errors;
                    for (const key1 in data4) {
                      if (!(key1 === 'max_events' || key1 === 'max_wait')) {
                        validate10.errors = [
                          {
                            instancePath: instancePath + '/batch',
                            schemaPath:
                              '#/properties/batch/additionalProperties',
                            keyword: 'additionalProperties',
                            params: { additionalProperty: key1 },
                            message: 'must NOT have additional properties',
                          },
                        ];
                        return false;
                        break;
                      }
                    }
                    if (_errs14 === errors) {
                      let data5 = data4.max_events;
                      const _errs15 = errors;
                      if (!(
                        typeof data5 == 'number' &&
                        !(data5 % 1) &&
                        !isNaN(data5) &&
                        isFinite(data5)
                      )) {
                        validate10.errors = [
                          {
                            instancePath: instancePath + '/batch/max_events',
                            schemaPath:
                              '#/properties/batch/properties/max_events/type',
                            keyword: 'type',
                            params: { type: 'integer' },
                            message: 'must be integer',
                          },
                        ];
                        return false;
                      }
                      if (errors === _errs15) {
                        if (typeof data5 == 'number' && isFinite(data5)) {
                          if (data5 > 10000 || isNaN(data5)) {
                            validate10.errors = [
                              {
                                instancePath:
                                  instancePath + '/batch/max_events',
                                schemaPath:
                                  '#/properties/batch/properties/max_events/maximum',
                                keyword: 'maximum',
                                params: { comparison: '<=', limit: 10000 },
                                message: 'must be <= 10000',
                              },
                            ];
                            return false;
                          } else {
                            if (data5 < 1 || isNaN(data5)) {
                              validate10.errors = [
                                {
                                  instancePath:
                                    instancePath + '/batch/max_events',
                                  schemaPath:
                                    '#/properties/batch/properties/max_events/minimum',
                                  keyword: 'minimum',
                                  params: { comparison: '>=', limit: 1 },
                                  message: 'must be >= 1',
                                },
                              ];
                              return false;
                            }
                          }
                        }
                      }
                      var valid4 = _errs15 === errors;
                      if (valid4) {
                        let data6 = data4.max_wait;
                        const _errs17 = errors;
                        const _errs18 = errors;
                        if (errors === _errs18) {
                          if (typeof data6 === 'string') {
                            if (func3(data6) > 32) {
                              validate10.errors = [
                                {
                                  instancePath:
                                    instancePath + '/batch/max_wait',
                                  schemaPath:
                                    '#/definitions/duration/maxLength',
                                  keyword: 'maxLength',
                                  params: { limit: 32 },
                                  message:
                                    'must NOT have more than 32 characters',
                                },
                              ];
                              return false;
                            } else {
                              if (!pattern3.test(data6)) {
                                validate10.errors = [
                                  {
                                    instancePath:
                                      instancePath + '/batch/max_wait',
                                    schemaPath:
                                      '#/definitions/duration/pattern',
                                    keyword: 'pattern',
                                    params: {
                                      pattern:
                                        '^[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)$',
                                    },
                                    message:
                                      'must match pattern "' +
                                      '^[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)$' +
                                      '"',
                                  },
                                ];
                                return false;
                              }
                            }
                          } else {
                            validate10.errors = [
                              {
                                instancePath: instancePath + '/batch/max_wait',
                                schemaPath: '#/definitions/duration/type',
                                keyword: 'type',
                                params: { type: 'string' },
                                message: 'must be string',
                              },
                            ];
                            return false;
                          }
                        }
                        var valid4 = _errs17 === errors;
                      }
                    }
                  } else {
                    validate10.errors = [
                      {
                        instancePath: instancePath + '/batch',
                        schemaPath: '#/properties/batch/type',
                        keyword: 'type',
                        params: { type: 'object' },
                        message: 'must be object',
                      },
                    ];
                    return false;
                  }
                }
                var valid0 = _errs12 === errors;
                if (valid0) {
                  let data7 = data.spool;
                  const _errs20 = errors;
                  if (errors === _errs20) {
                    if (
                      data7 &&
                      typeof data7 == 'object' &&
                      !Array.isArray(data7)
                    ) {
                      if (data7.max_bytes === undefined) {
                        data7.max_bytes = 268435456;
                      }
                      const _errs22 = errors;
                      for (const key2 in data7) {
                        if (!(key2 === 'max_bytes')) {
                          validate10.errors = [
                            {
                              instancePath: instancePath + '/spool',
                              schemaPath:
                                '#/properties/spool/additionalProperties',
                              keyword: 'additionalProperties',
                              params: { additionalProperty: key2 },
                              message: 'must NOT have additional properties',
                            },
                          ];
                          return false;
                          break;
                        }
                      }
                      if (_errs22 === errors) {
                        let data8 = data7.max_bytes;
                        const _errs23 = errors;
                        if (!(
                          typeof data8 == 'number' &&
                          !(data8 % 1) &&
                          !isNaN(data8) &&
                          isFinite(data8)
                        )) {
                          validate10.errors = [
                            {
                              instancePath: instancePath + '/spool/max_bytes',
                              schemaPath:
                                '#/properties/spool/properties/max_bytes/type',
                              keyword: 'type',
                              params: { type: 'integer' },
                              message: 'must be integer',
                            },
                          ];
                          return false;
                        }
                        if (errors === _errs23) {
                          if (typeof data8 == 'number' && isFinite(data8)) {
                            if (data8 < 65536 || isNaN(data8)) {
                              validate10.errors = [
                                {
                                  instancePath:
                                    instancePath + '/spool/max_bytes',
                                  schemaPath:
                                    '#/properties/spool/properties/max_bytes/minimum',
                                  keyword: 'minimum',
                                  params: { comparison: '>=', limit: 65536 },
                                  message: 'must be >= 65536',
                                },
                              ];
                              return false;
                            }
                          }
                        }
                      }
                    } else {
                      validate10.errors = [
                        {
                          instancePath: instancePath + '/spool',
                          schemaPath: '#/properties/spool/type',
                          keyword: 'type',
                          params: { type: 'object' },
                          message: 'must be object',
                        },
                      ];
                      return false;
                    }
                  }
                  var valid0 = _errs20 === errors;
                  if (valid0) {
                    let data9 = data.sensors;
                    const _errs25 = errors;
                    if (errors === _errs25) {
                      if (
                        data9 &&
                        typeof data9 == 'object' &&
                        !Array.isArray(data9)
                      ) {
                        if (data9.audit === undefined) {
                          data9.audit = true;
                        }
                        if (data9.fs === undefined) {
                          data9.fs = 'auto';
                        }
                        const _errs27 = errors;
                        for (const key3 in data9) {
                          if (!(key3 === 'audit' || key3 === 'fs')) {
                            validate10.errors = [
                              {
                                instancePath: instancePath + '/sensors',
                                schemaPath:
                                  '#/properties/sensors/additionalProperties',
                                keyword: 'additionalProperties',
                                params: { additionalProperty: key3 },
                                message: 'must NOT have additional properties',
                              },
                            ];
                            return false;
                            break;
                          }
                        }
                        if (_errs27 === errors) {
                          const _errs28 = errors;
                          if (typeof data9.audit !== 'boolean') {
                            validate10.errors = [
                              {
                                instancePath: instancePath + '/sensors/audit',
                                schemaPath:
                                  '#/properties/sensors/properties/audit/type',
                                keyword: 'type',
                                params: { type: 'boolean' },
                                message: 'must be boolean',
                              },
                            ];
                            return false;
                          }
                          var valid7 = _errs28 === errors;
                          if (valid7) {
                            let data11 = data9.fs;
                            const _errs30 = errors;
                            if (!(
                              data11 === true ||
                              data11 === false ||
                              data11 === 'auto'
                            )) {
                              validate10.errors = [
                                {
                                  instancePath: instancePath + '/sensors/fs',
                                  schemaPath:
                                    '#/properties/sensors/properties/fs/enum',
                                  keyword: 'enum',
                                  params: {
                                    allowedValues:
                                      schema11.properties.sensors.properties.fs
                                        .enum,
                                  },
                                  message:
                                    'must be equal to one of the allowed values',
                                },
                              ];
                              return false;
                            }
                            var valid7 = _errs30 === errors;
                          }
                        }
                      } else {
                        validate10.errors = [
                          {
                            instancePath: instancePath + '/sensors',
                            schemaPath: '#/properties/sensors/type',
                            keyword: 'type',
                            params: { type: 'object' },
                            message: 'must be object',
                          },
                        ];
                        return false;
                      }
                    }
                    var valid0 = _errs25 === errors;
                    if (valid0) {
                      let data12 = data.heartbeat;
                      const _errs31 = errors;
                      const _errs32 = errors;
                      if (errors === _errs32) {
                        if (typeof data12 === 'string') {
                          if (func3(data12) > 32) {
                            validate10.errors = [
                              {
                                instancePath: instancePath + '/heartbeat',
                                schemaPath: '#/definitions/duration/maxLength',
                                keyword: 'maxLength',
                                params: { limit: 32 },
                                message:
                                  'must NOT have more than 32 characters',
                              },
                            ];
                            return false;
                          } else {
                            if (!pattern3.test(data12)) {
                              validate10.errors = [
                                {
                                  instancePath: instancePath + '/heartbeat',
                                  schemaPath: '#/definitions/duration/pattern',
                                  keyword: 'pattern',
                                  params: {
                                    pattern:
                                      '^[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)$',
                                  },
                                  message:
                                    'must match pattern "' +
                                    '^[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)$' +
                                    '"',
                                },
                              ];
                              return false;
                            }
                          }
                        } else {
                          validate10.errors = [
                            {
                              instancePath: instancePath + '/heartbeat',
                              schemaPath: '#/definitions/duration/type',
                              keyword: 'type',
                              params: { type: 'string' },
                              message: 'must be string',
                            },
                          ];
                          return false;
                        }
                      }
                      var valid0 = _errs31 === errors;
                      if (valid0) {
                        let data13 = data.designated_refresh;
                        const _errs34 = errors;
                        const _errs35 = errors;
                        if (errors === _errs35) {
                          if (typeof data13 === 'string') {
                            if (func3(data13) > 32) {
                              validate10.errors = [
                                {
                                  instancePath:
                                    instancePath + '/designated_refresh',
                                  schemaPath:
                                    '#/definitions/duration/maxLength',
                                  keyword: 'maxLength',
                                  params: { limit: 32 },
                                  message:
                                    'must NOT have more than 32 characters',
                                },
                              ];
                              return false;
                            } else {
                              if (!pattern3.test(data13)) {
                                validate10.errors = [
                                  {
                                    instancePath:
                                      instancePath + '/designated_refresh',
                                    schemaPath:
                                      '#/definitions/duration/pattern',
                                    keyword: 'pattern',
                                    params: {
                                      pattern:
                                        '^[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)$',
                                    },
                                    message:
                                      'must match pattern "' +
                                      '^[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)$' +
                                      '"',
                                  },
                                ];
                                return false;
                              }
                            }
                          } else {
                            validate10.errors = [
                              {
                                instancePath:
                                  instancePath + '/designated_refresh',
                                schemaPath: '#/definitions/duration/type',
                                keyword: 'type',
                                params: { type: 'string' },
                                message: 'must be string',
                              },
                            ];
                            return false;
                          }
                        }
                        var valid0 = _errs34 === errors;
                        if (valid0) {
                          let data14 = data.log_level;
                          const _errs37 = errors;
                          if (!(
                            data14 === 'fatal' ||
                            data14 === 'error' ||
                            data14 === 'warn' ||
                            data14 === 'info' ||
                            data14 === 'debug' ||
                            data14 === 'trace'
                          )) {
                            validate10.errors = [
                              {
                                instancePath: instancePath + '/log_level',
                                schemaPath: '#/properties/log_level/enum',
                                keyword: 'enum',
                                params: {
                                  allowedValues:
                                    schema11.properties.log_level.enum,
                                },
                                message:
                                  'must be equal to one of the allowed values',
                              },
                            ];
                            return false;
                          }
                          var valid0 = _errs37 === errors;
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    } else {
      validate10.errors = [
        {
          instancePath,
          schemaPath: '#/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        },
      ];
      return false;
    }
  }
  validate10.errors = vErrors;
  return errors === 0;
}
