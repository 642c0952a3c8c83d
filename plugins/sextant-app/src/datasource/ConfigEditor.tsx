import React from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import type { SextantOptions, SextantSecureJsonData } from './types';

type Props = DataSourcePluginOptionsEditorProps<SextantOptions, SextantSecureJsonData>;

/** Sextant's URL (jsonData) and API token (secureJsonData, read only by Grafana's data proxy). */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  return (
    <FieldSet label="Sextant service">
      <Field label="URL" description="Where Grafana's server reaches Sextant, e.g. http://sextant:9890">
        <Input
          width={60}
          value={jsonData.url ?? ''}
          placeholder="http://sextant:9890"
          onChange={(e) => onOptionsChange({ ...options, jsonData: { ...jsonData, url: e.currentTarget.value.trim() } })}
        />
      </Field>
      <Field label="API token" description="Stored encrypted; the data proxy adds it to every request">
        <SecretInput
          width={60}
          isConfigured={Boolean(secureJsonFields?.token)}
          value={secureJsonData?.token ?? ''}
          placeholder="Token"
          onChange={(e) => onOptionsChange({ ...options, secureJsonData: { token: e.currentTarget.value } })}
          onReset={() =>
            onOptionsChange({
              ...options,
              secureJsonFields: { ...secureJsonFields, token: false },
              secureJsonData: { token: '' },
            })
          }
        />
      </Field>
    </FieldSet>
  );
}
