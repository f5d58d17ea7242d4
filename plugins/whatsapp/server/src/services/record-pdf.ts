import type { Core } from '@strapi/strapi';

/** Placeholder until the PDF documents land. */
const createRecordPdfService = ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async generate(uid: string, _documentId: string): Promise<{ fileId: number; name: string; created: boolean }> {
    throw new Error(`No PDF document is made for ${uid} yet`);
  },
});

export type RecordPdfService = ReturnType<typeof createRecordPdfService>;
export default createRecordPdfService;
