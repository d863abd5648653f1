import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<(now: number) => void>();
let timer: number | undefined;

/** The current time, re-rendered every 30 s by one shared timer, for "5 min ago" labels. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    listeners.add(setNow);
    timer ??= window.setInterval(() => {
      const t = Date.now();
      for (const l of listeners) l(t);
    }, 30_000);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && timer !== undefined) {
        window.clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}
