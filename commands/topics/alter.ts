import {Args} from '@oclif/core'

import {TopicsBase} from '../../src/cli/topics-base.js'
import {topicOptionFlags} from '../../src/cli/topics-flags.js'

export default class TopicsAlter extends TopicsBase {
  static override summary = "Increase a topic's partition count (kafka-topics.sh --alter)."

  static override description = 'Takes the same options as tskafka topics --alter; the topic may also be given as the first argument.'

  static override examples = ['<%= config.bin %> topics alter orders --partitions 6']

  static override args = {
    topic: Args.string({description: 'the topic (same as --topic)', required: false}),
  }

  static override flags = topicOptionFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TopicsAlter)
    await this.runTopicAction('alter', flags, args.topic)
  }
}
