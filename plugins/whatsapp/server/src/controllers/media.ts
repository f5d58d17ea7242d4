import fs from 'fs';
import type { Core } from '@strapi/strapi';
import { inlineDisposition } from '../lib/file-name';
import { localFilePath } from '../services/media';
import { getService } from '../utils';

/** Serves a media-library file to a provider holding a valid, unexpired signed token. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async download(ctx: any) {
    const media = getService('media');
    const fileId = media.verify(ctx.params.token);
    if (!fileId) return ctx.forbidden('This media link is invalid or has expired');
    const file = await media.file(fileId);
    if (!file) return ctx.notFound('File not found');
    const location = localFilePath(strapi.dirs.static.public, file.url);
    if (!location || !fs.existsSync(location)) return ctx.notFound('File not found');
    ctx.type = file.mime;
    ctx.set('Content-Disposition', inlineDisposition(file.name));
    ctx.set('Cache-Control', 'private, max-age=300');
    ctx.body = fs.createReadStream(location);
  },
});
