// The Switchyard dashboard: renders each snapshot the server streams from /dashboard/events.
// Plain DOM and inline SVG; every value goes in as text, never as markup.
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 140;
const PAD = { left: 34, right: 6, top: 8, bottom: 16 };

const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function svgElement(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function formatMs(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

function niceMax(value) {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= value);
}

/** A line chart of several series over the same time points; null values break the line. */
function drawChart(svg, points, series) {
  svg.replaceChildren();
  const max = niceMax(
    Math.max(0, ...series.flatMap((line) => points.map(line.value).filter((value) => value !== null))),
  );
  const x = (index) => PAD.left + (index / Math.max(1, points.length - 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (value) => HEIGHT - PAD.bottom - (value / max) * (HEIGHT - PAD.top - PAD.bottom);
  for (const fraction of [0, 0.5, 1]) {
    svg.append(
      svgElement('line', {
        class: 'grid',
        x1: PAD.left,
        x2: WIDTH - PAD.right,
        y1: y(max * fraction),
        y2: y(max * fraction),
      }),
    );
    const label = svgElement('text', { x: 2, y: y(max * fraction) + 3 });
    label.textContent = String(+(max * fraction).toPrecision(3));
    svg.append(label);
  }
  const minutes = svgElement('text', { x: PAD.left, y: HEIGHT - 3 });
  minutes.textContent = `${Math.round((points.length * (points.length > 1 ? points[1].at - points[0].at : 0)) / 60000)} min ago`;
  svg.append(minutes);
  const now = svgElement('text', { x: WIDTH - PAD.right - 18, y: HEIGHT - 3 });
  now.textContent = 'now';
  svg.append(now);
  for (const line of series) {
    let path = '';
    points.forEach((point, index) => {
      const value = line.value(point);
      if (value === null) return;
      path += `${path === '' || line.value(points[index - 1] ?? {}) === null ? 'M' : 'L'}${x(index).toFixed(1)},${y(value).toFixed(1)} `;
    });
    svg.append(
      svgElement('path', {
        d: path.trim(),
        fill: 'none',
        stroke: line.color,
        'stroke-width': 2,
        'vector-effect': 'non-scaling-stroke',
        'data-series': line.name,
      }),
    );
    // A value with no neighbour draws no line: mark it with a dot.
    points.forEach((point, index) => {
      const value = line.value(point);
      const alone =
        value !== null && line.value(points[index - 1] ?? {}) === null && line.value(points[index + 1] ?? {}) === null;
      if (alone) svg.append(svgElement('circle', { cx: x(index), cy: y(value), r: 3, fill: line.color }));
    });
  }
}

function renderAgents(agents) {
  const body = $('agents').tBodies[0];
  body.replaceChildren(
    ...agents.rows.map((agent) => {
      const row = element('tr');
      row.dataset.agentId = agent.id;
      const status = element('td');
      status.append(element('span', agent.status, `status ${agent.status}`));
      const load = element('td');
      const bar = element('span', undefined, 'bar');
      const fill = element('i');
      fill.style.width = `${agent.capacity === null ? 0 : Math.min(100, (100 * agent.load) / agent.capacity)}%`;
      bar.append(fill);
      load.append(bar, document.createTextNode(`${agent.load}/${agent.capacity === null ? '∞' : agent.capacity}`));
      load.className = 'load';
      row.append(
        element('td', agent.id, 'id'),
        status,
        load,
        element('td', String(agent.priority), 'num'),
        element('td', String(agent.completed), 'num'),
        element('td', String(agent.failed), 'num'),
        element('td', formatMs(agent.latencyMs), 'num'),
        element('td', agent.capabilities.join(', '), 'muted'),
      );
      return row;
    }),
  );
  const counts = Object.entries(agents.byStatus)
    .map(([status, count]) => `${count} ${status}`)
    .join(' · ');
  $('agents-summary').textContent =
    agents.rows.length < agents.total ? `${counts} (first ${agents.rows.length} of ${agents.total} shown)` : counts;
}

function renderRecent(recent) {
  $('recent').tBodies[0].replaceChildren(
    ...recent.map((task) => {
      const row = element('tr');
      row.dataset.taskId = task.id;
      const outcome = element('td');
      outcome.append(element('span', task.status, `status ${task.status}`));
      if (task.errorCode !== null) outcome.append(document.createTextNode(` ${task.errorCode}`));
      row.append(
        element('td', new Date(task.finishedAt).toLocaleTimeString(), 'muted'),
        element('td', task.id, 'id'),
        element('td', task.type),
        element('td', task.agentId ?? '–'),
        outcome,
        element('td', formatMs(task.latencyMs), 'num'),
      );
      return row;
    }),
  );
}

function renderRunning(running) {
  $('running').tBodies[0].replaceChildren(
    ...running.map((task) => {
      const row = element('tr');
      row.dataset.taskId = task.id;
      const done = element('td', task.fraction === null ? '–' : `${Math.round(task.fraction * 100)}%`, 'num progress');
      if (task.fraction !== null) done.style.setProperty('--fraction', String(task.fraction));
      row.append(
        element('td', new Date(task.at).toLocaleTimeString(), 'muted'),
        element('td', task.id, 'id'),
        element('td', task.agentId),
        done,
        element('td', task.message ?? '', 'message'),
      );
      return row;
    }),
  );
  $('running-summary').textContent = running.length === 0 ? 'none reporting' : `${running.length} reporting`;
}

function render(snapshot) {
  const perSecond = 1000 / snapshot.bucketMs;
  const lastMinute = snapshot.series.slice(-Math.round(60000 / snapshot.bucketMs));
  const finishedLastMinute = lastMinute.reduce((sum, point) => sum + point.completed + point.failed, 0);
  $('agents-online').textContent = `${snapshot.agents.byStatus.online ?? 0}/${snapshot.agents.total}`;
  $('queue-depth').textContent = String(snapshot.queue.depth);
  $('throughput').textContent = (finishedLastMinute / 60).toFixed(finishedLastMinute < 600 ? 2 : 1);
  $('completed-total').textContent = String(snapshot.totals.completed ?? 0);
  $('failed-total').textContent = String(
    Object.entries(snapshot.totals).reduce((sum, [status, count]) => (status === 'completed' ? sum : sum + count), 0),
  );
  $('updated').textContent = `updated ${new Date(snapshot.at).toLocaleTimeString()}`;
  drawChart($('chart-throughput'), snapshot.series, [
    {
      name: 'completed',
      color: 'var(--ok)',
      value: (point) => (point.completed === undefined ? null : point.completed * perSecond),
    },
    {
      name: 'failed',
      color: 'var(--bad)',
      value: (point) => (point.failed === undefined ? null : point.failed * perSecond),
    },
  ]);
  drawChart($('chart-latency'), snapshot.series, [
    { name: 'p50', color: 'var(--accent)', value: (point) => point.p50Ms ?? null },
    { name: 'p99', color: 'var(--warn)', value: (point) => point.p99Ms ?? null },
  ]);
  drawChart($('chart-queue'), snapshot.series, [
    {
      name: 'queue',
      color: 'var(--warn)',
      value: (point) => (point.queueDepth === undefined ? null : point.queueDepth),
    },
  ]);
  renderAgents(snapshot.agents);
  renderRecent(snapshot.recent);
  renderRunning(snapshot.running);
  document.body.dataset.snapshotAt = String(snapshot.at);
}

const events = new EventSource('/dashboard/events');
events.onopen = () => {
  $('connection').textContent = 'live';
  $('connection').className = 'live';
};
events.onmessage = (message) => {
  render(JSON.parse(message.data));
};
events.onerror = () => {
  // EventSource retries by itself; a lost session (401) closes it for good: sign in again.
  const closed = events.readyState === EventSource.CLOSED;
  $('connection').textContent = closed ? 'signed out — reload to sign in' : 'reconnecting…';
  $('connection').className = '';
};
