import { Command } from 'commander';
import type { AppCliKit } from '../../platform/apps.js';
import { facesCommand } from './faces/faces-cli.js';
import { syncCommand } from './sync-agent/sync-cli.js';
import { searchCommand } from './sync-agent/search-cli.js';
import { peopleCommand } from './people/people-cli.js';

/** `tenantry aura …`: Aura's operator commands. */
export function auraCommand(kit: AppCliKit): Command {
  const aura = new Command('aura').description('Aura Pro photo studios');
  aura.addCommand(facesCommand(kit));
  aura.addCommand(peopleCommand(kit));
  aura.addCommand(syncCommand());
  aura.addCommand(searchCommand());
  return aura;
}
