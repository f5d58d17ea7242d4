import { useState, type ComponentType } from 'react';
import { Button, Field, Flex, Typography } from '@strapi/design-system';
import { Cross, File as FileIcon } from '@strapi/icons';
import { useStrapiApp } from '@strapi/strapi/admin';

import { useT } from '../utils/useT';
import type { MediaUse, PickedMedia } from './compose';

/** A file as the upload plugin's Media Library dialog hands it over (only what is read here). */
interface LibraryFile {
  id: number;
  name: string;
  mime: string;
}

/** The upload plugin's dialog, registered as the admin component `media-library` (Strapi 5). */
type MediaLibraryDialog = ComponentType<{
  allowedTypes?: Array<'images' | 'files' | 'videos' | 'audios'>;
  multiple?: boolean;
  onClose: () => void;
  onSelectAssets: (files: LibraryFile[]) => void;
}>;

interface Props {
  use: Exclude<MediaUse, 'none'>;
  media: PickedMedia | null;
  allowedTypes: Array<'images' | 'files'>;
  onChange: (media: PickedMedia | null) => void;
  error?: string;
  hint: string;
  /** Defaults: the New message page's field (`media`, "Header file" / "Attachment (optional)"). */
  name?: string;
  label?: string;
  disabled?: boolean;
}

/**
 * A file from the Strapi media library, chosen in the upload plugin's own dialog (the library's
 * folders, search and upload, under the role's media-library permissions). Without the upload
 * plugin the field says so instead.
 */
export const MediaField = ({ use, media, allowedTypes, onChange, error, hint, name = 'media', label, disabled = false }: Props) => {
  const t = useT();
  const [open, setOpen] = useState(false);
  const components = useStrapiApp('WhatsAppMediaField', (state) => state.components, false);
  const Dialog = components?.['media-library'] as MediaLibraryDialog | undefined;

  return (
    <Field.Root name={name} error={error} hint={hint} required={use === 'required'}>
      <Field.Label>{label ?? (use === 'required' ? t('compose.media.header', 'Header file') : t('compose.media.optional', 'Attachment (optional)'))}</Field.Label>
      {Dialog ? (
        <Flex gap={2} alignItems="center" wrap="wrap">
          {media ? (
            <Typography>
              <Typography fontWeight="bold">{media.name}</Typography> ({media.mime})
            </Typography>
          ) : null}
          <Button variant="secondary" startIcon={<FileIcon />} disabled={disabled} onClick={() => setOpen(true)}>
            {media ? t('compose.media.change', 'Choose another file') : t('compose.media.choose', 'Choose from the media library')}
          </Button>
          {media ? (
            <Button variant="tertiary" startIcon={<Cross />} disabled={disabled} onClick={() => onChange(null)}>
              {t('compose.media.remove', 'Remove')}
            </Button>
          ) : null}
        </Flex>
      ) : (
        <Typography textColor="danger600">{t('compose.media.unavailable', 'The media library is not available in this admin (the upload plugin is off).')}</Typography>
      )}
      <Field.Hint />
      <Field.Error />
      {open && Dialog ? (
        <Dialog
          allowedTypes={allowedTypes}
          multiple={false}
          onClose={() => setOpen(false)}
          onSelectAssets={(files) => {
            const [file] = files;
            if (file) onChange({ id: file.id, name: file.name, mime: file.mime });
            setOpen(false);
          }}
        />
      ) : null}
    </Field.Root>
  );
};
