import { useEffect, useState } from 'react';
import { Badge, Box, EmptyStateLayout, Flex, Link, LinkButton, Searchbar, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowLeft, Plus } from '@strapi/icons';
import { NavLink, useNavigate } from 'react-router-dom';
import { useIntl } from 'react-intl';
import { Layouts, Page, useFetchClient, useRBAC } from '@strapi/strapi/admin';

import type { ListAnswer, Template } from '../../../shared/contracts';
import { PERMISSIONS } from '../constants';
import { mappingOf } from '../templates/logic';
import { useT } from '../utils/useT';

/** The search waits for the typing to pause this long before asking the server. */
const SEARCH_DEBOUNCE_MS = 300;

/**
 * The templates: name, category, language, how each is mapped to the provider's approved
 * template (Meta name, Twilio Content SID) and whether it is active. Meta's approval status is
 * not stored yet (step 11): the mapping is what exists today.
 */
const TemplatesPage = () => {
  const t = useT();
  const { formatDate } = useIntl();
  const { get } = useFetchClient();
  const navigate = useNavigate();
  const { allowedActions } = useRBAC(PERMISSIONS.manageTemplates);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  useEffect(() => {
    let stale = false;
    get<ListAnswer<Template>>('/whatsapp/templates', { params: { pageSize: 100, ...(query ? { filters: { search: query } } : {}) } })
      .then(({ data }) => {
        if (stale) return;
        setTemplates(data.data);
        setTotal(data.meta.pagination.total);
      })
      .catch(() => setError(true));
    return () => {
      stale = true;
    };
  }, [get, query]);

  if (error) return <Page.Error />;
  if (!templates) return <Page.Loading />;

  const category = (c: Template['category']) =>
    ({
      marketing: t('templates.category.marketing', 'Marketing'),
      utility: t('templates.category.utility', 'Utility'),
      authentication: t('templates.category.authentication', 'Authentication'),
    })[c];
  const newButton = allowedActions.canManage ? (
    <LinkButton tag={NavLink} to="new" startIcon={<Plus />}>
      {t('templates.new', 'New template')}
    </LinkButton>
  ) : undefined;

  return (
    <Page.Main>
      <Page.Title>{t('templates.title', 'Templates')}</Page.Title>
      <Layouts.Header
        title={t('templates.title', 'Templates')}
        subtitle={t('templates.subtitle', '{total, plural, one {# template} other {# templates}}: the texts your messages are written from.', { total })}
        navigationAction={
          <Link tag={NavLink} to=".." relative="path" startIcon={<ArrowLeft />}>
            {t('templates.back', 'WhatsApp')}
          </Link>
        }
        primaryAction={newButton}
      />
      <Layouts.Action
        startActions={
          <Box width="32rem">
            <Searchbar
              name="search"
              value={search}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearch(e.target.value)}
              onClear={() => setSearch('')}
              clearLabel={t('templates.search.clear', 'Clear the search')}
              placeholder={t('templates.search.placeholder', 'Search by name')}
            >
              {t('templates.search.label', 'Search templates')}
            </Searchbar>
          </Box>
        }
      />
      <Layouts.Content>
        {templates.length === 0 ? (
          <EmptyStateLayout
            content={
              query
                ? t('templates.empty.search', 'No template is named like “{query}”. Try another name, or create it.', { query })
                : t('templates.empty', 'No templates yet. Create one: write its text with variables like {example}, and map it to your approved Meta or Twilio template.', { example: '{{nombre}}' })
            }
            action={newButton}
          />
        ) : (
          <Table colCount={7} rowCount={templates.length + 1}>
            <Thead>
              <Tr>
                <Th>
                  <Typography variant="sigma">{t('templates.column.name', 'Name')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.category', 'Category')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.language', 'Language')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.meta', 'Meta template')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.twilio', 'Twilio content')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.active', 'Status')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('templates.column.updated', 'Last changed')}</Typography>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {templates.map((template) => {
                const mapping = mappingOf(template);
                return (
                  <Tr key={template.id} onClick={() => navigate(String(template.id))} style={{ cursor: 'pointer' }}>
                    <Td>
                      <Typography fontWeight="bold">{template.name}</Typography>
                    </Td>
                    <Td>
                      <Typography>{category(template.category)}</Typography>
                    </Td>
                    <Td>
                      <Typography>{template.language}</Typography>
                    </Td>
                    <Td>
                      <Typography textColor={mapping.meta ? 'neutral800' : 'neutral500'}>{mapping.meta ?? t('templates.unmapped', 'Not mapped')}</Typography>
                    </Td>
                    <Td>
                      <Typography textColor={mapping.twilio ? 'neutral800' : 'neutral500'}>{mapping.twilio ?? t('templates.unmapped', 'Not mapped')}</Typography>
                    </Td>
                    <Td>
                      <Badge variant={template.active ? 'success' : 'neutral'}>
                        {template.active ? t('templates.active', 'Active') : t('templates.inactive', 'Inactive')}
                      </Badge>
                    </Td>
                    <Td>
                      <Typography>{template.updatedAt ? formatDate(template.updatedAt, { dateStyle: 'medium', timeStyle: 'short' }) : ''}</Typography>
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
        <Flex paddingTop={4}>
          <Typography variant="pi" textColor="neutral600">
            {t('templates.approvalNote', 'Meta’s approval status will be shown here once templates are synchronised with Meta.')}
          </Typography>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export { TemplatesPage };
