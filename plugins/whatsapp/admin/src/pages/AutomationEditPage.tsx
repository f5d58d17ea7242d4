import { useEffect, useMemo, useState } from 'react';
import { Box, Button, Dialog, Field, Flex, Grid, Link, SingleSelect, SingleSelectOption, TextInput, Toggle, Typography } from '@strapi/design-system';
import { ArrowLeft, Check, Trash } from '@strapi/icons';
import { NavLink, useNavigate, useParams } from 'react-router-dom';
import { ConfirmDialog, Layouts, Page, useAPIErrorHandler, useFetchClient, useNotification } from '@strapi/strapi/admin';

import type { Automation, AutomationContentType, AutomationTrigger } from '../../../shared/automations';
import type { ListAnswer, Template } from '../../../shared/contracts';
import {
  CATEGORIES,
  choicesOf,
  EMPTY_FORM,
  fieldErrors,
  fieldLabel,
  fieldNamed,
  formOf,
  phoneFields,
  syncVariables,
  toInput,
  TRIGGERS,
  triggerFields,
  typeOptions,
  withContentType,
  writeBackFields,
  type AutomationForm,
  type DateDirection,
} from '../automations/logic';
import { ConditionsEditor } from '../automations/ConditionsEditor';
import { RunsTable } from '../automations/RunsTable';
import { TestOnRecord } from '../automations/TestOnRecord';
import { useAutomationText } from '../automations/useAutomationText';
import { VariablesEditor } from '../automations/VariablesEditor';
import { apiErrorOf } from '../templates/logic';

const API = '/whatsapp/automations';

/** The templates the picker offers; `forbidden`: the role may not read them (the name is typed). */
type Templates = Template[] | 'forbidden' | null;

/**
 * One automation: the content type it watches, when it runs, the conditions, the template and
 * where each of its variables comes from, the number it goes to; "Test on a record" previews the
 * message for a real record as the rule stands in the form; below, its latest runs. A refused
 * save shows each server error next to its field.
 */
const AutomationEditPage = () => {
  const { t, triggerLabel, categoryLabel } = useAutomationText();
  const { id } = useParams<{ id: string }>();
  const isNew = !id || id === 'new';
  const navigate = useNavigate();
  const { get, post, put, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const [form, setForm] = useState<AutomationForm | null>(isNew ? EMPTY_FORM : null);
  const [stored, setStored] = useState<Automation | null>(null);
  const [types, setTypes] = useState<AutomationContentType[] | null>(null);
  const [templates, setTemplates] = useState<Templates>(null);
  const [loadError, setLoadError] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [refreshRuns, setRefreshRuns] = useState(0);

  useEffect(() => {
    get<{ data: AutomationContentType[] }>(`${API}/content-types`)
      .then(({ data }) => setTypes(data.data))
      .catch(() => setLoadError(true));
    get<ListAnswer<Template>>('/whatsapp/templates', { params: { pagination: { page: 1, pageSize: 100 } } })
      .then(({ data }) => setTemplates(data.data))
      .catch(() => setTemplates('forbidden'));
  }, [get]);

  useEffect(() => {
    if (isNew) return;
    get<{ data: Automation }>(`${API}/${id}`)
      .then(({ data }) => {
        setStored(data.data);
        setForm(formOf(data.data));
      })
      .catch(() => setLoadError(true));
  }, [get, id, isNew]);

  const type = useMemo(() => types?.find((ct) => ct.uid === form?.contentType) ?? null, [types, form?.contentType]);
  const fields = useMemo(() => type?.fields ?? [], [type]);
  const templateList = Array.isArray(templates) ? templates : [];
  const template = templateList.find((tpl) => tpl.name === form?.template) ?? null;
  const draft = useMemo(() => (form ? toInput(form) : null), [form]);

  if (loadError) return <Page.Error />;
  if (!form || !types || !draft) return <Page.Loading />;

  const set = (patch: Partial<AutomationForm>) => {
    setForm({ ...form, ...patch });
    // A date rule's days and direction are the server's `offsetDays`.
    const cleared = [...Object.keys(patch), ...('days' in patch || 'direction' in patch ? ['offsetDays'] : [])];
    if (cleared.some((key) => Object.keys(errors).some((e) => e === key || e.startsWith(`${key}.`)))) {
      setErrors(Object.fromEntries(Object.entries(errors).filter(([e]) => !cleared.some((key) => e === key || e.startsWith(`${key}.`)))));
    }
  };

  const chooseTemplate = (name: string) => {
    const picked = templateList.find((tpl) => tpl.name === name);
    set({
      template: name,
      ...(picked ? { category: picked.category, variables: syncVariables(form.variables, picked.variables, fields) } : {}),
    });
  };

  const save = async () => {
    setSaving(true);
    setErrors({});
    try {
      const { data } = isNew ? await post<{ data: Automation }>(API, { data: draft }) : await put<{ data: Automation }>(`${API}/${id}`, { data: draft });
      toggleNotification({ type: 'success', message: t('automations.edit.saved', 'Automation saved.') });
      setStored(data.data);
      setForm(formOf(data.data));
      setRefreshRuns((n) => n + 1);
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
      toggleNotification({ type: 'success', message: t('automations.edit.deleted', 'Automation deleted.') });
      navigate('..', { relative: 'path' });
    } catch (error) {
      toggleNotification({ type: 'danger', message: formatAPIError(error as Parameters<typeof formatAPIError>[0]) });
    }
  };

  const err = (key: string) => errors[key] || undefined;
  const watched = fieldNamed(fields, form.field);
  const choices = choicesOf(watched);
  const triggerOptions = triggerFields(fields, form.trigger);
  const withCurrent = <T extends { name: string }>(options: T[], current: string) => (current && !options.some((o) => o.name === current) ? [...options, { name: current } as T] : options);

  /** A value of the watched field: its choices when it has a fixed list, else typed. */
  const valueInput = (key: 'fromValue' | 'toValue', label: string, hint: string, required: boolean) => (
    <Field.Root name={key} error={err(key)} hint={hint} required={required}>
      <Field.Label>{label}</Field.Label>
      {choices ? (
        <SingleSelect
          value={form[key]}
          placeholder={required ? t('automations.pick', 'Choose…') : t('automations.edit.anyValue', 'Any value')}
          onClear={required ? undefined : () => set({ [key]: '' })}
          onChange={(value: string | number) => set({ [key]: String(value) })}
        >
          {choices.map((choice) => (
            <SingleSelectOption key={choice} value={choice}>
              {choice}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      ) : (
        <TextInput value={form[key]} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ [key]: e.target.value })} />
      )}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );

  const title = isNew ? t('automations.edit.newTitle', 'New automation') : stored?.name || form.name;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={t('automations.edit.subtitle', 'When a record changes, send a template to the person on it.')}
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('automations.list.title', 'Automations')}
          </Link>
        }
        primaryAction={
          <Button startIcon={<Check />} onClick={save} loading={saving} disabled={saving}>
            {t('automations.edit.save', 'Save')}
          </Button>
        }
        secondaryAction={
          isNew ? undefined : (
            <Dialog.Root>
              <Dialog.Trigger>
                <Button variant="danger-light" startIcon={<Trash />}>
                  {t('automations.edit.delete', 'Delete')}
                </Button>
              </Dialog.Trigger>
              <ConfirmDialog onConfirm={remove}>
                {t('automations.edit.deleteConfirm', 'Delete this automation? Messages it already sent stay in the log; runs still waiting are skipped.')}
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
              <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
                <Field.Root name="name" error={err('name')} hint={t('automations.edit.nameHint', 'For you and your team, e.g. “Car ready”.')} required>
                  <Field.Label>{t('automations.edit.name', 'Name')}</Field.Label>
                  <TextInput value={form.name} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ name: e.target.value })} />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
                <Field.Root
                  name="contentType"
                  error={err('contentType')}
                  hint={types.length === 0 ? t('automations.edit.noTypes', 'Your application has no content types of its own yet: create one in the Content-Type Builder.') : t('automations.edit.contentTypeHint', 'The records it watches.')}
                  required
                >
                  <Field.Label>{t('automations.edit.contentType', 'Content type')}</Field.Label>
                  <SingleSelect
                    value={form.contentType}
                    placeholder={t('automations.pick', 'Choose…')}
                    onChange={(value: string | number) => {
                      setForm(withContentType(form, types.find((ct) => ct.uid === value) ?? null));
                      setErrors({});
                    }}
                  >
                    {typeOptions(types, form.contentType).map((option) => (
                      <SingleSelectOption key={option.uid} value={option.uid}>
                        {option.label}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={2} s={12} direction="column" alignItems="stretch">
                <Field.Root name="enabled" error={err('enabled')}>
                  <Field.Label>{t('automations.edit.enabled', 'On')}</Field.Label>
                  <Toggle
                    checked={form.enabled}
                    onLabel={t('automations.edit.yes', 'Yes')}
                    offLabel={t('automations.edit.no', 'No')}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ enabled: e.target.checked })}
                  />
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>
          </Box>

          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">
                {t('automations.edit.when', 'When it runs')}
              </Typography>
              <Grid.Root gap={4}>
                <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="trigger" error={err('trigger')}>
                    <Field.Label>{t('automations.edit.trigger', 'Trigger')}</Field.Label>
                    <SingleSelect
                      value={form.trigger}
                      onChange={(value: string | number) => set({ trigger: String(value) as AutomationTrigger, field: '', fromValue: '', toValue: '' })}
                    >
                      {TRIGGERS.map((trigger) => (
                        <SingleSelectOption key={trigger} value={trigger}>
                          {triggerLabel(trigger)}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
                {form.trigger === 'field-change' || form.trigger === 'date' ? (
                  <Grid.Item col={7} s={12} direction="column" alignItems="stretch">
                    <Field.Root
                      name="field"
                      error={err('field')}
                      required
                      hint={form.trigger === 'date' ? t('automations.edit.dateFieldHint', 'A date of the record, e.g. a due date.') : t('automations.edit.fieldHint', 'A field of the record itself, e.g. its state.')}
                    >
                      <Field.Label>{form.trigger === 'date' ? t('automations.edit.dateField', 'Date') : t('automations.edit.field', 'Field')}</Field.Label>
                      <SingleSelect
                        value={form.field}
                        disabled={!type}
                        placeholder={type ? t('automations.pick', 'Choose…') : t('automations.test.noType', 'Choose the content type first.')}
                        onChange={(value: string | number) => set({ field: String(value), fromValue: '', toValue: '' })}
                      >
                        {withCurrent(triggerOptions, form.field).map((f) => (
                          <SingleSelectOption key={f.name} value={f.name}>
                            {fieldLabel(f.name)}
                          </SingleSelectOption>
                        ))}
                      </SingleSelect>
                      <Field.Hint />
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                ) : (
                  <Grid.Item col={7} s={12} direction="column" alignItems="stretch" justifyContent="center">
                    <Typography textColor="neutral600">
                      {form.trigger === 'created'
                        ? t('automations.edit.createdHint', 'Once per record, when it is created (for types with drafts, when it is first published).')
                        : t('automations.edit.manualHint', 'Never by itself: someone presses “Send WhatsApp” in the record’s WhatsApp panel.')}
                    </Typography>
                  </Grid.Item>
                )}

                {form.trigger === 'field-change' ? (
                  <>
                    <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                      {valueInput('toValue', t('automations.edit.toValue', 'Changes to'), t('automations.edit.toValueHint', 'The value that sends the message.'), true)}
                    </Grid.Item>
                    <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                      {valueInput('fromValue', t('automations.edit.fromValue', 'Only when it was'), t('automations.edit.fromValueHint', 'Optional: only a change from this value.'), false)}
                    </Grid.Item>
                  </>
                ) : null}

                {form.trigger === 'date' ? (
                  <>
                    <Grid.Item col={2} s={4} direction="column" alignItems="stretch">
                      <Field.Root name="offsetDays" error={err('offsetDays')}>
                        <Field.Label>{t('automations.edit.days', 'Days')}</Field.Label>
                        <TextInput
                          inputMode="numeric"
                          value={form.direction === 'on' ? '0' : form.days}
                          disabled={form.direction === 'on'}
                          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ days: e.target.value })}
                        />
                        <Field.Error />
                      </Field.Root>
                    </Grid.Item>
                    <Grid.Item col={3} s={8} direction="column" alignItems="stretch">
                      <Field.Root name="direction">
                        <Field.Label>{t('automations.edit.direction', 'Before or after')}</Field.Label>
                        <SingleSelect value={form.direction} onChange={(value: string | number) => set({ direction: String(value) as DateDirection })}>
                          <SingleSelectOption value="before">{t('automations.edit.before', 'Before the date')}</SingleSelectOption>
                          <SingleSelectOption value="on">{t('automations.edit.on', 'On the day')}</SingleSelectOption>
                          <SingleSelectOption value="after">{t('automations.edit.after', 'After the date')}</SingleSelectOption>
                        </SingleSelect>
                      </Field.Root>
                    </Grid.Item>
                    <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
                      <Field.Root name="atTime" error={err('atTime')} hint={t('automations.edit.atTimeHint', 'In the contact’s time zone (else the default one in Settings).')}>
                        <Field.Label>{t('automations.edit.atTime', 'At (HH:MM)')}</Field.Label>
                        <TextInput placeholder="09:00" value={form.atTime} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ atTime: e.target.value })} />
                        <Field.Hint />
                        <Field.Error />
                      </Field.Root>
                    </Grid.Item>
                  </>
                ) : null}

                {form.trigger === 'field-change' || form.trigger === 'created' ? (
                  <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="delayMinutes" error={err('delayMinutes')} hint={t('automations.edit.delayHint', '0: at once.')}>
                      <Field.Label>{t('automations.edit.delay', 'Wait before sending (minutes)')}</Field.Label>
                      <TextInput inputMode="numeric" value={form.delayMinutes} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ delayMinutes: e.target.value })} />
                      <Field.Hint />
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                ) : null}
              </Grid.Root>
            </Flex>
          </Box>

          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">
                {t('automations.edit.conditions', 'Only if')}
              </Typography>
              <ConditionsEditor rows={form.conditions} fields={fields} errors={errors} manual={form.trigger === 'manual'} onChange={(conditions) => set({ conditions })} />
            </Flex>
          </Box>

          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">
                {t('automations.edit.sends', 'What it sends')}
              </Typography>
              <Grid.Root gap={4}>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root
                    name="template"
                    error={err('template')}
                    required
                    hint={
                      templates === 'forbidden'
                        ? t('automations.edit.templateTyped', 'Your role cannot list the templates: write the template’s name.')
                        : template
                          ? t('automations.edit.templateCategory', 'Category: {category} (from the template).', { category: categoryLabel(template.category) })
                          : t('automations.edit.templateHint', 'Active templates; create them in Templates.')
                    }
                  >
                    <Field.Label>{t('automations.edit.template', 'Template')}</Field.Label>
                    {templates === 'forbidden' ? (
                      <TextInput value={form.template} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ template: e.target.value })} />
                    ) : (
                      <SingleSelect value={form.template} placeholder={t('automations.pick', 'Choose…')} onChange={(value: string | number) => chooseTemplate(String(value))}>
                        {withCurrent(
                          templateList.filter((tpl) => tpl.active || tpl.name === form.template),
                          form.template
                        ).map((tpl) => (
                          <SingleSelectOption key={tpl.name} value={tpl.name}>
                            {tpl.name}
                          </SingleSelectOption>
                        ))}
                      </SingleSelect>
                    )}
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="recipient" error={err('recipient')} required hint={t('automations.edit.recipientHint', 'The field with the phone number, e.g. customer › phone.')}>
                    <Field.Label>{t('automations.edit.recipient', 'Send to the number in')}</Field.Label>
                    <SingleSelect value={form.recipient} disabled={!type} placeholder={t('automations.pick', 'Choose…')} onChange={(value: string | number) => set({ recipient: String(value) })}>
                      {withCurrent(phoneFields(fields), form.recipient).map((f) => (
                        <SingleSelectOption key={f.name} value={f.name}>
                          {fieldLabel(f.name)}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
                {templates === 'forbidden' ? (
                  <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="category" error={err('category')} hint={t('automations.edit.categoryHint', 'The template’s category.')}>
                      <Field.Label>{t('automations.edit.category', 'Category')}</Field.Label>
                      <SingleSelect value={form.category} onChange={(value: string | number) => set({ category: String(value) as AutomationForm['category'] })}>
                        {CATEGORIES.map((category) => (
                          <SingleSelectOption key={category} value={category}>
                            {categoryLabel(category)}
                          </SingleSelectOption>
                        ))}
                      </SingleSelect>
                      <Field.Hint />
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                ) : err('category') ? (
                  <Grid.Item col={12} direction="column" alignItems="stretch">
                    <Typography textColor="danger600">{err('category')}</Typography>
                  </Grid.Item>
                ) : null}
              </Grid.Root>

              {form.template ? (
                <Flex direction="column" alignItems="stretch" gap={2}>
                  <Typography variant="sigma" textColor="neutral600" tag="h3">
                    {t('automations.edit.variables', 'The template’s variables')}
                  </Typography>
                  <VariablesEditor
                    names={template ? template.variables : templates === 'forbidden' ? null : Object.keys(form.variables)}
                    rows={form.variables}
                    fields={fields}
                    errors={errors}
                    onChange={(variables) => set({ variables })}
                  />
                </Flex>
              ) : null}

              <Grid.Root gap={4}>
                {type?.pdf || form.attachment === 'pdf' ? (
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="attachment" error={err('attachment')} hint={t('automations.edit.attachmentHint', 'The record as a PDF document; the template needs a document header.')}>
                      <Field.Label>{t('automations.edit.attachment', 'Attach the record’s PDF')}</Field.Label>
                      <Toggle
                        checked={form.attachment === 'pdf'}
                        onLabel={t('automations.edit.yes', 'Yes')}
                        offLabel={t('automations.edit.no', 'No')}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ attachment: e.target.checked ? 'pdf' : 'none' })}
                      />
                      <Field.Hint />
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                ) : null}
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="writeBack" error={err('writeBack')} hint={t('automations.edit.writeBackHint', 'Optional: a date field of the record set to the moment the message was sent.')}>
                    <Field.Label>{t('automations.edit.writeBack', 'Write the send time in')}</Field.Label>
                    <SingleSelect
                      value={form.writeBack}
                      disabled={!type}
                      placeholder={t('automations.edit.noWriteBack', 'Nowhere')}
                      onClear={() => set({ writeBack: '' })}
                      onChange={(value: string | number) => set({ writeBack: String(value) })}
                    >
                      {withCurrent(writeBackFields(fields), form.writeBack).map((f) => (
                        <SingleSelectOption key={f.name} value={f.name}>
                          {fieldLabel(f.name)}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
              </Grid.Root>
            </Flex>
          </Box>

          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">
                {t('automations.test.title', 'Test on a record')}
              </Typography>
              <TestOnRecord type={type} automationId={isNew ? null : Number(id)} draft={draft} onErrors={setErrors} />
            </Flex>
          </Box>

          {!isNew && stored ? (
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h2">
                  {t('automations.runs.titleOne', 'Recent runs of this automation')}
                </Typography>
                <RunsTable automationId={stored.id} refresh={refreshRuns} />
              </Flex>
            </Box>
          ) : null}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export { AutomationEditPage };
