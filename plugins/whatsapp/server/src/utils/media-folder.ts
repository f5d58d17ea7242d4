import type { Core } from '@strapi/strapi';

/** The media library folder the plugin's files go to (customers' media, PDF documents), so they do not mix with the site's own. */
export const MEDIA_FOLDER_NAME = 'WhatsApp';

interface FolderService {
  create(data: { name: string; parent: null }): Promise<{ id: number }>;
}

/** One creation at a time in this process, whichever service asks first: never two WhatsApp folders. */
let creating: Promise<{ id: number }> | null = null;

/**
 * The WhatsApp folder's id, looked up per file (staff may delete or rename it) and created when
 * missing; undefined (the library's root) when that fails, with a warning: a file is never lost
 * for want of a folder.
 */
export async function whatsappFolderId(strapi: Core.Strapi): Promise<number | undefined> {
  try {
    const existing = await strapi.db.query('plugin::upload.folder').findOne({ where: { name: MEDIA_FOLDER_NAME, parent: null } });
    if (existing) return Number(existing.id);
    creating ??= (strapi.plugin('upload').service('folder') as unknown as FolderService).create({ name: MEDIA_FOLDER_NAME, parent: null }).finally(() => {
      creating = null;
    });
    return (await creating).id;
  } catch (error) {
    strapi.log.warn(`[whatsapp] media folder "${MEDIA_FOLDER_NAME}" unavailable, storing at the root: ${(error as Error).message}`);
    return undefined;
  }
}
