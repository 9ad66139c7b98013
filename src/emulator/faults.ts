/**
 * Injected faults (MAPPING 6.3 #26): with probability `rate` a request fails, as one of four kinds
 * picked evenly, from a seeded generator (the same seed, the same sequence of outcomes).
 * DECISIONS: 429 (with `Retry-After`) and 503 answer before the request is handled, as a rate
 * limiter or a load balancer would, so nothing changed; 500 and a reset connection happen after it
 * was handled half of the time, so a client sees a write that landed but whose answer was lost.
 */
import { mulberry32 } from '../util/seeded-random.js';

export type Fault = { kind: '429' | '503' | '500' | 'reset'; after: boolean };

export class Faults {
  private readonly next: () => number;
  private posts = 0;
  /** How many faults were injected, by kind (a reset after the write: `reset-after`). */
  readonly injected: Record<string, number> = {};

  /**
   * `losePostAnswers`: the POSTs (counted from 1) whose answer is lost after they were handled (the
   * connection is reset): a deterministic lost answer to a create, besides the random faults.
   */
  constructor(
    private readonly rate: number,
    seed: number,
    private readonly losePostAnswers: ReadonlySet<number> = new Set(),
  ) {
    this.next = mulberry32(seed);
  }

  /** The fault of the next request (of this method), if it gets one. */
  draw(method = 'GET'): Fault | undefined {
    const fault = method === 'POST' && this.losePostAnswers.has(++this.posts) ? ({ kind: 'reset', after: true } as const) : this.random();
    if (fault) {
      const name = fault.after ? `${fault.kind}-after` : fault.kind;
      this.injected[name] = (this.injected[name] ?? 0) + 1;
    }
    return fault;
  }

  private random(): Fault | undefined {
    if (this.rate <= 0) return undefined;
    const hit = this.next() < this.rate;
    const pick = this.next();
    const after = this.next() < 0.5;
    if (!hit) return undefined;
    if (pick < 0.25) return { kind: '429', after: false };
    if (pick < 0.5) return { kind: '503', after: false };
    if (pick < 0.75) return { kind: '500', after };
    return { kind: 'reset', after };
  }
}
