/**
 * A test that needs a tool this machine may lack (java, terraform, qemu) says
 * so in one loud line and is skipped; with REQUIRE_TOOLS=1 (CI) a missing tool
 * is a failure instead.
 */
export function toolMissing(tool: string, why: string): boolean {
  if (process.env.REQUIRE_TOOLS === '1') {
    throw new Error(`${tool} is required (REQUIRE_TOOLS=1) but not available: ${why}`);
  }
  console.warn(`SKIPPED: ${tool} is not available (${why}); set REQUIRE_TOOLS=1 to make this a failure`);
  return true;
}
