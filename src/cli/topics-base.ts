// The shared body of `tskafka topics` and `tskafka topics <action>`.

import type {TopicAction} from '../admin/topics-command.js'
import {TskafkaCommand} from './base-command.js'
import {type TopicFlagValues, topicsOptionsFrom} from './topics-flags.js'

export abstract class TopicsBase extends TskafkaCommand {
  protected async runTopicAction(action: TopicAction, flags: TopicFlagValues & Record<string, unknown>, topicArg?: string): Promise<void> {
    const [{checkTopicsArgs, preflightTopicsArgs, runTopicsAction}, {outputMode, startSpinner}] = await Promise.all([import('../admin/topics-command.js'), import('./output.js')])
    const opts = topicsOptionsFrom(flags, topicArg)
    if (flags.topic !== undefined && topicArg !== undefined && flags.topic !== topicArg) {
      const {UsageError} = await import('./errors.js')
      throw new UsageError(`two topics given: ${topicArg} and --topic ${flags.topic}`)
    }
    checkTopicsArgs(action, opts)
    preflightTopicsArgs(action, opts)
    const mode = outputMode(flags as {output?: string; json?: boolean; yaml?: boolean}, 'text')
    const spinner = startSpinner(`${action === 'list' ? 'Listing' : action === 'describe' ? 'Describing' : 'Updating'} topics`)
    this.onCleanup(() => spinner.stop())
    const client = await this.connect(flags)
    await runTopicsAction(client, action, opts, mode, {
      out: (t) => {
        spinner.stop()
        this.out(t)
      },
      err: (t) => this.err(t),
    })
  }
}
