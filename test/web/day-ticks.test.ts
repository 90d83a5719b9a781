import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_INCREMENTS, dayTicks } from '../../web/src/charts/day-ticks.js';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

describe('daily chart axis', () => {
  it('steps by whole days at the least, so a week of days never gets hour ticks', () => {
    assert.ok(DAY_INCREMENTS.every((step) => step >= 86_400 && step % 86_400 === 0));
  });

  it('labels days, months or years, with the year under the first tick and where it changes, never a time', () => {
    assert.deepEqual(dayTicks(['2026-11-30', '2026-12-01', '2026-12-02'].map(day)), ['Nov 30\n2026', 'Dec 1', 'Dec 2']);
    assert.deepEqual(dayTicks(['2017-11-01', '2017-12-01', '2018-01-01'].map(day)), ['Nov\n2017', 'Dec', 'Jan\n2018']);
    assert.deepEqual(dayTicks(['2014-01-01', '2015-01-01'].map(day)), ['2014', '2015']);
    for (const label of dayTicks([day('2026-12-05'), day('2026-12-06')])) assert.doesNotMatch(label, /am|pm|:/);
  });
});
