import type { ChaosReport } from './chaos-report.js';

const ms = (value: number | null): string => (value === null ? 'n/a' : `${value.toLocaleString('en-US')} ms`);
const n = (value: number): string => value.toLocaleString('en-US');

/** The report for a person: the verdict first, then the numbers behind it. */
export function formatReport(report: ChaosReport): string {
  const { details } = report;
  const lines = [
    details.goals.met ? 'chaos run: PASSED — every goal met' : `chaos run: FAILED — ${details.goals.misses.join('; ')}`,
    '',
    `  tasks            ${n(details.tasks)} (seed ${String(details.seed)}, started ${details.startedAt}, ${(details.durationMs / 1000).toFixed(1)} s)`,
    `  nats-server      ${details.nats.version}, ${String(details.nats.nodes)} node(s), replicas ${String(details.nats.replicas)}`,
    `  completed        ${n(report.completed)}`,
    `  lost             ${n(report.lost)}`,
    `  stuck            ${n(report.stuck)}`,
    `  duplicated       ${n(report.duplicated)}  (completed more than once in the journal)`,
    `  final rewrites   ${n(report.finalRewrites)}  (a final state overwritten)`,
    `  dead-lettered    ${n(report.deadLettered)}    failed ${n(details.failed)}    never accepted ${n(details.notAccepted)}`,
    `  max recovery     agent loss ${ms(report.maxRecoveryMs.agentLoss)}, orchestrator loss ${ms(report.maxRecoveryMs.orchestratorLoss)}  (death → its last in-flight task moving again)`,
    `  latency          p50 ${ms(details.latencyMs.p50)}, p99 ${ms(report.p99LatencyMs)}, max ${ms(details.latencyMs.max)}  (created → completed)`,
    `  by priority      ${(['critical', 'high', 'normal', 'low'] as const).map((priority) => `${priority} ${n(details.byPriority[priority].completed)} (p99 ${ms(details.byPriority[priority].p99LatencyMs)})`).join(', ')}`,
    `  by kind          ${Object.entries(details.byKind)
      .map(
        ([kind, line]) =>
          `${kind} ${n(line.completed)}/${n(line.planned)} (+${n(line.extraAttempts)} attempts${
            Object.keys(line.endedAttempts).length === 0
              ? ''
              : `: ${Object.entries(line.endedAttempts)
                  .map(([how, count]) => `${how} ${n(count)}`)
                  .join(', ')}`
          })`,
      )
      .join(', ')}`,
    `  chaos            ${String(details.chaos.agentKills)} agent SIGKILL(s), ${String(details.chaos.orchestratorKills)} orchestrator SIGKILL(s), ${String(details.chaos.crashesBeforeSend)} crash(es) between journal write and send, ${String(details.chaos.natsKills)} nats-server SIGKILL(s)`,
    ...details.recoveries.map(
      (recovery) =>
        `    ${(recovery.atMs / 1000).toFixed(1).padStart(6)} s  killed ${recovery.agentId.padEnd(12)} ${String(recovery.inFlight).padStart(3)} in flight, recovered in ${ms(recovery.recoveryMs)}`,
    ),
    ...details.orchestratorRecoveries.map(
      (recovery) =>
        `    ${(recovery.atMs / 1000).toFixed(1).padStart(6)} s  ${recovery.how === 'sigkill' ? 'killed' : 'crashed'} ${recovery.orchestratorId.padEnd(12)} ${String(recovery.inFlight).padStart(3)} in flight, recovered in ${ms(recovery.recoveryMs)}${recovery.slowestTaskId === null ? '' : ` (slowest ${recovery.slowestTaskId})`}`,
    ),
    `  executions       ${n(details.executions.total)} handler runs started, ${n(details.executions.neverReturned)} never returned; ${n(details.executions.tasksRunMoreThanOnce)} task(s) ran more than once (at most ${String(details.executions.mostRunsOfOneTask)}×): at-least-once execution, exactly-once completion`,
    `  unusual tasks    ${n(details.unusualTasks.count)} not started once, completed once and never rewritten`,
    `  submission       ${n(details.accepted)} accepted, ${n(details.submission.alreadyExisted)} of them as TASK_ALREADY_EXISTS; ${n(details.submission.retries)} retries${
      Object.keys(details.submission.errors).length === 0
        ? ''
        : ` (${Object.entries(details.submission.errors)
            .map(([code, { count }]) => `${code} ${n(count)}`)
            .join(', ')})`
    }`,
    `  observer         ${n(details.observer.revisions)} KV revisions read, ${n(details.observer.unobservedRevisions)} replaced before read, ${String(details.observer.watchRestarts)} watch restart(s), ${String(details.observer.malformedValues)} malformed, ${String(details.observer.unknownTasks)} unknown task(s)`,
  ];
  for (const [code, { example }] of Object.entries(details.submission.errors))
    lines.push(`    ${code}: ${example.slice(0, 160)}`);
  if (details.incidents.length > 0) {
    lines.push('', '  processes that exited on their own:');
    for (const incident of details.incidents) {
      lines.push(
        `    ${(incident.atMs / 1000).toFixed(1)} s  ${incident.process} (code ${String(incident.code)}, signal ${String(incident.signal)})`,
        ...incident.lastLines.map((line) => `      | ${line}`),
      );
    }
  }
  const problem = (task: ChaosReport['details']['lostTasks'][number]): string =>
    `${task.id} [${task.kind}, ${task.status}, attempt ${String(task.attempts)}${task.assignedAgentId === null ? '' : ` at ${task.assignedAgentId}`}]`;
  if (details.lostTasks.length > 0)
    lines.push('', `  lost (first ${String(details.lostTasks.length)}): ${details.lostTasks.map(problem).join(', ')}`);
  if (details.stuckTasks.length > 0)
    lines.push(
      '',
      `  stuck (first ${String(details.stuckTasks.length)}): ${details.stuckTasks.map(problem).join(', ')}`,
    );
  if (details.duplicatedTasks.length > 0)
    lines.push(
      '',
      `  duplicated (first ${String(details.duplicatedTasks.length)}): ${details.duplicatedTasks.map((task) => `${task.id} (${task.why})`).join(', ')}`,
    );
  if (details.finalRewriteTasks.length > 0)
    lines.push(
      '',
      `  final state rewritten (first ${String(details.finalRewriteTasks.length)}): ${details.finalRewriteTasks.map((task) => `${task.id} (${task.why})`).join(', ')}`,
    );
  return lines.join('\n');
}
