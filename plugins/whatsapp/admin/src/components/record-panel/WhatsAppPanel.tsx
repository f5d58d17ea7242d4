import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useFetchClient, useRBAC } from '@strapi/strapi/admin';

import { PERMISSIONS } from '../../constants';
import { errorStatus, isPanelCandidate, showPanel, toRecordView, type RecordView } from '../../record-panel/panel-logic';
import { useT } from '../../utils/useT';
import { RecordPanelContent } from './RecordPanelContent';

/** What the Content Manager gives an edit view side panel (its `PanelComponentProps`). */
export interface PanelProps {
  model: string;
  documentId?: string;
  document?: unknown;
  activeTab: 'draft' | 'published' | null;
  collectionType: string;
  meta?: unknown;
}

/** What a side panel answers (the Content Manager's `PanelDescription`). */
export interface PanelDescription {
  title: string;
  content: ReactNode;
}

/** The live statuses: the record's view is fetched again this often while the edit view is open. */
export const POLL_MS = 5_000;

/**
 * The "WhatsApp" side panel of a business record (`api::…`): the messages sent for it, the
 * automation runs and a "Send WhatsApp" button. A description component: the Content Manager calls
 * it like a component (hooks allowed) and renders the `content` it answers; null shows nothing
 * (other types, a record not saved yet, no permission, or a record no rule and no message concern).
 */
export const WhatsAppPanel = ({ model, documentId }: PanelProps): PanelDescription | null => {
  const t = useT();
  const { get } = useFetchClient();
  const { allowedActions: readable } = useRBAC(PERMISSIONS.readMessages);
  const { allowedActions: sendable } = useRBAC(PERMISSIONS.sendMessages);
  const canRead = Boolean(readable.canRead);
  const canSend = Boolean(sendable.canSend);
  const candidate = isPanelCandidate(model, documentId);

  const [loaded, setLoaded] = useState<{ key: string; view: RecordView | null; closed: boolean }>({ key: '', view: null, closed: false });
  const [nonce, setNonce] = useState(0);
  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  const recordKey = `${model}/${documentId ?? ''}`;

  useEffect(() => {
    if (!candidate || !canRead || !documentId) return undefined;
    let active = true;
    const load = async () => {
      try {
        const { data } = await get<{ data: unknown }>(`/whatsapp/automations/record/${model}/${encodeURIComponent(documentId)}`);
        if (active) setLoaded({ key: recordKey, view: toRecordView(data?.data), closed: false });
      } catch (error) {
        // 403 (no access) or 404 (not a host type): nothing to show, and no point asking again.
        // Anything else (a network blip): keep what is shown and try again at the next tick.
        const status = errorStatus(error);
        if (active && (status === 403 || status === 404 || status === 401)) {
          clearInterval(timer);
          setLoaded({ key: recordKey, view: null, closed: true });
        }
      }
    };
    const timer = setInterval(load, POLL_MS);
    load();
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [candidate, canRead, documentId, model, recordKey, get, nonce]);

  const view = loaded.key === recordKey && !loaded.closed ? loaded.view : null;
  if (!canRead || !documentId || !view || !showPanel(model, documentId, view)) return null;

  return {
    title: t('panel.title', 'WhatsApp'),
    content: <RecordPanelContent view={view} model={model} documentId={documentId} canSend={canSend} onChanged={refresh} />,
  };
};
