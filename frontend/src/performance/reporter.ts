/** One of the browser's own numbers, as POST /api/performance/browser takes it. */
export interface Sample {
  name: string;
  value: number;
}

/** Share of sessions that report at all (1 = every session; lower it for a large deployment). */
export const SAMPLE_RATE = 1;
/** At most one report per this many ms from one page. */
export const MIN_INTERVAL_MS = 30_000;
/** The service takes at most 32 samples per report. */
export const MAX_SAMPLES = 32;
/** No one kind of sample (render, longTask) crowds the others out of a report. */
export const MAX_PER_NAME = 8;

/**
 * The samples waiting for the next report, bounded: at most `max` in all and `perName` of one
 * name. When a name's share is full, a larger value takes the place of its smallest (the slow
 * renders and long tasks are the ones worth reporting); otherwise the sample is dropped.
 */
export class SampleQueue {
  private samples: Sample[] = [];
  dropped = 0;

  constructor(
    private readonly max = MAX_SAMPLES,
    private readonly perName = MAX_PER_NAME,
  ) {}

  get size(): number {
    return this.samples.length;
  }

  add(name: string, value: number): boolean {
    if (!Number.isFinite(value) || value < 0) return false;
    const same = this.samples.filter((s) => s.name === name);
    if (same.length >= this.perName || this.samples.length >= this.max) {
      const smallest = same.reduce<Sample | null>(
        (min, s) => (min === null || s.value < min.value ? s : min),
        null,
      );
      if (smallest && value > smallest.value) {
        smallest.value = value;
        return true;
      }
      this.dropped++;
      return false;
    }
    this.samples.push({ name, value });
    return true;
  }

  take(): Sample[] {
    const out = this.samples;
    this.samples = [];
    return out;
  }
}

export interface ReporterOptions {
  send: (samples: Sample[]) => void;
  /** Adds what is read at report time (the heap) just before a report goes. */
  beforeSend?: (queue: SampleQueue) => void;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  minIntervalMs?: number;
  queue?: SampleQueue;
}

/** Batches samples into reports, at most one per `minIntervalMs`. */
export function createReporter(options: ReporterOptions) {
  const {
    send,
    beforeSend,
    now = () => Date.now(),
    setTimer = (run, ms) => setTimeout(run, ms),
    minIntervalMs = MIN_INTERVAL_MS,
    queue = new SampleQueue(),
  } = options;
  let lastSent = -Infinity;
  let scheduled = false;

  /** Sends what is queued if the interval allows; returns whether a report went. */
  function flush(): boolean {
    if (now() - lastSent < minIntervalMs) return false;
    beforeSend?.(queue);
    if (!queue.size) return false;
    lastSent = now();
    send(queue.take());
    return true;
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    const wait = Math.max(0, lastSent + minIntervalMs - now());
    setTimer(() => {
      scheduled = false;
      flush();
    }, wait);
  }

  return {
    queue,
    add(name: string, value: number) {
      if (queue.add(name, value)) schedule();
    },
    flush,
  };
}
