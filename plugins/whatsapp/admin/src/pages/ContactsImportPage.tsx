import { useCallback, useEffect, useRef, useState } from 'react';
import { Badge, Box, Button, EmptyStateLayout, Flex, Link, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowLeft, Download, Upload } from '@strapi/icons';
import { NavLink } from 'react-router-dom';
import { Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification } from '@strapi/strapi/admin';

import type { ContactImport, ContactImportResult, ContactImportRowError, ListAnswer } from '../../../shared/contracts';
import { errorsCsv, isFinished, progressPercent, statusBadgeVariant } from '../contacts-import/logic';
import { useT } from '../utils/useT';
import { download } from '../utils/download';
import { Progress } from '../components/Progress';

const API = '/whatsapp/contacts';
/** A background import is asked about this often until it is finished (its row changes at most once a second). */
const POLL_MS = 1_000;
const RECENT = 10;

/** What the last upload gave: the counts at once (small file), or a background import to follow. */
type Outcome = { kind: 'done'; result: ContactImportResult } | { kind: 'background'; item: ContactImport };


/**
 * Contacts from a CSV or Excel file: pick it, upload it, read what happened. Small files answer at
 * once with the counts and the rows not imported; large ones run in the background and this page
 * follows their progress. The recent imports are listed below.
 */
const ContactsImportPage = () => {
  const t = useT();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [recent, setRecent] = useState<ContactImport[] | null>(null);
  const [loadError, setLoadError] = useState(false);

  const notifyError = useCallback(
    (error: unknown) => toggleNotification({ type: 'danger', message: formatAPIError(error as Parameters<typeof formatAPIError>[0]) }),
    [toggleNotification, formatAPIError]
  );

  const loadRecent = useCallback(
    () =>
      get<ListAnswer<ContactImport>>(`${API}/imports`, { params: { pageSize: RECENT } })
        .then(({ data }) => setRecent(data.data))
        .catch(() => setLoadError(true)),
    [get]
  );
  useEffect(() => {
    loadRecent();
  }, [loadRecent]);

  // A background import: asked about every second until it is finished, then the list is refreshed.
  const following = outcome?.kind === 'background' && !isFinished(outcome.item.status) ? outcome.item.documentId : null;
  useEffect(() => {
    if (!following) return;
    let stopped = false;
    const timer = setInterval(() => {
      get<{ data: ContactImport }>(`${API}/imports/${following}`)
        .then(({ data }) => {
          if (stopped) return;
          setOutcome({ kind: 'background', item: data.data });
          if (isFinished(data.data.status)) loadRecent();
        })
        .catch(notifyError);
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [following, get, loadRecent, notifyError]);

  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setOutcome(null);
    try {
      const form = new FormData();
      form.append('file', file);
      const res = await post<{ data: ContactImportResult | ContactImport }>(`${API}/import`, form);
      setOutcome(res.status === 202 ? { kind: 'background', item: res.data.data as ContactImport } : { kind: 'done', result: res.data.data as ContactImportResult });
      setFile(null);
      if (input.current) input.current.value = '';
      loadRecent();
    } catch (error) {
      notifyError(error);
    } finally {
      setBusy(false);
    }
  };

  const downloadSample = async () => {
    try {
      const { data } = await get(`${API}/import/sample`, { responseType: 'blob' });
      download(data, 'contactos-ejemplo.csv');
    } catch (error) {
      notifyError(error);
    }
  };

  const downloadErrors = (errors: ContactImportRowError[]) =>
    download(
      new Blob([errorsCsv(errors, [t('contactsImport.errors.row', 'Row'), t('contactsImport.errors.column', 'Column'), t('contactsImport.errors.reason', 'Reason')])], { type: 'text/csv;charset=utf-8' }),
      'filas-no-importadas.csv'
    );

  if (loadError) return <Page.Error />;
  if (!recent) return <Page.Loading />;

  const statusLabel = (item: ContactImport) =>
    ({
      queued: t('contactsImport.status.queued', 'Waiting'),
      running: t('contactsImport.status.running', 'Importing'),
      completed: t('contactsImport.status.completed', 'Completed'),
      failed: t('contactsImport.status.failed', 'Failed'),
    })[item.status];

  const counts = (r: Pick<ContactImportResult, 'created' | 'updated' | 'skipped' | 'duplicates'>) => (
    <Flex gap={6} wrap="wrap">
      <Typography>{t('contactsImport.counts.created', 'Created: {n}', { n: r.created })}</Typography>
      <Typography>{t('contactsImport.counts.updated', 'Updated: {n}', { n: r.updated })}</Typography>
      <Typography>{t('contactsImport.counts.skipped', 'Not imported: {n}', { n: r.skipped })}</Typography>
      <Typography>{t('contactsImport.counts.duplicates', 'Repeated numbers: {n}', { n: r.duplicates })}</Typography>
    </Flex>
  );

  const errorTable = (errors: ContactImportRowError[], errorCount: number) =>
    errors.length ? (
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex justifyContent="space-between">
          <Typography variant="delta" tag="h3">
            {errorCount > errors.length
              ? t('contactsImport.errors.titleSome', 'Rows not imported: the first {shown} of {total}', { shown: errors.length, total: errorCount })
              : t('contactsImport.errors.title', 'Rows not imported ({total})', { total: errorCount })}
          </Typography>
          <Button variant="tertiary" startIcon={<Download />} onClick={() => downloadErrors(errors)}>
            {t('contactsImport.errors.download', 'Download as CSV')}
          </Button>
        </Flex>
        <Table colCount={3} rowCount={errors.length + 1}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">{t('contactsImport.errors.row', 'Row')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('contactsImport.errors.column', 'Column')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('contactsImport.errors.reason', 'Reason')}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {errors.map((e) => (
              <Tr key={`${e.row}-${e.column}`}>
                <Td>
                  <Typography>{e.row}</Typography>
                </Td>
                <Td>
                  <Typography>{e.column}</Typography>
                </Td>
                <Td>
                  <Typography>{e.reason}</Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      </Flex>
    ) : null;

  return (
    <Page.Main>
      <Page.Title>{t('contactsImport.title', 'Import contacts')}</Page.Title>
      <Layouts.Header
        title={t('contactsImport.title', 'Import contacts')}
        subtitle={t('contactsImport.subtitle', 'Add or update contacts from a CSV or Excel file. Rows with a problem are skipped and listed; the others are saved.')}
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('contactsImport.back', 'WhatsApp')}
          </Link>
        }
        secondaryAction={
          <Button variant="tertiary" startIcon={<Download />} onClick={downloadSample}>
            {t('contactsImport.sample', 'Download the sample file')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography textColor="neutral600">
                {t('contactsImport.help', 'The first row names the columns; one of them must be the phone (teléfono, celular or whatsapp). Large files are imported in the background: you can follow them here.')}
              </Typography>
              <input
                ref={input}
                type="file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                aria-label={t('contactsImport.choose', 'Choose a file')}
                style={{ display: 'none' }}
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
              <Flex gap={3} wrap="wrap">
                <Button variant="secondary" onClick={() => input.current?.click()}>
                  {t('contactsImport.choose', 'Choose a file')}
                </Button>
                <Typography textColor={file ? 'neutral800' : 'neutral500'}>{file ? file.name : t('contactsImport.noFile', 'No file chosen (.csv or .xlsx)')}</Typography>
                <Button startIcon={<Upload />} onClick={upload} disabled={!file || busy} loading={busy}>
                  {t('contactsImport.upload', 'Import')}
                </Button>
              </Flex>
            </Flex>
          </Box>

          {outcome ? (
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              {outcome.kind === 'done' ? (
                <Flex direction="column" alignItems="stretch" gap={4}>
                  <Typography variant="delta" tag="h2">
                    {t('contactsImport.result.title', 'Import finished: {rows} rows read', { rows: outcome.result.rows })}
                  </Typography>
                  {counts(outcome.result)}
                  {errorTable(outcome.result.errors, outcome.result.errorCount)}
                </Flex>
              ) : (
                <Flex direction="column" alignItems="stretch" gap={4}>
                  <Flex gap={3}>
                    <Typography variant="delta" tag="h2">
                      {outcome.item.fileName ?? t('contactsImport.unnamed', 'File without a name')}
                    </Typography>
                    <Badge variant={statusBadgeVariant(outcome.item.status)}>{statusLabel(outcome.item)}</Badge>
                  </Flex>
                  <Progress value={progressPercent(outcome.item)} />
                  <Typography textColor="neutral600">
                    {t('contactsImport.progress', '{rows} rows read, {percent}%', { rows: outcome.item.rowsRead, percent: progressPercent(outcome.item) })}
                  </Typography>
                  {outcome.item.status === 'failed' && outcome.item.reason ? <Typography textColor="danger600">{outcome.item.reason}</Typography> : null}
                  {counts(outcome.item)}
                  {errorTable(outcome.item.errors, outcome.item.errorCount)}
                </Flex>
              )}
            </Box>
          ) : null}

          <Flex direction="column" alignItems="stretch" gap={3}>
            <Typography variant="delta" tag="h2">
              {t('contactsImport.recent.title', 'Recent imports')}
            </Typography>
            {recent.length === 0 ? (
              <EmptyStateLayout
                content={t('contactsImport.recent.empty', 'No imports yet. Download the sample file, fill it in with your contacts and import it above.')}
              />
            ) : (
              <Table colCount={6} rowCount={recent.length + 1}>
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">{t('contactsImport.recent.file', 'File')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('contactsImport.recent.status', 'Status')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('contactsImport.recent.rows', 'Rows')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('contactsImport.recent.result', 'Created / updated / not imported')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('contactsImport.recent.by', 'By')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('contactsImport.recent.when', 'When')}</Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {recent.map((item) => (
                    <Tr key={item.id}>
                      <Td>
                        <Typography>{item.fileName ?? t('contactsImport.unnamed', 'File without a name')}</Typography>
                      </Td>
                      <Td>
                        <Badge variant={statusBadgeVariant(item.status)}>{statusLabel(item)}</Badge>
                      </Td>
                      <Td>
                        <Typography>{item.rowsRead}</Typography>
                      </Td>
                      <Td>
                        <Typography>
                          {item.created} / {item.updated} / {item.skipped}
                        </Typography>
                      </Td>
                      <Td>
                        <Typography>{item.actor ?? ''}</Typography>
                      </Td>
                      <Td>
                        <Typography>{item.createdAt ? new Date(item.createdAt).toLocaleString() : ''}</Typography>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
          </Flex>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export { ContactsImportPage };
