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

type TokenKey = 'token' | 'editorToken' | 'adminToken';

/** One token per route of plugin.json, so a Grafana viewer's requests never carry an editor's token. */
const TOKENS: Array<{ key: TokenKey; id: string; label: string; description: string }> = [
  { key: 'token', id: 'sextant-token', label: 'Viewer token', description: 'A Sextant viewer token: every Grafana user reads through it' },
  {
    key: 'editorToken',
    id: 'sextant-editor-token',
    label: 'Editor token (optional)',
    description: 'A Sextant editor token, used for Grafana editors and admins only: apply and dismiss recommendations, generate reports',
  },
  {
    key: 'adminToken',
    id: 'sextant-admin-token',
    label: 'Admin token (optional)',
    description: 'A Sextant admin token, used for Grafana admins only: the audit log',
  },
];

/**
 * Sextant's URL goes into jsonData; the API tokens into secureJsonData, which Grafana stores encrypted
 * and only its data proxy reads (each route of plugin.json adds its token as a bearer token).
 */
export default function AppConfig({ plugin }: AppConfigProps) {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [url, setUrl] = useState(jsonData?.url ?? '');
  const [prometheusUid, setPrometheusUid] = useState(jsonData?.prometheusUid ?? '');
  const [tokens, setTokens] = useState<Record<TokenKey, string>>({ token: '', editorToken: '', adminToken: '' });
  const [configured, setConfigured] = useState<Record<TokenKey, boolean>>({
    token: Boolean(secureJsonFields?.token),
    editorToken: Boolean(secureJsonFields?.editorToken),
    adminToken: Boolean(secureJsonFields?.adminToken),
  });
  const changed = TOKENS.filter((t) => !configured[t.key]);
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
        // Only the tokens being set (or cleared), so saving the URL alone keeps the stored ones.
        secureJsonData: changed.length ? Object.fromEntries(changed.map((t) => [t.key, tokens[t.key]])) : undefined,
      });
      setConfigured(Object.fromEntries(TOKENS.map((t) => [t.key, configured[t.key] || tokens[t.key] !== ''])) as Record<TokenKey, boolean>);
      setTokens({ token: '', editorToken: '', adminToken: '' });
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
        {TOKENS.map((t) => (
          <Field key={t.key} label={t.label} description={`${t.description}; stored encrypted, never sent to the browser`}>
            <SecretInput
              width={60}
              id={t.id}
              value={tokens[t.key]}
              isConfigured={configured[t.key]}
              placeholder="Token"
              aria-label={t.label}
              onChange={(e) => setTokens({ ...tokens, [t.key]: e.currentTarget.value })}
              onReset={() => {
                setTokens({ ...tokens, [t.key]: '' });
                setConfigured({ ...configured, [t.key]: false });
              }}
            />
          </Field>
        ))}
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
          <Button type="submit" disabled={busy || url.trim() === '' || (!configured.token && tokens.token === '')}>
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
