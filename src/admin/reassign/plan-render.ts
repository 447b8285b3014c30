// What `tskafka reassign plan` prints: a before/after view per broker (replicas, preferred
// leaders, bytes), the partitions that change with their replica moves (extra moves of a drain
// under their own heading), the totals, the planner's notes, and then Kafka's reassignment JSON
// as kafka-reassign-partitions.sh --generate prints it ("Current partition replica assignment",
// "Proposed partition reassignment configuration"), or where it was written.

import {renderTable} from '../../cli/output.js'
import type {PlanRunResult} from './plan-run.js'
import type {BrokerLoad, PartitionChange, PlanRequest, ReassignmentPlan, ReplicaMove} from './planner.js'
import {formatBytes} from './render.js'

/** The plan in one line: what it does, to what. */
export function planTitle(request: PlanRequest, topics: readonly string[], rackAware: boolean): string {
  const list = (ids: readonly number[]) => `${ids.length === 1 ? 'broker' : 'brokers'} ${ids.join(', ')}`
  const scope = topics.length === 1 ? `topic ${topics[0]}` : topics.length <= 5 ? `topics ${topics.join(', ')}` : `${topics.length} topics`
  const racks = rackAware ? ', rack-aware' : ''
  switch (request.kind) {
    case 'add-brokers':
      return `Plan: add ${list(request.brokers)} (${scope}${racks})`
    case 'drain-brokers':
      return `Plan: drain ${list(request.brokers)} (${scope}${racks})`
    case 'replication-factor':
      return `Plan: replication factor ${request.replicationFactor} for topic ${request.topic}${racks ? ` (rack-aware)` : ''}`
  }
}

function brokerName(b: BrokerLoad): string {
  return b.role === 'added' ? `${b.id} (new)` : b.role === 'drained' ? `${b.id} (drained)` : String(b.id)
}

const change = (before: string | number, after: string | number) => (String(before) === String(after) ? String(after) : `${before} -> ${after}`)

function brokerRows(plan: ReassignmentPlan): {head: string[]; rows: string[][]} {
  const withRacks = plan.brokers.some((b) => b.rack !== null)
  const head = ['Broker', ...(withRacks ? ['Rack'] : []), 'Replicas', 'Preferred leaders', 'Size']
  const rows = plan.brokers.map((b) => [
    brokerName(b),
    ...(withRacks ? [b.rack ?? '-'] : []),
    change(b.before.replicas, b.after.replicas),
    change(b.before.preferredLeaders, b.after.preferredLeaders),
    change(formatBytes(b.before.bytes), formatBytes(b.after.bytes)),
  ])
  return {head, rows}
}

/** "1 -> 4", "+4" for a new replica, "-3" for a dropped one; "order only" when just the leader order changes. */
function movesCell(c: PartitionChange, moves: readonly ReplicaMove[]): string {
  const own = moves.filter((m) => m.topic === c.topic && m.partition === c.partition)
  if (own.length === 0) return 'order only'
  return own.map((m) => (m.from !== null && m.to !== null ? `${m.from} -> ${m.to}` : m.to !== null ? `+${m.to}` : `-${m.from}`)).join(', ')
}

function changeRows(plan: ReassignmentPlan, changes: readonly PartitionChange[]): {head: string[]; rows: string[][]} {
  const head = ['Topic', 'Partition', 'Replicas', 'Moves', 'Size']
  const rows = changes.map((c) => [c.topic, String(c.partition), `${c.before.join(',')} -> ${c.after.join(',')}`, movesCell(c, plan.moves), formatBytes(c.sizeBytes)])
  return {head, rows}
}

/** Plain columns, two spaces apart, no trailing blanks. */
function columns(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [head, ...rows]
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n')
}

function totals(plan: ReassignmentPlan): string {
  const dropped = plan.moves.filter((m) => m.to === null).length
  const parts: string[] = []
  const partitions = `${plan.changes.length} partition${plan.changes.length === 1 ? '' : 's'} change${plan.changes.length === 1 ? 's' : ''}`
  parts.push(`${plan.replicasMoved} replica${plan.replicasMoved === 1 ? '' : 's'} to copy, ${formatBytes(plan.bytesToMove)} (${plan.bytesToMove} bytes)`)
  if (plan.extraMoves > 0) parts.push(`${plan.extraMoves} of them extra moves for balance`)
  if (dropped > 0) parts.push(`${dropped} replica${dropped === 1 ? '' : 's'} dropped`)
  return `Total: ${parts.join('; ')}; ${partitions}.`
}

function jsonSections(result: PlanRunResult): string[] {
  if (result.proposedJson === null) return []
  const out = ['', 'Current partition replica assignment', result.currentJson, '']
  if (result.outputFile !== null) {
    out.push(`Proposed partition reassignment configuration written to ${result.outputFile}`)
    out.push(`Run it with: tskafka reassign --execute --reassignment-json-file ${result.outputFile} (kafka-reassign-partitions.sh --execute takes the same file)`)
  } else {
    out.push('Proposed partition reassignment configuration', result.proposedJson)
  }
  return out
}

type Layout = (head: string[], rows: string[][]) => Promise<string> | string

async function render(result: PlanRunResult, layout: Layout): Promise<string> {
  const {plan} = result
  const out: string[] = [planTitle(plan.request, result.topics, plan.rackAware), '']
  const brokers = brokerRows(plan)
  out.push(await layout(brokers.head, brokers.rows))
  const ordinary = plan.changes.filter((c) => !c.extra)
  const extra = plan.changes.filter((c) => c.extra)
  if (plan.changes.length === 0) {
    out.push('', 'Nothing to move: the plan leaves every replica where it is.')
    if (result.outputFileSkipped !== undefined) out.push(`No reassignment file written to ${result.outputFileSkipped}.`)
  } else {
    if (ordinary.length > 0) {
      const rows = changeRows(plan, ordinary)
      out.push('', `Partition moves (${ordinary.length}):`, await layout(rows.head, rows.rows))
    }
    if (extra.length > 0) {
      const rows = changeRows(plan, extra)
      out.push('', `Extra moves required for balance: replicas NOT on a drained broker (${plan.extraMoves}):`, await layout(rows.head, rows.rows))
    }
    out.push('', totals(plan))
  }
  if (plan.notes.length > 0) out.push('', ...plan.notes.map((n) => `Note: ${n}`))
  out.push(...jsonSections(result))
  return out.join('\n')
}

/** The default text: aligned plain columns. */
export function renderPlanText(result: PlanRunResult): Promise<string> {
  return render(result, columns)
}

/** --output table: the same with drawn tables. */
export function renderPlanTable(result: PlanRunResult): Promise<string> {
  return render(result, renderTable)
}

/** --output json|yaml: the plan as data, Kafka's reassignment JSON included as an object. */
export function planData(result: PlanRunResult): Record<string, unknown> {
  const {plan} = result
  return {
    request: plan.request,
    topics: result.topics,
    rackAware: plan.rackAware,
    brokers: plan.brokers.map((b) => ({
      id: b.id,
      rack: b.rack,
      role: b.role,
      before: {replicas: b.before.replicas, preferredLeaders: b.before.preferredLeaders, bytes: b.before.bytes},
      after: {replicas: b.after.replicas, preferredLeaders: b.after.preferredLeaders, bytes: b.after.bytes},
    })),
    changes: plan.changes,
    moves: plan.moves,
    replicasMoved: plan.replicasMoved,
    bytesToMove: plan.bytesToMove,
    extraMoves: plan.extraMoves,
    notes: plan.notes,
    outputFile: result.outputFile,
    current: JSON.parse(result.currentJson) as unknown,
    reassignment: result.proposedJson === null ? null : (JSON.parse(result.proposedJson) as unknown),
  }
}
