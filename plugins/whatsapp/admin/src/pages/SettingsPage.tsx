import { useCallback, useEffect, useState } from 'react';
import {
  Badge,
  Box,
  Button,
  Dialog,
  EmptyStateLayout,
  Field,
  Flex,
  Grid,
  IconButton,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Textarea,
  TextInput,
  Th,
  Thead,
  Toggle,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Check, Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { ConfirmDialog, Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

import type { AuditEntry, CheckedSender, PriceTableAnswer, Sender, SenderCheck, Settings } from '../../../shared/contracts';
import { lastCheck, qualityVariant } from '../senders/quality';
import { PERMISSIONS } from '../constants';
import { auditChanges, emptyRow, errorsByField, generalChanges, generalFormOf, PRICED, ratesOf, rowsOf, type GeneralForm, type PriceRow } from '../settings/logic';
import { apiErrorOf, fieldErrors } from '../templates/logic';
import { useT } from '../utils/useT';
import { MediaField } from '../messages/MediaField';

const API = '/whatsapp/settings';
/** useRBAC names them canSandbox (settings.sandbox) and canManage (settings.manage). */
const SETTINGS_PERMISSIONS = [...PERMISSIONS.toggleSandbox, ...PERMISSIONS.manageSettings];

/** The API's name of a form field, where its errors are filed. */
const API_FIELD: Partial<Record<keyof GeneralForm, string>> = {
  failureRatePercent: 'failureRateThreshold',
  retentionMessageBodyDays: 'retention.messageBodyDays',
  retentionWebhookEventDays: 'retention.webhookEventDays',
};

type ApiError = Parameters<ReturnType<typeof useAPIErrorHandler>['formatAPIError']>[0];

/**
 * WhatsApp's settings (Settings → WhatsApp): sandbox mode with a confirmation, the sending
 * numbers and a connection check, the general settings, the campaign price table and the audit
 * history. What a role may not change is shown read-only or not at all; the server refuses it too.
 */
const SettingsPage = () => {
  const t = useT();
  const { formatDate, formatNumber } = useIntl();
  const { get, put, post, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const { allowedActions, isLoading } = useRBAC(SETTINGS_PERMISSIONS);
  const canSandbox = Boolean(allowedActions.canSandbox);
  const canManage = Boolean(allowedActions.canManage);

  const [settings, setSettings] = useState<Settings | null>(null);
  // The logo's file name once picked here (the settings store only its id).
  const [logoName, setLogoName] = useState<string | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [senders, setSenders] = useState<Sender[] | null>(null);
  const [checks, setChecks] = useState<Record<number, SenderCheck | 'checking'>>({});
  const [audit, setAudit] = useState<AuditEntry[] | null>(null);
  const [confirmSandbox, setConfirmSandbox] = useState<boolean | null>(null);
  const [general, setGeneral] = useState<GeneralForm | null>(null);
  const [generalErrors, setGeneralErrors] = useState<Record<string, string>>({});
  const [savingGeneral, setSavingGeneral] = useState(false);
  const [prices, setPrices] = useState<PriceTableAnswer | null>(null);
  const [rows, setRows] = useState<PriceRow[]>([]);
  const [priceMeta, setPriceMeta] = useState({ currency: '', effectiveFrom: '' });
  const [priceErrors, setPriceErrors] = useState<Record<string, string>>({});

  const notifyError = useCallback((error: unknown) => toggleNotification({ type: 'danger', message: formatAPIError(error as ApiError) }), [toggleNotification, formatAPIError]);

  const loadAudit = useCallback(() => {
    if (!canManage) return;
    get<{ data: AuditEntry[] }>(`${API}/audit`)
      .then(({ data }) => setAudit(data.data))
      .catch(notifyError);
  }, [canManage, get, notifyError]);

  const showPrices = (table: PriceTableAnswer) => {
    setPrices(table);
    setRows(rowsOf(table));
    setPriceMeta({ currency: table.currency, effectiveFrom: table.effectiveFrom });
    setPriceErrors({});
  };

  useEffect(() => {
    if (isLoading) return;
    get<{ data: Settings }>(API)
      .then(({ data }) => {
        setSettings(data.data);
        setGeneral(generalFormOf(data.data));
      })
      .catch(() => setLoadError(true));
    get<{ data: Sender[] }>('/whatsapp/senders')
      .then(({ data }) => setSenders(data.data))
      .catch(notifyError);
    if (canManage) {
      get<{ data: PriceTableAnswer }>(`${API}/prices`)
        .then(({ data }) => showPrices(data.data))
        .catch(notifyError);
      loadAudit();
    }
  }, [get, isLoading, canManage, loadAudit, notifyError]);

  if (loadError) return <Page.Error />;
  if (isLoading || !settings || !general) return <Page.Loading />;

  const setSandbox = async (value: boolean) => {
    try {
      const { data } = await put<{ data: Settings }>(API, { data: { sandbox: value } });
      setSettings(data.data);
      toggleNotification({ type: 'success', message: value ? t('settings.sandbox.nowOn', 'Sandbox mode is on.') : t('settings.sandbox.nowOff', 'Live mode is on: messages go to the provider.') });
      loadAudit();
    } catch (error) {
      const found = fieldErrors(apiErrorOf(error));
      toggleNotification({ type: 'danger', message: found.sandbox || formatAPIError(error as ApiError) });
    } finally {
      setConfirmSandbox(null);
    }
  };

  const checkSender = async (sender: Sender) => {
    setChecks((c) => ({ ...c, [sender.id]: 'checking' }));
    try {
      const { data } = await post<{ data: CheckedSender }>(`/whatsapp/senders/${sender.id}/check`);
      const { check, ...stored } = data.data;
      // The row shows what the check stored (quality, tier), the line under the button what the provider said.
      setSenders((list) => (list ?? []).map((s) => (s.id === sender.id ? stored : s)));
      setChecks((c) => ({ ...c, [sender.id]: check }));
    } catch (error) {
      setChecks((c) => {
        const next = { ...c };
        delete next[sender.id];
        return next;
      });
      notifyError(error);
    }
  };

  const saveGeneral = async () => {
    const patch = generalChanges(general, settings);
    if (Object.keys(patch).length === 0) {
      toggleNotification({ type: 'info', message: t('settings.general.nothing', 'Nothing changed.') });
      return;
    }
    setSavingGeneral(true);
    setGeneralErrors({});
    try {
      const { data } = await put<{ data: Settings }>(API, { data: patch });
      setSettings(data.data);
      setGeneral(generalFormOf(data.data));
      toggleNotification({ type: 'success', message: t('settings.general.saved', 'Settings saved.') });
      loadAudit();
    } catch (error) {
      const body = apiErrorOf(error);
      const found = { ...fieldErrors(body), ...errorsByField(body?.details?.errors ?? []) };
      setGeneralErrors(found);
      toggleNotification({ type: 'danger', message: Object.values(found)[0] || formatAPIError(error as ApiError) });
    } finally {
      setSavingGeneral(false);
    }
  };

  const savePrices = async () => {
    const { rates, problems } = ratesOf(rows);
    if (problems.length) {
      setPriceErrors(
        Object.fromEntries(
          problems.map((p) => [
            p.path,
            p.rule === 'duplicate'
              ? t('settings.prices.duplicate', 'This country is listed twice.')
              : p.rule === 'country'
                ? t('settings.prices.countryMissing', 'Write a country code (MX) or “other”.')
                : t('settings.prices.notNumber', 'Write a number, such as 0.0253.'),
          ])
        )
      );
      return;
    }
    try {
      const { data } = await put<{ data: PriceTableAnswer }>(`${API}/prices`, { data: { currency: priceMeta.currency, effectiveFrom: priceMeta.effectiveFrom || undefined, source: prices?.source ?? null, rates } });
      showPrices(data.data);
      toggleNotification({ type: 'success', message: t('settings.prices.saved', 'Price table saved.') });
      loadAudit();
    } catch (error) {
      const body = apiErrorOf(error);
      setPriceErrors(Object.fromEntries((body?.details?.errors ?? []).map((e) => [e.path.join('.'), e.message])));
      toggleNotification({ type: 'danger', message: body?.message ?? formatAPIError(error as ApiError) });
    }
  };

  const resetPrices = async () => {
    try {
      const { data } = await del<{ data: PriceTableAnswer }>(`${API}/prices`);
      showPrices(data.data);
      toggleNotification({ type: 'success', message: t('settings.prices.resetDone', 'Back to Meta’s published rates.') });
      loadAudit();
    } catch (error) {
      notifyError(error);
    }
  };

  const setField = (key: keyof GeneralForm, value: string | boolean) => setGeneral({ ...general, [key]: value });
  const input = (key: keyof GeneralForm, label: string, hint?: string) => (
    <Field.Root name={key} hint={hint} error={generalErrors[API_FIELD[key] ?? key] || undefined}>
      <Field.Label>{label}</Field.Label>
      <TextInput value={String(general[key])} disabled={!canManage} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setField(key, e.target.value)} />
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
  const textarea = (key: keyof GeneralForm, label: string, hint?: string) => (
    <Field.Root name={key} hint={hint} error={generalErrors[key] || undefined}>
      <Field.Label>{label}</Field.Label>
      <Textarea value={String(general[key])} rows={4} disabled={!canManage} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setField(key, e.target.value)} />
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
  const section = (title: string, children: React.ReactNode, action?: React.ReactNode) => (
    <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" gap={4}>
          <Typography variant="delta" tag="h2">
            {title}
          </Typography>
          {action}
        </Flex>
        {children}
      </Flex>
    </Box>
  );
  const money = (value: number, currency: string) => {
    try {
      return formatNumber(value, { style: 'currency', currency, maximumFractionDigits: 4 });
    } catch {
      return `${formatNumber(value, { maximumFractionDigits: 4 })} ${currency}`;
    }
  };
  const checkOutcome = (status: SenderCheck['status']) =>
    ({
      ok: t('settings.senders.ok', 'Answers'),
      'credentials-refused': t('settings.senders.refused', 'Credentials refused'),
      unreachable: t('settings.senders.unreachable', 'Does not answer'),
      'not-found': t('settings.senders.notFound', 'Number not found'),
    })[status] ?? status;
  const providerName = (p: Sender['provider']) => ({ meta: 'Meta', twilio: 'Twilio', sandbox: t('settings.senders.sandbox', 'Sandbox') })[p];

  return (
    <Page.Main>
      <Page.Title>{t('settings.title', 'WhatsApp settings')}</Page.Title>
      <Layouts.Header title={t('settings.title', 'WhatsApp settings')} subtitle={t('settings.subtitle', 'How and when messages are sent, and what the documents show.')} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {section(
            t('settings.sandbox.title', 'Sandbox mode'),
            <Flex direction="column" alignItems="stretch" gap={2}>
              <Field.Root
                name="sandbox"
                hint={
                  canSandbox
                    ? settings.sandbox
                      ? t('settings.sandbox.on', 'Sandbox mode: nothing leaves this machine. Switch it off to send for real.')
                      : t('settings.sandbox.off', 'Live mode: messages go to the provider and reach customers.')
                    : t('settings.sandbox.readOnly', 'Your role may not change sandbox mode: ask an administrator.')
                }
              >
                <Field.Label>{t('settings.sandbox.label', 'Sandbox mode')}</Field.Label>
                <Toggle
                  checked={settings.sandbox}
                  disabled={!canSandbox}
                  onLabel={t('settings.sandbox.toggle.on', 'On')}
                  offLabel={t('settings.sandbox.toggle.off', 'Off')}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => setConfirmSandbox(e.target.checked)}
                />
                <Field.Hint />
              </Field.Root>
              <Dialog.Root open={confirmSandbox !== null} onOpenChange={(open: boolean) => (open ? undefined : setConfirmSandbox(null))}>
                <ConfirmDialog
                  title={t('settings.sandbox.confirmTitle', 'Change sandbox mode?')}
                  variant={confirmSandbox === false ? 'danger' : 'default'}
                  onConfirm={() => setSandbox(Boolean(confirmSandbox))}
                  onCancel={() => setConfirmSandbox(null)}
                >
                  {confirmSandbox === false
                    ? t('settings.sandbox.confirmOff', 'Messages will be sent to real customers through the provider. The provider is asked first; if it does not answer, sandbox mode stays on.')
                    : t('settings.sandbox.confirmOn', 'Messages will stay on this machine and nobody will receive them until you switch sandbox mode off.')}
                </ConfirmDialog>
              </Dialog.Root>
            </Flex>
          )}

          {section(
            t('settings.senders.title', 'Sending numbers'),
            senders === null ? (
              <Typography textColor="neutral600">{t('settings.loading', 'Loading…')}</Typography>
            ) : senders.length === 0 ? (
              <EmptyStateLayout content={t('settings.senders.empty', 'No sending numbers. Set the Twilio or Meta credentials in the server’s environment and restart it.')} />
            ) : (
              <Table colCount={8} rowCount={senders.length + 1}>
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">{t('settings.senders.name', 'Name')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('settings.senders.provider', 'Provider')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('settings.senders.number', 'Number')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('settings.senders.tier', 'Tier (per day)')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('settings.senders.quality', 'Quality')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('settings.senders.messagingTier', 'Messaging limit')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('settings.senders.rate', 'Messages per second')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('settings.senders.connection', 'Connection')}</Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {senders.map((sender) => {
                    const check = checks[sender.id];
                    const stored = lastCheck(sender);
                    return (
                      <Tr key={sender.id}>
                        <Td>
                          <Flex gap={2}>
                            <Typography>{sender.name}</Typography>
                            {sender.isDefault ? <Badge>{t('settings.senders.default', 'Default')}</Badge> : null}
                            {!sender.active ? <Badge variant="neutral">{t('settings.senders.inactive', 'Not configured')}</Badge> : null}
                          </Flex>
                        </Td>
                        <Td>
                          <Typography>{providerName(sender.provider)}</Typography>
                        </Td>
                        <Td>
                          <Typography>{sender.number}</Typography>
                        </Td>
                        <Td>
                          <Typography>{sender.dailyLimit === null ? t('settings.senders.noTier', 'Not set') : formatNumber(sender.dailyLimit)}</Typography>
                        </Td>
                        <Td>
                          {sender.qualityRating ? (
                            <Badge variant={qualityVariant(sender.qualityRating)}>{sender.qualityRating}</Badge>
                          ) : (
                            <Typography textColor="neutral600">{t('settings.senders.qualityUnknown', 'Not known yet')}</Typography>
                          )}
                        </Td>
                        <Td>
                          <Typography>{sender.messagingTier ?? '—'}</Typography>
                        </Td>
                        <Td>
                          <Typography>{formatNumber(sender.messagesPerSecond)}</Typography>
                        </Td>
                        <Td>
                          <Flex direction="column" alignItems="flex-start" gap={1}>
                            <Button variant="tertiary" size="S" startIcon={<ArrowClockwise />} loading={check === 'checking'} onClick={() => checkSender(sender)}>
                              {t('settings.senders.checkNow', 'Check now')}
                            </Button>
                            {check && check !== 'checking' ? (
                              <Typography variant="pi" textColor={check.ok ? 'success600' : 'danger600'}>
                                {checkOutcome(check.status)}: {check.detail} ({formatDate(check.checkedAt, { timeStyle: 'medium' })})
                              </Typography>
                            ) : stored ? (
                              <Typography variant="pi" textColor={stored.ok ? 'neutral600' : 'danger600'}>
                                {t('settings.senders.lastChecked', 'Last checked {time}', { time: formatDate(stored.at, { dateStyle: 'short', timeStyle: 'short' }) })}: {checkOutcome(stored.status)}
                                {stored.error ? ` (${stored.error})` : ''}
                              </Typography>
                            ) : null}
                          </Flex>
                        </Td>
                      </Tr>
                    );
                  })}
                </Tbody>
              </Table>
            )
          )}

          {section(
            t('settings.general.title', 'Sending rules and business'),
            <>
              {!canManage ? <Typography textColor="neutral600">{t('settings.general.readOnly', 'Your role may read these settings but not change them.')}</Typography> : null}
              <Grid.Root gap={4}>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  {input('defaultCountry', t('settings.general.country', 'Default country'), t('settings.general.countryHint', 'For numbers written without +: an ISO code such as MX.'))}
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  {input('defaultTimeZone', t('settings.general.timeZone', 'Default time zone'), t('settings.general.timeZoneHint', 'For contacts without one, e.g. America/Mexico_City.'))}
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="transactionalConsent" error={generalErrors.transactionalConsent || undefined}>
                    <Field.Label>{t('settings.general.consent', 'Consent for transactional messages')}</Field.Label>
                    <SingleSelect value={general.transactionalConsent} disabled={!canManage} onChange={(v: string | number) => setField('transactionalConsent', String(v))}>
                      <SingleSelectOption value="implicit">{t('settings.general.consent.implicit', 'Implicit (being a customer is enough)')}</SingleSelectOption>
                      <SingleSelectOption value="required">{t('settings.general.consent.required', 'Required (recorded consent)')}</SingleSelectOption>
                    </SingleSelect>
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={4} s={6} direction="column" alignItems="stretch">
                  {input('quietHoursStart', t('settings.general.quietStart', 'Quiet hours from'), t('settings.general.quietHint', 'HH:MM, the contact’s local time. Empty: no quiet hours.'))}
                </Grid.Item>
                <Grid.Item col={4} s={6} direction="column" alignItems="stretch">
                  {input('quietHoursEnd', t('settings.general.quietEnd', 'Quiet hours until'))}
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="quietHoursTransactional" hint={t('settings.general.quietTransactionalHint', 'Marketing always waits out quiet hours.')}>
                    <Field.Label>{t('settings.general.quietTransactional', 'Transactional messages wait too')}</Field.Label>
                    <Toggle
                      checked={general.quietHoursTransactional}
                      disabled={!canManage}
                      onLabel={t('settings.sandbox.toggle.on', 'On')}
                      offLabel={t('settings.sandbox.toggle.off', 'Off')}
                      onChange={(e: React.ChangeEvent<HTMLInputElement>) => setField('quietHoursTransactional', e.target.checked)}
                    />
                    <Field.Hint />
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  {textarea('optOutKeywords', t('settings.general.optOut', 'Opt-out keywords'), t('settings.general.keywordsHint', 'One a line or separated by commas.'))}
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  {textarea('optInKeywords', t('settings.general.optIn', 'Opt-in keywords'), t('settings.general.keywordsHint', 'One a line or separated by commas.'))}
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  {input('failureRatePercent', t('settings.general.failure', 'Failure threshold (%)'), t('settings.general.failureHint', 'A campaign pauses when more than this share of its messages fail.'))}
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  {input('alertEmail', t('settings.general.alertEmail', 'Alert email'), t('settings.general.alertEmailHint', 'Written to once when an alert begins. Empty: the banner on the dashboard only.'))}
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  {input('alertQueueAgeMinutes', t('settings.general.alertQueueAge', 'Alert when a message waits (minutes)'), t('settings.general.alertQueueAgeHint', 'The oldest due message has waited this long. 0: no alert.'))}
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  {input('alertWebhookSilenceMinutes', t('settings.general.alertSilence', 'Alert when no webhooks arrive (minutes)'), t('settings.general.alertSilenceHint', 'Messages were sent and the provider has said nothing for this long. Live mode only. 0: no alert.'))}
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  {input(
                    'retentionMessageBodyDays',
                    t('settings.general.retentionMessages', 'Keep message texts (days)'),
                    t('settings.general.retentionMessagesHint', 'Older texts are blanked every night; the messages, their statuses and the counts stay. 0: keep them.')
                  )}
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  {input(
                    'retentionWebhookEventDays',
                    t('settings.general.retentionEvents', 'Keep provider webhook events (days)'),
                    t('settings.general.retentionEventsHint', 'What Twilio and Meta reported, deleted every night after this many days (at least 7). 0: keep them.')
                  )}
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  {input('businessName', t('settings.general.businessName', 'Business name (PDF documents)'))}
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  {input('businessTaxId', t('settings.general.businessTaxId', 'Tax id (RFC, NIT, CUIT…)'))}
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  {textarea('businessAddress', t('settings.general.businessAddress', 'Business address'))}
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch" gap={4}>
                  <MediaField
                    use="optional"
                    name="businessLogo"
                    label={t('settings.general.logo', 'Logo')}
                    hint={t('settings.general.logoHint', 'A PNG or JPEG of the media library, printed on quotes and purchase orders; none: no logo.')}
                    allowedTypes={['images']}
                    disabled={!canManage}
                    media={general.businessLogo ? { id: Number(general.businessLogo), name: logoName ?? `#${general.businessLogo}`, mime: 'image' } : null}
                    onChange={(file) => {
                      setField('businessLogo', file ? String(file.id) : '');
                      setLogoName(file?.name ?? null);
                    }}
                    error={generalErrors[API_FIELD.businessLogo ?? 'businessLogo'] || undefined}
                  />
                  <Flex gap={4}>
                    {input('currency', t('settings.general.currency', 'Currency'), t('settings.general.currencyHint', 'ISO code, e.g. MXN.'))}
                    {input('taxRate', t('settings.general.taxRate', 'Tax (%)'), t('settings.general.taxRateHint', 'Empty: no tax line.'))}
                  </Flex>
                </Grid.Item>
              </Grid.Root>
            </>,
            canManage ? (
              <Button startIcon={<Check />} onClick={saveGeneral} loading={savingGeneral}>
                {t('settings.general.save', 'Save')}
              </Button>
            ) : undefined
          )}

          {canManage && prices
            ? section(
                t('settings.prices.title', 'Campaign price table'),
                <Flex direction="column" alignItems="stretch" gap={4}>
                  <Typography textColor="neutral600">
                    {prices.edited
                      ? t('settings.prices.edited', 'Rates edited by your team, per delivered message. Campaign estimates use them.')
                      : t('settings.prices.published', 'Meta’s published rates, per delivered message. Edit them if your contract differs.')}
                  </Typography>
                  <Flex gap={4}>
                    <Field.Root name="currency" error={priceErrors.currency}>
                      <Field.Label>{t('settings.prices.currency', 'Currency')}</Field.Label>
                      <TextInput value={priceMeta.currency} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setPriceMeta({ ...priceMeta, currency: e.target.value })} />
                      <Field.Error />
                    </Field.Root>
                    <Field.Root name="effectiveFrom" error={priceErrors.effectiveFrom} hint={t('settings.prices.effectiveHint', 'YYYY-MM-DD')}>
                      <Field.Label>{t('settings.prices.effective', 'In effect since')}</Field.Label>
                      <TextInput value={priceMeta.effectiveFrom} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setPriceMeta({ ...priceMeta, effectiveFrom: e.target.value })} />
                      <Field.Hint />
                      <Field.Error />
                    </Field.Root>
                  </Flex>
                  {priceErrors.rates ? <Typography textColor="danger600">{priceErrors.rates}</Typography> : null}
                  {rows.length === 0 ? (
                    <EmptyStateLayout content={t('settings.prices.empty', 'No rates. Add a row per country, and one “other” for the rest.')} />
                  ) : (
                    <Table colCount={5} rowCount={rows.length + 1}>
                      <Thead>
                        <Tr>
                          <Th>
                            <Typography variant="sigma">{t('settings.prices.country', 'Country')}</Typography>
                          </Th>
                          <Th>
                            <Typography variant="sigma">{t('templates.category.marketing', 'Marketing')}</Typography>
                          </Th>
                          <Th>
                            <Typography variant="sigma">{t('templates.category.utility', 'Utility')}</Typography>
                          </Th>
                          <Th>
                            <Typography variant="sigma">{t('templates.category.authentication', 'Authentication')}</Typography>
                          </Th>
                          <Th>
                            <Typography variant="sigma">{t('settings.prices.actions', 'Actions')}</Typography>
                          </Th>
                        </Tr>
                      </Thead>
                      <Tbody>
                        {rows.map((row, i) => {
                          const country = row.country.trim() === 'other' ? 'other' : row.country.trim().toUpperCase();
                          const update = (next: PriceRow) => setRows(rows.map((r, j) => (j === i ? next : r)));
                          return (
                            <Tr key={row.key}>
                              <Td>
                                <Field.Root name={`country-${row.key}`} error={priceErrors[`rows.${row.key}.country`] || priceErrors[`rates.${country}`]}>
                                  <TextInput aria-label={t('settings.prices.country', 'Country')} value={row.country} onChange={(e: React.ChangeEvent<HTMLInputElement>) => update({ ...row, country: e.target.value })} />
                                  <Field.Error />
                                </Field.Root>
                              </Td>
                              {PRICED.map((category) => {
                                const value = Number(row.rates[category].replace(',', '.'));
                                return (
                                  <Td key={category}>
                                    <Field.Root name={`${row.key}-${category}`} error={priceErrors[`rates.${country}.${category}`]} hint={Number.isFinite(value) && row.rates[category] !== '' ? money(value, priceMeta.currency) : undefined}>
                                      <TextInput aria-label={category} value={row.rates[category]} onChange={(e: React.ChangeEvent<HTMLInputElement>) => update({ ...row, rates: { ...row.rates, [category]: e.target.value } })} />
                                      <Field.Hint />
                                      <Field.Error />
                                    </Field.Root>
                                  </Td>
                                );
                              })}
                              <Td>
                                <IconButton label={t('settings.prices.remove', 'Remove this row')} variant="ghost" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                                  <Trash />
                                </IconButton>
                              </Td>
                            </Tr>
                          );
                        })}
                      </Tbody>
                    </Table>
                  )}
                  <Flex gap={2} wrap="wrap">
                    <Button variant="secondary" startIcon={<Plus />} onClick={() => setRows([...rows, emptyRow()])}>
                      {t('settings.prices.add', 'Add a country')}
                    </Button>
                    <Button startIcon={<Check />} onClick={savePrices}>
                      {t('settings.prices.save', 'Save the price table')}
                    </Button>
                    <Dialog.Root>
                      <Dialog.Trigger>
                        <Button variant="danger-light" startIcon={<ArrowClockwise />} disabled={!prices.edited}>
                          {t('settings.prices.reset', 'Reset to Meta’s rates')}
                        </Button>
                      </Dialog.Trigger>
                      <ConfirmDialog onConfirm={resetPrices}>{t('settings.prices.resetConfirm', 'Your edited rates will be replaced by Meta’s published rates.')}</ConfirmDialog>
                    </Dialog.Root>
                  </Flex>
                </Flex>
              )
            : null}

          {canManage
            ? section(
                t('settings.audit.title', 'History of changes'),
                audit === null ? (
                  <Typography textColor="neutral600">{t('settings.loading', 'Loading…')}</Typography>
                ) : audit.length === 0 ? (
                  <EmptyStateLayout content={t('settings.audit.empty', 'No changes yet. Every change to these settings will be listed here with who made it.')} />
                ) : (
                  <Table colCount={3} rowCount={audit.length + 1}>
                    <Thead>
                      <Tr>
                        <Th>
                          <Typography variant="sigma">{t('settings.audit.when', 'When')}</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">{t('settings.audit.who', 'Who')}</Typography>
                        </Th>
                        <Th>
                          <Typography variant="sigma">{t('settings.audit.what', 'What changed')}</Typography>
                        </Th>
                      </Tr>
                    </Thead>
                    <Tbody>
                      {audit.map((entry) => (
                        <Tr key={entry.id}>
                          <Td>
                            <Typography>{formatDate(entry.at, { dateStyle: 'medium', timeStyle: 'short' })}</Typography>
                          </Td>
                          <Td>
                            <Typography>{entry.actorEmail ?? t('settings.audit.system', 'The system')}</Typography>
                          </Td>
                          <Td>
                            <Flex direction="column" alignItems="flex-start">
                              {auditChanges(entry).map((change) => (
                                <Typography key={change.field} variant="pi">
                                  {change.field}: {change.before} → {change.after}
                                </Typography>
                              ))}
                            </Flex>
                          </Td>
                        </Tr>
                      ))}
                    </Tbody>
                  </Table>
                )
              )
            : null}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

/** For Settings → WhatsApp: the page for administrators with either settings permission. */
const ProtectedSettingsPage = () => (
  <Page.Protect permissions={SETTINGS_PERMISSIONS}>
    <SettingsPage />
  </Page.Protect>
);

export { SettingsPage, ProtectedSettingsPage };
export default ProtectedSettingsPage;
