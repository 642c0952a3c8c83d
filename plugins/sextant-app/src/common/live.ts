import { useEffect, useRef } from 'react';

/** Event types of Sextant's GET /api/v1/events. */
export type LiveEventType = 'anomaly' | 'predictions' | 'recommendations';

const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 30_000;

/**
 * Calls `onChange` with the type whenever Sextant announces one of `types` on its event stream (`url`,
 * through the app's data proxy, which adds the token), and with 'reconnected' after the stream comes
 * back from a break, since events may have been missed meanwhile. One stream per call: a page that
 * wants several types asks for them in one call. A browser retries a dropped stream by itself, but gives up for good
 * on an error answer, which is what the proxy gives while the service restarts (502): then a new
 * stream is opened after 2 s, doubling up to 30 s.
 */
export function useLiveEvents(url: string, types: readonly LiveEventType[], onChange: (type: LiveEventType | 'reconnected') => void): void {
  const callback = useRef(onChange);
  callback.current = onChange;
  const key = types.join(',');
  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      return undefined;
    }
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let retryMs = FIRST_RETRY_MS;
    let broken = false;
    let stopped = false;
    const notify = (type: LiveEventType | 'reconnected') => callback.current(type);
    const open = () => {
      source = new EventSource(url);
      for (const type of key.split(',') as LiveEventType[]) {
        source.addEventListener(type, () => notify(type));
      }
      source.onopen = () => {
        retryMs = FIRST_RETRY_MS;
        if (broken) {
          broken = false;
          notify('reconnected');
        }
      };
      source.onerror = () => {
        broken = true;
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          timer = setTimeout(open, retryMs);
          retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        }
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [url, key]);
}
