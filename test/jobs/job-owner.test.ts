import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { currentJobOwner, isJobOwnerAlive } from '../../src/jobs/job-owner.js';

describe('job owners', () => {
  it('names this process as host:pid', () => {
    assert.equal(currentJobOwner(), `${hostname()}:${process.pid}`);
  });

  it('sees a live process on this host as alive and an exited one as dead', () => {
    assert.equal(isJobOwnerAlive(`${hostname()}:${process.ppid}`), true);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    assert.equal(isJobOwnerAlive(`${hostname()}:${child.stdout}`), false);
  });

  it('treats its own earlier runs as dead and another host as alive', () => {
    assert.equal(isJobOwnerAlive(currentJobOwner()), false);
    assert.equal(isJobOwnerAlive('some-other-host.example:1234'), true);
    assert.equal(isJobOwnerAlive('garbage'), false);
  });
});
