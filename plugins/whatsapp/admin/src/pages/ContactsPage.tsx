import { useCallback, useEffect, useState } from 'react';
import {
  Badge,
  Box,
  Button,
  Dialog,
  EmptyStateLayout,
  Field,
  Flex,
  Link,
  LinkButton,
  Loader,
  Modal,
  Searchbar,
  Table,
  Tbody,
  Td,
  Textarea,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowLeft, Download, Message, Trash, Upload } from '@strapi/icons';
import { NavLink } from 'react-router-dom';
import { useIntl } from 'react-intl';
import { Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

import type { Consent, Contact, ContactErasure, Conversation, ListAnswer, Pagination } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { consentBody, conversationOf, displayName, displayPhone, eraseBody, erasureConfirmed, EVIDENCE_MAX, exportFileName, listParams, pageRange, sortHistory } from '../contacts/logic';
import { download } from '../utils/download';
import { useT } from '../utils/useT';

const API = '/whatsapp/contacts';
/** The search and the tag filter wait for the typing to pause this long before asking the server. */
const SEARCH_DEBOUNCE_MS = 300;

type ContactDetail = Contact & { consentHistory?: Consent[] };

const useDebounced = (value: string) => {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [value]);
  return debounced;
};

/**
 * The contacts: searchable by name or number, filtered by a tag, in pages. A row opens the
 * contact with its consent ledger, where marketing consent is recorded or revoked (with evidence).
 */
const ContactsPage = () => {
  const t = useT();
  const { formatDate } = useIntl();
  const { get } = useFetchClient();
  const [searchInput, setSearchInput] = useState('');
  const [tagInput, setTagInput] = useState('');
  const search = useDebounced(searchInput);
  const tag = useDebounced(tagInput);
  const [page, setPage] = useState(1);
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [pagination, setPagination] = useState<Pagination | null>(null);
  const [error, setError] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  // A new search or tag starts again on the first page.
  useEffect(() => setPage(1), [search, tag]);

  useEffect(() => {
    let stale = false;
    get<ListAnswer<Contact>>(API, { params: listParams({ page, search, tag }) })
      .then(({ data }) => {
        if (stale) return;
        setContacts(data.data);
        setPagination(data.meta.pagination);
      })
      .catch(() => !stale && setError(true));
    return () => {
      stale = true;
    };
  }, [get, page, search, tag, reload]);

  const date = (value: string | null) => (value ? formatDate(value, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

  if (error) return <Page.Error />;
  if (!contacts || !pagination) return <Page.Loading />;

  const filtered = Boolean(search || tag);
  const range = pageRange(pagination);

  return (
    <Page.Main>
      <Page.Title>{t('contacts.title', 'Contacts')}</Page.Title>
      <Layouts.Header
        title={t('contacts.title', 'Contacts')}
        subtitle={t('contacts.subtitle', '{total, plural, one {# contact} other {# contacts}}', { total: pagination.total })}
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('contacts.back', 'WhatsApp')}
          </Link>
        }
        primaryAction={
          <LinkButton tag={NavLink} to="../contacts-import" relative="path" startIcon={<Upload />}>
            {t('contacts.import', 'Import contacts')}
          </LinkButton>
        }
      />
      <Layouts.Action
        startActions={
          <Flex gap={3} wrap="wrap">
            <Box width="28rem">
              <Searchbar
                name="search"
                value={searchInput}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearchInput(e.target.value)}
                onClear={() => setSearchInput('')}
                clearLabel={t('contacts.search.clear', 'Clear the search')}
                placeholder={t('contacts.search.placeholder', 'Search by name or phone')}
              >
                {t('contacts.search.label', 'Search contacts')}
              </Searchbar>
            </Box>
            <Box width="16rem">
              <TextInput
                name="tag"
                aria-label={t('contacts.tag.label', 'Tag')}
                placeholder={t('contacts.tag.placeholder', 'Filter by tag (exact)')}
                value={tagInput}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTagInput(e.target.value)}
              />
            </Box>
          </Flex>
        }
      />
      <Layouts.Content>
        {contacts.length === 0 ? (
          <EmptyStateLayout
            content={
              filtered
                ? t('contacts.empty.filtered', 'No contact matches the search or the tag.')
                : t('contacts.empty', 'No contacts yet. Import a CSV file with your contacts to start.')
            }
            action={
              filtered ? undefined : (
                <LinkButton tag={NavLink} to="../contacts-import" relative="path" variant="secondary" startIcon={<Upload />}>
                  {t('contacts.import', 'Import contacts')}
                </LinkButton>
              )
            }
          />
        ) : (
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Table colCount={6} rowCount={contacts.length + 1}>
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.name', 'Name')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.phone', 'Phone')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.tags', 'Tags')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.marketing', 'Marketing consent')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.optedOut', 'Opted out')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.lastInbound', 'Last message from them')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {contacts.map((contact) => (
                  <Tr key={contact.id} onClick={() => setOpenId(contact.documentId)} style={{ cursor: 'pointer' }}>
                    <Td>
                      <Flex gap={2}>
                        <Typography fontWeight="bold">{displayName(contact) ?? t('contacts.noName', 'No name')}</Typography>
                        {contact.erasedAt ? <Badge variant="neutral">{t('contacts.erased.badge', 'Erased')}</Badge> : null}
                      </Flex>
                    </Td>
                    <Td>
                      <Typography>{displayPhone(contact)}</Typography>
                    </Td>
                    <Td>
                      <Flex gap={1} wrap="wrap">
                        {contact.tags.map((tg) => (
                          <Badge key={tg}>{tg}</Badge>
                        ))}
                      </Flex>
                    </Td>
                    <Td>
                      <Badge variant={contact.marketingConsent ? 'success' : 'neutral'}>
                        {contact.marketingConsent ? t('contacts.yes', 'Yes') : t('contacts.no', 'No')}
                      </Badge>
                    </Td>
                    <Td>
                      <Typography>{date(contact.optedOutAt)}</Typography>
                    </Td>
                    <Td>
                      <Typography>{date(contact.lastInboundAt)}</Typography>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            <Flex justifyContent="space-between">
              <Typography textColor="neutral600">
                {t('contacts.pagination.range', '{from}–{to} of {total}', { from: range.from, to: range.to, total: pagination.total })}
              </Typography>
              <Flex gap={2}>
                <Button variant="tertiary" disabled={pagination.page <= 1} onClick={() => setPage(pagination.page - 1)}>
                  {t('contacts.pagination.previous', 'Previous')}
                </Button>
                <Typography>
                  {t('contacts.pagination.page', 'Page {page} of {pageCount}', { page: pagination.page, pageCount: Math.max(1, pagination.pageCount) })}
                </Typography>
                <Button variant="tertiary" disabled={pagination.page >= pagination.pageCount} onClick={() => setPage(pagination.page + 1)}>
                  {t('contacts.pagination.next', 'Next')}
                </Button>
              </Flex>
            </Flex>
          </Flex>
        )}
      </Layouts.Content>
      {openId ? <ContactModal documentId={openId} onClose={() => setOpenId(null)} onChanged={() => setReload((n) => n + 1)} /> : null}
    </Page.Main>
  );
};

interface ModalProps {
  documentId: string;
  onClose: () => void;
  /** Consent changed: the table is asked again. */
  onChanged: () => void;
}

/**
 * One contact: its details, its consent ledger, recording or revoking marketing consent, and the
 * person's data: downloaded as a JSON file, or erased after typing their number.
 */
const ContactModal = ({ documentId, onClose, onChanged }: ModalProps) => {
  const t = useT();
  const { formatDate } = useIntl();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const { allowedActions: inbox } = useRBAC(PERMISSIONS.readInbox);
  // useRBAC names it after the action's last segment: `contacts.manage` → canManage.
  const { allowedActions: manage } = useRBAC(PERMISSIONS.manageContacts);
  const canManage = Boolean(manage.canManage);
  const [exporting, setExporting] = useState(false);
  const [eraseOpen, setEraseOpen] = useState(false);
  const [eraseTyped, setEraseTyped] = useState('');
  const [erasing, setErasing] = useState(false);
  const [contact, setContact] = useState<ContactDetail | null>(null);
  const [error, setError] = useState(false);
  const [conversationId, setConversationId] = useState<number | null>(null);
  const [evidence, setEvidence] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    () =>
      get<{ data: ContactDetail }>(`${API}/${documentId}`)
        .then(({ data }) => setContact(data.data))
        .catch(() => setError(true)),
    [get, documentId]
  );
  useEffect(() => {
    load();
  }, [load]);

  // The inbox link: the contact's conversation, found by searching the inbox for its number.
  const phone = contact?.phone ?? null;
  const contactId = contact?.id ?? null;
  const canReadInbox = Boolean(inbox.canRead);
  useEffect(() => {
    if (!canReadInbox || !phone || contactId === null) return;
    let stale = false;
    get<ListAnswer<Conversation>>('/whatsapp/inbox/conversations', { params: { search: phone, pageSize: 25 } })
      .then(({ data }) => {
        if (!stale) setConversationId(conversationOf(data.data, contactId)?.id ?? null);
      })
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [get, canReadInbox, phone, contactId]);

  const date = (value: string | null) => (value ? formatDate(value, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

  const record = async (granted: boolean) => {
    const body = consentBody(granted, evidence);
    if (!body || !contact) return;
    setBusy(true);
    try {
      await post(`${API}/${contact.documentId}/consent`, body);
      toggleNotification({
        type: 'success',
        message: granted ? t('contacts.consent.recorded', 'Marketing consent recorded.') : t('contacts.consent.revoked', 'Marketing consent revoked.'),
      });
      setEvidence('');
      await load();
      onChanged();
    } catch (e) {
      toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setBusy(false);
    }
  };

  const exportData = async () => {
    if (!contact) return;
    setExporting(true);
    try {
      const { data } = await get(`${API}/${contact.documentId}/export`, { responseType: 'blob' });
      download(data, exportFileName(contact.id, new Date()));
      toggleNotification({ type: 'success', message: t('contacts.privacy.exported', 'The contact’s data was downloaded. The download is recorded in the audit log.') });
    } catch (e) {
      toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setExporting(false);
    }
  };

  const closeErase = () => {
    setEraseOpen(false);
    setEraseTyped('');
  };

  const erase = async () => {
    if (!contact || !erasureConfirmed(contact, eraseTyped)) return;
    setErasing(true);
    try {
      const { data } = await post<{ data: ContactErasure }>(`${API}/${contact.documentId}/erase`, eraseBody(eraseTyped));
      toggleNotification({
        type: 'success',
        message: t('contacts.privacy.erased', 'Personal data erased: {messages, plural, one {# message} other {# messages}} anonymised, {files, plural, one {# file} other {# files}} deleted.', {
          messages: data.data.counts.messages,
          files: data.data.counts.files,
        }),
      });
      if (data.data.filesLeft > 0) {
        toggleNotification({
          type: 'warning',
          message: t('contacts.privacy.filesLeft', '{count, plural, one {# file} other {# files}} could not be deleted from the media library now. Erase again later to retry.', { count: data.data.filesLeft }),
        });
      }
      closeErase();
      await load();
      onChanged();
    } catch (e) {
      toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setErasing(false);
    }
  };

  const purposeLabel = (c: Consent) =>
    c.purpose === 'marketing' ? t('contacts.consent.purpose.marketing', 'Marketing') : t('contacts.consent.purpose.transactional', 'Transactional');

  const history = contact?.consentHistory ? sortHistory(contact.consentHistory) : null;
  const valid = consentBody(true, evidence) !== null;

  const row = (label: string, value: React.ReactNode) => (
    <Flex gap={2}>
      <Typography fontWeight="bold">{label}:</Typography>
      <Typography>{value}</Typography>
    </Flex>
  );

  return (
    <Modal.Root open onOpenChange={(open: boolean) => (open ? undefined : onClose())}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{contact ? displayName(contact) ?? displayPhone(contact) : t('contacts.detail.title', 'Contact')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {error ? (
            <Typography textColor="danger600">{t('contacts.detail.error', 'The contact could not be loaded.')}</Typography>
          ) : !contact ? (
            <Flex justifyContent="center">
              <Loader small>{t('contacts.detail.loading', 'Loading the contact')}</Loader>
            </Flex>
          ) : (
            <Flex direction="column" alignItems="stretch" gap={5}>
              <Flex direction="column" alignItems="stretch" gap={1}>
                {row(t('contacts.column.phone', 'Phone'), displayPhone(contact))}
                {contact.email ? row(t('contacts.detail.email', 'Email'), contact.email) : null}
                {contact.tags.length ? row(t('contacts.column.tags', 'Tags'), contact.tags.join(', ')) : null}
                {row(t('contacts.column.marketing', 'Marketing consent'), contact.marketingConsent ? t('contacts.yes', 'Yes') : t('contacts.no', 'No'))}
                {row(t('contacts.detail.transactional', 'Transactional consent'), contact.transactionalConsent ? t('contacts.yes', 'Yes') : t('contacts.no', 'No'))}
                {row(t('contacts.detail.consentUpdatedAt', 'Consent updated'), date(contact.consentUpdatedAt))}
                {row(t('contacts.column.optedOut', 'Opted out'), date(contact.optedOutAt))}
                {row(t('contacts.column.lastInbound', 'Last message from them'), date(contact.lastInboundAt))}
              </Flex>
              {contact.erasedAt ? (
                <Box background="neutral100" padding={3} hasRadius>
                  <Typography>
                    {t('contacts.erased.notice', 'Personal data erased on {date}. The counts stay; the number stays blocked: nothing is sent to it until the person gives consent again.', {
                      date: date(contact.erasedAt),
                    })}
                  </Typography>
                </Box>
              ) : null}
              {conversationId !== null ? (
                <Box>
                  <LinkButton tag={NavLink} to={`../inbox?conversation=${conversationId}`} relative="path" variant="secondary" startIcon={<Message />}>
                    {t('contacts.detail.inbox', 'Open the conversation')}
                  </LinkButton>
                </Box>
              ) : null}

              <Flex direction="column" alignItems="stretch" gap={2}>
                <Typography variant="delta" tag="h3">
                  {t('contacts.consent.history', 'Consent history')}
                </Typography>
                {history === null ? null : history.length === 0 ? (
                  <Typography textColor="neutral600">{t('contacts.consent.none', 'No consent recorded yet.')}</Typography>
                ) : (
                  <Table colCount={5} rowCount={history.length + 1}>
                    <Thead>
                      <Tr>
                        <Th>
                          <Typography variant="sigma">{t('contacts.consent.when', 'When')}</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">{t('contacts.consent.purpose', 'Purpose')}</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">{t('contacts.consent.state', 'Consent')}</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">{t('contacts.consent.method', 'How')}</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">{t('contacts.consent.evidence', 'Evidence')}</Typography>
                        </Th>
                      </Tr>
                    </Thead>
                    <Tbody>
                      {history.map((c) => (
                        <Tr key={c.id}>
                          <Td>
                            <Typography>{date(c.at)}</Typography>
                          </Td>
                          <Td>
                            <Typography>{purposeLabel(c)}</Typography>
                          </Td>
                          <Td>
                            <Badge variant={c.granted ? 'success' : 'danger'}>
                              {c.granted ? t('contacts.consent.granted', 'Granted') : t('contacts.consent.withdrawn', 'Revoked')}
                            </Badge>
                          </Td>
                          <Td>
                            <Typography>
                              {c.method}
                              {c.actor ? ` (${c.actor})` : ''}
                            </Typography>
                          </Td>
                          <Td>
                            <Typography>{c.evidence ?? ''}</Typography>
                          </Td>
                        </Tr>
                      ))}
                    </Tbody>
                  </Table>
                )}
              </Flex>

              {contact.erasedAt ? null : (
                <Field.Root name="evidence" required hint={t('contacts.consent.evidence.hint', 'How the customer agreed or asked to stop (required).')}>
                  <Field.Label>{t('contacts.consent.evidence', 'Evidence')}</Field.Label>
                  <Textarea
                    value={evidence}
                    maxLength={EVIDENCE_MAX}
                    onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setEvidence(e.target.value)}
                  />
                  <Field.Hint />
                </Field.Root>
              )}

              {canManage ? (
                <Flex direction="column" alignItems="stretch" gap={2}>
                  <Typography variant="delta" tag="h3">
                    {t('contacts.privacy.title', 'Personal data')}
                  </Typography>
                  <Typography textColor="neutral600">
                    {t('contacts.privacy.hint', 'Everything held about this person (messages, consent, conversations, files), for a request to see or take their data, or to erase it.')}
                  </Typography>
                  <Flex gap={2} wrap="wrap">
                    <Button variant="secondary" startIcon={<Download />} onClick={exportData} loading={exporting}>
                      {t('contacts.privacy.export', 'Download data (JSON)')}
                    </Button>
                    {contact.erasedAt ? null : (
                      <Button variant="danger-light" startIcon={<Trash />} onClick={() => setEraseOpen(true)}>
                        {t('contacts.privacy.erase', 'Erase personal data')}
                      </Button>
                    )}
                  </Flex>
                </Flex>
              ) : null}
            </Flex>
          )}
          {contact && canManage ? (
            <Dialog.Root open={eraseOpen} onOpenChange={(open: boolean) => (open ? undefined : closeErase())}>
              <Dialog.Content>
                <Dialog.Header>{t('contacts.privacy.confirmTitle', 'Erase this person’s data?')}</Dialog.Header>
                <Dialog.Body>
                  <Flex direction="column" alignItems="stretch" gap={3}>
                    <Typography>
                      {t(
                        'contacts.privacy.confirmText',
                        'Their name, number, e-mail, what they wrote, their files and their consent evidence are removed for good; messages and counts stay, anonymised. Nothing will be sent to this number again unless they give consent again. This cannot be undone.'
                      )}
                    </Typography>
                    <Field.Root name="confirm" hint={t('contacts.privacy.confirmHint', 'Type {phone} to confirm.', { phone: displayPhone(contact) || String(contact.id) })}>
                      <Field.Label>{t('contacts.privacy.confirmLabel', 'The contact’s phone number')}</Field.Label>
                      <TextInput value={eraseTyped} autoComplete="off" onChange={(e: React.ChangeEvent<HTMLInputElement>) => setEraseTyped(e.target.value)} />
                      <Field.Hint />
                    </Field.Root>
                  </Flex>
                </Dialog.Body>
                <Dialog.Footer>
                  <Dialog.Cancel>
                    <Button variant="tertiary">{t('contacts.privacy.cancel', 'Cancel')}</Button>
                  </Dialog.Cancel>
                  <Button variant="danger" startIcon={<Trash />} onClick={erase} loading={erasing} disabled={!erasureConfirmed(contact, eraseTyped) || erasing}>
                    {t('contacts.privacy.confirm', 'Erase for good')}
                  </Button>
                </Dialog.Footer>
              </Dialog.Content>
            </Dialog.Root>
          ) : null}
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('contacts.detail.close', 'Close')}</Button>
          </Modal.Close>
          {contact?.erasedAt ? null : (
            <Flex gap={2}>
              <Button variant="danger-light" onClick={() => record(false)} loading={busy} disabled={!contact || !valid || busy}>
                {t('contacts.consent.revoke', 'Revoke')}
              </Button>
              <Button onClick={() => record(true)} loading={busy} disabled={!contact || !valid || busy}>
                {t('contacts.consent.record', 'Record marketing consent')}
              </Button>
            </Flex>
          )}
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};

export { ContactsPage };
