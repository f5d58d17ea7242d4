import { Box, Button, Field, Flex, Grid, IconButton, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';

import type { AutomationConditionOp, AutomationField } from '../../../shared/automations';
import { choicesOf, errorUnder, fieldLabel, fieldNamed, opTakesList, opTakesValue, OPS, type ConditionRow } from './logic';
import { useAutomationText } from './useAutomationText';

interface Props {
  rows: ConditionRow[];
  fields: AutomationField[];
  errors: Record<string, string>;
  /** Sent by hand: the conditions are kept but not checked. */
  manual: boolean;
  onChange: (rows: ConditionRow[]) => void;
}

/** "Only if": conditions on the record, all of which must hold (a field, an operator, a value). */
export const ConditionsEditor = ({ rows, fields, errors, manual, onChange }: Props) => {
  const { t, opLabel } = useAutomationText();
  const update = (i: number, patch: Partial<ConditionRow>) => onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Typography textColor="neutral600">
        {manual
          ? t('automations.conditions.manualHint', 'An automation sent by hand does not check its conditions: the person sending decides.')
          : t('automations.conditions.hint', 'All must hold when the message is due; otherwise the run is skipped and says which one did not.')}
      </Typography>
      {errors.conditions ? <Typography textColor="danger600">{errors.conditions}</Typography> : null}
      {rows.map((row, i) => {
        const field = fieldNamed(fields, row.field);
        const choices = choicesOf(field);
        const error = errorUnder(errors, `conditions.${i}`);
        // A path typed elsewhere (REST, deeper than the picker goes) stays selectable.
        const options = row.field && !field ? [...fields, { name: row.field, type: 'string' }] : fields;
        return (
          <Box key={i} padding={3} background="neutral100" hasRadius>
            <Grid.Root gap={3}>
              <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                <Field.Root name={`conditions.${i}.field`} error={error}>
                  <Field.Label>{t('automations.conditions.field', 'Field')}</Field.Label>
                  <SingleSelect value={row.field} placeholder={t('automations.pick', 'Choose…')} onChange={(value: string | number) => update(i, { field: String(value), value: '' })}>
                    {options.map((f) => (
                      <SingleSelectOption key={f.name} value={f.name}>
                        {fieldLabel(f.name)}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
                <Field.Root name={`conditions.${i}.op`}>
                  <Field.Label>{t('automations.conditions.op', 'Condition')}</Field.Label>
                  <SingleSelect value={row.op} onChange={(value: string | number) => update(i, { op: String(value) as AutomationConditionOp })}>
                    {OPS.map((op) => (
                      <SingleSelectOption key={op} value={op}>
                        {opLabel(op)}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} s={10} direction="column" alignItems="stretch">
                {!opTakesValue(row.op) ? null : choices && !opTakesList(row.op) ? (
                  <Field.Root name={`conditions.${i}.value`}>
                    <Field.Label>{t('automations.conditions.value', 'Value')}</Field.Label>
                    <SingleSelect value={row.value} placeholder={t('automations.pick', 'Choose…')} onChange={(value: string | number) => update(i, { value: String(value) })}>
                      {choices.map((choice) => (
                        <SingleSelectOption key={choice} value={choice}>
                          {choice}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                  </Field.Root>
                ) : (
                  <Field.Root
                    name={`conditions.${i}.value`}
                    hint={
                      opTakesList(row.op)
                        ? choices
                          ? t('automations.conditions.listHintChoices', 'Separated by commas, from: {choices}', { choices: choices.join(', ') })
                          : t('automations.conditions.listHint', 'Separated by commas, e.g. MX, CO')
                        : undefined
                    }
                  >
                    <Field.Label>{opTakesList(row.op) ? t('automations.conditions.values', 'Values') : t('automations.conditions.value', 'Value')}</Field.Label>
                    <TextInput value={row.value} onChange={(e: React.ChangeEvent<HTMLInputElement>) => update(i, { value: e.target.value })} />
                    <Field.Hint />
                  </Field.Root>
                )}
              </Grid.Item>
              <Grid.Item col={1} s={2} direction="column" alignItems="flex-end" justifyContent="flex-end">
                <IconButton label={t('automations.conditions.remove', 'Remove this condition')} variant="ghost" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                  <Trash />
                </IconButton>
              </Grid.Item>
            </Grid.Root>
          </Box>
        );
      })}
      <Box>
        <Button variant="secondary" startIcon={<Plus />} disabled={fields.length === 0} onClick={() => onChange([...rows, { field: '', op: 'eq', value: '' }])}>
          {t('automations.conditions.add', 'Add a condition')}
        </Button>
      </Box>
    </Flex>
  );
};
