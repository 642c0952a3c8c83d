import React, { useState, type FormEvent } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { DataSourcePicker, getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import { listDatasets } from '../common/api';
import { SextantClient, toSextantError } from '../common/client';
import type { AppSettings } from '../common/context';
import { APP_PROXY_BASE } from '../constants';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

type Outcome = { ok: boolean; message: string };

/**
 * Sextant's URL goes into jsonData; the API token into secureJsonData, which Grafana stores encrypted
 * and only its data proxy reads (plugin.json's route adds it as a bearer token).
 */
export default function AppConfig({ plugin }: AppConfigProps) {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [url, setUrl] = useState(jsonData?.url ?? '');
  const [prometheusUid, setPrometheusUid] = useState(jsonData?.prometheusUid ?? '');
  const [token, setToken] = useState('');
  const [tokenSet, setTokenSet] = useState(Boolean(secureJsonFields?.token));
  const [saved, setSaved] = useState<Outcome>();
  const [tested, setTested] = useState<Outcome>();
  const [busy, setBusy] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setSaved(undefined);
    try {
      await updatePlugin(plugin.meta.id, {
        enabled,
        pinned,
        jsonData: { url: url.trim(), prometheusUid },
        // Left out when unchanged, so saving the URL alone keeps the stored token.
        secureJsonData: tokenSet ? undefined : { token },
      });
      setTokenSet(true);
      setToken('');
      setSaved({ ok: true, message: 'Settings saved.' });
    } catch (error) {
      setSaved({ ok: false, message: toSextantError(error, 'Saving the settings').message });
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setBusy(true);
    setTested(undefined);
    try {
      const datasets = await listDatasets(new SextantClient(APP_PROXY_BASE));
      setTested({ ok: true, message: `Connected to Sextant: ${datasets.length} datasets.` });
    } catch (error) {
      setTested({ ok: false, message: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save} data-testid="app-config">
      <FieldSet label="Sextant service">
        <Field label="URL" description="Where Grafana's server reaches Sextant, e.g. http://sextant:9890">
          <Input width={60} id="sextant-url" value={url} placeholder="http://sextant:9890" onChange={(e) => setUrl(e.currentTarget.value)} />
        </Field>
        <Field label="API token" description="A Sextant API token; stored encrypted, never sent to the browser">
          <SecretInput
            width={60}
            id="sextant-token"
            value={token}
            isConfigured={tokenSet}
            placeholder="Token"
            onChange={(e) => setToken(e.currentTarget.value)}
            onReset={() => {
              setToken('');
              setTokenSet(false);
            }}
          />
        </Field>
        <Field label="Prometheus data source" description="Opened by the Explore links of the Anomalies page">
          <DataSourcePicker
            width={60}
            pluginId="prometheus"
            current={prometheusUid || null}
            onChange={(ds) => setPrometheusUid(ds.uid)}
            noDefault
          />
        </Field>
        <Stack gap={2}>
          <Button type="submit" disabled={busy || url.trim() === '' || (!tokenSet && token === '')}>
            Save settings
          </Button>
          <Button type="button" variant="secondary" icon="plug" disabled={busy} onClick={test}>
            Test connection
          </Button>
        </Stack>
        {[saved, tested].map(
          (outcome, i) =>
            outcome && (
              <Alert key={i} severity={outcome.ok ? 'success' : 'error'} title={outcome.message} data-testid={`config-outcome-${i}`} />
            )
        )}
      </FieldSet>
    </form>
  );
}

async function updatePlugin(pluginId: string, data: Partial<PluginMeta<AppSettings>>) {
  return lastValueFrom(getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data, showErrorAlert: false }));
}
