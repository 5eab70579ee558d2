import { z } from 'zod';

/** What a token may do. `admin` may do everything. */
export const PermissionSchema = z.enum([
  'tasks:create',
  'tasks:distribute',
  'tasks:respond',
  'agents:register',
  'agents:update',
  /** Read tasks (an agent-bound token: only the tasks assigned to its agent). */
  'tasks:read',
  /** Read the agent list and queue statistics. */
  'agents:read',
  /** Watch, never act: read /metrics and the dashboard (what a Prometheus scraper's token needs). */
  'ops:read',
  'admin',
]);

export type Permission = z.infer<typeof PermissionSchema>;
