import { Box, Flex, Typography } from '@strapi/design-system';

/** One figure on a card (the dashboard's totals, a campaign's stats): its label, value and a hint. */
export const Stat = ({ label, value, hint, tone }: { label: string; value: string; hint?: string; tone?: 'danger' }) => (
  <Box background="neutral0" padding={4} shadow="filterShadow" hasRadius height="100%" width="100%">
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Typography variant="sigma" textColor="neutral600">
        {label}
      </Typography>
      <Typography variant="beta" tag="p" textColor={tone === 'danger' ? 'danger600' : undefined}>
        {value}
      </Typography>
      {hint ? (
        <Typography variant="pi" textColor="neutral600">
          {hint}
        </Typography>
      ) : null}
    </Flex>
  </Box>
);
