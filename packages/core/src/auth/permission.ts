import { z } from 'zod';

/** What a token may do. `admin` may do everything. */
export const PermissionSchema = z.enum([
  'tasks:create',
  'tasks:distribute',
  'tasks:respond',
  'agents:register',
  'agents:update',
  'admin',
]);

export type Permission = z.infer<typeof PermissionSchema>;
