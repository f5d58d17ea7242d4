import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Box,
  Button,
  Dialog,
  Field,
  Flex,
  Grid,
  Link,
  SingleSelect,
  SingleSelectOption,
  Textarea,
  TextInput,
  Toggle,
  Typography,
} from '@strapi/design-system';
import { ArrowLeft, Check, Trash } from '@strapi/icons';
import { NavLink, useNavigate, useParams } from 'react-router-dom';
import { useIntl } from 'react-intl';
import { ConfirmDialog, Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification } from '@strapi/strapi/admin';

import type { Template, TemplatePreview } from '../../../shared/contracts';
import { apiErrorOf, EMPTY_FORM, fieldErrors, formOf, previewErrorPlace, samplesFor, toInput, toVariables, type ApiFieldError, type TemplateForm } from '../templates/logic';
import { useT } from '../utils/useT';

const API = '/whatsapp/templates';
/** The preview is asked for once the typing pauses this long. */
const PREVIEW_DEBOUNCE_MS = 300;

type PreviewState = { kind: 'idle' } | { kind: 'ok'; preview: TemplatePreview } | { kind: 'error'; errors: ApiFieldError[]; message: string };

/**
 * One template: its fields, its body with a live preview rendered by the server as you type
 * (with sample values you can change), the variables the body uses, and its mapping to the
 * provider's approved template. A refused save shows each server error next to its field.
 */
const TemplateEditPage = () => {
  const t = useT();
  const { formatNumber } = useIntl();
  const { id } = useParams<{ id: string }>();
  const isNew = !id || id === 'new';
  const navigate = useNavigate();
  const { get, post, put, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const [form, setForm] = useState<TemplateForm | null>(isNew ? EMPTY_FORM : null);
  const [loadError, setLoadError] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [variables, setVariables] = useState<string[]>([]);
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<PreviewState>({ kind: 'idle' });
  const request = useRef(0);

  useEffect(() => {
    if (isNew) return;
    get<{ data: Template }>(`${API}/${id}`)
      .then(({ data }) => {
        setForm(formOf(data.data));
        setVariables(data.data.variables);
        setSamples(samplesFor(data.data.variables, {}));
      })
      .catch(() => setLoadError(true));
  }, [get, id, isNew]);

  // The live preview: the body as typed and the sample values, rendered by the server.
  const body = form?.body ?? '';
  const variablesToSend = useMemo(() => toVariables(samples), [samples]);
  useEffect(() => {
    if (!body.trim()) {
      setPreview({ kind: 'idle' });
      return;
    }
    const mine = (request.current += 1);
    const timer = setTimeout(() => {
      const url = isNew ? `${API}/preview` : `${API}/${id}/preview`;
      post<{ data: TemplatePreview }>(url, { data: { body, variables: variablesToSend } })
        .then(({ data }) => {
          if (mine !== request.current) return;
          setPreview({ kind: 'ok', preview: data.data });
          setVariables(data.data.variables);
        })
        .catch((error: unknown) => {
          if (mine !== request.current) return;
          const api = apiErrorOf(error);
          if (api?.details?.variables) {
            const found = api.details.variables;
            setVariables(found);
            // A variable nobody gave a value yet gets a placeholder, and the preview is asked again.
            if (found.some((v) => !(v in samples))) {
              setSamples((current) => samplesFor(found, current));
              return;
            }
          }
          setPreview({ kind: 'error', errors: api?.details?.errors ?? [], message: api?.message ?? formatAPIError(error as Parameters<typeof formatAPIError>[0]) });
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [body, variablesToSend, samples, id, isNew, post, formatAPIError]);

  if (loadError) return <Page.Error />;
  if (!form) return <Page.Loading />;

  const set = <K extends keyof TemplateForm>(key: K, value: TemplateForm[K]) => {
    setForm({ ...form, [key]: value });
    if (errors[key]) setErrors({ ...errors, [key]: '' });
  };

  const save = async () => {
    setSaving(true);
    setErrors({});
    try {
      const { data } = isNew
        ? await post<{ data: Template }>(API, { data: toInput(form) })
        : await put<{ data: Template }>(`${API}/${id}`, { data: toInput(form) });
      toggleNotification({ type: 'success', message: t('templates.edit.saved', 'Template saved.') });
      setForm(formOf(data.data));
      if (isNew) navigate(`../${data.data.id}`, { relative: 'path', replace: true });
    } catch (error) {
      const found = fieldErrors(apiErrorOf(error));
      setErrors(found);
      toggleNotification({ type: 'danger', message: found._ || Object.values(found)[0] || formatAPIError(error as Parameters<typeof formatAPIError>[0]) });
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    try {
      await del(`${API}/${id}`);
      toggleNotification({ type: 'success', message: t('templates.edit.deleted', 'Template deleted.') });
      navigate('..', { relative: 'path' });
    } catch (error) {
      toggleNotification({ type: 'danger', message: formatAPIError(error as Parameters<typeof formatAPIError>[0]) });
    }
  };

  const previewErrors = preview.kind === 'error' ? preview.errors : [];
  const variableError = (variable: string) => previewErrors.find((e) => { const place = previewErrorPlace(e); return 'variable' in place && place.variable === variable; })?.message;
  const bodyPreviewErrors = previewErrors.filter((e) => 'field' in previewErrorPlace(e));

  const text = (key: keyof TemplateForm, label: string, hint?: string, required = false) => (
    <Field.Root name={key} error={errors[key] || undefined} hint={hint} required={required}>
      <Field.Label>{label}</Field.Label>
      <TextInput value={String(form[key])} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(key, e.target.value as never)} />
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
  const select = <K extends keyof TemplateForm>(key: K, label: string, options: Array<[string, string]>) => (
    <Field.Root name={key} error={errors[key] || undefined}>
      <Field.Label>{label}</Field.Label>
      <SingleSelect value={String(form[key])} onChange={(value: string | number) => set(key, String(value) as TemplateForm[K])}>
        {options.map(([value, name]) => (
          <SingleSelectOption key={value} value={value}>
            {name}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      <Field.Error />
    </Field.Root>
  );
  const toggle = (key: 'active' | 'createsFollowUp', label: string, hint: string) => (
    <Field.Root name={key} hint={hint} error={errors[key] || undefined}>
      <Field.Label>{label}</Field.Label>
      <Toggle
        checked={form[key]}
        onLabel={t('templates.edit.yes', 'Yes')}
        offLabel={t('templates.edit.no', 'No')}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(key, e.target.checked)}
      />
      <Field.Hint />
    </Field.Root>
  );

  const title = isNew ? t('templates.edit.newTitle', 'New template') : form.name;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={t('templates.edit.subtitle', 'Write the text with variables like {example}; the preview shows it with the sample values.', { example: '{{nombre}}' })}
        navigationAction={
          <Link tag={NavLink} to={isNew ? '..' : '..'} relative="path" startIcon={<ArrowLeft />}>
            {t('templates.title', 'Templates')}
          </Link>
        }
        primaryAction={
          <Button startIcon={<Check />} onClick={save} loading={saving} disabled={saving}>
            {t('templates.edit.save', 'Save')}
          </Button>
        }
        secondaryAction={
          isNew ? undefined : (
            <Dialog.Root>
              <Dialog.Trigger>
                <Button variant="danger-light" startIcon={<Trash />}>
                  {t('templates.edit.delete', 'Delete')}
                </Button>
              </Dialog.Trigger>
              <ConfirmDialog onConfirm={remove}>
                {t('templates.edit.deleteConfirm', 'Delete this template? Messages already sent with it keep their text.')}
              </ConfirmDialog>
            </Dialog.Root>
          )
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {errors._ ? <Typography textColor="danger600">{errors._}</Typography> : null}
          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Grid.Root gap={4}>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                {text('name', t('templates.edit.name', 'Name'), t('templates.edit.nameHint', 'How your code and automations call it, e.g. cita_confirmada.'), true)}
              </Grid.Item>
              <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
                {select('category', t('templates.column.category', 'Category'), [
                  ['utility', t('templates.category.utility', 'Utility')],
                  ['marketing', t('templates.category.marketing', 'Marketing')],
                  ['authentication', t('templates.category.authentication', 'Authentication')],
                ])}
              </Grid.Item>
              <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
                {text('language', t('templates.column.language', 'Language'), t('templates.edit.languageHint', 'e.g. es_MX'), true)}
              </Grid.Item>
            </Grid.Root>
          </Box>

          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Grid.Root gap={6}>
              <Grid.Item col={7} s={12} direction="column" alignItems="stretch" gap={4}>
                <Field.Root name="body" error={errors.body || bodyPreviewErrors[0]?.message || undefined} required>
                  <Field.Label>{t('templates.edit.body', 'Text')}</Field.Label>
                  <Textarea value={form.body} rows={10} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set('body', e.target.value)} />
                  <Field.Error />
                </Field.Root>
                <Flex direction="column" alignItems="stretch" gap={2}>
                  <Typography variant="delta" tag="h2">
                    {t('templates.edit.variables', 'Variables')}
                  </Typography>
                  {variables.length === 0 ? (
                    <Typography textColor="neutral600">{t('templates.edit.noVariables', 'The text uses no variables. Write {example} where a value goes.', { example: '{{nombre}}' })}</Typography>
                  ) : (
                    <>
                      <Typography variant="pi" textColor="neutral600">
                        {t('templates.edit.samplesHint', 'Sample values for the preview (they are not saved).')}
                      </Typography>
                      {variables.map((variable) => (
                        <Field.Root key={variable} name={`sample-${variable}`} error={variableError(variable)}>
                          <Field.Label>{variable}</Field.Label>
                          <TextInput
                            value={samples[variable] ?? ''}
                            onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSamples({ ...samples, [variable]: e.target.value })}
                          />
                          <Field.Error />
                        </Field.Root>
                      ))}
                    </>
                  )}
                </Flex>
              </Grid.Item>
              <Grid.Item col={5} s={12} direction="column" alignItems="stretch" gap={2}>
                <Typography variant="delta" tag="h2">
                  {t('templates.edit.preview', 'Preview')}
                </Typography>
                <Box background="success100" padding={4} hasRadius minHeight="8rem">
                  {preview.kind === 'ok' ? (
                    <Typography style={{ whiteSpace: 'pre-wrap' }}>{preview.preview.text}</Typography>
                  ) : preview.kind === 'error' ? (
                    <Flex direction="column" alignItems="stretch" gap={1}>
                      {(preview.errors.length ? preview.errors : [{ path: [], message: preview.message }]).map((e) => (
                        <Typography key={`${e.path.join('.')}-${e.message}`} textColor="danger600">
                          {e.path.length ? `${e.path.join('.')}: ` : ''}
                          {e.message}
                        </Typography>
                      ))}
                    </Flex>
                  ) : (
                    <Typography textColor="neutral600">{t('templates.edit.previewEmpty', 'Write the text to see how the message will read.')}</Typography>
                  )}
                </Box>
                {preview.kind === 'ok' ? (
                  <Typography variant="pi" textColor="neutral600">
                    {t('templates.edit.length', '{length} of {max} characters', { length: formatNumber(preview.preview.length), max: formatNumber(4096) })}
                  </Typography>
                ) : null}
              </Grid.Item>
            </Grid.Root>
          </Box>

          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">
                {t('templates.edit.mapping', 'Approved template at the provider')}
              </Typography>
              <Typography textColor="neutral600">
                {t('templates.edit.mappingHint', 'Outside the 24-hour window WhatsApp only delivers templates Meta approved: give the name and parameters of yours, or the Twilio Content SID.')}
              </Typography>
              <Grid.Root gap={4}>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  {text('metaName', t('templates.edit.metaName', 'Meta template name'))}
                </Grid.Item>
                <Grid.Item col={4} s={6} direction="column" alignItems="stretch">
                  {text('metaLanguage', t('templates.edit.metaLanguage', 'Meta language'), t('templates.edit.metaLanguageHint', 'Empty: the template’s language.'))}
                </Grid.Item>
                <Grid.Item col={4} s={6} direction="column" alignItems="stretch">
                  {select('metaParameterFormat', t('templates.edit.metaFormat', 'Parameter format'), [
                    ['positional', t('templates.edit.metaFormat.positional', 'Positional (1, 2, 3…)')],
                    ['named', t('templates.edit.metaFormat.named', 'Named')],
                  ])}
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="metaParameters" error={errors.metaParameters || undefined} hint={t('templates.edit.metaParametersHint', 'One variable a line, in the approved template’s order. Empty: the text’s order.')}>
                    <Field.Label>{t('templates.edit.metaParameters', 'Meta parameters')}</Field.Label>
                    <Textarea value={form.metaParameters} rows={4} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set('metaParameters', e.target.value)} />
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch" gap={4}>
                  {text('twilioContentSid', t('templates.edit.twilioSid', 'Twilio Content SID'), t('templates.edit.twilioSidHint', 'HX followed by 32 characters.'))}
                  <Field.Root name="twilioVariables" error={errors.twilioVariables || undefined} hint={t('templates.edit.twilioVariablesHint', 'One a line: 1=nombre')}>
                    <Field.Label>{t('templates.edit.twilioVariables', 'Twilio variables')}</Field.Label>
                    <Textarea value={form.twilioVariables} rows={3} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set('twilioVariables', e.target.value)} />
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
              </Grid.Root>
            </Flex>
          </Box>

          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Grid.Root gap={4}>
              <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
                {select('mediaHeader', t('templates.edit.mediaHeader', 'Header'), [
                  ['none', t('templates.edit.mediaHeader.none', 'None')],
                  ['document', t('templates.edit.mediaHeader.document', 'Document (PDF)')],
                  ['image', t('templates.edit.mediaHeader.image', 'Image')],
                ])}
              </Grid.Item>
              <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
                {select('fallbackChannel', t('templates.edit.fallback', 'If WhatsApp fails'), [
                  ['none', t('templates.edit.fallback.none', 'Nothing')],
                  ['sms', t('templates.edit.fallback.sms', 'Send an SMS')],
                  ['email', t('templates.edit.fallback.email', 'Send an email')],
                ])}
              </Grid.Item>
              <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
                {toggle('createsFollowUp', t('templates.edit.followUp', 'Creates a follow-up'), t('templates.edit.followUpHint', 'A reply opens a task in the inbox.'))}
              </Grid.Item>
              <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
                {toggle('active', t('templates.active', 'Active'), t('templates.edit.activeHint', 'Inactive templates are not offered for sending.'))}
              </Grid.Item>
            </Grid.Root>
          </Box>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export { TemplateEditPage };
