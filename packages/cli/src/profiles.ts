import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Credentials, credentialsFromProperties, formatCredentialsProperties } from '@gatehouse/sdk';
import { UsageError } from './io.js';

/**
 * Named credential profiles, like the OLP CLI's `olpcli.ini`: each one a `credentials.properties` file under
 * `~/.gatehouse/profiles/`, readable by its owner only.
 */
export class ProfileStore {
  readonly directory: string;

  constructor(home: string) {
    this.directory = path.join(home, '.gatehouse', 'profiles');
  }

  fileOf(name: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
      throw new UsageError(`Invalid profile name "${name}": use letters, digits, "-", "_" and ".".`);
    }
    return path.join(this.directory, `${name}.properties`);
  }

  async save(name: string, credentials: Credentials): Promise<string> {
    const file = this.fileOf(name);
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await writeFile(file, formatCredentialsProperties(credentials), { mode: 0o600 });
    await chmod(file, 0o600);
    return file;
  }

  /** The profile's credentials, or undefined when there is no such profile. */
  async load(name: string): Promise<Credentials | undefined> {
    const file = this.fileOf(name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return credentialsFromProperties(text, file);
  }

  async list(): Promise<string[]> {
    try {
      const files = await readdir(this.directory);
      return files.filter((file) => file.endsWith('.properties')).map((file) => file.slice(0, -'.properties'.length));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}
