/**
 * Facts said once in the Terraform layout: one version requirement (every
 * module's versions.tf is the root's), no second `terraform` block anywhere.
 * Reads files only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tf = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modules = readdirSync(path.join(tf, 'modules'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => path.join(tf, 'modules', e.name));

function tfFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.tf')).map((f) => path.join(dir, f));
}

describe('one terraform requirement for the root and every module', () => {
  const root = readFileSync(path.join(tf, 'versions.tf'), 'utf8');

  // A module that needs an aliased provider (front-door: the web ACL in
  // us-east-1) declares it in its copy, and differs by those lines only.
  const withoutAliases = (text: string) => text.replace(/^ *# .*\n *configuration_aliases = \[[^\]]*\]\n/m, '');

  it('every module has a versions.tf equal to the root one', () => {
    expect(modules.length).toBeGreaterThanOrEqual(6);
    for (const m of modules) expect(withoutAliases(readFileSync(path.join(m, 'versions.tf'), 'utf8')), m).toBe(root);
  });

  it('the front door declares its us-east-1 provider', () => {
    expect(readFileSync(path.join(tf, 'modules', 'front-door', 'versions.tf'), 'utf8')).toMatch(/configuration_aliases = \[aws\.us_east_1\]/);
  });

  it('no other file opens a terraform block', () => {
    for (const dir of [tf, ...modules]) {
      for (const f of tfFiles(dir)) {
        if (path.basename(f) === 'versions.tf') continue;
        expect(readFileSync(f, 'utf8'), f).not.toMatch(/^terraform\s*\{/m);
      }
    }
  });
});
