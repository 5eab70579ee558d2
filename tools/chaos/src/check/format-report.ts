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
    `  completed        ${n(report.completed)}`,
    `  lost             ${n(report.lost)}`,
    `  duplicated       ${n(report.duplicated)}`,
    `  dead-lettered    ${n(report.deadLettered)}    failed ${n(details.failed)}    never accepted ${n(details.notAccepted)}`,
    `  max recovery     ${ms(report.maxRecoveryMs)}  (agent death → its last in-flight task handed over again)`,
    `  latency          p50 ${ms(details.latencyMs.p50)}, p99 ${ms(report.p99LatencyMs)}, max ${ms(details.latencyMs.max)}  (created → completed)`,
    `  by priority      ${(['critical', 'high', 'normal', 'low'] as const).map((priority) => `${priority} ${n(details.byPriority[priority].completed)} (p99 ${ms(details.byPriority[priority].p99LatencyMs)})`).join(', ')}`,
    `  chaos            ${String(details.chaos.agentKills)} agent kill(s), ${String(details.chaos.orchestratorRestarts)} orchestrator restart(s), ${String(details.chaos.natsRestarts)} nats-server restart(s)`,
    ...details.recoveries.map((recovery) => `    ${(recovery.atMs / 1000).toFixed(1).padStart(6)} s  killed ${recovery.agentId.padEnd(9)} ${String(recovery.inFlight).padStart(3)} in flight, recovered in ${ms(recovery.recoveryMs)}`),
    `  executions       ${n(details.executions.total)} handler runs; ${n(details.executions.tasksRunMoreThanOnce)} task(s) ran more than once (at most ${String(details.executions.mostRunsOfOneTask)}×): at-least-once execution, exactly-once completion`,
    `  submission       ${n(details.accepted)} accepted, ${n(details.submission.alreadyExisted)} of them as TASK_ALREADY_EXISTS; ${n(details.submission.retries)} retries${Object.keys(details.submission.errors).length === 0 ? '' : ` (${Object.entries(details.submission.errors).map(([code, { count }]) => `${code} ${n(count)}`).join(', ')})`}`,
    `  observer         ${n(details.observer.revisions)} KV revisions read, ${n(details.observer.unobservedRevisions)} replaced before read, ${String(details.observer.watchRestarts)} watch restart(s), ${String(details.observer.malformedValues)} malformed, ${String(details.observer.unknownTasks)} unknown task(s)`,
  ];
  for (const [code, { example }] of Object.entries(details.submission.errors)) lines.push(`    ${code}: ${example.slice(0, 160)}`);
  if (details.incidents.length > 0) {
    lines.push('', '  processes that exited on their own:');
    for (const incident of details.incidents) {
      lines.push(`    ${(incident.atMs / 1000).toFixed(1)} s  ${incident.process} (code ${String(incident.code)}, signal ${String(incident.signal)})`, ...incident.lastLines.map((line) => `      | ${line}`));
    }
  }
  if (details.lostTasks.length > 0) lines.push('', `  lost (first ${String(details.lostTasks.length)}): ${details.lostTasks.map((task) => `${task.id} [${task.status}, attempt ${String(task.attempts)}${task.assignedAgentId === null ? '' : ` at ${task.assignedAgentId}`}]`).join(', ')}`);
  if (details.duplicatedTasks.length > 0) lines.push('', `  duplicated (first ${String(details.duplicatedTasks.length)}): ${details.duplicatedTasks.map((task) => `${task.id} (${task.why})`).join(', ')}`);
  return lines.join('\n');
}
