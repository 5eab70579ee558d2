// A task handler for `switchyard agent`: the default export gets each task and returns its result
// (any JSON). Throw to fail the task; import { TaskFailure } from '@switchyard/agent' to give a
// code and say whether a retry could help.
export default async function handle(task, context) {
  const text =
    typeof task.data === 'object' && task.data !== null && 'prompt' in task.data
      ? String(task.data.prompt)
      : JSON.stringify(task.data);
  return { handledBy: context.agentId, taskType: task.type, summary: text.slice(0, 80) };
}
