import { useState } from 'react';
import { Box, Button, Field, Flex, Grid, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Plus } from '@strapi/icons';

import type { AutomationField } from '../../../shared/automations';
import { errorUnder, fieldLabel, type VariableRow } from './logic';
import { useAutomationText } from './useAutomationText';

interface Props {
  /** The template's variables; null when the template cannot be read (its names are typed). */
  names: string[] | null;
  rows: Record<string, VariableRow>;
  fields: AutomationField[];
  errors: Record<string, string>;
  onChange: (rows: Record<string, VariableRow>) => void;
}

const EMPTY_ROW: VariableRow = { source: 'field', path: '' };

/** Each template variable: a field of the record, or a fixed text. */
export const VariablesEditor = ({ names, rows, fields, errors, onChange }: Props) => {
  const { t } = useAutomationText();
  const [added, setAdded] = useState('');
  const shown = names ?? Object.keys(rows);
  const set = (name: string, row: VariableRow) => onChange({ ...rows, [name]: row });

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      {shown.length === 0 ? (
        <Typography textColor="neutral600">{t('automations.variables.none', 'This template has no variables: every message reads the same.')}</Typography>
      ) : null}
      {errors.variables ? <Typography textColor="danger600">{errors.variables}</Typography> : null}
      {shown.map((name) => {
        const row = rows[name] ?? EMPTY_ROW;
        const error = errorUnder(errors, `variables.${name}`);
        const options = row.source === 'field' && row.path && !fields.some((f) => f.name === row.path) ? [...fields, { name: row.path, type: 'string' }] : fields;
        return (
          <Grid.Root key={name} gap={3}>
            <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
              <Field.Root name={`variables.${name}.source`}>
                <Field.Label>{`{{${name}}}`}</Field.Label>
                <SingleSelect
                  value={row.source}
                  onChange={(value: string | number) => set(name, value === 'fixed' ? { source: 'fixed', value: '' } : { source: 'field', path: '' })}
                >
                  <SingleSelectOption value="field">{t('automations.variables.fromField', 'A field of the record')}</SingleSelectOption>
                  <SingleSelectOption value="fixed">{t('automations.variables.fixed', 'A fixed text')}</SingleSelectOption>
                </SingleSelect>
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={9} s={12} direction="column" alignItems="stretch">
              {row.source === 'field' ? (
                <Field.Root name={`variables.${name}`} error={error}>
                  <Field.Label>{t('automations.variables.field', 'Field')}</Field.Label>
                  <SingleSelect value={row.path} placeholder={t('automations.pick', 'Choose…')} onChange={(value: string | number) => set(name, { source: 'field', path: String(value) })}>
                    {options.map((f) => (
                      <SingleSelectOption key={f.name} value={f.name}>
                        {fieldLabel(f.name)}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                  <Field.Error />
                </Field.Root>
              ) : (
                <Field.Root name={`variables.${name}`} error={error}>
                  <Field.Label>{t('automations.variables.text', 'Text')}</Field.Label>
                  <TextInput value={row.value} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(name, { source: 'fixed', value: e.target.value })} />
                  <Field.Error />
                </Field.Root>
              )}
            </Grid.Item>
          </Grid.Root>
        );
      })}
      {names === null ? (
        <Flex gap={2} alignItems="flex-end">
          <Box width="16rem">
            <Field.Root name="variables.new" hint={t('automations.variables.addHint', 'As the template writes it, without the braces.')}>
              <Field.Label>{t('automations.variables.addName', 'Variable')}</Field.Label>
              <TextInput value={added} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setAdded(e.target.value)} />
              <Field.Hint />
            </Field.Root>
          </Box>
          <Button
            variant="secondary"
            startIcon={<Plus />}
            disabled={!added.trim() || Object.prototype.hasOwnProperty.call(rows, added.trim())}
            onClick={() => {
              set(added.trim(), EMPTY_ROW);
              setAdded('');
            }}
          >
            {t('automations.variables.add', 'Add')}
          </Button>
        </Flex>
      ) : null}
    </Flex>
  );
};
