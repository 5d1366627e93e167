import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');

describe('the API types', () => {
  it('are exactly what openapi-typescript generates from api-spec/openapi.yaml (run `npm run gen:api` after a spec change)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-schema-'));
    try {
      const out = join(dir, 'schema.d.ts');
      execFileSync(process.execPath, [join(root, 'node_modules/openapi-typescript/bin/cli.js'),
        join(root, '../api-spec/openapi.yaml'), '-o', out], { stdio: 'pipe' });
      expect(readFileSync(join(root, 'src/api/schema.d.ts'), 'utf8')).toBe(readFileSync(out, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
