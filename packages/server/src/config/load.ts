import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { type Config, type ConfigInput, type ConfigKey, ConfigSchema, secretConfigKeys } from './schema.js';

/** Start-up refused because of the configuration; the message names each offending key and where it came from. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ConfigSources {
  /** Command-line arguments after the script name: `--port 9000 --config gatehouse.json`. */
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** Highest layer, for embedding and tests. */
  overrides?: ConfigInput;
}

type Origin = 'file' | 'environment' | 'flag' | 'override';

const configKeys = Object.keys(ConfigSchema.shape) as ConfigKey[];

export const envVarName = (key: string) => `GATEHOUSE_${key.replace(/([A-Z])/g, '_$1').toUpperCase()}`;
export const flagName = (key: string) => key.replace(/([A-Z])/g, '-$1').toLowerCase();

/**
 * Builds the configuration from its layers: defaults < config file < `GATEHOUSE_*` environment < flags < overrides.
 * Throws {@link ConfigError} naming every bad key.
 */
export function loadConfig({ argv = [], env = {}, overrides = {} }: ConfigSources = {}): Config {
  const flags = parseFlags(argv);
  const configFile = flags.config ?? env.GATEHOUSE_CONFIG;
  const values: Record<string, unknown> = {};
  const origins = new Map<string, Origin>();
  const apply = (layer: Record<string, unknown>, origin: Origin) => {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      values[key] = value;
      origins.set(key, origin);
    }
  };

  if (configFile !== undefined) apply(readConfigFile(configFile), 'file');
  apply(Object.fromEntries(configKeys.map((key) => [key, emptyToUndefined(env[envVarName(key)])])), 'environment');
  apply(flags.values, 'flag');
  apply(overrides, 'override');

  const parsed = ConfigSchema.safeParse(values);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, origins, configFile));

  const config = parsed.data;
  const publicUrl = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
  return {
    ...config,
    publicUrl,
    tokenAudience: config.tokenAudience ?? publicUrl,
    databaseUrl: config.databaseUrl ?? `sqlite:${path.join(config.dataDir, 'gatehouse.db')}`,
  };
}

/** Warnings about settings that are fine for a trial but wrong in production. */
export function productionWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const url = new URL(config.publicUrl);
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    warnings.push(
      `publicUrl ${config.publicUrl} is plain http: tokens, passwords and cookies would cross the network ` +
        'unencrypted. You MUST serve Gatehouse over https in production.',
    );
  }
  if (config.passwordHashMemoryKib < 19_456) {
    warnings.push('passwordHashMemoryKib is below the OWASP minimum of 19456; you MUST raise it in production.');
  }
  return warnings;
}

/** The configuration with secrets replaced, for logs. */
export function redactConfig(config: Config): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      secretConfigKeys.has(key as ConfigKey) && value !== undefined ? redact(key, value) : value,
    ]),
  );
}

function redact(key: string, value: unknown): string {
  if (key === 'databaseUrl' && typeof value === 'string' && value.startsWith('sqlite:')) return value;
  return '[redacted]';
}

function parseFlags(argv: readonly string[]): { config?: string; values: Record<string, string> } {
  const options = Object.fromEntries([
    ['config', { type: 'string' as const }],
    ...configKeys.map((key) => [flagName(key), { type: 'string' as const }]),
  ]);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ConfigError(`Invalid command line: ${(error as Error).message}`);
  }
  const values: Record<string, string> = {};
  for (const key of configKeys) {
    const value = parsed.values[flagName(key)];
    if (typeof value === 'string') values[key] = value;
  }
  const config = parsed.values.config;
  return { ...(typeof config === 'string' ? { config } : {}), values };
}

function readConfigFile(file: string): Record<string, unknown> {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new ConfigError(`The config file ${file} must hold a JSON object.`);
  }
  const unknown = Object.keys(content).filter((key) => !(configKeys as string[]).includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(`The config file ${file} has unknown keys: ${unknown.join(', ')}.`);
  }
  return content as Record<string, unknown>;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], origins: Map<string, Origin>, file?: string): string {
  const lines = issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const origin = origins.get(key);
    const where =
      origin === 'environment'
        ? `${envVarName(key)} in the environment`
        : origin === 'flag'
          ? `--${flagName(key)} on the command line`
          : origin === 'file'
            ? `"${key}" in ${file}`
            : origin === 'override'
              ? 'the embedding code'
              : `${envVarName(key)} / --${flagName(key)}`;
    return `  - ${key} (${where}): ${issue.message}`;
  });
  return `Invalid configuration:\n${lines.join('\n')}`;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
