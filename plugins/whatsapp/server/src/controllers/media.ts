import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { inlineDisposition } from '../lib/file-name';
import { getService } from '../utils';

/** Serves a media-library file to a provider holding a valid, unexpired signed token. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async download(ctx: any) {
    const media = getService('media');
    const fileId = media.verify(ctx.params.token);
    if (!fileId) return ctx.forbidden('This media link is invalid or has expired');
    const file = await media.file(fileId);
    if (!file) return ctx.notFound('File not found');
    const publicDir = strapi.dirs.static.public;
    const location = path.join(publicDir, String(file.url).replace(/^\//, ''));
    if (!location.startsWith(publicDir) || !fs.existsSync(location)) return ctx.notFound('File not found');
    ctx.type = file.mime;
    ctx.set('Content-Disposition', inlineDisposition(file.name));
    ctx.set('Cache-Control', 'private, max-age=300');
    ctx.body = fs.createReadStream(location);
  },
});
