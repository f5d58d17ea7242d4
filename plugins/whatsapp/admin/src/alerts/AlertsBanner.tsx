import { useEffect, useState } from 'react';
import { Alert, Flex } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';

import type { ActiveAlert, AdminHealth } from '../../../shared/contracts';
import { useDashboardFormat } from '../dashboard/useDashboardFormat';
import { useT } from '../utils/useT';
import { alertMeasure, isEventAlert, visibleAlerts } from './logic';

/**
 * The alerts that stand now (GET /whatsapp/health, any administrator): a red banner each, on the
 * home page, until the server's check finds the condition cleared. Nothing when all is well or
 * when the health cannot be read (the rest of the page says that).
 */
export const AlertsBanner = () => {
  const t = useT();
  const format = useDashboardFormat();
  const { get } = useFetchClient();
  const [alerts, setAlerts] = useState<ActiveAlert[]>([]);
  // Hidden for this visit only: the next visit shows an alert that still stands.
  const [hidden, setHidden] = useState<string[]>([]);

  useEffect(() => {
    get<{ data: AdminHealth }>('/whatsapp/health')
      .then(({ data }) => setAlerts(visibleAlerts(data.data.alerts)))
      .catch(() => setAlerts([]));
  }, [get]);

  const shown = alerts.filter((alert) => !hidden.includes(alert.kind));
  if (!shown.length) return null;

  const sentence = (alert: ActiveAlert) => {
    if (isEventAlert(alert)) {
      return alert.kind === 'account-restricted'
        ? t('alerts.accountRestricted.text', 'Meta reports: {detail}. Read the notice in WhatsApp Manager (Account quality).', { detail: alert.detail ?? '' })
        : t('alerts.senderQuality.text', 'The provider reports: {detail}. Send fewer unwanted messages and check the number’s quality rating.', { detail: alert.detail ?? '' });
    }
    const measure = alertMeasure(alert);
    if (measure.unit === 'rate') {
      return t('alerts.failureRate.text', '{value} of the messages sent in the latest hour failed; the limit in the settings is {threshold}.', {
        value: format.rate(measure.value),
        threshold: format.rate(measure.threshold),
      });
    }
    const values = { value: format.duration(measure.valueSeconds), threshold: format.duration(measure.thresholdSeconds) };
    return alert.kind === 'queue-age'
      ? t('alerts.queueAge.text', 'The oldest due message has waited {value} (limit {threshold}). Check that a worker is running.', values)
      : t('alerts.webhookSilence.text', 'No webhook from the provider for {value} although messages were sent (limit {threshold}). Check the webhook URL at the provider.', values);
  };
  const title = (alert: ActiveAlert) =>
    ({
      'failure-rate': t('alerts.failureRate.title', 'Too many messages are failing'),
      'queue-age': t('alerts.queueAge.title', 'Messages are waiting in the queue'),
      'webhook-silence': t('alerts.webhookSilence.title', 'The provider has gone quiet'),
      'sender-quality': t('alerts.senderQuality.title', 'A sending number’s quality fell'),
      'account-restricted': t('alerts.accountRestricted.title', 'The WhatsApp Business Account is restricted'),
    })[alert.kind];
  const since = (alert: ActiveAlert) =>
    alert.emailedAt
      ? t('alerts.sinceEmailed', 'Since {time}; an email was sent.', { time: format.time(alert.since) })
      : t('alerts.since', 'Since {time}.', { time: format.time(alert.since) });

  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      {shown.map((alert) => (
        <Alert key={alert.kind} variant="danger" title={title(alert)} closeLabel={t('alerts.close', 'Hide')} onClose={() => setHidden([...hidden, alert.kind])}>
          {sentence(alert)} {since(alert)}
        </Alert>
      ))}
    </Flex>
  );
};
