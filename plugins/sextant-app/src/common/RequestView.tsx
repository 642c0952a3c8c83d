import React, { type ReactNode } from 'react';
import { Alert, Button, LoadingPlaceholder } from '@grafana/ui';
import type { RequestState } from './useRequest';

interface Props<T> {
  state: RequestState<T>;
  /** What is being loaded, for the loading and error texts ("anomalies"). */
  what: string;
  children: (value: T) => ReactNode;
}

/** The loading, error and loaded states of one request, the same way on every page. */
export function RequestView<T>({ state, what, children }: Props<T>) {
  if (state.error) {
    return (
      <Alert severity="error" title={`Could not load ${what}`} data-testid={`error-${what}`}>
        <div>{state.error.message}</div>
        <Button size="sm" variant="secondary" icon="sync" onClick={state.reload}>
          Retry
        </Button>
      </Alert>
    );
  }
  if (state.value === undefined) {
    return <LoadingPlaceholder text={`Loading ${what}…`} />;
  }
  return <>{children(state.value)}</>;
}
