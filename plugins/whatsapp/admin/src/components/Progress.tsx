import { ProgressBar } from '@strapi/design-system';
import { styled } from 'styled-components';

/**
 * The design system's ProgressBar is drawn for dark surfaces (white on grey, as in upload toasts):
 * on a white card it shows nothing. The same component in the primary colours, as wide as its box.
 */
const Progress = styled(ProgressBar)`
  width: 100%;
  min-width: 7.8rem;
  background-color: ${({ theme }) => theme.colors.primary100};

  & > div {
    background-color: ${({ theme }) => theme.colors.primary600};
  }
`;

export { Progress };
