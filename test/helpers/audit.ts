import { auditAvailable } from '../../agent/audit/audit-sensor.js';

/**
 * Whether tests on the real kernel audit subsystem can run here. With
 * VIGIL_REQUIRE_AUDIT=1 (CI) a missing audit path is an error, not a skip.
 */
export async function auditReady(): Promise<boolean> {
  const status = await auditAvailable();
  if (status.ok) return true;
  if (process.env.VIGIL_REQUIRE_AUDIT === '1') {
    throw new Error(
      `VIGIL_REQUIRE_AUDIT=1 but audit is unavailable: ${status.reason}`,
    );
  }
  console.warn(`skipping audit tests: ${status.reason}`);
  return false;
}
