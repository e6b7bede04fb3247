import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// TypeScript names files with '/' on every platform; so do these paths, relative to `packages/`.
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const packagesDir = dirname(packageDir);

/** Every file that `tsc -b <config>` compiles or reads, imports followed, as `adapter-mysql/src/...`. */
function programFiles(configName: string): string[] {
  const configPath = join(packageDir, configName);
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    projectReferences: config.projectReferences ?? [],
  });
  return program
    .getSourceFiles()
    .map((file) => file.fileName)
    .filter((file) => !file.includes('/node_modules/'))
    .map((file) => relative(packagesDir, file).replaceAll('\\', '/'));
}

function exportsOf(): Record<string, { readonly types: string; readonly default: string }> {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    exports: Record<string, { types: string; default: string }>;
  };
  return manifest.exports;
}

describe('the build of adapter-mysql', () => {
  it('compiles no test helper into dist, and reaches no fixtures', () => {
    const files = programFiles('tsconfig.build.json');
    expect(files).toContain('adapter-mysql/src/index.ts');
    expect(files.filter((file) => file.includes('/testing/') || file.endsWith('.test.ts'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('fixtures/'))).toEqual([]);
  });

  it('builds the test helpers on their own, outside dist, where the ./testing export points', () => {
    const files = programFiles('tsconfig.testing.json');
    expect(files).toContain('adapter-mysql/src/testing/index.ts');
    expect(
      files.filter((file) => file.startsWith('adapter-mysql/src/') && !file.includes('/testing/')),
    ).toEqual([]);
    const testing = exportsOf()['./testing'];
    expect(testing).toEqual({
      types: './dist-testing/testing/index.d.ts',
      default: './dist-testing/testing/index.js',
    });
    expect(exportsOf()['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  });
});
