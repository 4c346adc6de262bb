import * as assert from 'node:assert';
import { defaultSettings } from '../../common/protocol';

describe('protocol', () => {
  it('has defaults for every setting', () => {
    assert.strictEqual(defaultSettings.testTimeoutSeconds, 10);
  });
});
