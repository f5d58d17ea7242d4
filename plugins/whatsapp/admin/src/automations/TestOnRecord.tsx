import { useEffect, useState } from 'react';
import { Badge, Box, Button, Field, Flex, Grid, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Eye, Search } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';

import type { AutomationContentType, AutomationInput, AutomationPreview } from '../../../shared/automations';
import { errorStatus } from '../record-panel/panel-logic';
import { apiErrorOf } from '../templates/logic';
import { displayValue, fieldErrors, fieldLabel, outcomeBadgeVariant, problemReason, recordsQuery, recordTitle } from './logic';
import { useAutomationText } from './useAutomationText';

interface Props {
  type: AutomationContentType | null;
  /** The saved rule (its unsaved changes go along), or null for a rule never saved. */
  automationId: number | null;
  /** The rule as the editor holds it now. */
  draft: AutomationInput;
  /** A refused preview's field errors, for the editor to show at its fields (a preview that works leaves them). */
  onErrors: (errors: Record<string, string>) => void;
}

type Row = Record<string, unknown> & { documentId: string; status?: string; updatedAt?: string };
type ListState = { kind: 'loading' } | { kind: 'ok'; rows: Row[] } | { kind: 'forbidden' } | { kind: 'error' } | { kind: 'none' };

/** The search waits for the typing to pause this long. */
const SEARCH_DEBOUNCE_MS = 300;

/**
 * "Test on a record": pick one of the type's records (the Content Manager's list, searched, or a
 * documentId pasted) and see what the rule as edited would do with it: the verdict and its
 * reason, the number, each condition, and the message rendered by the server. Nothing is sent.
 */
export const TestOnRecord = ({ type, automationId, draft, onErrors }: Props) => {
  const { t, outcomeLabel, reasonText, conditionText, shown, categoryLabel, date } = useAutomationText();
  const { get, post } = useFetchClient();
  const [search, setSearch] = useState('');
  const [list, setList] = useState<ListState>({ kind: 'none' });
  const [documentId, setDocumentId] = useState('');
  const [result, setResult] = useState<AutomationPreview | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const uid = type?.uid ?? '';
  const listable = type?.kind === 'collectionType';

  // Another type: its own records.
  useEffect(() => {
    setDocumentId('');
    setResult(null);
    setFailure(null);
    setSearch('');
  }, [uid]);

  useEffect(() => {
    if (!uid || !listable) {
      setList({ kind: 'none' });
      return;
    }
    let stale = false;
    setList((current) => (current.kind === 'ok' ? current : { kind: 'loading' }));
    const timer = setTimeout(() => {
      get<{ results: Row[] }>(`/content-manager/collection-types/${uid}`, { params: recordsQuery(search) })
        .then(({ data }) => {
          if (!stale) setList({ kind: 'ok', rows: data.results ?? [] });
        })
        .catch((error: unknown) => {
          if (!stale) setList({ kind: errorStatus(error) === 403 ? 'forbidden' : 'error' });
        });
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [get, uid, listable, search]);

  const run = async (id: string) => {
    if (!id.trim()) return;
    setDocumentId(id);
    setLoading(true);
    setFailure(null);
    try {
      const url = automationId ? `/whatsapp/automations/${automationId}/preview` : '/whatsapp/automations/preview';
      const { data } = await post<{ data: AutomationPreview }>(url, { data: { documentId: id.trim(), automation: draft } });
      setResult(data.data);
    } catch (error) {
      setResult(null);
      const api = apiErrorOf(error);
      const status = errorStatus(error);
      if (status === 400 || status === 422) {
        onErrors(fieldErrors(api));
        setFailure(t('automations.test.invalid', 'The automation has errors (marked in red above). Fix them and test again.'));
      } else {
        setFailure(api?.message ?? t('automations.test.error', 'The preview could not be made.'));
      }
    } finally {
      setLoading(false);
    }
  };

  if (!type) {
    return <Typography textColor="neutral600">{t('automations.test.noType', 'Choose the content type first.')}</Typography>;
  }

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography textColor="neutral600">
        {t('automations.test.hint', 'See what this automation, as you have it now, would send for one of your records. Nothing is sent and nothing is saved.')}
      </Typography>
      {type.draftAndPublish ? (
        <Typography variant="pi" textColor="neutral600">
          {t('automations.test.published', 'Automations read the published version of {type} records.', { type: type.displayName })}
        </Typography>
      ) : null}
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch" gap={2}>
          {listable ? (
            <Field.Root name="test.search">
              <Field.Label>{t('automations.test.search', 'Search {type} records', { type: type.displayName })}</Field.Label>
              <TextInput startAction={<Search />} value={search} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearch(e.target.value)} />
            </Field.Root>
          ) : null}
          {list.kind === 'forbidden' ? (
            <Typography variant="pi" textColor="neutral600">
              {t('automations.test.forbidden', 'Your role cannot list these records in the Content Manager: paste a record’s documentId instead.')}
            </Typography>
          ) : list.kind === 'error' ? (
            <Typography variant="pi" textColor="danger600">
              {t('automations.test.listError', 'The records could not be listed: paste a record’s documentId instead.')}
            </Typography>
          ) : list.kind === 'loading' ? (
            <Typography variant="pi" textColor="neutral600">
              {t('automations.test.loading', 'Loading the records…')}
            </Typography>
          ) : list.kind === 'ok' && list.rows.length === 0 ? (
            <Typography variant="pi" textColor="neutral600">
              {search.trim() ? t('automations.test.noMatch', 'No record matches.') : t('automations.test.noRecords', 'This content type has no records yet: create one to test with.')}
            </Typography>
          ) : list.kind === 'ok' ? (
            <Table colCount={2} rowCount={list.rows.length + 1}>
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">{t('automations.test.record', 'Record')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('automations.test.updated', 'Updated')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {list.rows.map((row) => (
                  <Tr
                    key={`${row.documentId}-${row.status ?? ''}`}
                    onClick={() => run(row.documentId)}
                    style={{ cursor: 'pointer' }}
                    aria-selected={row.documentId === documentId}
                    background={row.documentId === documentId ? 'primary100' : undefined}
                  >
                    <Td>
                      <Flex direction="column" alignItems="flex-start">
                        <Typography fontWeight={row.documentId === documentId ? 'bold' : undefined}>{recordTitle(row, type.mainField)}</Typography>
                        <Typography variant="pi" textColor="neutral500">
                          {row.documentId}
                        </Typography>
                      </Flex>
                    </Td>
                    <Td>
                      <Typography variant="pi" textColor="neutral600">
                        {date(row.updatedAt)}
                      </Typography>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          ) : null}
          <Flex gap={2} alignItems="flex-end">
            <Box grow={1}>
              <Field.Root name="test.documentId" hint={t('automations.test.documentIdHint', 'Or paste it: the last part of the record’s address in the Content Manager.')}>
                <Field.Label>{t('automations.test.documentId', 'Record documentId')}</Field.Label>
                <TextInput value={documentId} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setDocumentId(e.target.value)} />
                <Field.Hint />
              </Field.Root>
            </Box>
          </Flex>
          <Box>
            <Button startIcon={<Eye />} onClick={() => run(documentId)} loading={loading} disabled={loading || !documentId.trim()}>
              {t('automations.test.run', 'Preview the message')}
            </Button>
          </Box>
        </Grid.Item>

        <Grid.Item col={6} s={12} direction="column" alignItems="stretch" gap={3}>
          {failure ? <Typography textColor="danger600">{failure}</Typography> : null}
          {result ? (
            <Flex direction="column" alignItems="stretch" gap={3}>
              <Flex gap={2} wrap="wrap">
                <Badge variant={outcomeBadgeVariant(result.outcome)}>{outcomeLabel(result.outcome)}</Badge>
                <Typography variant="pi" textColor="neutral600">
                  {t('automations.test.nothingSent', 'Preview only: nothing was sent.')}
                </Typography>
              </Flex>
              {result.reason ? <Typography textColor={result.outcome === 'failed' ? 'danger600' : 'neutral800'}>{reasonText(result.reason)}</Typography> : null}

              <Flex direction="column" alignItems="stretch" gap={1}>
                <Typography variant="sigma" textColor="neutral600">
                  {t('automations.test.to', 'To')}
                </Typography>
                <Typography>
                  {result.recipient.to ?? (result.recipient.value || t('automations.test.noNumber', 'no number'))}
                  <Typography variant="pi" textColor="neutral500">
                    {` — ${fieldLabel(result.recipient.path)}${result.recipient.value && result.recipient.value !== result.recipient.to ? `: ${result.recipient.value}` : ''}`}
                  </Typography>
                </Typography>
              </Flex>

              {result.conditions.length > 0 ? (
                <Flex direction="column" alignItems="stretch" gap={1}>
                  <Typography variant="sigma" textColor="neutral600">
                    {t('automations.test.conditions', 'Conditions')}
                  </Typography>
                  {result.conditions.map((c, i) => (
                    <Typography key={i} textColor={!result.conditionsApply ? 'neutral600' : c.holds ? 'success600' : 'danger600'}>
                      {c.holds ? '✓' : '✗'} {conditionText(c.field, c.op, displayValue(c.value))}{' '}
                      <Typography variant="pi" textColor="neutral500">
                        {t('automations.test.actual', '(it is {actual})', { actual: shown(displayValue(c.actual)) })}
                      </Typography>
                    </Typography>
                  ))}
                  {!result.conditionsApply ? (
                    <Typography variant="pi" textColor="neutral600">
                      {t('automations.test.conditionsManual', 'Not checked: this automation is sent by hand.')}
                    </Typography>
                  ) : null}
                </Flex>
              ) : null}

              <Flex direction="column" alignItems="stretch" gap={1}>
                <Typography variant="sigma" textColor="neutral600">
                  {t('automations.test.message', 'Message')}
                  {result.category ? ` · ${result.template} · ${categoryLabel(result.category as Parameters<typeof categoryLabel>[0])}` : ` · ${result.template}`}
                </Typography>
                <Box background="success100" padding={4} hasRadius>
                  {result.text !== null ? (
                    <Typography style={{ whiteSpace: 'pre-wrap' }}>{result.text}</Typography>
                  ) : (
                    <Typography textColor="neutral600">{t('automations.test.noText', 'The template cannot be written for this record (see above).')}</Typography>
                  )}
                </Box>
                {result.attachment === 'pdf' ? (
                  <Typography variant="pi" textColor="neutral600">
                    {t('automations.test.pdf', 'The record’s PDF goes with it; it is made when the message is really sent.')}
                  </Typography>
                ) : null}
                {result.problem && result.outcome !== 'failed' ? (
                  <Typography variant="pi" textColor="danger600">
                    {reasonText(problemReason(result.problem))}
                  </Typography>
                ) : null}
              </Flex>
            </Flex>
          ) : !failure ? (
            <Typography textColor="neutral600">{t('automations.test.empty', 'Pick a record to see the message.')}</Typography>
          ) : null}
        </Grid.Item>
      </Grid.Root>
    </Flex>
  );
};
