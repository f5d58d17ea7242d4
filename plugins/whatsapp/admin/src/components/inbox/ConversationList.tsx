import { Badge, Box, Button, Flex, Loader, Searchbar, SingleSelect, SingleSelectOption, Tabs, Typography } from '@strapi/design-system';

import { contactLabel } from '../../inbox/format';
import type { Conversation, ConversationFilters } from '../../inbox/types';
import { useT } from '../../utils/useT';
import { When } from './When';

interface Props {
  conversations: Conversation[];
  loading: boolean;
  hasMore: boolean;
  onLoadMore: () => void;
  selectedId: number | null;
  onSelect: (id: number) => void;
  filters: Omit<ConversationFilters, 'search'>;
  onFiltersChange: (filters: Omit<ConversationFilters, 'search'>) => void;
  search: string;
  onSearchChange: (value: string) => void;
  now: number;
}

/** The left column: filters, search and the conversations, unread first. */
export const ConversationList = ({ conversations, loading, hasMore, onLoadMore, selectedId, onSelect, filters, onFiltersChange, search, onSearchChange, now }: Props) => {
  const t = useT();

  return (
    <Flex direction="column" alignItems="stretch" height="100%">
      <Box padding={3} borderColor="neutral150" style={{ borderBottomWidth: 1, borderBottomStyle: 'solid' }}>
        <Flex direction="column" alignItems="stretch" gap={3}>
          <Searchbar
            name="search"
            value={search}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => onSearchChange(e.target.value)}
            onClear={() => onSearchChange('')}
            clearLabel={t('inbox.search.clear', 'Clear the search')}
            placeholder={t('inbox.search.placeholder', 'Search by name or phone')}
          >
            {t('inbox.search.label', 'Search conversations')}
          </Searchbar>
          <Tabs.Root variant="simple" value={filters.view} onValueChange={(view: string) => onFiltersChange({ ...filters, view: view as ConversationFilters['view'] })}>
            <Tabs.List aria-label={t('inbox.filter.label', 'Show')}>
              <Tabs.Trigger value="all">{t('inbox.filter.all', 'All')}</Tabs.Trigger>
              <Tabs.Trigger value="unread">{t('inbox.filter.unread', 'Unread')}</Tabs.Trigger>
              <Tabs.Trigger value="mine">{t('inbox.filter.mine', 'Mine')}</Tabs.Trigger>
            </Tabs.List>
          </Tabs.Root>
          {/* A row of its own, full width: "Abiertas y cerradas" is twice as long as "Open". */}
          <Box width="100%">
            <SingleSelect
              size="S"
              aria-label={t('inbox.filter.status', 'Status')}
              value={filters.status}
              onChange={(status: string | number) => onFiltersChange({ ...filters, status: String(status) as ConversationFilters['status'] })}
            >
              <SingleSelectOption value="open">{t('inbox.filter.open', 'Open')}</SingleSelectOption>
              <SingleSelectOption value="closed">{t('inbox.filter.closed', 'Closed')}</SingleSelectOption>
              <SingleSelectOption value="all">{t('inbox.filter.anyStatus', 'Open and closed')}</SingleSelectOption>
            </SingleSelect>
          </Box>
        </Flex>
      </Box>
      <Box flex="1" overflow="auto">
        {conversations.length === 0 && !loading ? (
          <Box padding={6}>
            <Typography textColor="neutral600">
              {search || filters.view !== 'all'
                ? t('inbox.list.noMatch', 'No conversation matches these filters.')
                : t('inbox.list.empty', 'No conversations yet. When a customer writes to your WhatsApp number, the conversation appears here.')}
            </Typography>
          </Box>
        ) : null}
        {conversations.map((conversation) => (
          <ConversationRow key={conversation.id} conversation={conversation} selected={conversation.id === selectedId} onSelect={onSelect} now={now} />
        ))}
        {loading ? (
          <Flex justifyContent="center" padding={4}>
            <Loader small>{t('inbox.loading', 'Loading…')}</Loader>
          </Flex>
        ) : null}
        {hasMore && !loading ? (
          <Flex justifyContent="center" padding={3}>
            <Button variant="tertiary" size="S" onClick={onLoadMore}>
              {t('inbox.list.more', 'Show more conversations')}
            </Button>
          </Flex>
        ) : null}
      </Box>
    </Flex>
  );
};

const ConversationRow = ({ conversation, selected, onSelect, now }: { conversation: Conversation; selected: boolean; onSelect: (id: number) => void; now: number }) => {
  const t = useT();
  const unread = conversation.unreadCount > 0;
  const name = contactLabel(conversation.contact, conversation.contactId);

  return (
    <Box
      tag="button"
      type="button"
      onClick={() => onSelect(conversation.id)}
      aria-current={selected ? 'true' : undefined}
      width="100%"
      padding={3}
      background={selected ? 'primary100' : 'neutral0'}
      borderColor="neutral150"
      borderStyle="solid"
      style={{ textAlign: 'left', cursor: 'pointer', display: 'block', borderWidth: '0 0 1px 0' }}
    >
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Flex justifyContent="space-between" gap={2}>
          <Typography fontWeight={unread ? 'bold' : 'semiBold'} ellipsis textColor="neutral800">
            {name}
          </Typography>
          <Typography variant="pi" textColor={unread ? 'primary600' : 'neutral500'} style={{ whiteSpace: 'nowrap' }}>
            <When at={conversation.lastMessageAt ?? conversation.createdAt} now={now} />
          </Typography>
        </Flex>
        <Flex justifyContent="space-between" gap={2}>
          <Typography variant="pi" textColor="neutral600" ellipsis>
            {conversation.lastMessagePreview ?? ''}
          </Typography>
          <Flex gap={1} shrink={0}>
            {conversation.contact?.isLead ? (
              <Badge size="S" variant="secondary">
                {t('inbox.lead', 'Lead')}
              </Badge>
            ) : null}
            {conversation.status === 'closed' ? (
              <Badge size="S" variant="neutral">
                {t('inbox.closed', 'Closed')}
              </Badge>
            ) : null}
            {unread ? (
              <Badge size="S" variant="success" active aria-label={t('inbox.unread', '{count} unread', { count: conversation.unreadCount })}>
                {conversation.unreadCount}
              </Badge>
            ) : null}
          </Flex>
        </Flex>
      </Flex>
    </Box>
  );
};
