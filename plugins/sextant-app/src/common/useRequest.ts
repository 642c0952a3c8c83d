import { useCallback, useEffect, useState } from 'react';

export interface RequestState<T> {
  loading: boolean;
  error?: Error;
  value?: T;
  /** Runs the request again (after an action changed the data, or to retry after an error). */
  reload: () => void;
}

/** Runs `load` when one of `deps` changes; keeps the last value while reloading. */
export function useRequest<T>(load: () => Promise<T>, deps: unknown[]): RequestState<T> {
  const [state, setState] = useState<{ loading: boolean; error?: Error; value?: T }>({ loading: true });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    setState((previous) => ({ loading: true, value: previous.value }));
    load().then(
      (value) => current && setState({ loading: false, value }),
      (error: unknown) =>
        current && setState({ loading: false, error: error instanceof Error ? error : new Error(String(error)) })
    );
    return () => {
      current = false;
    };
    // `load` is a new closure on every render; `deps` says what it reads.
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
