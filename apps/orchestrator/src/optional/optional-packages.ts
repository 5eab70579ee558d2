import { ValidationError } from '@switchyard/core';

/**
 * Packages the CLI needs only when the config asks for them (optional peer dependencies), imported
 * on demand, so an in-memory install is core, transport-memory, agent and the CLI: no NATS client,
 * no MCP server, no fast-agent or A2A adapter.
 */
export interface OptionalPackages {
  readonly nats: typeof import('@switchyard/transport-nats');
  readonly fastAgent: typeof import('@switchyard/fast-agent');
  readonly mcp: typeof import('@switchyard/mcp-server');
  readonly a2a: typeof import('@switchyard/a2a');
}
export type OptionalPackage = keyof OptionalPackages;

export const OPTIONAL_PACKAGE_NAMES: { readonly [Key in OptionalPackage]: string } = {
  nats: '@switchyard/transport-nats',
  fastAgent: '@switchyard/fast-agent',
  mcp: '@switchyard/mcp-server',
  a2a: '@switchyard/a2a',
};

/** What is known about each so far: imported, or found missing. */
const loaded: { -readonly [Key in OptionalPackage]?: OptionalPackages[Key] | null } = {};

/** What to tell a user whose config needs a package that is not installed. */
export function missingPackageMessage(key: OptionalPackage): string {
  const name = OPTIONAL_PACKAGE_NAMES[key];
  return `needs the package ${name}, which is not installed: npm install ${name}`;
}

/** Imports the package, or null when it is not installed; any other failure (a broken install) is thrown. */
async function importIfInstalled<Key extends OptionalPackage>(key: Key): Promise<OptionalPackages[Key] | null> {
  const known = loaded[key];
  if (known !== undefined) return known;
  const name = OPTIONAL_PACKAGE_NAMES[key];
  let imported: OptionalPackages[Key] | null;
  try {
    imported = (await import(name)) as OptionalPackages[Key];
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (!(
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      error instanceof Error &&
      error.message.includes(`'${name}'`)
    ))
      throw error;
    imported = null;
  }
  (loaded as Record<OptionalPackage, unknown>)[key] = imported;
  return imported;
}

function section(raw: Record<string, unknown> | undefined, key: string): Record<string, unknown> | undefined {
  const value = raw?.[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Imports the optional packages a raw config (env overrides applied) names, and returns those that
 * are installed: NATS for `transport.kind: nats` or JetStream durability, fast-agent for a
 * `fastAgent` section, A2A for an `a2a` section, the MCP server unless `mcp.http.enabled` is false.
 */
export async function importOptionalPackages(raw: Record<string, unknown>): Promise<Partial<OptionalPackages>> {
  const wanted: OptionalPackage[] = [];
  if (section(raw, 'transport')?.kind === 'nats' || section(raw, 'durability')?.kind === 'jetstream')
    wanted.push('nats');
  if (raw.fastAgent !== undefined) wanted.push('fastAgent');
  if (raw.a2a !== undefined) wanted.push('a2a');
  if (section(section(raw, 'mcp'), 'http')?.enabled !== false) wanted.push('mcp');
  const found: Partial<Record<OptionalPackage, unknown>> = {};
  for (const key of wanted) {
    const imported = await importIfInstalled(key);
    if (imported !== null) found[key] = imported;
  }
  return found as Partial<OptionalPackages>;
}

/** A package the config validated with (so already imported); `field` names the config path that asked for it. */
export function optionalPackage<Key extends OptionalPackage>(key: Key, field: string): OptionalPackages[Key] {
  const imported = loaded[key];
  if (imported == null) throw ValidationError.field(field, missingPackageMessage(key), 'config');
  return imported;
}

/** A package a command needs whatever the config says (e.g. `mcp --stdio`), imported now if need be. */
export async function requireOptionalPackage<Key extends OptionalPackage>(
  key: Key,
  field: string,
): Promise<OptionalPackages[Key]> {
  await importIfInstalled(key);
  return optionalPackage(key, field);
}
