// Prints "N passed, N failed, N skipped" from vitest's JSON report. A missing
// or empty report counts as one failure: something stopped the run before
// any test could execute.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log(`no test report at ${file}`);
  console.log('0 passed, 1 failed');
  process.exit(0);
}
const passed = report.numPassedTests ?? 0;
// A file that failed to load has no failed test of its own: count such
// files, so a run that broke before its tests cannot look green.
const brokenFiles = (report.testResults ?? []).filter(
  (file) =>
    file.status === 'failed' && (file.assertionResults ?? []).length === 0,
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const executed = passed + failed;
console.log(
  `${passed} passed, ${executed === 0 ? 1 : failed} failed, ${skipped} skipped`,
);
