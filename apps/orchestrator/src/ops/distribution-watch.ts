import type { TaskDistributor } from '@switchyard/core/internal';

/**
 * What the operators' views (metrics, dashboard, event logs) read from the distributor: its
 * events, its queue and its agents. The distributor itself in the app; a stand-in in tests.
 */
export type DistributionWatch = Pick<TaskDistributor, 'onEvent' | 'queueStats' | 'listAgents'>;
