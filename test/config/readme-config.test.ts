import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/config/index.js';

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('documents every setting', () => {
    const missing = SETTINGS.filter((s) => !readme.includes(`\`${s.env}\``)).map((s) => s.env);
    assert.deepEqual(missing, []);
  });

  it('shows the two quickstart commands', () => {
    assert.match(readme, /npm install && npm start/);
    assert.match(readme, /npm test/);
  });
});
