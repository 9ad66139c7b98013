import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/backends/konnect/semaphore.js';
import { clientsFor, json, stubServer } from './stub-server.js';

describe('--parallelism', () => {
  it('never has more requests in flight than the bound, and uses all of it', async () => {
    const stub = await stubServer((_req, res) => {
      setTimeout(() => json(res, 200, { ok: true }), 15);
    });
    const { admin } = clientsFor(stub.url, { parallelism: '3' });
    await Promise.all(Array.from({ length: 24 }, (_, i) => admin.get(`/v3/apis/${i}`)));
    expect(stub.requests).toHaveLength(24);
    expect(stub.maxInFlight).toBe(3);
  });

  it('defaults to 10', async () => {
    const stub = await stubServer((_req, res) => {
      setTimeout(() => json(res, 200, { ok: true }), 15);
    });
    const { admin } = clientsFor(stub.url);
    await Promise.all(Array.from({ length: 40 }, (_, i) => admin.get(`/v3/apis/${i}`)));
    expect(stub.maxInFlight).toBe(10);
  });

  it('a request waiting out a backoff does not hold a slot', async () => {
    let failed = false;
    const stub = await stubServer((req, res) => {
      if (req.path === '/slow' && !failed) {
        failed = true;
        return json(res, 503, { status: 503, title: 'Service Unavailable', detail: 'x', instance: 'x' });
      }
      json(res, 200, { ok: true });
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let backingOff!: () => void;
    const inBackoff = new Promise<void>((resolve) => (backingOff = resolve));
    // The backoff of /slow waits on the gate; /fast must still go through with parallelism 1.
    const sleep = () => {
      backingOff();
      return gate;
    };
    const { admin } = clientsFor(stub.url, { parallelism: 1 }, { sleep });
    const slow = admin.get('/slow');
    await inBackoff;
    await admin.get('/fast');
    release();
    await slow;
    expect(stub.requests.map((r) => r.path)).toEqual(['/slow', '/fast', '/slow']);
  });

  it('the semaphore hands slots over in arrival order', async () => {
    const semaphore = new Semaphore(1);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => semaphore.run(async () => void order.push(n))));
    expect(order).toEqual([1, 2, 3]);
  });
});
