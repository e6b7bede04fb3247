import { describe, expect, it } from 'vitest';
import { mapNameFromFile } from './map-name.js';

describe('mapNameFromFile', () => {
  it.each([
    ['maps/scmp_001.zip', 'scmp_001'],
    ['maps/scmp_003.v0003.zip', 'scmp_003.v0003'],
    ['maps/scmp_1_v1.zip', 'scmp_1_v1'],
    ['scmp_009', 'scmp_009'],
    ['maps/scmp_009.', 'scmp_009'],
    ['maps/.hidden', '.hidden'],
    ['maps/a.b/', 'a'],
  ])('%s gives %s', (fileName, mapName) => {
    expect(mapNameFromFile(fileName)).toBe(mapName);
  });

  it.each([[null], [''], ['maps/..'], ['/']])('%s gives "None"', (fileName) => {
    expect(mapNameFromFile(fileName)).toBe('None');
  });
});
