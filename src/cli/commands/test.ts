import { exampleCases } from '../../testing/examples.ts'
import { openResources } from '../../resources/index.ts'
import { appFor, EXIT } from '../context.ts'

/** `serval test [DIR...]`: runs every example as a test; a failure names action and example and exits 1. */
export async function testCommand(dirs: string[], opts: Record<string, unknown>): Promise<number> {
  const app = await appFor(dirs, opts, 'silent')
  let passed = 0
  let failed = 0
  try {
    await openResources(app)
    for (const c of exampleCases(app)) {
      try {
        await c.run()
        passed++
        process.stdout.write(`  ✓ ${c.title}\n`)
      } catch (error) {
        failed++
        process.stdout.write(`  ✗ ${(error as Error).message}\n`)
      }
    }
  } finally {
    await app.close()
  }
  process.stdout.write(`\nexamples: ${passed} passed, ${failed} failed\n`)
  return failed > 0 ? EXIT.failed : EXIT.ok
}
