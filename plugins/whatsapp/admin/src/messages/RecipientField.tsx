import { useEffect, useState } from 'react';
import { Box, Button, Field, Flex, TextInput, Typography } from '@strapi/design-system';
import { Cross } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';

import type { Contact, ListAnswer, RecipientCheck } from '../../../shared/contracts';
import { displayName } from '../contacts/logic';
import { useT } from '../utils/useT';
import { contactSearchQuery, looksLikePhone, phoneProblem } from './compose';

/** The contact search waits for the typing to pause this long. */
const SEARCH_DEBOUNCE_MS = 300;

/** The server's reading of the recipient (GET /whatsapp/messages/recipient). */
export type RecipientState = { kind: 'idle' } | { kind: 'checking' } | { kind: 'ok'; check: RecipientCheck } | { kind: 'error'; message: string };

interface Props {
  /** The role may search contacts (GET /whatsapp/contacts needs the contacts permission). */
  canSearch: boolean;
  typed: string;
  onType: (text: string) => void;
  picked: Contact | null;
  onPick: (contact: Contact | null) => void;
  state: RecipientState;
  /** A problem found on sending (empty, unreadable, refused by the server). */
  error?: string;
}

/**
 * One field for the recipient: a name searches the contacts (with the permission), a number is
 * checked as it is typed, first for what is certainly wrong, then by the server with the default
 * country and WhatsApp's own rules, which also says whose number it is.
 */
export const RecipientField = ({ canSearch, typed, onType, picked, onPick, state, error }: Props) => {
  const t = useT();
  const { get } = useFetchClient();
  const [results, setResults] = useState<Contact[] | null>(null);

  const query = typed.trim();
  const searching = canSearch && !picked && query.length >= 2;
  useEffect(() => {
    if (!searching) {
      setResults(null);
      return;
    }
    let stale = false;
    const timer = setTimeout(() => {
      get<ListAnswer<Contact>>('/whatsapp/contacts', { params: contactSearchQuery(query) })
        .then(({ data }) => {
          if (!stale) setResults(data.data);
        })
        .catch(() => {
          if (!stale) setResults([]);
        });
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [get, query, searching]);

  if (picked) {
    const name = displayName(picked);
    return (
      <Field.Root name="to" error={error}>
        <Field.Label>{t('compose.to', 'To')}</Field.Label>
        <Flex gap={2} alignItems="center" background="neutral100" padding={3} hasRadius justifyContent="space-between">
          <Typography>
            {name ? <Typography fontWeight="bold">{name}</Typography> : null} {picked.phone ?? (picked.username ? `@${picked.username}` : picked.providerUserId)}
          </Typography>
          <Button variant="tertiary" size="S" startIcon={<Cross />} onClick={() => onPick(null)}>
            {t('compose.to.change', 'Change')}
          </Button>
        </Flex>
        <Field.Error />
      </Field.Root>
    );
  }

  // What the field says under it: the server's reading of a number, or what is wrong with it.
  const numberLike = looksLikePhone(typed);
  const problem = query && (numberLike || !canSearch) ? phoneProblem(typed) : null;
  const live =
    error ??
    (state.kind === 'error'
      ? state.message
      : problem === 'invalid-characters'
        ? t('compose.to.invalidCharacters', 'A phone number has only digits, spaces, dashes, dots, brackets and a leading +.')
        : problem === 'too-long'
          ? t('compose.to.tooLong', 'The number is too long.')
          : undefined);
  const hint =
    state.kind === 'ok'
      ? state.check.contact
        ? t('compose.to.contact', 'Goes to {to}, {name}.', { to: state.check.to, name: state.check.contact.name ?? `#${state.check.contact.id}` })
        : t('compose.to.new', 'Goes to {to}: a new contact, created when the message is sent.', { to: state.check.to })
      : state.kind === 'checking'
        ? t('compose.to.checking', 'Checking the number…')
        : canSearch
          ? t('compose.to.hint', 'Search a contact by name or number, or type a number (without + it is read in your default country).')
          : t('compose.to.hintNumber', 'Type the number (without + it is read in your default country).');

  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Field.Root name="to" error={live} hint={hint} required>
        <Field.Label>{t('compose.to', 'To')}</Field.Label>
        <TextInput
          value={typed}
          autoComplete="off"
          placeholder={canSearch ? t('compose.to.placeholder', 'Name or number, e.g. 55 1234 5678') : t('compose.to.placeholderNumber', 'e.g. 55 1234 5678')}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => onType(e.target.value)}
        />
        <Field.Hint />
        <Field.Error />
      </Field.Root>
      {searching && results !== null ? (
        results.length ? (
          <Box background="neutral0" borderColor="neutral200" hasRadius padding={1}>
            <Flex direction="column" alignItems="stretch" gap={1}>
              {results.map((contact) => (
                <Button key={contact.id} variant="ghost" fullWidth justifyContent="flex-start" onClick={() => onPick(contact)}>
                  {[displayName(contact), contact.phone ?? contact.providerUserId].filter(Boolean).join(' · ')}
                </Button>
              ))}
            </Flex>
          </Box>
        ) : numberLike ? null : (
          <Typography variant="pi" textColor="neutral600">
            {t('compose.to.noMatch', 'No contact matches “{query}”.', { query })}
          </Typography>
        )
      ) : null}
    </Flex>
  );
};
