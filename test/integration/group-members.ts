// Consumer group members driven by real clients, for the group tests: Apache Kafka's Java consumer
// (classic or consumer protocol), confluent-kafka (librdkafka) from Python, and kafkajs in this
// process. Each member reports what it owns and what it consumed, so a test can wait for a
// condition (every partition owned exactly once, everything consumed) instead of sleeping.

import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Kafka, logLevel, type Consumer} from 'kafkajs'
import {describeRun, runJava, runPython, type RunResult} from '../helpers/peers.js'

export type MemberKind = 'java-classic' | 'java-consumer' | 'confluent' | 'kafkajs'

export interface MemberState {
  assigned: number[]
  records: number
  /** Offsets consumed, by partition. */
  consumed: Record<string, number[]>
}

export interface Member {
  readonly name: string
  state(): MemberState
  /** Leaves the group cleanly. */
  stop(): Promise<void>
  /** Dies without leaving the group (only the peers in child processes can). */
  kill(): Promise<void>
  /** Resolves when the member has ended; the child's run for peers. */
  readonly done: Promise<RunResult | null>
}

export interface MemberOptions {
  bootstrap: string
  topic: string
  group: string
  assignor: string
  maxRunMs?: number
}

const EMPTY: MemberState = {assigned: [], records: 0, consumed: {}}
let counter = 0

function fileMember(name: string, start: (stateFile: string, stopFile: string) => Promise<RunResult>): Member {
  const dir = mkdtempSync(join(tmpdir(), 'tskafka-group-member-'))
  const stateFile = join(dir, 'state.json')
  const stopFile = join(dir, 'stop')
  const done = start(stateFile, stopFile).finally(() => undefined)
  let last = EMPTY
  return {
    name,
    state() {
      try {
        if (existsSync(stateFile)) last = JSON.parse(readFileSync(stateFile, 'utf8')) as MemberState
      } catch {
        // Replaced atomically; a failed read keeps the last good state.
      }
      return last
    },
    async stop() {
      writeFileSync(stopFile, '')
      const r = await done
      rmSync(dir, {recursive: true, force: true})
      if (r.code !== 0) throw new Error(describeRun(name, r))
    },
    async kill() {
      writeFileSync(`${stopFile}.kill`, '')
      await done
      rmSync(dir, {recursive: true, force: true})
    },
    done,
  }
}

function kafkajsMember(o: MemberOptions, name: string): Member {
  const kafka = new Kafka({clientId: name, brokers: [o.bootstrap], logLevel: logLevel.NOTHING})
  const consumer: Consumer = kafka.consumer({groupId: o.group, sessionTimeout: 6000, rebalanceTimeout: 10000, heartbeatInterval: 500})
  const state: MemberState = {assigned: [], records: 0, consumed: {}}
  let resolveDone!: (r: null) => void
  const done = new Promise<null>((resolve) => (resolveDone = resolve))
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.assigned = [...(e.payload.memberAssignment[o.topic] ?? [])].sort((a, b) => a - b)
  })
  const ready = (async () => {
    await consumer.connect()
    await consumer.subscribe({topic: o.topic, fromBeginning: true})
    await consumer.run({
      eachMessage: async ({partition, message}) => {
        ;(state.consumed[String(partition)] ??= []).push(Number(message.offset))
        state.records++
      },
    })
  })()
  return {
    name,
    state: () => state,
    async stop() {
      await ready
      await consumer.disconnect()
      state.assigned = []
      resolveDone(null)
    },
    async kill() {
      throw new Error('kafkajs members cannot die without leaving the group')
    },
    done,
  }
}

export function startMember(kind: MemberKind, o: MemberOptions): Member {
  const name = `${kind}-${o.assignor}-${++counter}`
  const maxRunMs = String(o.maxRunMs ?? 150_000)
  switch (kind) {
    case 'java-classic':
    case 'java-consumer':
      return fileMember(name, (stateFile, stopFile) =>
        runJava('GroupConsumer.java', [o.bootstrap, o.topic, o.group, kind === 'java-classic' ? 'classic' : 'consumer', o.assignor, stateFile, stopFile, maxRunMs], {
          timeoutMs: Number(maxRunMs) + 30_000,
        }),
      )
    case 'confluent':
      return fileMember(name, (stateFile, stopFile) =>
        runPython('group_consumer.py', [o.bootstrap, o.topic, o.group, o.assignor, stateFile, stopFile, maxRunMs], {timeoutMs: Number(maxRunMs) + 30_000}),
      )
    case 'kafkajs':
      return kafkajsMember(o, name)
  }
}

/** Whether the members own every partition 0..n-1 exactly once between them. */
export function ownedExactlyOnce(members: readonly Member[], numPartitions: number): boolean {
  const owned = members.flatMap((m) => m.state().assigned)
  return owned.length === numPartitions && new Set(owned).size === numPartitions && owned.every((p) => p >= 0 && p < numPartitions)
}

/** Distinct offsets consumed per partition, across members. */
export function consumedOffsets(members: readonly Member[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>()
  for (const m of members) {
    for (const [p, offsets] of Object.entries(m.state().consumed)) {
      const set = out.get(Number(p)) ?? new Set<number>()
      for (const o of offsets) set.add(o)
      out.set(Number(p), set)
    }
  }
  return out
}

/** Polls until the condition holds; the error names what was awaited and the members' states. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs: number, members: readonly Member[] = []): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) {
      const states = members.map((m) => `${m.name}: ${JSON.stringify({assigned: m.state().assigned, records: m.state().records})}`).join('\n')
      throw new Error(`timed out waiting for ${what}\n${states}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}
