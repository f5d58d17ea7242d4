/**
 * Lets the benchmarks load the TypeScript fakes in tests/fakes with plain `node`: a require
 * hook that strips types with @swc/core (already installed for jest).
 */
const fs = require('fs');
const swc = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript' }, target: 'es2020' },
  });
  module._compile(code, filename);
};
