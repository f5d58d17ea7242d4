import { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Button, DateTimePicker, Field, Flex, Grid, Link, Radio, SingleSelect, SingleSelectOption, Textarea, TextInput, Typography } from '@strapi/design-system';
import { ArrowLeft, PaperPlane } from '@strapi/icons';
import { NavLink, useNavigate } from 'react-router-dom';
import { useIntl } from 'react-intl';
import { Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

import type { Contact, ListAnswer, Message, RecipientCheck, Template, TemplatePreview } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { keyForContent } from '../inbox/format';
import {
  EMPTY_COMPOSE,
  buildSendBody,
  formProblems,
  freeTextAllowed,
  looksLikePhone,
  mediaTypesFor,
  mediaUse,
  needsMarketingConsent,
  phoneProblem,
  previewVariables,
  recipientOf,
  sendErrors,
  valuesFor,
  variablesFor,
  windowLeft,
  type ComposeForm,
  type FormProblem,
} from '../messages/compose';
import { MediaField } from '../messages/MediaField';
import { RecipientField, type RecipientState } from '../messages/RecipientField';
import { apiErrorOf, previewErrorPlace, type ApiFieldError } from '../templates/logic';
import { useT } from '../utils/useT';

/** The recipient check and the preview are asked for once the typing pauses this long. */
const DEBOUNCE_MS = 300;
/** How often the window's time left is recounted. */
const TICK_MS = 30_000;

type PreviewState = { kind: 'idle' } | { kind: 'ok'; preview: TemplatePreview } | { kind: 'error'; errors: ApiFieldError[]; message: string };

/** One idle value each, so an effect that finds nothing to do does not render the page again. */
const IDLE_RECIPIENT: RecipientState = { kind: 'idle' };
const IDLE_PREVIEW: PreviewState = { kind: 'idle' };

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * A message to one person, now or later: a contact or a number (checked by the server as it is
 * typed), an approved template with a field per variable and the server's preview, or free text
 * while the contact's 24-hour window is open, and a file from the media library where the message
 * can carry one. Offers only what the role may use: the contact search needs the contacts
 * permission, the templates the templates permission. Sends through POST /whatsapp/messages with
 * one Idempotency key per content; a refusal is shown on the field it names.
 */
const NewMessagePage = () => {
  const t = useT();
  const { formatDate, formatTime } = useIntl();
  const navigate = useNavigate();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  // Asked apart: useRBAC names answers after the action's last segment (both are `canManage`).
  const { allowedActions: contactsAccess } = useRBAC(PERMISSIONS.manageContacts);
  const { allowedActions: templatesAccess, isLoading: templatesAccessLoading } = useRBAC(PERMISSIONS.manageTemplates);
  const { allowedActions: logAccess } = useRBAC(PERMISSIONS.readMessages);
  const canSearch = Boolean(contactsAccess.canManage);
  const canTemplates = Boolean(templatesAccess.canManage);

  const [typed, setTyped] = useState('');
  const [picked, setPicked] = useState<Contact | null>(null);
  const [recipient, setRecipient] = useState<RecipientState>(IDLE_RECIPIENT);
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [templatesError, setTemplatesError] = useState(false);
  const [state, setState] = useState<ComposeForm>(EMPTY_COMPOSE);
  const [detected, setDetected] = useState<string[]>([]);
  const [preview, setPreview] = useState<PreviewState>(IDLE_PREVIEW);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const request = useRef(0);
  const keyRef = useRef<{ key: string; content: string } | null>(null);

  // Without the templates permission only free text is offered.
  const form: ComposeForm = canTemplates ? state : { ...state, mode: 'text' };

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (!canTemplates) return;
    get<ListAnswer<Template>>('/whatsapp/templates', { params: { pageSize: 100 } })
      .then(({ data }) => setTemplates(data.data.filter((tpl) => tpl.active)))
      .catch(() => setTemplatesError(true));
  }, [get, canTemplates]);

  // The server's reading of the recipient: the number, its contact and the 24-hour window.
  const to = recipientOf(picked, typed);
  const checkable = picked ? Boolean(to) : looksLikePhone(typed) && phoneProblem(typed) === null;
  useEffect(() => {
    if (!checkable) {
      setRecipient(IDLE_RECIPIENT);
      return;
    }
    let stale = false;
    setRecipient({ kind: 'checking' });
    const timer = setTimeout(
      () => {
        get<{ data: RecipientCheck }>('/whatsapp/messages/recipient', { params: { to } })
          .then(({ data }) => {
            if (!stale) setRecipient({ kind: 'ok', check: data.data });
          })
          .catch((error: unknown) => {
            if (stale) return;
            const api = apiErrorOf(error);
            setRecipient({ kind: 'error', message: api?.details?.errors?.[0]?.message ?? api?.message ?? formatAPIError(error as Parameters<typeof formatAPIError>[0]) });
          });
      },
      picked ? 0 : DEBOUNCE_MS
    );
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [get, to, checkable, picked, formatAPIError]);

  const check = recipient.kind === 'ok' ? recipient.check : null;
  const template = templates?.find((tpl) => tpl.id === form.templateId) ?? null;
  const variables = useMemo(() => variablesFor(template, detected), [template, detected]);
  const previewVars = useMemo(() => previewVariables(variables, form.values), [variables, form.values]);

  // The live preview of the template, rendered by the server with what was typed.
  useEffect(() => {
    if (form.mode !== 'template' || !template) {
      setPreview(IDLE_PREVIEW);
      return;
    }
    const mine = (request.current += 1);
    const timer = setTimeout(() => {
      post<{ data: TemplatePreview }>(`/whatsapp/templates/${template.id}/preview`, { data: { variables: previewVars } })
        .then(({ data }) => {
          if (mine !== request.current) return;
          setPreview({ kind: 'ok', preview: data.data });
          setDetected((current) => (sameList(current, data.data.variables) ? current : data.data.variables));
        })
        .catch((error: unknown) => {
          if (mine !== request.current) return;
          const api = apiErrorOf(error);
          const found = api?.details?.variables;
          if (found) setDetected((current) => (sameList(current, found) ? current : found));
          setPreview({ kind: 'error', errors: api?.details?.errors ?? [], message: api?.message ?? formatAPIError(error as Parameters<typeof formatAPIError>[0]) });
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [form.mode, template, previewVars, post, formatAPIError]);

  /** A field changed: its error (and a general one) no longer applies. */
  const clearErrors = (...fields: string[]) => {
    if (errors._ || fields.some((field) => errors[field])) setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !fields.includes(key) && key !== '_')));
  };

  const set = (patch: Partial<ComposeForm>, ...fields: string[]) => {
    setState((current) => ({ ...current, ...patch }));
    clearErrors(...fields);
  };

  const chooseTemplate = (value: string | number) => {
    const next = templates?.find((tpl) => tpl.id === Number(value));
    if (!next) return;
    setDetected([]);
    set({ templateId: next.id, values: valuesFor(next.variables, state.values) }, 'template', 'media');
  };

  const problemText = (problem: FormProblem): string => {
    switch (problem.rule) {
      case 'required':
        if (problem.field === 'to') return t('compose.error.to', 'Choose a contact or type a number.');
        if (problem.field === 'template') return t('compose.error.template', 'Choose a template.');
        if (problem.field === 'body') return t('compose.error.body', 'Write the message.');
        if (problem.field === 'sendAt') return t('compose.error.sendAt', 'Choose the date and time.');
        if (problem.field === 'media') return t('compose.error.media', 'This template has a header: choose its file.');
        return t('compose.error.value', 'Write a value.');
      case 'phone':
        return recipient.kind === 'error' ? recipient.message : t('compose.error.phone', 'This is not a phone number WhatsApp can reach.');
      case 'invalid-characters':
        return t('compose.to.invalidCharacters', 'A phone number has only digits, spaces, dashes, dots, brackets and a leading +.');
      case 'too-short':
        return t('compose.to.tooShort', 'The number is too short.');
      case 'too-long':
        return t('compose.to.tooLong', 'The number is too long.');
      case 'service-window':
        return t('compose.error.window', 'Free text can only be sent while the 24-hour window is open: use an approved template.');
      case 'future':
        return t('compose.error.future', 'Choose a time in the future.');
      case 'media-type':
        return t('compose.error.mediaType', 'WhatsApp sends a PDF or a JPEG or PNG image, of the kind the template’s header takes.');
      default:
        return problem.rule;
    }
  };

  const send = async () => {
    const at = Date.now();
    setNow(at);
    const problems = formProblems(form, { to, picked: Boolean(picked), check, checkFailed: recipient.kind === 'error', template, variables, now: at });
    if (problems.length) {
      const found: Record<string, string> = {};
      for (const problem of problems) found[problem.field] ??= problemText(problem);
      setErrors(found);
      toggleNotification({ type: 'warning', message: t('compose.error.fix', 'Check the fields marked in red.') });
      return;
    }
    const body = buildSendBody(form, to, template, variables);
    keyRef.current = keyForContent(keyRef.current, JSON.stringify(body));
    setSending(true);
    setErrors({});
    try {
      const { data } = await post<{ data: Message }>('/whatsapp/messages', { data: { ...body, idempotencyKey: keyRef.current.key } });
      const message = data.data;
      toggleNotification({
        type: 'success',
        message:
          message.status === 'scheduled' && message.dueAt
            ? t('compose.sent.scheduled', 'Message scheduled for {date}.', { date: formatDate(message.dueAt, { dateStyle: 'medium', timeStyle: 'short' }) })
            : t('compose.sent.queued', 'The message is on its way.'),
      });
      keyRef.current = null;
      if (logAccess.canRead) {
        navigate({ pathname: '..', search: `?message=${message.id}` }, { relative: 'path' });
        return;
      }
      // No access to the log: a clean form for the next message.
      setState(EMPTY_COMPOSE);
      setTyped('');
      setPicked(null);
      setDetected([]);
    } catch (error) {
      const found = sendErrors(error, form.mode);
      setErrors(found);
      toggleNotification({ type: 'danger', message: found._ || Object.values(found)[0] || formatAPIError(error as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setSending(false);
    }
  };

  if (templatesAccessLoading) return <Page.Loading />;

  const win = windowLeft(check?.window, now);
  const textAllowed = freeTextAllowed(check?.window, form, now);
  const media = mediaUse(form.mode, template);
  const previewErrors = preview.kind === 'error' ? preview.errors : [];
  const variableError = (name: string) =>
    errors[`variables.${name}`] ||
    (form.values[name]?.trim()
      ? previewErrors.find((e) => {
          const place = previewErrorPlace(e);
          return 'variable' in place && place.variable === name;
        })?.message
      : undefined);
  const title = t('compose.title', 'New message');

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={t('compose.subtitle', 'To one contact or number: an approved template, or free text while the customer’s 24-hour window is open.')}
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('messages.title', 'Messages')}
          </Link>
        }
        primaryAction={
          <Button startIcon={<PaperPlane />} onClick={send} loading={sending} disabled={sending}>
            {form.schedule === 'later' ? t('compose.schedule.submit', 'Schedule') : t('compose.send', 'Send')}
          </Button>
        }
      />
      <Layouts.Content>
        {errors._ ? (
          <Box background="danger100" padding={3} hasRadius marginBottom={4}>
            <Typography textColor="danger700">{errors._}</Typography>
          </Box>
        ) : null}
        <Grid.Root gap={6}>
          <Grid.Item col={7} s={12} direction="column" alignItems="stretch" gap={6}>
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <RecipientField
                  canSearch={canSearch}
                  typed={typed}
                  onType={(text) => {
                    setTyped(text);
                    clearErrors('to');
                  }}
                  picked={picked}
                  onPick={(contact) => {
                    setPicked(contact);
                    setTyped('');
                    clearErrors('to');
                  }}
                  state={recipient}
                  error={errors.to}
                />
                {check ? (
                  win.open ? (
                    <Box background="success100" borderColor="success200" padding={3} hasRadius>
                      <Typography variant="pi" textColor="success700">
                        {t('compose.window.open', 'The customer wrote in the last 24 hours: free text can be sent for {hours} h {minutes} min more (until {time}).', {
                          hours: win.hours,
                          minutes: win.minutes,
                          time: win.closesAt ? formatTime(win.closesAt, { hour: '2-digit', minute: '2-digit' }) : '',
                        })}
                        {form.schedule === 'later' && !textAllowed ? ` ${t('compose.window.beforeSchedule', 'It closes before the scheduled time, so a scheduled message must be a template.')}` : ''}
                      </Typography>
                    </Box>
                  ) : (
                    <Box background="warning100" borderColor="warning200" padding={3} hasRadius>
                      <Typography variant="pi" textColor="warning700">
                        {win.closesAt
                          ? t('compose.window.closed', 'The 24-hour window closed on {date}: WhatsApp only lets you send an approved template until the customer writes again.', {
                              date: formatDate(win.closesAt, { dateStyle: 'medium', timeStyle: 'short' }),
                            })
                          : t('compose.window.never', 'The customer has not written to you yet: WhatsApp only lets a business start a conversation with an approved template.')}
                      </Typography>
                    </Box>
                  )
                ) : null}
              </Flex>
            </Box>

            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                {canTemplates ? (
                  <Field.Root name="mode">
                    <Field.Label>{t('compose.mode', 'Message')}</Field.Label>
                    <Radio.Group value={form.mode} onValueChange={(value: string) => set({ mode: value as ComposeForm['mode'] }, 'body', 'template', 'media')} aria-label={t('compose.mode', 'Message')}>
                      <Radio.Item value="template">{t('compose.mode.template', 'An approved template')}</Radio.Item>
                      <Radio.Item value="text" disabled={!textAllowed && form.mode !== 'text'}>
                        {t('compose.mode.text', 'Free text (only within the 24-hour window)')}
                      </Radio.Item>
                    </Radio.Group>
                  </Field.Root>
                ) : (
                  <Typography variant="pi" textColor="neutral600">
                    {t('compose.templates.noAccess', 'Your role cannot use the templates (it needs the Manage templates permission): only free text, within the 24-hour window, can be sent from here.')}
                  </Typography>
                )}

                {form.mode === 'template' ? (
                  <>
                    {templatesError ? (
                      <Typography textColor="danger600">{t('compose.templates.error', 'The templates could not be loaded.')}</Typography>
                    ) : (
                      <Field.Root
                        name="template"
                        required
                        error={errors.template}
                        hint={needsMarketingConsent(template, check) ? t('compose.templates.consent', 'A marketing template: it is sent only if the contact gave marketing consent, and this one has none on record.') : undefined}
                      >
                        <Field.Label>{t('compose.template', 'Template')}</Field.Label>
                        <SingleSelect
                          value={form.templateId ?? undefined}
                          placeholder={templates === null ? t('compose.loading', 'Loading…') : t('compose.template.placeholder', 'Choose a template')}
                          disabled={templates === null}
                          onChange={chooseTemplate}
                        >
                          {(templates ?? []).map((tpl) => (
                            <SingleSelectOption key={tpl.id} value={tpl.id}>
                              {`${tpl.name} · ${tpl.language}`}
                            </SingleSelectOption>
                          ))}
                        </SingleSelect>
                        <Field.Hint />
                        <Field.Error />
                      </Field.Root>
                    )}
                    {templates !== null && templates.length === 0 ? (
                      <Typography variant="pi" textColor="neutral600">
                        {t('compose.templates.none', 'There is no active template yet: create one under Templates.')}
                      </Typography>
                    ) : null}
                    {template && variables.length ? (
                      <Flex direction="column" alignItems="stretch" gap={3}>
                        <Typography variant="sigma" textColor="neutral600">
                          {t('compose.variables', 'Values for the template')}
                        </Typography>
                        {variables.map((name) => (
                          <Field.Root key={name} name={`variables.${name}`} required error={variableError(name)}>
                            <Field.Label>{name}</Field.Label>
                            <TextInput
                              value={form.values[name] ?? ''}
                              onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ values: { ...state.values, [name]: e.target.value } }, `variables.${name}`)}
                            />
                            <Field.Error />
                          </Field.Root>
                        ))}
                      </Flex>
                    ) : null}
                  </>
                ) : (
                  <Field.Root
                    name="body"
                    required
                    error={errors.body}
                    hint={check && !textAllowed ? t('compose.error.window', 'Free text can only be sent while the 24-hour window is open: use an approved template.') : undefined}
                  >
                    <Field.Label>{t('compose.body', 'Text')}</Field.Label>
                    <Textarea value={form.body} rows={6} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set({ body: e.target.value }, 'body')} />
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                )}

                {media !== 'none' ? (
                  <MediaField
                    use={media}
                    media={form.media}
                    allowedTypes={mediaTypesFor(form.mode, template)}
                    onChange={(file) => set({ media: file }, 'media')}
                    error={errors.media}
                    hint={
                      media === 'required'
                        ? template?.mediaHeader === 'image'
                          ? t('compose.media.imageHint', 'The template’s header is an image: a JPEG or PNG.')
                          : t('compose.media.documentHint', 'The template’s header is a document: a PDF.')
                        : t('compose.media.optionalHint', 'A PDF or a JPEG / PNG image; the text goes as its caption.')
                    }
                  />
                ) : null}
              </Flex>
            </Box>

            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Field.Root name="schedule">
                  <Field.Label>{t('compose.schedule', 'When')}</Field.Label>
                  <Radio.Group value={form.schedule} onValueChange={(value: string) => set({ schedule: value as ComposeForm['schedule'] }, 'sendAt', 'body')} aria-label={t('compose.schedule', 'When')}>
                    <Radio.Item value="now">{t('compose.schedule.now', 'Now')}</Radio.Item>
                    <Radio.Item value="later">{t('compose.schedule.later', 'Later, at a date and time')}</Radio.Item>
                  </Radio.Group>
                </Field.Root>
                {form.schedule === 'later' ? (
                  <Field.Root name="sendAt" error={errors.sendAt} required>
                    <DateTimePicker
                      value={form.sendAt ? new Date(form.sendAt) : null}
                      onChange={(date: Date | undefined) => set({ sendAt: date ? date.toISOString() : null }, 'sendAt', 'body')}
                      dateLabel={t('compose.schedule.date', 'Date')}
                      timeLabel={t('compose.schedule.time', 'Time')}
                      minDate={new Date(now)}
                    />
                    <Field.Error />
                  </Field.Root>
                ) : null}
              </Flex>
            </Box>
          </Grid.Item>

          <Grid.Item col={5} s={12} direction="column" alignItems="stretch" gap={2}>
            <Typography variant="delta" tag="h2">
              {t('compose.preview', 'Preview')}
            </Typography>
            <Box background="success100" padding={4} hasRadius minHeight="8rem" width="100%">
              <Flex direction="column" alignItems="stretch" gap={2}>
                {form.media && media !== 'none' ? <Typography variant="pi" fontWeight="bold">{`📎 ${form.media.name}`}</Typography> : null}
                {form.mode === 'text' ? (
                  form.body.trim() ? (
                    <Typography style={{ whiteSpace: 'pre-wrap' }}>{form.body}</Typography>
                  ) : (
                    <Typography textColor="neutral600">{t('compose.preview.emptyText', 'Write the text to see the message.')}</Typography>
                  )
                ) : !template ? (
                  <Typography textColor="neutral600">{t('compose.preview.emptyTemplate', 'Choose a template to see the message.')}</Typography>
                ) : preview.kind === 'ok' ? (
                  <Typography style={{ whiteSpace: 'pre-wrap' }}>{preview.preview.text}</Typography>
                ) : preview.kind === 'error' ? (
                  (preview.errors.length ? preview.errors : [{ path: [], message: preview.message }]).map((e) => (
                    <Typography key={`${e.path.join('.')}-${e.message}`} textColor="danger600">
                      {e.path.length ? `${e.path.join('.')}: ` : ''}
                      {e.message}
                    </Typography>
                  ))
                ) : (
                  <Typography textColor="neutral600">{t('compose.loading', 'Loading…')}</Typography>
                )}
              </Flex>
            </Box>
            {form.mode === 'template' && template ? (
              <Typography variant="pi" textColor="neutral600">
                {t('compose.preview.note', 'Values not written yet show as [name]. Amounts and dates are formatted in the contact’s language when sent.')}
              </Typography>
            ) : null}
          </Grid.Item>
        </Grid.Root>
      </Layouts.Content>
    </Page.Main>
  );
};

export { NewMessagePage };
