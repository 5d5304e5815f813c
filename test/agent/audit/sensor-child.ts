/**
 * An audit sensor in a process of its own, for the kill -9 test. Started as
 * `node sensor-child.js OPTIONS_JSON OUT_FILE`: runs AuditSensor with
 * autoCheckpoint and appends each event to OUT_FILE as one JSON line,
 * fsynced before onEvent returns; answers isDelivered from what OUT_FILE
 * held at start. Prints "ready PID" once started. SIGTERM stops it
 * normally (rules removed) and exits.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  truncateSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import {
  AuditSensor,
  type AuditSensorOptions,
} from '../../../agent/audit/audit-sensor.js';
import type { CapturedEvent } from '../../../protocol/event.js';

const [optionsJson, outFile] = process.argv.slice(2);
if (optionsJson === undefined || outFile === undefined) {
  throw new Error('usage: sensor-child OPTIONS_JSON OUT_FILE');
}
const options = JSON.parse(optionsJson) as AuditSensorOptions;
const identity = (event: CapturedEvent) =>
  `${event.time}|${event.audit?.serial ?? ''}`;
// A line cut by the kill -9 of the last run was not delivered: drop it.
const written = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
const whole = written.slice(0, written.lastIndexOf('\n') + 1);
if (whole.length < written.length)
  truncateSync(outFile, Buffer.byteLength(whole));
const delivered = new Set(
  whole
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => identity(JSON.parse(line) as CapturedEvent)),
);
const out = openSync(outFile, 'a');

const sensor = new AuditSensor(
  {
    ...options,
    autoCheckpoint: true,
    isDelivered: (event) => delivered.has(identity(event)),
  },
  (event) => {
    writeSync(out, `${JSON.stringify(event)}\n`);
    fsyncSync(out); // durable before the sensor may move its checkpoint
  },
);
await sensor.start();
process.stdout.write(`ready ${process.pid}\n`);

process.once('SIGTERM', () => {
  void sensor.stop().then(() => {
    closeSync(out);
    process.exit(0);
  });
});
