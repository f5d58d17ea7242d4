import { useEffect, useRef, useState } from 'react';
import { Box, Button, Field, Flex, Radio, SingleSelect, SingleSelectOption, Table, Tbody, Td, Textarea, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Upload } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';

import { parseFilters, phonesFromCsv, type AudienceKind, type CampaignForm, type PhoneRowError } from './logic';
import { FILTERS_EXAMPLE, useCampaignText } from './useCampaignText';

interface Props {
  form: CampaignForm;
  set: (patch: Partial<CampaignForm>) => void;
  error: (path: string) => string | undefined;
}

type HostType = { uid: string; displayName: string };

/** Shown rows of a CSV's report; the count says how many more. */
const SHOWN_ERRORS = 50;

/**
 * Who receives the campaign: everyone with marketing consent, contacts with some tags, a list of
 * numbers (pasted or from a CSV, with the rows that do not read listed before anything is
 * saved), or a live query over one of the application's content types.
 */
export const AudienceStep = ({ form, set, error }: Props) => {
  const { t, phoneErrorLabel, ruleLabel, number } = useCampaignText();
  const { get } = useFetchClient();
  const input = useRef<HTMLInputElement>(null);
  const [types, setTypes] = useState<HostType[] | null>(null);
  const [csv, setCsv] = useState<{ name: string; rows: number; phones: number; errors: PhoneRowError[] } | null>(null);

  // The application's own content types (the Content Manager's list); a text field if it cannot be read.
  useEffect(() => {
    if (form.audienceKind !== 'query' || types !== null) return;
    get<{ data: Array<{ uid: string; info?: { displayName?: string } }> }>('/content-manager/content-types')
      .then(({ data }) => setTypes(data.data.filter((ct) => ct.uid.startsWith('api::')).map((ct) => ({ uid: ct.uid, displayName: ct.info?.displayName ?? ct.uid }))))
      .catch(() => setTypes([]));
  }, [form.audienceKind, types, get]);

  const readCsv = async (file: File) => {
    const text = await file.text();
    const result = phonesFromCsv(text);
    setCsv({ name: file.name, rows: result.rows, phones: result.phones.length, errors: result.errors });
    set({ phones: result.phones.join('\n') });
    if (input.current) input.current.value = '';
  };

  const filtersProblem = parseFilters(form.filters).error;

  return (
    <Flex direction="column" alignItems="stretch" gap={5}>
      <Field.Root name="audience.kind">
        <Field.Label>{t('campaigns.audience.kind', 'Who receives it')}</Field.Label>
        <Radio.Group value={form.audienceKind} onValueChange={(value: string) => set({ audienceKind: value as AudienceKind })} aria-label={t('campaigns.audience.kind', 'Who receives it')}>
          <Radio.Item value="consent">{t('campaigns.audience.consent', 'Every contact with marketing consent')}</Radio.Item>
          <Radio.Item value="tags">{t('campaigns.audience.tags', 'Contacts with some tags')}</Radio.Item>
          <Radio.Item value="phones">{t('campaigns.audience.phones', 'A list of numbers (pasted or from a CSV)')}</Radio.Item>
          <Radio.Item value="query">{t('campaigns.audience.query', 'Records of one of your content types (read at launch)')}</Radio.Item>
        </Radio.Group>
      </Field.Root>

      {form.audienceKind === 'consent' ? (
        <Typography textColor="neutral600">
          {t('campaigns.audience.consentHelp', 'Contacts who agreed to marketing and did not opt out. Record consent when you import contacts or in each contact.')}
        </Typography>
      ) : null}

      {form.audienceKind === 'tags' ? (
        <Field.Root name="audience.tags" error={error('audience.tags')} hint={t('campaigns.audience.tagsHint', 'Separated by commas, e.g. taller, vip. A contact with any of them receives it.')}>
          <Field.Label>{t('campaigns.audience.tagsLabel', 'Tags')}</Field.Label>
          <TextInput value={form.tags} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ tags: e.target.value })} />
          <Field.Hint />
          <Field.Error />
        </Field.Root>
      ) : null}

      {form.audienceKind === 'phones' ? (
        <Flex direction="column" alignItems="stretch" gap={3}>
          <input
            ref={input}
            type="file"
            accept=".csv,text/csv,text/plain"
            style={{ display: 'none' }}
            aria-label={t('campaigns.audience.csv', 'Read the numbers from a CSV')}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) readCsv(file);
            }}
          />
          <Flex gap={3}>
            <Button variant="secondary" startIcon={<Upload />} onClick={() => input.current?.click()}>
              {t('campaigns.audience.csv', 'Read the numbers from a CSV')}
            </Button>
            <Typography variant="pi" textColor="neutral600">
              {t('campaigns.audience.csvHelp', 'The column named phone, teléfono, celular or whatsapp (else the first). Only numbers that are contacts receive it.')}
            </Typography>
          </Flex>
          {csv ? (
            <Box background="neutral100" padding={4} hasRadius>
              <Flex direction="column" alignItems="stretch" gap={2}>
                <Typography fontWeight="semiBold">
                  {t('campaigns.csv.summary', '{file}: {rows} rows, {phones} numbers taken, {errors} rows with a problem', {
                    file: csv.name,
                    rows: number(csv.rows),
                    phones: number(csv.phones),
                    errors: number(csv.errors.length),
                  })}
                </Typography>
                {csv.errors.length ? (
                  <Table colCount={3} rowCount={Math.min(csv.errors.length, SHOWN_ERRORS) + 1}>
                    <Thead>
                      <Tr>
                        <Th>
                          <Typography variant="sigma">{t('campaigns.csv.row', 'Row')}</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">{t('campaigns.csv.value', 'Value')}</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">{t('campaigns.csv.reason', 'Problem')}</Typography>
                        </Th>
                      </Tr>
                    </Thead>
                    <Tbody>
                      {csv.errors.slice(0, SHOWN_ERRORS).map((e) => (
                        <Tr key={e.row}>
                          <Td>
                            <Typography>{e.row}</Typography>
                          </Td>
                          <Td>
                            <Typography>{e.value}</Typography>
                          </Td>
                          <Td>
                            <Typography>{phoneErrorLabel(e.reason)}</Typography>
                          </Td>
                        </Tr>
                      ))}
                    </Tbody>
                  </Table>
                ) : null}
                {csv.errors.length > SHOWN_ERRORS ? (
                  <Typography variant="pi" textColor="neutral600">
                    {t('campaigns.csv.more', 'and {n} more rows with a problem', { n: number(csv.errors.length - SHOWN_ERRORS) })}
                  </Typography>
                ) : null}
              </Flex>
            </Box>
          ) : null}
          <Field.Root name="audience.phones" error={error('audience.phones')} hint={t('campaigns.audience.phonesHint', 'One number a line, with the country code (+52…).')}>
            <Field.Label>{t('campaigns.audience.phonesLabel', 'Numbers')}</Field.Label>
            <Textarea value={form.phones} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set({ phones: e.target.value })} rows={8} />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Flex>
      ) : null}

      {form.audienceKind === 'query' ? (
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Field.Root name="audience.contentType" error={error('audience.contentType')} hint={t('campaigns.audience.contentTypeHint', 'Its records are read when the campaign is launched; a customer who is not a contact yet becomes one, without consent.')}>
            <Field.Label>{t('campaigns.audience.contentType', 'Content type')}</Field.Label>
            {types && types.length ? (
              <SingleSelect value={form.contentType || undefined} onChange={(value: string | number) => set({ contentType: String(value) })} placeholder={t('campaigns.audience.contentTypePick', 'Choose a content type')}>
                {types.map((type) => (
                  <SingleSelectOption key={type.uid} value={type.uid}>
                    {`${type.displayName} (${type.uid})`}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            ) : (
              <TextInput value={form.contentType} placeholder="api::customer.customer" onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ contentType: e.target.value })} />
            )}
            <Field.Hint />
            <Field.Error />
          </Field.Root>
          <Field.Root
            name="audience.filters"
            error={error('audience.filters') ?? (filtersProblem ? ruleLabel(filtersProblem) : undefined)}
            hint={t('campaigns.audience.filtersHint', 'Strapi filters, e.g. {example}. Empty: every record.', { example: FILTERS_EXAMPLE })}
          >
            <Field.Label>{t('campaigns.audience.filters', 'Filters (JSON)')}</Field.Label>
            <Textarea value={form.filters} rows={6} placeholder={FILTERS_EXAMPLE} style={{ fontFamily: 'monospace' }} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set({ filters: e.target.value })} />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
          <Field.Root name="audience.phonePath" error={error('audience.phonePath')} hint={t('campaigns.audience.phonePathHint', 'The field with the phone number; relations are followed, e.g. customer.phone.')}>
            <Field.Label>{t('campaigns.audience.phonePath', 'Phone field')}</Field.Label>
            <TextInput value={form.phonePath} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ phonePath: e.target.value })} />
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        </Flex>
      ) : null}
    </Flex>
  );
};
