import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Box,
  Button,
  DateTimePicker,
  Dialog,
  Field,
  Flex,
  Link,
  Loader,
  NumberInput,
  Radio,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Typography,
} from '@strapi/design-system';
import { ArrowLeft, ArrowRight, Check, Rocket } from '@strapi/icons';
import { NavLink, useNavigate, useParams } from 'react-router-dom';
import { ConfirmDialog, Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

import type { Campaign, CampaignEstimate } from '../../../shared/campaigns';
import type { CampaignSender, CampaignSendersMeta, ListAnswer } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { toTemplate } from '../inbox/format';
import type { TemplateOption } from '../inbox/types';
import { AudienceStep } from '../campaigns/AudienceStep';
import { EstimateView } from '../campaigns/EstimateView';
import { SenderPicker } from '../campaigns/SenderPicker';
import {
  apiFieldErrors,
  emptyForm,
  fromCampaign,
  mappingsFor,
  pickSender,
  STEPS,
  stepOfField,
  toCampaignInput,
  type CampaignForm,
  type ClientRule,
  type FieldErrors,
  type PacingMode,
  type Step,
  type VariableKind,
} from '../campaigns/logic';
import { useCampaignText } from '../campaigns/useCampaignText';

const API = '/whatsapp/campaigns';

/**
 * A campaign from draft to launch, in five steps: name and template, audience, the template's
 * variables, schedule and pacing, and the review: the draft saved, then what launching it would
 * do (the estimate) and the launch, confirmed, for whom may launch. A server error names its
 * field: the wizard goes back to the step of that field and shows it there.
 */
const CampaignEditPage = () => {
  const { id } = useParams<{ id: string }>();
  const navigate = useNavigate();
  const { t, ruleLabel, number } = useCampaignText();
  const { get, post, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const { allowedActions: launchPerm } = useRBAC(PERMISSIONS.launchCampaigns);
  const [form, setForm] = useState<CampaignForm | null>(id ? null : emptyForm());
  const [savedId, setSavedId] = useState<number | null>(id ? Number(id) : null);
  const [step, setStep] = useState<Step>('basics');
  const [templates, setTemplates] = useState<TemplateOption[] | null>(null);
  const [templatesFailed, setTemplatesFailed] = useState(false);
  const [clientErrors, setClientErrors] = useState<Record<string, ClientRule>>({});
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [estimate, setEstimate] = useState<CampaignEstimate | null>(null);
  const [working, setWorking] = useState<'save' | 'estimate' | 'launch' | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [confirmLaunch, setConfirmLaunch] = useState(false);
  const [senders, setSenders] = useState<{ data: CampaignSender[]; meta: CampaignSendersMeta } | null>(null);

  useEffect(() => {
    if (!id) return;
    get<{ data: Campaign }>(`${API}/${id}`)
      .then(({ data }) => {
        // A launched campaign is not edited: its page shows it.
        if (data.data.state !== 'draft') navigate('..', { replace: true, relative: 'path' });
        else setForm(fromCampaign(data.data));
      })
      .catch(() => setLoadError(true));
  }, [get, id, navigate]);

  // The templates (the plugin's list, which needs "Manage templates"; else the Content Manager's; else a text field).
  useEffect(() => {
    const read = (rows: unknown[]) => rows.map((row) => toTemplate(row as Record<string, unknown>)).filter((tpl): tpl is TemplateOption => tpl !== null && tpl.active);
    get<ListAnswer<unknown>>('/whatsapp/templates', { params: { pagination: { pageSize: 100 } } })
      .then(({ data }) => setTemplates(read(data.data)))
      .catch(() =>
        get<{ results: unknown[] }>('/content-manager/collection-types/plugin::whatsapp.template', { params: { page: 1, pageSize: 100, sort: 'name:ASC' } })
          .then(({ data }) => setTemplates(read(data.results)))
          .catch(() => setTemplatesFailed(true))
      );
  }, [get]);

  // The numbers a campaign may go from (readable with a campaigns permission). If they cannot be
  // read, no picker: the campaign keeps its sender, or the server's default.
  useEffect(() => {
    get<{ data: CampaignSender[]; meta: CampaignSendersMeta }>(`${API}/senders`)
      .then(({ data }) => setSenders(data))
      .catch(() => setSenders(null));
  }, [get]);

  const chosenSender = useMemo(() => (senders && form ? pickSender(senders.data, form.senderId, senders.meta.defaultId) : null), [senders, form]);

  // The picker shows a number from the start (the default): that is the one saved, so the choice the screen shows is the one sent.
  useEffect(() => {
    if (chosenSender && form && form.senderId !== chosenSender.id) setForm((f) => (f ? { ...f, senderId: chosenSender.id } : f));
  }, [chosenSender, form]);

  const template = useMemo(() => templates?.find((tpl) => tpl.name === form?.template) ?? null, [templates, form?.template]);

  // The template's variables, each with a mapping (kept when the template stays the same).
  useEffect(() => {
    if (!template) return;
    setForm((f) => (f ? { ...f, variables: mappingsFor(template.variables, f.variables) } : f));
  }, [template]);

  const set = useCallback((patch: Partial<CampaignForm>) => {
    setForm((f) => (f ? { ...f, ...patch } : f));
    setEstimate(null);
  }, []);

  const error = (path: string) => serverErrors[path] ?? (clientErrors[path] ? ruleLabel(clientErrors[path]) : undefined);

  /** Saves the draft (POST the first time, PUT after), then asks what launching it would do. */
  const saveAndEstimate = async () => {
    if (!form) return;
    const { data, errors } = toCampaignInput(form);
    setClientErrors(errors);
    setServerErrors({});
    setEstimate(null);
    const first = Object.keys(errors)[0];
    if (first !== undefined) {
      setStep(stepOfField(first));
      return;
    }
    setWorking('save');
    let campaignId = savedId;
    try {
      if (campaignId === null) {
        const res = await post<{ data: Campaign }>(API, { data });
        campaignId = res.data.data.id;
        // The page stays at campaigns/new (a new route would mount the wizard again): later saves are PUTs.
        setSavedId(campaignId);
      } else {
        await put<{ data: Campaign }>(`${API}/${campaignId}`, { data });
      }
      setWorking('estimate');
      const { data: answer } = await get<{ data: CampaignEstimate }>(`${API}/${campaignId}/estimate`);
      setEstimate(answer.data);
    } catch (e) {
      const fields = apiFieldErrors(e);
      const named = Object.keys(fields).filter((path) => path !== '');
      setServerErrors(fields);
      if (named.length) setStep(stepOfField(named[0]));
      else toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setWorking(null);
    }
  };

  const launch = async () => {
    if (savedId === null) return;
    setWorking('launch');
    try {
      await post(`${API}/${savedId}/launch`);
      toggleNotification({ type: 'success', message: t('campaigns.wizard.launched', 'The campaign is launched: its messages are being prepared.') });
      navigate(id ? `../../${savedId}` : `../${savedId}`, { relative: 'path' });
    } catch (e) {
      const fields = apiFieldErrors(e);
      const named = Object.keys(fields).filter((path) => path !== '');
      setServerErrors(fields);
      if (named.length) setStep(stepOfField(named[0]));
      toggleNotification({ type: 'danger', message: formatAPIError(e as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setWorking(null);
    }
  };

  useEffect(() => {
    if (step === 'review') saveAndEstimate();
    // Only on arriving at the review: saving there is what the step is for.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [step]);

  if (loadError) return <Page.Error />;
  if (!form) return <Page.Loading />;

  const stepTitles: Record<Step, string> = {
    basics: t('campaigns.wizard.step.basics', 'Name and template'),
    audience: t('campaigns.wizard.step.audience', 'Audience'),
    variables: t('campaigns.wizard.step.variables', 'Variables'),
    schedule: t('campaigns.wizard.step.schedule', 'Schedule and pace'),
    review: t('campaigns.wizard.step.review', 'Review and launch'),
  };
  const index = STEPS.indexOf(step);
  const stepsWithErrors = new Set([...Object.keys(clientErrors), ...Object.keys(serverErrors)].map(stepOfField));
  const variableNames = Object.keys(form.variables);

  const kindLabels: Record<VariableKind, string> = {
    contact: t('campaigns.variables.contact', 'A field of the contact'),
    record: t('campaigns.variables.record', 'A field of the record (live query)'),
    value: t('campaigns.variables.value', 'The same text for everyone'),
  };

  return (
    <Page.Main>
      <Page.Title>{savedId ? t('campaigns.wizard.editTitle', 'Edit campaign') : t('campaigns.wizard.newTitle', 'New campaign')}</Page.Title>
      <Layouts.Header
        title={form.name || (savedId ? t('campaigns.wizard.editTitle', 'Edit campaign') : t('campaigns.wizard.newTitle', 'New campaign'))}
        subtitle={t('campaigns.wizard.subtitle', 'Step {n} of {total}: {title}', { n: index + 1, total: STEPS.length, title: stepTitles[step] })}
        navigationAction={
          <Link tag={NavLink} to={id ? '../..' : '..'} relative="path" startIcon={<ArrowLeft />}>
            {t('campaigns.detail.back', 'Campaigns')}
          </Link>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Flex gap={2} wrap="wrap" tag="nav" aria-label={t('campaigns.wizard.steps', 'Steps')}>
            {STEPS.map((s, i) => (
              <Button key={s} size="S" variant={s === step ? 'default' : stepsWithErrors.has(s) ? 'danger-light' : 'tertiary'} onClick={() => setStep(s)} aria-current={s === step ? 'step' : undefined}>
                {`${i + 1}. ${stepTitles[s]}`}
              </Button>
            ))}
          </Flex>

          {serverErrors[''] ? (
            <Alert variant="danger" closeLabel={t('campaigns.close', 'Close')} onClose={() => setServerErrors((e) => ({ ...e, '': '' }))}>
              {serverErrors['']}
            </Alert>
          ) : null}

          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            {step === 'basics' ? (
              <Flex direction="column" alignItems="stretch" gap={5}>
                <Field.Root name="name" error={error('name')} required>
                  <Field.Label>{t('campaigns.wizard.name', 'Name')}</Field.Label>
                  <TextInput value={form.name} placeholder={t('campaigns.wizard.namePlaceholder', 'December promotion')} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ name: e.target.value })} />
                  <Field.Error />
                </Field.Root>
                <Field.Root name="template" error={error('template')} hint={t('campaigns.wizard.templateHint', 'An active template approved by WhatsApp; marketing templates only reach contacts with marketing consent.')}>
                  <Field.Label>{t('campaigns.wizard.template', 'Template')}</Field.Label>
                  {templates && templates.length ? (
                    <SingleSelect value={form.template || undefined} onChange={(value: string | number) => set({ template: String(value) })} placeholder={t('campaigns.wizard.templatePick', 'Choose a template')}>
                      {templates.map((tpl) => (
                        <SingleSelectOption key={tpl.id} value={tpl.name}>
                          {tpl.category ? `${tpl.name} (${tpl.category})` : tpl.name}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                  ) : templates === null && !templatesFailed ? (
                    <Loader small>{t('campaigns.wizard.loading', 'Loading…')}</Loader>
                  ) : (
                    <TextInput value={form.template} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ template: e.target.value })} />
                  )}
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
                {templates !== null && templates.length === 0 ? (
                  <Typography textColor="neutral600">{t('campaigns.wizard.noTemplates', 'There are no active templates yet: create one (and have it approved) before creating a campaign.')}</Typography>
                ) : null}
                {template ? (
                  <Box background="neutral100" padding={4} hasRadius>
                    <Typography variant="sigma" textColor="neutral600">
                      {t('campaigns.wizard.templateBody', 'The message')}
                    </Typography>
                    <Typography tag="p" style={{ whiteSpace: 'pre-wrap' }}>
                      {template.body}
                    </Typography>
                    <Typography variant="pi" textColor="neutral600" tag="p">
                      {template.variables.length
                        ? t('campaigns.wizard.templateVariables', 'Variables: {names}', { names: template.variables.join(', ') })
                        : t('campaigns.wizard.templateNoVariables', 'This template has no variables.')}
                    </Typography>
                  </Box>
                ) : null}
              </Flex>
            ) : null}

            {step === 'audience' ? <AudienceStep form={form} set={set} error={error} /> : null}

            {step === 'variables' ? (
              variableNames.length === 0 ? (
                <Typography textColor="neutral600">
                  {form.template
                    ? t('campaigns.variables.none', 'The template has no variables: nothing to fill. Go on to the schedule.')
                    : t('campaigns.variables.noTemplate', 'Choose a template first (step 1): its variables are filled here.')}
                </Typography>
              ) : (
                <Flex direction="column" alignItems="stretch" gap={5}>
                  <Typography textColor="neutral600">
                    {t('campaigns.variables.help', 'Each variable of the template takes, for each person, a field of their contact (name, phone, or fields.placa for a column of an import), a field of the record of a live query, or a fixed text.')}
                  </Typography>
                  {variableNames.map((name) => {
                    const mapping = form.variables[name];
                    const setMapping = (patch: Partial<typeof mapping>) => set({ variables: { ...form.variables, [name]: { ...mapping, ...patch } } });
                    return (
                      <Flex key={name} gap={4} alignItems="flex-start" wrap="wrap">
                        <Box minWidth="160px" paddingTop={6}>
                          <Typography fontWeight="semiBold">{`{{${name}}}`}</Typography>
                        </Box>
                        <Field.Root name={`variables.${name}.kind`}>
                          <Field.Label>{t('campaigns.variables.source', 'Comes from')}</Field.Label>
                          <SingleSelect value={mapping.kind} onChange={(value: string | number) => setMapping({ kind: value as VariableKind })}>
                            {(Object.keys(kindLabels) as VariableKind[]).map((kind) => (
                              <SingleSelectOption key={kind} value={kind}>
                                {kindLabels[kind]}
                              </SingleSelectOption>
                            ))}
                          </SingleSelect>
                        </Field.Root>
                        <Box grow={1} minWidth="240px">
                          <Field.Root
                            name={`variables.${name}`}
                            error={error(`variables.${name}`)}
                            hint={mapping.kind === 'contact' ? t('campaigns.variables.contactHint', 'e.g. name or fields.placa') : mapping.kind === 'record' ? t('campaigns.variables.recordHint', 'e.g. customer.name') : undefined}
                          >
                            <Field.Label>{mapping.kind === 'value' ? t('campaigns.variables.text', 'Text') : t('campaigns.variables.field', 'Field')}</Field.Label>
                            <TextInput value={mapping.text} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setMapping({ text: e.target.value })} />
                            <Field.Hint />
                            <Field.Error />
                          </Field.Root>
                        </Box>
                      </Flex>
                    );
                  })}
                </Flex>
              )
            ) : null}

            {step === 'schedule' ? (
              <Flex direction="column" alignItems="stretch" gap={5}>
                {senders ? <SenderPicker senders={senders.data} meta={senders.meta} chosen={chosenSender} onChange={(senderId) => set({ senderId })} error={error('senderId')} /> : null}
                <Field.Root name="scheduleMode">
                  <Field.Label>{t('campaigns.schedule.when', 'When')}</Field.Label>
                  <Radio.Group value={form.scheduleMode} onValueChange={(value: string) => set({ scheduleMode: value as 'now' | 'at' })} aria-label={t('campaigns.schedule.when', 'When')}>
                    <Radio.Item value="now">{t('campaigns.schedule.now', 'As soon as it is launched')}</Radio.Item>
                    <Radio.Item value="at">{t('campaigns.schedule.at', 'At a date and time')}</Radio.Item>
                  </Radio.Group>
                </Field.Root>
                {form.scheduleMode === 'at' ? (
                  <Field.Root name="scheduledAt" error={error('scheduledAt')}>
                    <DateTimePicker
                      value={form.scheduledAt ? new Date(form.scheduledAt) : null}
                      onChange={(date: Date | undefined) => set({ scheduledAt: date ? date.toISOString() : null })}
                      dateLabel={t('campaigns.schedule.date', 'Date')}
                      timeLabel={t('campaigns.schedule.time', 'Time')}
                      minDate={new Date()}
                    />
                    <Field.Error />
                  </Field.Root>
                ) : null}
                <Field.Root name="pacingMode" hint={t('campaigns.schedule.pacingHint', 'The sender’s own rate and daily limit apply too: the slower one wins. Marketing messages wait out the quiet hours.')}>
                  <Field.Label>{t('campaigns.schedule.pacing', 'Pace')}</Field.Label>
                  <Radio.Group value={form.pacingMode} onValueChange={(value: string) => set({ pacingMode: value as PacingMode })} aria-label={t('campaigns.schedule.pacing', 'Pace')}>
                    <Radio.Item value="sender">{t('campaigns.schedule.sender', 'As fast as the sender allows')}</Radio.Item>
                    <Radio.Item value="perSecond">{t('campaigns.schedule.perSecond', 'A number of messages a second')}</Radio.Item>
                    <Radio.Item value="everySeconds">{t('campaigns.schedule.everySeconds', 'One message every few seconds')}</Radio.Item>
                  </Radio.Group>
                  <Field.Hint />
                </Field.Root>
                {form.pacingMode !== 'sender' ? (
                  <Field.Root name="pacingSeconds" error={error('pacingSeconds')}>
                    <Field.Label>
                      {form.pacingMode === 'perSecond' ? t('campaigns.schedule.perSecondLabel', 'Messages a second') : t('campaigns.schedule.everySecondsLabel', 'Seconds between two messages')}
                    </Field.Label>
                    <NumberInput value={form.pacingValue} step={form.pacingMode === 'perSecond' ? 1 : 0.5} onValueChange={(value: number | undefined) => set({ pacingValue: value ?? 0 })} />
                    <Field.Error />
                  </Field.Root>
                ) : null}
              </Flex>
            ) : null}

            {step === 'review' ? (
              <Flex direction="column" alignItems="stretch" gap={4}>
                {working === 'save' || working === 'estimate' ? (
                  <Flex gap={3}>
                    <Loader small />
                    <Typography>
                      {working === 'save'
                        ? t('campaigns.wizard.saving', 'Saving the draft…')
                        : t('campaigns.wizard.estimating', 'Reading the whole audience as the launch will: this can take a few seconds for large lists…')}
                    </Typography>
                  </Flex>
                ) : estimate ? (
                  <EstimateView estimate={estimate} sender={chosenSender} sandbox={senders?.meta.sandbox ?? false} />
                ) : (
                  <Typography textColor="neutral600">{t('campaigns.wizard.fix', 'Fix the fields marked in the steps above, then come back here to see the estimate.')}</Typography>
                )}
              </Flex>
            ) : null}
          </Box>

          <Flex justifyContent="space-between">
            <Button variant="tertiary" startIcon={<ArrowLeft />} disabled={index === 0} onClick={() => setStep(STEPS[index - 1])}>
              {t('campaigns.wizard.previous', 'Previous')}
            </Button>
            {step !== 'review' ? (
              <Button endIcon={<ArrowRight />} onClick={() => setStep(STEPS[index + 1])}>
                {t('campaigns.wizard.next', 'Next')}
              </Button>
            ) : (
              <Flex gap={2}>
                <Button variant="secondary" startIcon={<Check />} loading={working === 'save' || working === 'estimate'} onClick={saveAndEstimate}>
                  {t('campaigns.wizard.saveEstimate', 'Save and estimate again')}
                </Button>
                {launchPerm.canLaunch ? (
                  <Dialog.Root open={confirmLaunch} onOpenChange={setConfirmLaunch}>
                    <Dialog.Trigger>
                      <Button startIcon={<Rocket />} disabled={!estimate || estimate.recipients === 0 || working !== null} loading={working === 'launch'}>
                        {t('campaigns.wizard.launch', 'Launch')}
                      </Button>
                    </Dialog.Trigger>
                    <ConfirmDialog
                      title={t('campaigns.wizard.launchTitle', 'Launch the campaign?')}
                      variant="default"
                      onConfirm={() => {
                        setConfirmLaunch(false);
                        return launch();
                      }}
                    >
                      {t('campaigns.wizard.launchConfirm', '{n} people will receive the message. A campaign is launched once: it can be paused or cancelled, not edited.', { n: number(estimate?.recipients ?? 0) })}
                    </ConfirmDialog>
                  </Dialog.Root>
                ) : (
                  <Typography variant="pi" textColor="neutral600">
                    {t('campaigns.wizard.noLaunch', 'The draft is saved. Someone with the “Launch campaigns” permission can launch it.')}
                  </Typography>
                )}
              </Flex>
            )}
          </Flex>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export { CampaignEditPage };
