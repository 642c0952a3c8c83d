import React, { useMemo } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { AppContext, appClients, type AppSettings } from '../common/context';
import { ROUTES } from '../constants';
import { AlertAnalytics } from '../pages/AlertAnalytics';
import { Audit } from '../pages/Audit';
import { Anomalies } from '../pages/Anomalies';
import { Overview } from '../pages/Overview';
import { Predictions } from '../pages/Predictions';
import { Recommendations } from '../pages/Recommendations';
import { Reports } from '../pages/Reports';
import { Rules } from '../pages/Rules';

export default function App({ meta }: AppRootProps<AppSettings>) {
  const value = useMemo(() => ({ ...appClients(), settings: meta.jsonData ?? {} }), [meta.jsonData]);
  return (
    <AppContext.Provider value={value}>
      <Routes>
        <Route path={ROUTES.Overview} element={<Overview />} />
        <Route path={ROUTES.Anomalies} element={<Anomalies />} />
        <Route path={ROUTES.Predictions} element={<Predictions />} />
        <Route path={ROUTES.Recommendations} element={<Recommendations />} />
        <Route path={ROUTES.Alerts} element={<AlertAnalytics />} />
        <Route path={ROUTES.Rules} element={<Rules />} />
        <Route path={ROUTES.Reports} element={<Reports />} />
        <Route path={ROUTES.Audit} element={<Audit />} />
        <Route path="*" element={<Navigate to={ROUTES.Overview} replace />} />
      </Routes>
    </AppContext.Provider>
  );
}
