import { z } from 'zod';
import { envVarName, flagName } from './load.js';
import { type ConfigKey, ConfigSchema, secretConfigKeys } from './schema.js';

/** docs/configuration.md, generated from the schema so the two cannot disagree. */
export function renderConfigReference(): string {
  const rows = Object.entries(ConfigSchema.shape).map(([key, field]) => {
    const fallback = field instanceof z.ZodDefault ? (field._zod.def.defaultValue as unknown) : undefined;
    const defaultValue = fallback === undefined ? '' : `\`${JSON.stringify(fallback)}\``;
    const secret = secretConfigKeys.has(key as ConfigKey) ? ' (secret: never logged)' : '';
    const description = ((field as z.ZodType).description ?? '').replace(/\|/g, '\\|');
    return `| \`${key}\` | \`${envVarName(key)}\` | \`--${flagName(key)}\` | ${defaultValue} | ${description}${secret} |`;
  });
  return `# Configuration

<!-- Generated from packages/server/src/config/schema.ts by \`npm run docs:config\`; do not edit by hand. -->

Every key can be set in four places; a later one wins:

1. the default below;
2. a JSON file given with \`--config <file>\` or \`GATEHOUSE_CONFIG\` (keys as in the first column);
3. an environment variable;
4. a command-line flag (\`npm start -- --port 9000\`).

A bad value stops start-up with a message naming the key and where the value came from.

| Key | Environment | Flag | Default | Description |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}
