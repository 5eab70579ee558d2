import { InMemoryJournalStore } from '@switchyard/core/internal';
import { runTaskJournalContractSuite } from './task-journal-contract-suite.js';

runTaskJournalContractSuite('in-memory', () => {
  const store = new InMemoryJournalStore();
  return Promise.resolve({
    journal: (orchestratorId: string) => store.journal(orchestratorId),
    dispose: () => Promise.resolve(),
  });
});
