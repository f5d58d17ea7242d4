import type { Schema, Struct } from '@strapi/strapi';

export interface SharedLine extends Struct.ComponentSchema {
  collectionName: 'components_shared_lines';
  info: {
    description: 'A line of a quote or purchase order';
    displayName: 'Line';
    icon: 'bulletList';
  };
  attributes: {
    description: Schema.Attribute.String & Schema.Attribute.Required;
    quantity: Schema.Attribute.Decimal & Schema.Attribute.DefaultTo<1>;
    unitPrice: Schema.Attribute.Decimal;
  };
}

declare module '@strapi/strapi' {
  export namespace Public {
    export interface ComponentSchemas {
      'shared.line': SharedLine;
    }
  }
}
